// What every executor gets: the host, where to put backups, and where to send live output.
import type { Host } from '../host/host.js';
import type { ActionKind, ActionOf } from '../engine/action.js';
import type { Journal } from './journal.js';

export interface ExecutorContext {
  readonly host: Host;
  readonly journal: Journal;
  readonly index: number;
  readonly runId: string;
  /** The plan's stack: accounts keelson creates are recorded as this stack's (steps/identity/created-accounts.ts). */
  readonly stack?: string;
  readonly onLine?: (line: string) => void;
  /**
   * Shows a secret to the operator once, on their terminal only: never a log, the journal or live output (the CLI
   * writes it to stderr, the wizard's Apply screen shows it until the operator has kept it). Absent: the executor
   * says where the secret is kept instead.
   */
  readonly reveal?: (message: string, secret: string) => void;
  /** The verified stack archive the plan was made from (--stack FILE.keelson): its entries, re-checked as they are read. */
  readonly stackArchive?: { readonly readEntry: (entry: string) => Promise<Uint8Array> };
  /** Secret values the operator typed (answers kept apart from the plan), by id. */
  readonly secretAnswers: Readonly<Record<string, string>>;
}

/** 'skipped' when the host already was as the action wanted: an interrupted run, re-run, converges. */
export type ExecutorResult = 'done' | 'skipped';

export type Executor<K extends ActionKind> = (action: ActionOf<K>, ctx: ExecutorContext) => Promise<ExecutorResult>;

export type ExecutorTable = { readonly [K in ActionKind]: Executor<K> };
