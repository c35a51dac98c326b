// The wizard's Upgrade as a pure state machine: the new version's stack, keelson upgrade's admission, only the new
// questions, its summary, a typed "yes", the run (with its automatic rollback), the end. Nothing changes on the host
// before 'summary' leads to 'running'; esc / b go back until then, never after.
import type { Answers, ReadyUpgrade, StackInfo, UpgradeChecked, UpgradeOutcome, UpgradePlanned } from '../controller.js';

export type AskUpgrade = Extract<UpgradeChecked, { kind: 'ask' }>;

/** What is said instead of a way forward: a refusal and what to do, up to date, a blocked plan, a failure. */
export interface Said {
  readonly text: string;
  readonly remedy: string | null;
  readonly tone: 'ok' | 'bad';
}

export type UpgradeStage =
  | { readonly kind: 'stack' }
  | { readonly kind: 'checking'; readonly stack: StackInfo }
  | { readonly kind: 'questions'; readonly checked: AskUpgrade }
  | { readonly kind: 'planning'; readonly checked: AskUpgrade; readonly answers: Answers }
  | { readonly kind: 'said'; readonly said: Said; readonly checked: AskUpgrade | null }
  | { readonly kind: 'summary'; readonly checked: AskUpgrade; readonly planned: ReadyUpgrade; readonly wrong: string | null }
  | { readonly kind: 'running'; readonly planned: ReadyUpgrade }
  | { readonly kind: 'finished'; readonly planned: ReadyUpgrade; readonly outcome: UpgradeOutcome };

export type UpgradeEvent =
  | { readonly type: 'stack-loaded'; readonly stack: StackInfo }
  | { readonly type: 'checked'; readonly checked: UpgradeChecked }
  | { readonly type: 'answered'; readonly answers: Answers }
  | { readonly type: 'planned'; readonly planned: UpgradePlanned }
  /** The check or the plan could not be made (a lost connection, answers keelson refuses): the message. */
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'typed'; readonly text: string }
  | { readonly type: 'finished'; readonly outcome: UpgradeOutcome }
  | { readonly type: 'back' };

/** The word that starts an upgrade, as `keelson upgrade` asks for it: restarts follow, so no stray enter does it. */
export const UPGRADE_CONFIRM_WORD = 'yes';

export const initialUpgrade: UpgradeStage = { kind: 'stack' };

/** Whether the upgrade asks anything at all (new questions, kept answers this version refuses, new secrets). */
export const asksAnything = (c: AskUpgrade): boolean => c.asks.manifest.questions.length > 0 || c.asks.manifest.secrets.some((s) => s.ask !== undefined);

const withAnswers = (p: ReadyUpgrade, answers: Answers): boolean => Object.entries(answers).every(([id, v]) => p.prepared.answers.answers[id] === v);

const refusedSaid = (r: { readonly message: string; readonly remedy: string }): Said => ({ text: `keelson refuses this upgrade: ${r.message}`, remedy: r.remedy, tone: 'bad' });

const plannedStage = (s: Extract<UpgradeStage, { kind: 'planning' }>, p: UpgradePlanned): UpgradeStage => {
  switch (p.kind) {
    case 'refused':
      return { kind: 'said', said: refusedSaid(p.refusal), checked: s.checked };
    case 'up-to-date':
      return { kind: 'said', said: { text: p.text, remedy: null, tone: 'ok' }, checked: s.checked };
    case 'blocked':
      return { kind: 'said', said: { text: `${p.text}\nNothing can be upgraded: the new version's plan has blockers.\n${p.blockers}`, remedy: 'Fix what each blocker says, then choose Upgrade again.', tone: 'bad' }, checked: s.checked };
    case 'ready':
      return { kind: 'summary', checked: s.checked, planned: p, wrong: null };
  }
};

export const upgradeReducer = (s: UpgradeStage, e: UpgradeEvent): UpgradeStage => {
  switch (e.type) {
    case 'stack-loaded':
      return s.kind === 'stack' ? { kind: 'checking', stack: e.stack } : s;
    case 'checked':
      if (s.kind !== 'checking') return s;
      if (e.checked.kind === 'refused') return { kind: 'said', said: refusedSaid(e.checked.refusal), checked: null };
      // A check asked for before a back-and-forth may arrive late: only the one for this stack counts.
      if (e.checked.stack.ref !== s.stack.ref) return s;
      return asksAnything(e.checked) ? { kind: 'questions', checked: e.checked } : { kind: 'planning', checked: e.checked, answers: {} };
    case 'answered':
      return s.kind === 'questions' ? { kind: 'planning', checked: s.checked, answers: e.answers } : s;
    case 'planned':
      if (s.kind !== 'planning') return s;
      // Likewise a plan made with answers given before a back-and-forth: only the one with these answers counts.
      if (e.planned.kind === 'ready' && (e.planned.stack.ref !== s.checked.stack.ref || !withAnswers(e.planned, s.answers))) return s;
      return plannedStage(s, e.planned);
    case 'failed':
      return s.kind === 'checking' || s.kind === 'planning' ? { kind: 'said', said: { text: e.message, remedy: null, tone: 'bad' }, checked: s.kind === 'planning' ? s.checked : null } : s;
    case 'typed':
      if (s.kind !== 'summary') return s;
      return e.text.trim() === UPGRADE_CONFIRM_WORD ? { kind: 'running', planned: s.planned } : { ...s, wrong: e.text.trim() };
    case 'finished':
      return s.kind === 'running' ? { kind: 'finished', planned: s.planned, outcome: e.outcome } : s;
    case 'back':
      return upgradeBack(s) ?? s;
  }
};

/** Where back goes; null: off this screen, to the host's choices. Never back past the confirmation. */
export const upgradeBack = (s: UpgradeStage): UpgradeStage | null => {
  switch (s.kind) {
    case 'stack':
      return null;
    case 'checking':
    case 'questions':
      return { kind: 'stack' };
    case 'planning':
    case 'summary':
    case 'said':
      // Back to the answers, when there were any to give; else to the stack.
      return s.checked !== null && asksAnything(s.checked) ? { kind: 'questions', checked: s.checked } : { kind: 'stack' };
    case 'running':
    case 'finished':
      return s;
  }
};
