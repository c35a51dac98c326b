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

/**
 * The format of a plan file. 2 added the verdict (blocked, blockerCount) and each step's buildsOn; a saved plan of
 * format 1 is still read (src/engine/read-plan.ts brings it forward).
 */
export const PLAN_FORMAT = 'keelson-plan/2';

/** A plan made from a stack archive: which one, and who signed it (null: --allow-unsigned, not checked). */
export const planArchiveSchema = z.strictObject({
  file: z.string(),
  /** sha256 of the archive's SHA256SUMS: a saved plan applies only with this same archive content. */
  sumsSha256: z.string().regex(/^[a-f0-9]{64}$/),
  signedBy: z.string().nullable(),
  trustedComment: z.string().nullable(),
});
export type PlanArchive = z.infer<typeof planArchiveSchema>;

const planFields = {
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
  archive: planArchiveSchema.optional(),
};

/**
 * Where the time went, as measured (volatile: never part of factsHash). Optional: plans saved before it have none.
 * gatherMs is the fact script's round trip as keelson saw it, probeMs each probe's own wall time on the host.
 */
export const planTimingsSchema = z.strictObject({
  gatherMs: z.number().nonnegative(),
  validationMs: z.number().nonnegative(),
  probeMs: z.record(z.string(), z.number().nonnegative()),
});
export type PlanTimings = z.infer<typeof planTimingsSchema>;

type Steps = readonly z.infer<typeof stepPlanSchema>[];

const countBlockers = (steps: Steps): number => steps.reduce((n, s) => n + s.findings.filter((f) => f.severity === 'blocker').length, 0);

/** What a script reads first: can this plan be applied at all, and how many blockers stop it. Follows from the steps. */
export const planVerdict = (steps: Steps): { blocked: boolean; blockerCount: number } => {
  const blockerCount = countBlockers(steps);
  return { blocked: blockerCount > 0, blockerCount };
};

/** Format 1, as plans were saved before the verdict: read, never written. */
export const planSchemaV1 = z.strictObject({ format: z.literal('keelson-plan/1'), ...planFields });

export const planSchema = z
  .strictObject({
    format: z.literal(PLAN_FORMAT),
    /** True when any step has a blocker: nothing of this plan can be applied. */
    blocked: z.boolean(),
    blockerCount: z.number().int().nonnegative(),
    ...planFields,
    timings: planTimingsSchema.optional(),
  })
  .superRefine((plan, ctx) => {
    const v = planVerdict(plan.steps);
    if (v.blocked !== plan.blocked || v.blockerCount !== plan.blockerCount) {
      ctx.addIssue({ code: 'custom', path: ['blocked'], message: `blocked and blockerCount say ${String(plan.blocked)} and ${plan.blockerCount}, but the steps have ${v.blockerCount} blockers` });
    }
  });

export type Plan = z.infer<typeof planSchema>;
export type StepPlan = z.infer<typeof stepPlanSchema>;

// What a plan holds, asked of it: in plan-queries.ts, without zod, for the screens (the wizard's first frame does not
// load the schemas); here too, for the engine's modules that import them from the plan.
export { planActions, planBlockers, planBlockersByStep, stepName } from './plan-queries.js';
