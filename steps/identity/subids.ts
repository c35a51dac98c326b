// Subordinate ID ranges for the rootless owner. One range is given for both /etc/subuid and /etc/subgid, so it must be
// free in both files, and it must not contain a real UID or GID: a container ID mapped onto a real account would own
// that account's files.
import type { SubidRange } from './account-facts.js';

export const SUBID_COUNT = 65536;

export interface Span {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

const span = (r: { start: number; count: number }): Span => ({ start: r.start, end: r.start + r.count - 1 });
const overlaps = (a: Span, b: Span) => a.start <= b.end && b.start <= a.end;

/** Whether a line of subuid/subgid belongs to this user (lines may name the user or its UID). */
export const ownsRange = (r: SubidRange, name: string, uid: number | null) => r.owner === name || (uid !== null && r.owner === String(uid));

/**
 * The first range of `count` IDs from `min` on that touches no existing range and no real ID, ending at or below `max`
 * (useradd's first fit, so the first ever is the familiar 100000:65536).
 */
export const allocateSubids = (
  ranges: readonly SubidRange[],
  realIds: readonly number[],
  min: number,
  max: number,
  count = SUBID_COUNT,
): Span | null => {
  const busy: Span[] = [...ranges.map(span), ...realIds.map((id) => ({ start: id, end: id }))].sort((a, b) => a.start - b.start);
  let start = min;
  for (const b of busy) {
    const want = { start, end: start + count - 1 };
    if (b.end < start) continue;
    if (!overlaps(want, b)) break;
    start = b.end + 1;
  }
  return start + count - 1 <= max ? { start, end: start + count - 1 } : null;
};

export interface SubidConflict {
  readonly mine: Span;
  /** Whose range it collides with ("UID 1000" for a real account). */
  readonly other: string;
}

/** The owner's existing ranges that overlap anyone else's range or a real ID. */
export const subidConflicts = (
  mine: readonly SubidRange[],
  others: readonly SubidRange[],
  realIds: readonly { id: number; what: string }[],
): SubidConflict[] =>
  mine.flatMap((m) => {
    const s = span(m);
    return [
      ...others.filter((o) => overlaps(s, span(o))).map((o) => ({ mine: s, other: `${o.owner}'s range ${o.start}:${o.count}` })),
      ...realIds.filter((r) => r.id >= s.start && r.id <= s.end).map((r) => ({ mine: s, other: r.what })),
    ];
  });
