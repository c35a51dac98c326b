// Facts from the host (one round trip), then the pure planner. The only impure part is gatherFacts.
import type { Host } from '../host/host.js';
import type { ProbeOutput } from '../facts/fact.js';
import { gatherFacts } from '../facts/gather.js';
import type { Manifest } from '../manifest/schema.js';
import { addValidationFindings, factsForSteps, makeStepPlans } from './make-plan.js';
import { PLAN_FORMAT, planVerdict, type Plan, type PlanArchive } from './plan.js';
import type { AnyStep, Answers } from './step.js';
import { KEELSON_VERSION } from './version.js';

export interface PlanHostResult {
  readonly plan: Plan;
  readonly gatherMs: number;
  readonly digests: Readonly<Record<string, string>>;
  /** The facts' answers, for a caller that needs one of them beside the plan (the wizard reads the record's). */
  readonly raw: ReadonlyMap<string, ProbeOutput>;
}

export const planHost = async (
  host: Host,
  steps: readonly AnyStep[],
  manifest: Manifest,
  answers: Answers,
  now: Date = new Date(),
  /** The verified stack archive the manifest came from: the plan names it, and the record keeps who signed it. */
  archive?: PlanArchive,
): Promise<PlanHostResult> => {
  const before = host.roundTrips;
  const gathered = await gatherFacts(host, factsForSteps(steps, manifest, answers));
  const roundTrips = host.roundTrips - before;
  const { plans, validations } = makeStepPlans(steps, manifest, answers, gathered.raw, archive);
  // Validation (e.g. the real Quadlet generator over staged files) is one more crossing, only when there is any.
  const validated = validations.length === 0 ? null : await gatherFacts(host, validations.map((v) => v.fact));
  const checked = validated === null ? plans : addValidationFindings(plans, validations, validated.raw);
  const plan: Plan = {
    format: PLAN_FORMAT,
    // First in the JSON: a script asks this before anything else.
    ...planVerdict(checked),
    keelsonVersion: KEELSON_VERSION,
    createdAt: now.toISOString(),
    host: host.label,
    stack: { name: manifest.stack, version: manifest.version, mode: manifest.mode },
    factsHash: gathered.hash,
    factDigests: { ...gathered.digests },
    inputs: { manifest, answers: { ...answers } },
    roundTrips,
    validationRoundTrips: host.roundTrips - before - roundTrips,
    steps: checked,
    ...(archive === undefined ? {} : { archive }),
    timings: {
      gatherMs: Math.round(gathered.elapsedMs),
      validationMs: Math.round(validated?.elapsedMs ?? 0),
      probeMs: { ...gathered.probeMs, ...validated?.probeMs },
    },
  };
  return { plan, gatherMs: gathered.elapsedMs, digests: gathered.digests, raw: gathered.raw };
};
