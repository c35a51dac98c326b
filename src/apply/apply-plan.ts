// Walks a finished plan. It never re-plans: every decision was made (and shown) before the operator said yes.
import { randomBytes } from 'node:crypto';
import type { Host } from '../host/host.js';
import { HostError } from '../host/host-error.js';
import type { Action } from '../engine/action.js';
import { planActions, planBlockers, type Plan } from '../engine/plan.js';
import type { ExecutorContext, ExecutorResult } from './executor.js';
import { executors } from './executors/index.js';
import { acquireApplyLock, holderFor, staleLockNotice } from './host-lock.js';
import { journaledHost } from './journaled-host.js';
import { Journal, type JournalEvent } from './journal.js';

export type ApplyEvent =
  | { readonly type: 'start'; readonly index: number; readonly action: Action }
  | { readonly type: 'line'; readonly index: number; readonly line: string }
  | { readonly type: 'end'; readonly index: number; readonly result: ExecutorResult; readonly ms: number }
  | { readonly type: 'failed'; readonly index: number; readonly error: string };

export interface ApplyOptions {
  readonly onEvent?: (event: ApplyEvent) => void;
  readonly secretAnswers?: Readonly<Record<string, string>>;
  readonly runId?: string;
  /** A secret shown once to the operator (a generated LUKS key); kept out of onEvent, which may be logged. */
  readonly onReveal?: (message: string, secret: string) => void;
  /**
   * Stop between actions: the running action finishes (half a `useradd` or `podman secret create` helps nobody),
   * no further action begins, and the journal records the run as stopped, for resume or roll back.
   */
  readonly signal?: AbortSignal;
  /** The verified stack archive the plan was made from: where packed images are read (podman.image-load-packed). */
  readonly stackArchive?: ExecutorContext['stackArchive'];
}

export interface ApplyResult {
  readonly ok: boolean;
  readonly runId: string;
  readonly journalPath: string;
  readonly done: number;
  readonly skipped: number;
  /** connectionLost: the SSH connection broke off (nothing more can be done there until it is back). */
  readonly failed?: { readonly index: number; readonly action: Action; readonly error: string; readonly connectionLost?: true };
  /** Stopped through the signal before this action (its index), which did not begin. */
  readonly stoppedBefore?: number;
  /** The previous apply on this host ended without releasing its lock (killed, or its connection lost): what to know. */
  readonly staleLock?: string;
}

export class BlockedPlanError extends Error {
  constructor(count: number) {
    super(`the plan has ${count} blocker${count === 1 ? '' : 's'}; nothing was applied. Fix them and plan again.`);
    this.name = 'BlockedPlanError';
  }
}

// The table is keyed by kind, so the lookup is exact; TypeScript cannot correlate the union by itself.
const run = (action: Action, ctx: ExecutorContext): Promise<ExecutorResult> =>
  (executors[action.kind] as (a: Action, c: ExecutorContext) => Promise<ExecutorResult>)(action, ctx);

export const newRunId = (now = new Date()): string =>
  `${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;

export const applyPlan = async (host: Host, plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> => {
  const blockers = planBlockers(plan);
  if (blockers.length > 0) throw new BlockedPlanError(blockers.length);
  const actions = planActions(plan);
  const runId = options.runId ?? newRunId();
  const journal = new Journal(host, runId);
  const emit = options.onEvent ?? (() => undefined);
  if (actions.length === 0) return { ok: true, runId, journalPath: journal.path, done: 0, skipped: 0 };
  // One apply at a time on a host: the second is refused (HostError host-locked) before it writes anything.
  const lock = await acquireApplyLock(host, holderFor(runId, plan.stack.name));
  try {
    const result = await walk(host, plan, actions, { ...options, runId, journal, emit });
    return lock.stale === null ? result : { ...result, staleLock: staleLockNotice(lock.stale) };
  } finally {
    await lock.release();
  }
};

const isConnectionLost = (e: unknown): e is HostError => e instanceof HostError && e.code === 'connection-lost';

interface WalkContext extends ApplyOptions {
  readonly runId: string;
  readonly journal: Journal;
  readonly emit: (event: ApplyEvent) => void;
}

const walk = async (host: Host, plan: Plan, actions: readonly Action[], options: WalkContext): Promise<ApplyResult> => {
  const { runId, journal, emit } = options;
  let done = 0;
  let skipped = 0;
  // One action's end and the next one's begin happen back to back: journaled in one append, not one exec each.
  let pending: JournalEvent[] = [{ event: 'run-start', runId, stack: plan.stack.name, actions: actions.length, factsHash: plan.factsHash, ...(plan.archive !== undefined ? { archive: plan.archive } : {}) }];
  for (const [index, action] of actions.entries()) {
    if (options.signal?.aborted === true) {
      await journal.write(...pending, { event: 'run-end', ok: false, stopped: true, before: index, next: action.description });
      return { ok: false, runId, journalPath: journal.path, done, skipped, stoppedBefore: index };
    }
    emit({ type: 'start', index, action });
    // The lines due now go to the host with the action's first command (journaled-host.ts): still before anything
    // of the action runs. A connection lost there is that action's failure (it never began), like any of its own.
    const journaled = journaledHost(host, journal, [...pending, { event: 'begin', index, kind: action.kind, description: action.description }]);
    const started = performance.now();
    try {
      const result = await run(action, {
        host: journaled.host,
        journal,
        index,
        runId,
        stack: plan.stack.name,
        secretAnswers: options.secretAnswers ?? {},
        ...(options.onReveal !== undefined ? { reveal: options.onReveal } : {}),
        ...(options.stackArchive !== undefined ? { stackArchive: options.stackArchive } : {}),
        onLine: (line) => {
          emit({ type: 'line', index, line });
        },
      });
      pending = [...journaled.unsent(), { event: 'done', index, ...(result === 'skipped' ? { skipped: true } : {}) }];
      if (result === 'skipped') skipped++;
      else done++;
      emit({ type: 'end', index, result, ms: performance.now() - started });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      emit({ type: 'failed', index, error });
      // Best effort: the journal may be what just failed (disk full); the operator still gets the error.
      await journal.write(...journaled.unsent(), { event: 'failed', index, error }, { event: 'run-end', ok: false }).catch(() => undefined);
      const lost = isConnectionLost(e) ? { connectionLost: true as const } : {};
      return { ok: false, runId, journalPath: journal.path, done, skipped, failed: { index, action, error, ...lost } };
    }
  }
  await journal.write(...pending, { event: 'run-end', ok: true });
  return { ok: true, runId, journalPath: journal.path, done, skipped };
};
