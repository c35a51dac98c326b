// Which steps the operator may leave out of an apply. A step's actions are left out only when nothing planned after
// it relies on them: later steps were planned with the users, groups, directories and packages earlier steps make
// (StepPlan.buildsOn), and an apply without those would create files and units that name what will never exist.
// Pure: the wizard's state machine and the Step screen ask the same questions of the same plan.
import { stepName } from './plan-queries.js';
import type { StepPlan } from './plan.js';

interface PlanSteps {
  readonly steps: readonly StepPlan[];
}

const hasBlocker = (step: StepPlan) => step.findings.some((f) => f.severity === 'blocker');

/** Later steps, not skipped and with actions, that build on `id`'s actions, with what they take from it. */
const dependents = (plan: PlanSteps, skipped: readonly string[], id: string) =>
  plan.steps.flatMap((s) => {
    if (skipped.includes(s.id) || s.actions.length === 0) return [];
    const on = s.buildsOn?.find((b) => b.step === id);
    return on === undefined ? [] : [{ step: s, why: on.why }];
  });

/**
 * Why `id` may not be skipped now (null: it may). A step with blockers, or one whose actions later steps build on,
 * keeps its actions; skipping a step that plans nothing changes nothing and is allowed.
 */
export const skipRefusal = (plan: PlanSteps, skipped: readonly string[], id: string): string | null => {
  const step = plan.steps.find((s) => s.id === id);
  if (step === undefined || skipped.includes(id)) return null;
  if (hasBlocker(step)) return 'it has blockers: fix them on the host, then press r to check again.';
  if (step.actions.length === 0) return null;
  const on = dependents(plan, skipped, id);
  if (on.length === 0) return null;
  return `${on.map((d) => `${stepName(d.step)} builds on its actions (${d.why})`).join('; ')}.`;
};

/** Why the skipped step `id` may not be included again now: it builds on an earlier step that is still skipped. */
export const includeRefusal = (plan: PlanSteps, skipped: readonly string[], id: string): string | null => {
  const step = plan.steps.find((s) => s.id === id);
  if (step === undefined || !skipped.includes(id) || step.actions.length === 0) return null;
  const missing = (step.buildsOn ?? []).flatMap((b) => {
    const earlier = plan.steps.find((s) => s.id === b.step);
    return earlier !== undefined && skipped.includes(earlier.id) && earlier.actions.length > 0 ? [{ earlier, why: b.why }] : [];
  });
  if (missing.length === 0) return null;
  return `it builds on ${missing.map((m) => `${stepName(m.earlier)} (${m.why})`).join(' and ')}, which you skipped: include ${missing.length === 1 ? 'it' : 'them'} first.`;
};

/**
 * The skips that still hold for a new plan: a re-check can give a skipped step actions that later steps now build
 * on (or blockers). Such a step is included again rather than left out of an apply that needs it.
 */
export const validSkips = (plan: PlanSteps, skipped: readonly string[]): string[] => {
  let kept = skipped.filter((id) => plan.steps.some((s) => s.id === id));
  for (;;) {
    const refused = kept.find((id) => skipRefusal(plan, kept.filter((k) => k !== id), id) !== null);
    if (refused === undefined) return kept;
    kept = kept.filter((id) => id !== refused);
  }
};
