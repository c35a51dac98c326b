// The Apply screen as lines: each action with its state and time, the headline, a secret shown once, a glimpse of
// live output. Pure: the screen lays them out.
import type { Reveal } from '../controller.js';
import { formatSeconds } from '../components/spinner/spinner.js';
import { blank, cutAt, lineWidth, seg, textWidth, wrapExact, wrapped, type Line } from '../lines/line.js';
import type { Tone } from '../theme/theme.js';
import { counts, type ApplyState, type RowState } from './apply-state.js';

export const SIGN: Record<RowState, { sign: string; tone: Tone | undefined }> = {
  pending: { sign: '·', tone: 'muted' },
  running: { sign: '▶', tone: 'accent' },
  done: { sign: '✓', tone: 'ok' },
  skipped: { sign: '=', tone: 'muted' },
  failed: { sign: '✗', tone: 'bad' },
};

/** Rows of live output under the list. */
export const OUTPUT_ROWS = 5;

const TIME_COLUMNS = 10;

/** One row of a command's live output; a longer one ends in "…" (the log keeps it whole). */
export const glimpse = (l: string, cols: number): string => {
  const [head, rest] = cutAt(l, cols);
  return rest === '' ? head : `${cutAt(head, cols - 1)[0]}…`;
};

/** Each action as lines: its sign, its whole description (wrapped under itself), its time at the end of the first. */
export const actionRows = (s: ApplyState, now: number, width: number): { lines: Line[]; starts: number[] } => {
  const lines: Line[] = [];
  const starts: number[] = [];
  s.rows.forEach((r, i) => {
    starts.push(lines.length);
    const { sign, tone } = SIGN[r.state];
    const ms = r.ms ?? (r.state === 'running' && r.startedAt !== undefined ? now - r.startedAt : undefined);
    const time = ms === undefined ? '' : formatSeconds(ms);
    const label = r.state === 'skipped' ? `${r.description} (already so)` : r.description;
    const style = { ...(r.state === 'pending' ? { tone: 'muted' as const } : {}), bold: r.state === 'running' };
    const rows = wrapped(label, width - TIME_COLUMNS, style, seg(` ${sign} `, { tone, bold: r.state === 'running' || r.state === 'failed' }), '');
    const [first = [], ...more] = rows;
    lines.push([...first, seg(' '.repeat(Math.max(0, width - TIME_COLUMNS - lineWidth(first)))), seg(time.padStart(TIME_COLUMNS), { tone: 'muted' })], ...more);
    if (r.state === 'failed' && r.error !== undefined && i === s.current) {
      lines.push(...r.error.split('\n').flatMap((l) => wrapped(l, width, { tone: 'bad' }, seg('     '), '     ')));
    }
  });
  return { lines, starts };
};

/** A secret shown once: what it is, the secret alone on its rows (nothing else to copy with it), what enter does. */
export const revealLines = (r: Reveal, width: number): Line[] => [
  ...wrapped(r.message, width, { bold: true, tone: 'warn' }, seg('! ', { tone: 'warn', bold: true }), '  '),
  blank,
  ...wrapExact(r.secret, width, textWidth(r.secret) + 4 <= width ? '    ' : '', { bold: true }),
  blank,
  ...wrapped('Press enter once you have kept it: it is not shown again, and it is in no log.', width, { tone: 'muted' }),
  blank,
];

/** What a run over ApplyEvents says it does, in its headline: an apply, or an uninstall (uninstallWords). */
export interface RunWords {
  /** While it runs: "Applying to HOST". */
  readonly running: string;
  /** Once it went through: "Applied". */
  readonly done: string;
  /** The run's name when it stopped at a failure: "Apply". */
  readonly run: string;
}

export const applyWords = (hostLabel: string): RunWords => ({ running: `Applying to ${hostLabel}`, done: 'Applied', run: 'Apply' });

export const headline = (s: ApplyState, now: number, words: RunWords, width: number): Line[] => {
  const c = counts(s);
  const total = s.rows.length;
  const elapsed = formatSeconds((s.endedAt ?? now) - s.startedAt);
  switch (s.phase) {
    case 'running':
      return wrapped(`${words.running}: ${c.done + c.skipped} of ${total} finished · ${elapsed}`, width, { bold: true });
    case 'stopping':
      return wrapped(`Stopping after the running action… ${c.done + c.skipped} of ${total} finished · ${elapsed}`, width, { bold: true, tone: 'warn' });
    case 'finished': {
      const o = s.outcome;
      if (o?.ok === true) return wrapped(`${words.done} in ${elapsed}: ${o.done} done, ${o.skipped} already so.`, width, { bold: true }, seg('✓ ', { tone: 'ok', bold: true }), '  ');
      if (o?.stopped === true) return wrapped(`Stopped as you asked after ${c.done + c.skipped} of ${total} actions.`, width, { bold: true }, seg('! ', { tone: 'warn', bold: true }), '  ');
      return wrapped(`${words.run} stopped at action ${(o?.failed?.index ?? 0) + 1} of ${total}; ${c.done + c.skipped} finished.`, width, { bold: true, tone: 'bad' }, seg('✗ ', { tone: 'bad', bold: true }), '  ');
    }
  }
};

