// Pure: raw fact answers + steps + manifest → a plan. Nothing here touches a host.
import type { Fact, ProbeOutput } from '../facts/fact.js';
import type { Action } from './action.js';
import { blocker, sortFindings, type Finding } from './finding.js';
import type { PlanArchive, StepPlan } from './plan.js';
import type { AnyStep, Answers, Resolved, StepContext } from './step.js';
import type { Manifest } from '../manifest/schema.js';

export const emptyResolved: Resolved = { users: {}, groups: {} };

/** Every fact every step asks for, in step order (duplicates are merged by the gatherer). */
export const factsForSteps = (steps: readonly AnyStep[], manifest: Manifest, answers: Answers): Fact<unknown>[] =>
  steps.flatMap((s) => Object.values(s.facts({ manifest, answers })) as Fact<unknown>[]);

const parseStepFacts = (
  step: AnyStep,
  manifest: Manifest,
  answers: Answers,
  raw: ReadonlyMap<string, ProbeOutput>,
): { values: Record<string, unknown>; errors: Finding[] } => {
  const values: Record<string, unknown> = {};
  const errors: Finding[] = [];
  for (const [key, fact] of Object.entries(step.facts({ manifest, answers }) as Record<string, Fact<unknown>>)) {
    const answer = raw.get(fact.id);
    if (answer === undefined) {
      errors.push(blocker('fact-missing', `No answer for fact "${fact.id}".`, 'Run the plan again; if it repeats, report it with the log file.'));
      continue;
    }
    try {
      values[key] = fact.parse(answer);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      errors.push(blocker('fact-unreadable', `Could not read fact "${fact.id}": ${why}`, 'Check the command by hand on the host; if the host is fine, report it with the log file.'));
    }
  }
  return { values, errors };
};

const merge = (a: Resolved, b: Partial<Resolved> | undefined): Resolved =>
  b === undefined ? a : { users: { ...a.users, ...b.users }, groups: { ...a.groups, ...b.groups } };

/** A check that runs after planning: which step's findings it adds to, and the probe. */
export interface PendingValidation {
  readonly stepIndex: number;
  readonly fact: Fact<Finding[]>;
}

/** One step as the planner sees it: its parsed facts (or why they could not be read) and the context it plans in. */
export interface StepInput {
  readonly step: AnyStep;
  readonly values: Record<string, unknown>;
  readonly errors: Finding[];
  readonly ctx: StepContext;
}

/**
 * Each step in order with its facts parsed from the raw answers and the IDs the steps before it resolved: what
 * makeStepPlans plans from, and what a test of one step over recorded answers needs.
 */
export function* stepInputs(steps: readonly AnyStep[], manifest: Manifest, answers: Answers, raw: ReadonlyMap<string, ProbeOutput>, archive?: PlanArchive): Generator<StepInput> {
  let resolved = emptyResolved;
  for (const step of steps) {
    const { values, errors } = parseStepFacts(step, manifest, answers, raw);
    const ctx: StepContext = { manifest, answers, resolved, ...(archive === undefined ? {} : { archive }) };
    yield { step, values, errors, ctx };
    if (errors.length === 0) resolved = merge(resolved, step.resolve?.(values, ctx));
  }
}

export const makeStepPlans = (
  steps: readonly AnyStep[],
  manifest: Manifest,
  answers: Answers,
  raw: ReadonlyMap<string, ProbeOutput>,
  archive?: PlanArchive,
): { plans: StepPlan[]; validations: PendingValidation[] } => {
  const plans: StepPlan[] = [];
  const validations: PendingValidation[] = [];
  for (const { step, values, errors, ctx } of stepInputs(steps, manifest, answers, raw, archive)) {
    if (errors.length > 0) {
      plans.push({ id: step.id, title: step.title, findings: errors, actions: [] });
      continue;
    }
    const findings = sortFindings(step.check(values, ctx));
    const actions: Action[] = step.plan(values, ctx);
    const buildsOn = step.buildsOn?.(values, ctx) ?? [];
    // Nothing to validate when a blocker already stops the plan: the operator fixes that first.
    if (!findings.some((f) => f.severity === 'blocker')) {
      for (const fact of step.validate?.(actions, ctx) ?? []) validations.push({ stepIndex: plans.length, fact });
    }
    plans.push({ id: step.id, title: step.title, findings, actions, ...(buildsOn.length > 0 ? { buildsOn: [...buildsOn] } : {}) });
  }
  return { plans, validations };
};

/** Adds validation findings to their steps (blockers first again). Pure. */
export const addValidationFindings = (
  plans: readonly StepPlan[],
  validations: readonly PendingValidation[],
  raw: ReadonlyMap<string, ProbeOutput>,
): StepPlan[] =>
  plans.map((plan, i) => {
    const extra = validations
      .filter((v) => v.stepIndex === i)
      .flatMap((v) => {
        const answer = raw.get(v.fact.id);
        if (answer === undefined) return [blocker('validation-missing', `No answer for check "${v.fact.id}".`, 'Run the plan again.')];
        try {
          return v.fact.parse(answer);
        } catch (e) {
          return [blocker('validation-unreadable', `Could not read check "${v.fact.id}": ${e instanceof Error ? e.message : String(e)}`, 'Run the check by hand on the host.')];
        }
      });
    return extra.length === 0 ? plan : { ...plan, findings: sortFindings([...plan.findings, ...extra]) };
  });
