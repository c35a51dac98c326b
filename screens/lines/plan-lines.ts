// A step's findings and actions, and the whole plan, as lines: blockers first with their remedy, every action
// with its sign, file changes with their unified diff (the same text `keelson plan` prints).
import type { Action } from '../../src/engine/action.js';
import { actionOp, type ActionOp } from '../../src/engine/action-op.js';
import { sortFindings, type Finding, type Severity } from '../../src/engine/finding.js';
import type { Plan, StepPlan } from '../../src/engine/plan.js';
import { fileDiff } from '../../src/engine/render-plan.js';
import { archiveText } from '../../src/engine/signer-text.js';
import type { Tone } from '../theme/theme.js';
import { blank, line, seg, wrapExact, wrapLine, wrapped, type Line } from './line.js';

const SEVERITY: Record<Severity, { label: string; tone: Tone }> = {
  blocker: { label: '✗ BLOCKER ', tone: 'bad' },
  warning: { label: '! warning ', tone: 'warn' },
  info: { label: '· info    ', tone: 'muted' },
};

const OP: Record<ActionOp, { sign: string; tone: Tone }> = {
  create: { sign: '+', tone: 'add' },
  change: { sign: '~', tone: 'warn' },
  remove: { sign: '-', tone: 'remove' },
  run: { sign: '>', tone: 'accent' },
};

export const findingLines = (f: Finding, width: number): Line[] => {
  const s = SEVERITY[f.severity];
  const head = wrapped(f.message, width - 2, {}, seg(`  ${s.label}`, { tone: s.tone, bold: f.severity === 'blocker' }));
  const remedy = f.remedy === '' ? [] : wrapped(f.remedy, width - 2, { tone: 'accent' }, seg('    → fix: ', { tone: 'accent' }));
  return [...head, ...remedy];
};

const diffTone = (l: string): Tone | undefined => {
  if (l.startsWith('+++') || l.startsWith('---')) return 'muted';
  if (l.startsWith('+')) return 'add';
  if (l.startsWith('-')) return 'remove';
  if (l.startsWith('@@')) return 'accent';
  return undefined;
};

/**
 * Every byte of a diff line is shown: a line wider than the terminal continues on rows marked ↪ in the sign column,
 * so it never reads as a second line of the file, and nothing of it is cut.
 */
export const actionLines = (a: Action, width: number, withDiff = true): Line[] => {
  const op = OP[actionOp(a)];
  const head = wrapped(a.description, width, {}, seg(`  ${op.sign} `, { tone: op.tone, bold: true }), '');
  const diff = withDiff ? fileDiff(a) : null;
  if (diff === null) return head;
  return [...head, ...diff.split('\n').flatMap((l) => wrapExact(l, width, DIFF_INDENT, { ...(diffTone(l) === undefined ? {} : { tone: diffTone(l) }) }))];
};

/** Where a diff's lines start under their action. */
export const DIFF_INDENT = '      ';

export const stepCounts = (step: StepPlan): { blockers: number; warnings: number; actions: number } => ({
  blockers: step.findings.filter((f) => f.severity === 'blocker').length,
  warnings: step.findings.filter((f) => f.severity === 'warning').length,
  actions: step.actions.length,
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const stepSummary = (step: StepPlan, skipped: boolean, width: number): Line[] => {
  const c = stepCounts(step);
  if (c.blockers > 0) return wrapped(`${plural(c.blockers, 'blocker')}: fix ${c.blockers === 1 ? 'it' : 'them'} on the host, then press r to check again.`, width, { tone: 'bad', bold: true });
  if (skipped) return wrapped(`Skipped by you: its ${plural(c.actions, 'action')} will not be applied (s includes it again).`, width, { tone: 'warn', bold: true });
  if (c.actions === 0) return wrapped('Nothing to do: the host already matches this step.', width, { tone: 'ok' });
  return wrapped(`${plural(c.actions, 'action')} planned${c.warnings > 0 ? `, ${plural(c.warnings, 'warning')}` : ''}.`, width, { bold: true });
};

/** A step's page; `kept` says why s may not skip it (or include it again), when that is so for another reason than a blocker. */
export const stepLines = (step: StepPlan, width: number, skipped: boolean, kept: string | null = null): Line[] => {
  const findings = sortFindings(step.findings);
  const why = kept === null ? [] : wrapLine([seg(skipped ? 'Cannot be included again: ' : 'Cannot be skipped: ', { tone: 'warn', bold: true }), seg(kept, { tone: 'warn' })], width, '  ');
  const out: Line[] = [...stepSummary(step, skipped, width), ...why, blank];
  if (findings.length > 0) {
    out.push(line('Findings', { bold: true }));
    for (const f of findings) out.push(...findingLines(f, width));
    out.push(blank);
  }
  if (step.actions.length > 0) {
    out.push(line(skipped ? 'Actions (skipped)' : 'Actions', { bold: true }));
    for (const a of step.actions) out.push(...actionLines(a, width).map((l) => (skipped ? l.map((s) => ({ ...s, dim: true })) : l)));
  }
  return out;
};

/** The plan as it will be applied: skipped steps keep their findings but lose their actions. */
export const effectivePlan = (plan: Plan, skipped: readonly string[]): Plan => ({
  ...plan,
  steps: plan.steps.map((s) => (skipped.includes(s.id) ? { ...s, actions: [] } : s)),
});

export const planLines = (plan: Plan, skipped: readonly string[], width: number): Line[] => {
  // A plan from a stack archive says first which file and who signed it, as `keelson plan` does.
  const out: Line[] = plan.archive === undefined ? [] : [...wrapped(archiveText(plan.archive), width, {}, seg('✓ ', { tone: 'ok' }), '  '), blank];
  plan.steps.forEach((step, i) => {
    const isSkipped = skipped.includes(step.id);
    const c = stepCounts(step);
    const tail = c.blockers > 0 ? ' (blocked)' : isSkipped ? ' (skipped)' : c.actions === 0 ? ' (nothing to do)' : '';
    out.push(...wrapLine([seg(`${i + 1}. ${step.title}`, { bold: true }), seg(tail, { tone: c.blockers > 0 ? 'bad' : isSkipped ? 'warn' : 'muted' })], width, '   '));
    for (const f of sortFindings(step.findings).filter((x) => x.severity !== 'info')) out.push(...findingLines(f, width));
    if (!isSkipped) for (const a of step.actions) out.push(...actionLines(a, width));
    out.push(blank);
  });
  return out;
};
