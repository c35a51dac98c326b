// A plan is steps × (findings, actions), plus what it was made from, so a saved plan can be checked
// against the host before it is applied.
import { z } from 'zod';
import { actionSchema } from './action.js';

const findingSchema = z.strictObject({
  severity: z.enum(['blocker', 'warning', 'info']),
  code: z.string(),
  message: z.string(),
  remedy: z.string(),
});

export const stepPlanSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  findings: z.array(findingSchema),
  actions: z.array(actionSchema),
  /** Earlier steps whose actions this one's plan relies on (absent: none); the wizard will not skip those. */
  buildsOn: z.array(z.strictObject({ step: z.string(), why: z.string() })).optional(),
});

export const planSchema = z.strictObject({
  format: z.literal('keelson-plan/1'),
  keelsonVersion: z.string(),
  createdAt: z.string(),
  host: z.string(),
  stack: z.strictObject({ name: z.string(), version: z.string(), mode: z.enum(['rootless', 'rootful']) }),
  /** sha256 over every non-volatile fact's raw answer: a saved plan is refused when this changed. */
  factsHash: z.string(),
  /** Per fact, a short digest of its answer: says WHICH facts changed when a saved plan is refused. */
  factDigests: z.record(z.string(), z.string()),
  /** What the plan was made from, so a saved plan can be re-checked without the original files. Never secrets. */
  inputs: z.strictObject({ manifest: z.unknown(), answers: z.record(z.string(), z.string()) }),
  /** Crossings to the host it took to gather the facts for this plan. */
  roundTrips: z.number().int().nonnegative(),
  /** Crossings for checks that need the planned actions (0 or 1), still before anything changed. */
  validationRoundTrips: z.number().int().nonnegative(),
  steps: z.array(stepPlanSchema),
});

export type Plan = z.infer<typeof planSchema>;
export type StepPlan = z.infer<typeof stepPlanSchema>;

export const planBlockers = (plan: Plan) => plan.steps.flatMap((s) => s.findings.filter((f) => f.severity === 'blocker'));
export const planActions = (plan: Plan) => plan.steps.flatMap((s) => s.actions);
