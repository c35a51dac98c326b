// A doctor check: a stable id (scripts and --only/--skip name it), what it looked at, what it saw, and a remedy
// the operator can copy. Doctor prints remedies; it never runs one.

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable: "AREA:SUBJECT[:DETAIL]", e.g. "unit:demo:web.service", "storage:audit-space". */
  readonly id: string;
  readonly status: CheckStatus;
  /** One line: what was checked and how it is. */
  readonly summary: string;
  /** What doctor saw on the host (property values, lines of a file, journal lines). */
  readonly evidence: readonly string[];
  /** Commands or steps to copy; empty when nothing needs doing. */
  readonly remedy: readonly string[];
}

export const check = (id: string, status: CheckStatus, summary: string, evidence: readonly string[] = [], remedy: readonly string[] = []): Check => ({
  id,
  status,
  summary,
  evidence,
  remedy,
});

const RANK: Record<CheckStatus, number> = { fail: 0, warn: 1, ok: 2 };

/** Failures first, then warnings; the checks' own order within each. */
export const worstFirst = (checks: readonly Check[]): Check[] =>
  checks.map((c, i) => ({ c, i })).sort((a, b) => RANK[a.c.status] - RANK[b.c.status] || a.i - b.i).map(({ c }) => c);

/** `--only a,b` / `--skip c`: an id matches a pattern equal to it or to one of its leading "AREA[:…]" parts. */
export const matchesId = (id: string, pattern: string): boolean => id === pattern || id.startsWith(`${pattern}:`);

export const selectChecks = (checks: readonly Check[], only: readonly string[], skip: readonly string[]): Check[] =>
  checks.filter((c) => (only.length === 0 || only.some((p) => matchesId(c.id, p))) && !skip.some((p) => matchesId(c.id, p)));
