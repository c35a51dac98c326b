// The wizard's Uninstall as a pure state machine: which stack, keep the data or purge, the plan keelson uninstall
// prints, the typed confirmation, the run, the end. Nothing changes on the host before 'confirmed' leads to 'running'.
import type { ApplyOutcome, UninstallPlanned } from '../controller.js';
import { uninstalledText } from '../../src/flows/uninstall/uninstall-text.js';

export type ReadyUninstall = Extract<UninstallPlanned, { kind: 'ready' }>;

export type UninstallStage =
  | { readonly kind: 'stack' }
  | { readonly kind: 'mode'; readonly stack: string }
  | { readonly kind: 'planning'; readonly stack: string; readonly purge: boolean }
  | { readonly kind: 'plan'; readonly planned: ReadyUninstall; readonly wrong: string | null }
  /** Nothing to do, a record keelson refuses, or a plan that could not be made: the message, and back. */
  | { readonly kind: 'said'; readonly stack: string; readonly message: string; readonly tone: 'ok' | 'bad' }
  | { readonly kind: 'running'; readonly planned: ReadyUninstall }
  | { readonly kind: 'finished'; readonly planned: ReadyUninstall; readonly outcome: ApplyOutcome };

export type UninstallEvent =
  | { readonly type: 'stack-chosen'; readonly stack: string }
  | { readonly type: 'mode-chosen'; readonly purge: boolean }
  | { readonly type: 'planned'; readonly planned: UninstallPlanned }
  | { readonly type: 'plan-failed'; readonly message: string }
  | { readonly type: 'typed'; readonly text: string }
  | { readonly type: 'finished'; readonly outcome: ApplyOutcome }
  /** Back within the screen (uninstallBack says when back leaves it instead). */
  | { readonly type: 'back'; readonly stacks: readonly string[] };

/** Several stacks: the operator chooses one first; one: straight to keep-or-purge. */
export const initialUninstall = (stacks: readonly string[]): UninstallStage =>
  stacks.length === 1 && stacks[0] !== undefined ? { kind: 'mode', stack: stacks[0] } : { kind: 'stack' };

/** Whether the typed text is the confirmation: exactly the word, surrounding blanks aside. */
export const confirms = (planned: ReadyUninstall, text: string): boolean => text.trim() === planned.confirmWord;

export const uninstallReducer = (s: UninstallStage, e: UninstallEvent): UninstallStage => {
  switch (e.type) {
    case 'stack-chosen':
      return s.kind === 'stack' ? { kind: 'mode', stack: e.stack } : s;
    case 'mode-chosen':
      return s.kind === 'mode' ? { kind: 'planning', stack: s.stack, purge: e.purge } : s;
    case 'planned':
      if (s.kind !== 'planning') return s;
      // A plan asked for before a back-and-forth (purge, then keep) may arrive late: only the one for this choice counts.
      if (e.planned.kind === 'ready' && (e.planned.stack !== s.stack || e.planned.purge !== s.purge)) return s;
      if (e.planned.kind === 'ready') return { kind: 'plan', planned: e.planned, wrong: null };
      return { kind: 'said', stack: s.stack, message: e.planned.kind === 'nothing' ? e.planned.message : `keelson refuses to uninstall from this host: ${e.planned.why}`, tone: e.planned.kind === 'nothing' ? 'ok' : 'bad' };
    case 'plan-failed':
      return s.kind === 'planning' ? { kind: 'said', stack: s.stack, message: e.message, tone: 'bad' } : s;
    case 'typed':
      if (s.kind !== 'plan') return s;
      return confirms(s.planned, e.text) ? { kind: 'running', planned: s.planned } : { ...s, wrong: e.text.trim() };
    case 'finished':
      return s.kind === 'running' ? { kind: 'finished', planned: s.planned, outcome: e.outcome } : s;
    case 'back':
      return uninstallBack(s, e.stacks) ?? s;
  }
};

/** Where back goes; null: off this screen, to the host's choices. Never back past the confirmation. */
export const uninstallBack = (s: UninstallStage, stacks: readonly string[]): UninstallStage | null => {
  switch (s.kind) {
    case 'stack':
      return null;
    case 'mode':
      return stacks.length > 1 ? { kind: 'stack' } : null;
    case 'planning':
    case 'said':
      return { kind: 'mode', stack: s.stack };
    case 'plan':
      return { kind: 'mode', stack: s.planned.stack };
    case 'running':
    case 'finished':
      return s;
  }
};

/** The last words of a run: what happened, where the volume archives and the journal are, how a re-run finishes it. */
export const finishText = (planned: ReadyUninstall, o: ApplyOutcome, again: string): string[] => {
  const journal = `Journal on the host: ${o.journalPath}`;
  if (o.ok) {
    return [
      uninstalledText(planned),
      ...(planned.backupDir === null ? [] : [`Volume archives (made before the purge): ${planned.backupDir}`]),
      journal,
    ];
  }
  const where = o.stopped ? `Stopped as you asked, after ${o.done + o.skipped} actions.` : `Uninstall stopped at action ${(o.failed?.index ?? 0) + 1}: ${o.failed?.error ?? 'see the log'}`;
  return [where, ...(o.journalPath === '' ? [] : [journal]), `Run the same uninstall again (here, or ${again}): it plans what is left and finishes it.`];
};
