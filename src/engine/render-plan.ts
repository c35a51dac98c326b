// The plan as an operator reads it: findings first (blockers on top), then each action as
// "+ create", "~ change", "- remove", "> run", with a unified diff under every file change.
import { createTwoFilesPatch } from 'diff';
import type { Action } from './action.js';
import { actionOp, type ActionOp } from './action-op.js';
import { planBlockersByStep, stepName } from './plan-queries.js';
import type { Plan } from './plan.js';
import { sortFindings, type Severity } from './finding.js';
import { archiveText } from './signer-text.js';

const OP_SIGN: Record<ActionOp, string> = { create: '+', change: '~', remove: '-', run: '>' };
const SEVERITY_LABEL: Record<Severity, string> = { blocker: 'BLOCKER', warning: 'warning', info: 'info' };

export const fileDiff = (a: Action): string | null => {
  if (a.kind === 'file.write') {
    return createTwoFilesPatch(a.before === null ? '/dev/null' : a.path, a.path, a.before ?? '', a.content, '', '', { context: 3 })
      .split('\n')
      .slice(1) // drop the "Index:"/"===" banner line diff adds
      .join('\n')
      .trimEnd();
  }
  if (a.kind === 'file.remove') {
    return createTwoFilesPatch(a.path, '/dev/null', a.before, '', '', '', { context: 0 }).split('\n').slice(1).join('\n').trimEnd();
  }
  return null;
};

export const renderAction = (a: Action): string => {
  const head = `  ${OP_SIGN[actionOp(a)]} ${a.description}`;
  const diff = fileDiff(a);
  return diff === null ? head : `${head}\n${diff.split('\n').map((l) => `      ${l}`).join('\n')}`;
};

const archiveLines = (plan: Plan): string[] => {
  const a = plan.archive;
  if (a === undefined) return [];
  return [archiveText(a)];
};

export const renderPlanText = (plan: Plan): string => {
  const out: string[] = [
    `keelson plan for ${plan.stack.name} ${plan.stack.version} (${plan.stack.mode}) on ${plan.host}`,
    `facts gathered in ${plan.roundTrips} round trip${plan.roundTrips === 1 ? '' : 's'}`,
    ...archiveLines(plan),
    '',
  ];
  let total = 0;
  for (const step of plan.steps) {
    out.push(`== ${step.title}`);
    for (const f of sortFindings(step.findings)) {
      out.push(`  [${SEVERITY_LABEL[f.severity]}] ${f.message}`);
      if (f.remedy !== '') out.push(`      → ${f.remedy}`);
    }
    if (step.actions.length === 0) out.push('  (nothing to do)');
    for (const a of step.actions) out.push(renderAction(a));
    total += step.actions.length;
    out.push('');
  }
  const blockers = planBlockersByStep(plan);
  if (blockers.length > 0) out.push(...blockerList(blockers));
  else out.push(total === 0 ? 'Nothing to do: the host already matches the stack.' : `${total} action${total === 1 ? '' : 's'} to apply.`);
  return out.join('\n') + '\n';
};

/** The end of a blocked plan: every blocker again, with its step and remedy, where the reader's eye is after the diffs. */
const blockerList = (blockers: ReturnType<typeof planBlockersByStep>): string[] => {
  const n = blockers.length;
  return [
    `${n} blocker${n === 1 ? '' : 's'}: nothing can be applied until ${n === 1 ? 'it is' : 'they are'} fixed:`,
    ...blockers.flatMap(({ step, finding }, i) => {
      const head = `  ${i + 1}. ${stepName(step)}: ${finding.message}`;
      return finding.remedy === '' ? [head] : [head, `${' '.repeat(`  ${i + 1}. `.length)}  → ${finding.remedy}`];
    }),
  ];
};
