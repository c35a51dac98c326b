// The step contract. check and plan are pure: facts and the manifest in, findings and actions out.
// A step with nothing to do plans nothing; that is how a re-run converges.
import type { Fact } from '../facts/fact.js';
import type { Manifest } from '../manifest/schema.js';
import type { Action } from './action.js';
import type { Finding } from './finding.js';
import type { PlanArchive } from './plan.js';

/** The operator's answers to the stack's questions, by question id. Secrets are never here. */
export type Answers = Readonly<Record<string, string>>;

/** What earlier steps decided that later steps need (allocated IDs), so the whole plan is known up front. */
export interface Resolved {
  readonly users: Readonly<Record<string, { readonly uid: number; readonly gid: number; readonly home: string }>>;
  readonly groups: Readonly<Record<string, number>>;
}

export interface StepContext {
  readonly manifest: Manifest;
  readonly answers: Answers;
  readonly resolved: Resolved;
  /** The verified stack archive the manifest came from (absent: a manifest file or a bundled stack). */
  readonly archive?: PlanArchive;
}

/**
 * An earlier step whose actions this step's plan relies on: the users and groups it creates, the directories it
 * makes, the packages it installs. Skipping that step would leave this one naming things that will not exist, so
 * the wizard refuses it (with `why` on screen) while this step has actions of its own.
 */
export interface BuildsOn {
  /** The earlier step's id. */
  readonly step: string;
  /** What this step takes from it, for people: "the socket directories belong to the users it creates". */
  readonly why: string;
}

export type FactsOf<F> = { readonly [K in keyof F]: Fact<F[K]> };

export interface Step<F extends object = Record<string, unknown>> {
  readonly id: string;
  readonly title: string;
  /** Which facts this step needs; the manifest is known, the resolved IDs are not yet. */
  readonly facts: (ctx: Pick<StepContext, 'manifest' | 'answers'>) => FactsOf<F>;
  readonly check: (facts: F, ctx: StepContext) => Finding[];
  readonly plan: (facts: F, ctx: StepContext) => Action[];
  /**
   * Checks that need the finished actions, e.g. the real Quadlet generator over the rendered files in a staging
   * directory. They run in one more round trip, still before anything changes; each returns findings.
   */
  readonly validate?: (actions: readonly Action[], ctx: StepContext) => Fact<Finding[]>[];
  /** IDs and names this step settles for the steps after it. */
  readonly resolve?: (facts: F, ctx: StepContext) => Partial<Resolved>;
  /** The earlier steps whose actions this plan builds on (see BuildsOn). */
  readonly buildsOn?: (facts: F, ctx: StepContext) => readonly BuildsOn[];
}

/** Erases a step's fact types so steps of different shapes share one list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the engine only passes each step its own facts back
export type AnyStep = Step<any>;

export const defineStep = <F extends object>(step: Step<F>): Step<F> => step;
