// The wizard as a pure state machine: which screen, what is known so far, where "back" goes. The App turns
// controller results into these events; nothing here waits, reads or writes.
import { planBlockers } from '../../src/engine/plan-queries.js';
import { resolveAnswers } from '../../src/engine/answers.js';
import { includeRefusal, skipRefusal, validSkips } from '../../src/engine/skip-steps.js';
import { withLuksRequest, type LuksRequest } from '../luks/luks-request.js';
import type {
  Answers,
  ApplyOutcome,
  HostRecord,
  HostRun,
  Plan,
  PlanPhase,
  Planned,
  ProgressScreen,
  SavedAnswers,
  StackInfo,
  TargetSpec,
  WizardProgress,
} from '../controller.js';

export type ScreenId = 'welcome' | 'target' | 'host-run' | 'deployed' | 'troubleshoot' | 'upgrade' | 'uninstall' | 'stack' | 'questions' | 'step' | 'review' | 'apply' | 'summary';

export type PlanState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly request: number; readonly phase: PlanPhase; readonly startedAt: number }
  | { readonly status: 'ready'; readonly request: number; readonly planned: Planned }
  | { readonly status: 'failed'; readonly request: number; readonly message: string };

export interface WizardState {
  readonly screen: ScreenId;
  readonly help: boolean;
  /** Saved progress from an earlier, unfinished wizard: Welcome offers to continue it. */
  readonly offer: WizardProgress | null;
  /** While continuing: where to go once target, stack and answers are back. Cleared on arrival. */
  readonly resume: WizardProgress | null;
  /** A stack to start with (--stack, or the stack of an interrupted run being resumed). */
  readonly stackRef: string | null;
  readonly target: TargetSpec | null;
  readonly hostLabel: string | null;
  readonly hostRun: HostRun | null;
  /** The deployment record of the connected host: when it names stacks, the operator chooses what to do first. */
  readonly record: HostRecord;
  /** Set when the operator chose to resume an interrupted run: the Review says so. */
  readonly resumingRun: HostRun | null;
  readonly stack: StackInfo | null;
  readonly answers: Answers;
  /** Asked secrets, in memory only: never in progress, never in a file unless the operator saves them. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly plan: PlanState;
  readonly planRequest: number;
  readonly stepIndex: number;
  readonly skipped: readonly string[];
  readonly outcome: ApplyOutcome | null;
  readonly saved: SavedAnswers | null;
}

export type WizardEvent =
  | { readonly type: 'start'; readonly continueSaved: boolean }
  | { readonly type: 'connected'; readonly target: TargetSpec; readonly label: string; readonly hostRun: HostRun | null; readonly record?: HostRecord }
  | { readonly type: 'host-run-resolved'; readonly choice: 'resume' | 'leave' | 'rolled-back' }
  /** On a host with a deployed stack: troubleshoot it (read-only), install / reinstall / repair, upgrade or uninstall it. */
  | { readonly type: 'deployed-chosen'; readonly choice: 'troubleshoot' | 'install' | 'upgrade' | 'uninstall' }
  | { readonly type: 'stack-loaded'; readonly stack: StackInfo }
  | { readonly type: 'answered'; readonly answers: Answers; readonly secrets: Readonly<Record<string, string>> }
  | { readonly type: 'plan-phase'; readonly request: number; readonly phase: PlanPhase; readonly at: number }
  | { readonly type: 'planned'; readonly request: number; readonly planned: Planned }
  | { readonly type: 'plan-failed'; readonly request: number; readonly message: string }
  | { readonly type: 'recheck' }
  | { readonly type: 'next-step' }
  | { readonly type: 'skip-step' }
  /** The operator asked for the storage step's LUKS setup (or dropped it, null): a new plan, nothing applied. */
  | { readonly type: 'luks-requested'; readonly request: LuksRequest | null }
  | { readonly type: 'back' }
  | { readonly type: 'review-confirmed' }
  | { readonly type: 'applied'; readonly outcome: ApplyOutcome }
  | { readonly type: 'to-summary' }
  | { readonly type: 'replan' }
  | { readonly type: 'help'; readonly open: boolean }
  | { readonly type: 'answers-saved'; readonly saved: SavedAnswers };

export const initialWizardState = (offer: WizardProgress | null, stackRef: string | null, target: TargetSpec | null = null): WizardState => ({
  screen: 'welcome',
  help: false,
  offer,
  resume: null,
  stackRef,
  target,
  hostLabel: null,
  hostRun: null,
  record: { kind: 'none' },
  resumingRun: null,
  stack: null,
  answers: {},
  secrets: {},
  plan: { status: 'idle' },
  planRequest: 0,
  stepIndex: 0,
  skipped: [],
  outcome: null,
  saved: null,
});

export const askedSecrets = (stack: StackInfo): { name: string; prompt: string }[] =>
  stack.manifest.secrets.flatMap((s) => (s.ask === undefined ? [] : [{ name: s.name, prompt: s.ask }]));

export const hasQuestions = (stack: StackInfo): boolean => stack.manifest.questions.length > 0 || askedSecrets(stack).length > 0;

export const currentPlan = (s: WizardState): Plan | null => (s.plan.status === 'ready' ? s.plan.planned.plan : null);

const requestPlan = (s: WizardState, at: number): WizardState => ({
  ...s,
  screen: 'step',
  planRequest: s.planRequest + 1,
  plan: { status: 'running', request: s.planRequest + 1, phase: 'gathering', startedAt: at },
});

/**
 * Whether the operator is asked what to do on this host before the install path: when its record names stacks (or
 * cannot be read), unless a saved wizard is being continued past its target (that choice was made then).
 */
export const offersDeployed = (s: WizardState, record: HostRecord): boolean =>
  record.kind !== 'none' && (s.resume === null || s.resume.screen === 'target');

const stepCount = (s: WizardState): number => currentPlan(s)?.steps.length ?? 0;

/** Where an unfinished wizard resumes to, once answers are known, when nothing needs asking again. */
const resumeReady = (s: WizardState, stack: StackInfo, answers: Answers): boolean =>
  s.resume !== null &&
  (s.resume.screen === 'step' || s.resume.screen === 'review') &&
  askedSecrets(stack).length === 0 &&
  resolveAnswers(stack.manifest, answers).ok;

const backFrom = (s: WizardState): WizardState => {
  switch (s.screen) {
    case 'welcome':
      return s;
    case 'target':
      return { ...s, screen: 'welcome', resume: null };
    case 'host-run':
    case 'deployed':
      return { ...s, screen: 'target', resume: null };
    case 'troubleshoot':
    case 'upgrade':
    case 'uninstall':
      // Upgrade and Uninstall go back within themselves until their confirmation; from their first choice, here.
      return { ...s, screen: 'deployed' };
    case 'stack':
      return { ...s, screen: s.record.kind === 'none' ? 'target' : 'deployed', resume: null };
    case 'questions':
      return { ...s, screen: 'stack', resume: null };
    case 'step':
      if (s.stepIndex > 0 && s.plan.status === 'ready') return { ...s, stepIndex: s.stepIndex - 1 };
      return { ...s, screen: s.stack !== null && hasQuestions(s.stack) ? 'questions' : 'stack', plan: { status: 'idle' } };
    case 'review':
      return { ...s, screen: 'step', stepIndex: Math.max(0, stepCount(s) - 1) };
    case 'apply':
    case 'summary':
      // What was applied stays applied: there is no way back past it, only forward (r plans again).
      return s;
  }
};

export const wizardReducer = (s: WizardState, e: WizardEvent): WizardState => {
  switch (e.type) {
    case 'start':
      return e.continueSaved && s.offer !== null
        ? { ...s, screen: 'target', resume: s.offer, target: s.offer.target, stackRef: s.offer.stackRef ?? s.stackRef, answers: s.offer.answers, skipped: s.offer.skipped }
        : { ...s, screen: 'target', resume: null };
    case 'connected': {
      // An unfinished run comes first: resuming it is the install path, whatever the record says.
      const record = e.record ?? { kind: 'none' };
      return { ...s, target: e.target, hostLabel: e.label, hostRun: e.hostRun, record, screen: e.hostRun !== null ? 'host-run' : offersDeployed(s, record) ? 'deployed' : 'stack' };
    }
    case 'host-run-resolved':
      if (e.choice === 'resume' && s.hostRun !== null) {
        return { ...s, screen: 'stack', resumingRun: s.hostRun, stackRef: /^[a-z][a-z0-9-]*$/.test(s.hostRun.stack) ? s.hostRun.stack : s.stackRef };
      }
      return { ...s, screen: offersDeployed(s, s.record) ? 'deployed' : 'stack', resumingRun: null };
    case 'deployed-chosen':
      if (s.screen !== 'deployed') return s;
      // Upgrade and Uninstall need a record that names stacks: an unreadable one is refused there, so not offered here.
      if (e.choice === 'uninstall' || e.choice === 'upgrade') return s.record.kind === 'stacks' ? { ...s, screen: e.choice } : s;
      return { ...s, screen: e.choice === 'troubleshoot' ? 'troubleshoot' : 'stack' };
    case 'stack-loaded': {
      const same = s.stack?.ref === e.stack.ref;
      const known = new Set(e.stack.manifest.questions.map((q) => q.id));
      // Answers of another stack do not carry over, except where a question of the same id exists.
      const answers = Object.fromEntries(Object.entries(s.answers).filter(([id]) => known.has(id)));
      const next: WizardState = { ...s, stack: e.stack, stackRef: e.stack.ref, answers, secrets: same ? s.secrets : {}, skipped: same || s.resume !== null ? s.skipped : [] };
      if (!hasQuestions(e.stack) || resumeReady(next, e.stack, answers)) {
        const r = resolveAnswers(e.stack.manifest, answers);
        if (r.ok) return requestPlan({ ...next, answers: r.answers, stepIndex: s.resume?.stepIndex ?? 0 }, 0);
      }
      return { ...next, screen: 'questions' };
    }
    case 'answered':
      return requestPlan({ ...s, answers: e.answers, secrets: e.secrets, stepIndex: s.resume?.stepIndex ?? 0 }, 0);
    case 'plan-phase':
      if (s.plan.status !== 'running' || s.plan.request !== e.request) return s;
      return { ...s, plan: { ...s.plan, phase: e.phase, startedAt: e.phase === 'gathering' ? e.at : s.plan.startedAt } };
    case 'planned': {
      if (s.plan.status !== 'running' || s.plan.request !== e.request) return s;
      const steps = e.planned.plan.steps.length;
      const resumeScreen = s.resume?.screen;
      const base: WizardState = { ...s, plan: { status: 'ready', request: e.request, planned: e.planned }, stepIndex: Math.min(s.stepIndex, Math.max(0, steps - 1)), resume: null };
      // Steps that no longer exist, or that the new plan's later steps build on, are not kept as skipped.
      const skipped = validSkips(e.planned.plan, base.skipped);
      return { ...base, skipped, screen: resumeScreen === 'review' || steps === 0 ? 'review' : 'step' };
    }
    case 'plan-failed':
      if (s.plan.status !== 'running' || s.plan.request !== e.request) return s;
      return { ...s, plan: { status: 'failed', request: e.request, message: e.message }, resume: null };
    case 'recheck':
      return requestPlan(s, 0);
    case 'next-step':
      if (s.screen !== 'step' || s.plan.status !== 'ready') return s;
      return s.stepIndex + 1 < stepCount(s) ? { ...s, stepIndex: s.stepIndex + 1 } : { ...s, screen: 'review' };
    case 'skip-step': {
      const plan = currentPlan(s);
      const step = plan?.steps[s.stepIndex];
      if (s.screen !== 'step' || plan === null || step === undefined) return s;
      // The Step screen shows why, and offers no s, when either is refused.
      const including = s.skipped.includes(step.id);
      if ((including ? includeRefusal : skipRefusal)(plan, s.skipped, step.id) !== null) return s;
      const skipped = including ? s.skipped.filter((id) => id !== step.id) : [...s.skipped, step.id];
      return wizardReducer({ ...s, skipped }, { type: 'next-step' });
    }
    case 'luks-requested':
      if (s.stack === null) return s;
      return requestPlan({ ...s, answers: withLuksRequest(s.answers, e.request, s.stack.manifest.dataMount) }, 0);
    case 'back':
      return backFrom(s);
    case 'review-confirmed': {
      const plan = currentPlan(s);
      if (s.screen !== 'review' || plan === null || planBlockers(plan).length > 0) return s;
      return { ...s, screen: 'apply', outcome: null };
    }
    case 'applied':
      // Once it applied, a LUKS setup is done: the next plan must not ask for it again (it would format nothing).
      return { ...s, outcome: e.outcome, answers: e.outcome.ok && s.stack !== null ? withLuksRequest(s.answers, null, s.stack.manifest.dataMount) : s.answers };
    case 'to-summary':
      return { ...s, screen: 'summary' };
    case 'replan':
      return requestPlan({ ...s, stepIndex: 0, outcome: null, resumingRun: null }, 0);
    case 'help':
      return { ...s, help: e.open };
    case 'answers-saved':
      return { ...s, saved: e.saved };
  }
};

/** The part of the state worth keeping for next time: never secrets, nothing before a target was chosen. */
export const progressOf = (s: WizardState, savedAt: string): WizardProgress | null => {
  const screen: ProgressScreen | null =
    s.screen === 'target' || s.screen === 'stack' || s.screen === 'questions' || s.screen === 'step' || s.screen === 'review'
      ? s.screen
      : s.screen === 'host-run'
        ? 'stack'
        : s.screen === 'deployed' || s.screen === 'troubleshoot' || s.screen === 'upgrade' || s.screen === 'uninstall'
          ? 'target'
        : s.screen === 'apply'
          ? 'review'
          : null;
  // A finished apply leaves nothing to continue.
  if (screen === null || s.target === null || s.outcome?.ok === true) return null;
  return { target: s.target, stackRef: s.stack?.ref ?? s.stackRef, answers: s.answers, screen, stepIndex: s.stepIndex, skipped: s.skipped, savedAt };
};
