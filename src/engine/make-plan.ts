// Pure: raw fact answers + steps + manifest → a plan. Nothing here touches a host.
import type { Fact, ProbeOutput } from '../facts/fact.js';
import type { Action } from './action.js';
import { blocker, sortFindings, type Finding } from './finding.js';
import type { StepPlan } from './plan.js';
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

export const makeStepPlans = (
  steps: readonly AnyStep[],
  manifest: Manifest,
  answers: Answers,
  raw: ReadonlyMap<string, ProbeOutput>,
): StepPlan[] => {
  let resolved = emptyResolved;
  const plans: StepPlan[] = [];
  for (const step of steps) {
    const { values, errors } = parseStepFacts(step, manifest, answers, raw);
    const ctx: StepContext = { manifest, answers, resolved };
    if (errors.length > 0) {
      plans.push({ id: step.id, title: step.title, findings: errors, actions: [] });
      continue;
    }
    const findings = sortFindings(step.check(values, ctx));
    const actions: Action[] = step.plan(values, ctx);
    resolved = merge(resolved, step.resolve?.(values, ctx));
    plans.push({ id: step.id, title: step.title, findings, actions });
  }
  return plans;
};
