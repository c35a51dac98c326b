// What a plan holds, asked of it: its blockers, its actions, a step's short name. Types only from plan.ts, so the
// wizard's screens can ask without loading the plan's schemas (zod) before their first frame.
import type { Plan, StepPlan } from './plan.js';

export const planBlockers = (plan: Pick<Plan, 'steps'>) => plan.steps.flatMap((s) => s.findings.filter((f) => f.severity === 'blocker'));
/** "Sockets: socket directories and …" → "Sockets": the name a step goes by in a sentence. */
export const stepName = (step: Pick<StepPlan, 'title'>): string => step.title.split(':')[0] ?? step.title;

/** Every blocker with the step it stops, in step order. */
export const planBlockersByStep = (plan: Pick<Plan, 'steps'>) =>
  plan.steps.flatMap((step) => step.findings.filter((f) => f.severity === 'blocker').map((finding) => ({ step, finding })));

export const planActions = (plan: Plan) => plan.steps.flatMap((s) => s.actions);
