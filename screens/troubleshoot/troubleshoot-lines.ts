// Troubleshoot as data: doctor's report → the list (failures first; the record's check, which carries the failed
// mark, first of all) and one check's evidence and remedy. Pure; whatever the host printed is shown, never obeyed.
import { worstFirst } from '../../src/flows/doctor/check.js';
import type { BundleWritten, Check, CheckStatus, DoctorReport } from '../controller.js';
import type { SelectOption } from '../components/select/use-select-state.js';
import { blank, seg, wrapped, type Line } from '../lines/line.js';
import type { Tone } from '../theme/theme.js';

export const STATUS_MARK: Record<CheckStatus, { readonly mark: string; readonly word: string; readonly tone: Tone }> = {
  fail: { mark: '✗', word: 'FAIL', tone: 'bad' },
  warn: { mark: '!', word: 'warn', tone: 'warn' },
  ok: { mark: '✓', word: 'ok', tone: 'ok' },
};

/** The order the list shows: failing, then warning, then fine; doctor's own order within each (the record first). */
export const orderedChecks = (r: DoctorReport): Check[] => worstFirst(r.checks);

/** One choice per check: "✗ FAIL  id" with its summary under it. */
export const checkOptions = (checks: readonly Check[]): SelectOption<string>[] =>
  checks.map((c) => ({ value: c.id, label: `${STATUS_MARK[c.status].mark} ${STATUS_MARK[c.status].word.padEnd(4)}  ${c.id}`, hint: c.summary }));

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Troubleshoot's support bundle: not asked for yet, being written, where it went, or why it could not be. */
export type BundleState =
  | { readonly kind: 'none' }
  | { readonly kind: 'writing' }
  | { readonly kind: 'written'; readonly written: BundleWritten }
  | { readonly kind: 'failed'; readonly message: string };

const bundleLines = (b: BundleState, bundleCommand: string, width: number): Line[] => {
  switch (b.kind) {
    case 'none':
      return wrapped(`For someone else to look at: w writes a redacted support bundle here (or: ${bundleCommand}).`, width, { tone: 'muted' }, seg('  '));
    case 'writing':
      return wrapped('Writing the support bundle (read-only on the host: one more round trip)…', width, { tone: 'accent' }, seg('  '));
    case 'written':
      return [
        ...wrapped(`Support bundle: ${b.written.path} (${b.written.bytes} bytes, ${plural(b.written.secrets, 'secret')} redacted by value): send this one.`, width, { tone: 'ok' }, seg('✓ ', { tone: 'ok' })),
        ...wrapped(`Pseudonym map: ${b.written.mapPath}: keep it, do not send it (it turns the bundle's pseudonyms back into names).`, width, {}, seg('  ')),
      ];
    case 'failed':
      return wrapped(`The support bundle could not be written: ${b.message}`, width, { tone: 'bad' }, seg('✗ ', { tone: 'bad' }));
  }
};

/** Above the list: the counts, what was looked at, that nothing changed, and how to hand it on (a support bundle). */
export const reportHeadLines = (r: DoctorReport, bundleCommand: string, width: number, bundle: BundleState = { kind: 'none' }): Line[] => {
  const { ok, warn, fail } = r.counts;
  const tone: Tone = fail > 0 ? 'bad' : warn > 0 ? 'warn' : 'ok';
  const mark = fail > 0 ? '✗ ' : warn > 0 ? '! ' : '✓ ';
  const stacks = r.stacks.length === 0 ? 'no stack deployed' : `stack${r.stacks.length === 1 ? '' : 's'} ${r.stacks.join(', ')}`;
  return [
    ...wrapped(`${fail} failing, ${plural(warn, 'warning')}, ${ok} ok — ${stacks}`, width, { bold: true }, seg(mark, { tone, bold: true })),
    ...wrapped(
      `keelson doctor read ${r.host} in ${plural(r.roundTrips, 'round trip')} (${(r.elapsedMs / 1000).toFixed(1)} s) and changed nothing on it. Enter on a check shows what it saw and what to do.`,
      width,
      { tone: 'muted' },
      seg('  '),
    ),
    ...bundleLines(bundle, bundleCommand, width),
    blank,
  ];
};

/**
 * One check in full: its status and summary, the remedy to copy (never run by keelson), then the evidence doctor saw —
 * the remedy first, as it is short and a unit's journal lines are not: it stays in sight on a small terminal.
 */
export const checkDetailLines = (c: Check, width: number): Line[] => {
  const s = STATUS_MARK[c.status];
  const block = (rows: readonly string[], tone: Tone | undefined) => rows.flatMap((r) => wrapped(r, width, tone === undefined ? {} : { tone }, seg('    '), '  '));
  return [
    ...wrapped(`${s.word} ${c.id}`, width, { bold: true, tone: s.tone }, seg(`${s.mark} `, { tone: s.tone, bold: true })),
    ...wrapped(c.summary, width, {}, seg('  ')),
    blank,
    ...(c.remedy.length === 0
      ? wrapped(c.status === 'ok' ? 'Nothing to do.' : 'Doctor has no remedy to offer for this one: read what it saw below.', width, { tone: 'muted' })
      : [...wrapped('Remedy: copy it and run it yourself; keelson runs nothing from here.', width, { bold: true }), ...block(c.remedy, 'accent')]),
    blank,
    ...(c.evidence.length === 0 ? wrapped('Doctor kept no evidence beyond the line above.', width, { tone: 'muted' }) : [...wrapped('What doctor saw on the host:', width, { bold: true }), ...block(c.evidence, undefined)]),
  ];
};
