// Walks a prepared upgrade: the phased plan, and when anything after the prefetch fails (the health gate above all),
// the rollback made before the first change — files and record back, daemon-reload, the same restarts, the old
// health gate — timed from the failure to healthy-again. A rollback that fails too marks the stack failed in the
// record, with the reason, so nothing starts it again before the operator has read why.
import type { Host } from '../host/host.js';
import { applyPlan, newRunId, type ApplyResult } from '../apply/apply-plan.js';
import type { ExecutorContext } from '../apply/executor.js';
import { planActions, type Plan } from '../engine/plan.js';
import { visibleText } from '../engine/visible-text.js';
import { untouchedPhase, type PreparedUpgrade } from '../flows/upgrade/prepare.js';
import { prunedSentence, prunePlan } from '../flows/upgrade/backup-retention.js';
import { backupRunNote } from '../flows/upgrade/summary.js';
import { parseRecord } from '../state/parse-record.js';
import { RECORD_PATH } from '../state/record-schema.js';
import { withRun, type RunNote } from '../state/stack-record.js';
import { printEvent, stopOnSignals } from './commands/apply.js';

export interface UpgradeOutcome {
  readonly ok: boolean;
  readonly runId: string;
  readonly journalPath: string;
  /** index: the failed action's place in the upgrade's plan (absent when the run broke off). */
  readonly failed?: { readonly action: string; readonly error: string; readonly index?: number };
  readonly stoppedBefore?: number;
  readonly rollback?: { readonly ok: boolean; readonly runId: string; readonly journalPath: string; readonly seconds: number; readonly error?: string };
  readonly markedFailed?: string;
  /** The SSH connection broke off (during the upgrade, or its rollback): the host is as its journal says. */
  readonly connectionLost?: true;
  /** Old upgrade backups removed after the health gate passed (the summary named them), or why they could not be. */
  readonly pruned?: { readonly ok: boolean; readonly dirs: readonly string[]; readonly error?: string };
}

const say = (quiet: boolean, text: string): void => {
  if (!quiet) process.stderr.write(visibleText(text));
};

export interface RunOptions {
  readonly secretAnswers: Readonly<Record<string, string>>;
  readonly quiet: boolean;
  /** The verified stack archive of the new version: its packed images are loaded from there. */
  readonly stackArchive?: ExecutorContext['stackArchive'];
  /** The run's id chosen when the plan was made (it names the upgrade's volume archives); absent: a new one. */
  readonly runId?: string;
  /**
   * How each plan is walked (the upgrade under the run id its plan was made with, then its rollback under a new one);
   * default walkPlan, on this terminal. The wizard walks them with its own events and stop key, and never stops a
   * rollback part-way.
   */
  readonly walk?: (plan: Plan, which: 'upgrade' | 'rollback', runId: string | undefined) => Promise<ApplyResult>;
}

/** A plan walked with the operator's terminal told of each action, and Ctrl-C stopping between actions. */
export const walkPlan = async (host: Host, plan: Plan, o: RunOptions): Promise<ApplyResult> => {
  const stop = stopOnSignals();
  try {
    return await applyPlan(host, plan, {
      secretAnswers: o.secretAnswers,
      signal: stop.signal,
      ...(o.quiet ? {} : { onEvent: printEvent(plan) }),
      ...(o.stackArchive === undefined ? {} : { stackArchive: o.stackArchive }),
      ...(o.runId === undefined ? {} : { runId: o.runId }),
    });
  } finally {
    stop.dispose();
  }
};

/** The record as it is now, with the failed flag set and the run in its history: one more (tiny) plan. */
export const markFailed = async (host: Host, base: Plan, run: RunNote, runId: string, reason: string): Promise<boolean> => {
  const f = await host.readFile(RECORD_PATH);
  const content = withRun(parseRecord(f.kind === 'present' ? f.content : null), run, runId, new Date().toISOString(), reason);
  if (content === null) return false;
  const steps = [{ id: 'failed', title: 'Failed: the stack is marked failed', findings: [], actions: [{ kind: 'state.write' as const, description: `mark ${run.stack} failed in ${RECORD_PATH}`, path: RECORD_PATH, content }] }];
  return (await applyPlan(host, { ...base, steps })).ok;
};

/** The prune plan walked (journaled like any run): null when it went through, else what went wrong. */
const walkPrune = async (host: Host, p: PreparedUpgrade): Promise<string | null> => {
  const f = await host.readFile(RECORD_PATH);
  const plan = prunePlan(p.plan, parseRecord(f.kind === 'present' ? f.content : null), p.summary.stack, p.summary.prunes, new Date().toISOString());
  if (plan === null) return `${p.summary.stack} has no entry in ${RECORD_PATH}`;
  const r = await applyPlan(host, plan);
  return r.ok ? null : `${r.failed?.action.description ?? 'stopped'}: ${r.failed?.error ?? ''} (journal ${r.journalPath})`;
};

/** The old upgrade backups the summary named, removed once the upgrade is healthy; a failure here leaves the upgrade done. */
const pruneBackups = async (host: Host, p: PreparedUpgrade, quiet: boolean): Promise<UpgradeOutcome['pruned']> => {
  const dirs = p.summary.prunes.map((b) => b.dir);
  if (dirs.length === 0) return undefined;
  const error = await walkPrune(host, p).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const pruned = error === null ? { ok: true, dirs } : { ok: false, dirs, error };
  say(quiet, `${prunedSentence(pruned)}\n`);
  return pruned;
};

/** A run cut off from the host: nothing more could be done there, and the journal on the host says how far it got. */
const lostSentence = (p: PreparedUpgrade, action: string, journal: string): string =>
  `The connection to the host was lost at "${action}": keelson could do nothing more there (no rollback either). The journal on the host (${journal}) says how far ${p.summary.stack} ${p.summary.from.version} → ${p.summary.to.version} got.`;

export const runUpgrade = async (host: Host, p: PreparedUpgrade, o: RunOptions): Promise<UpgradeOutcome> => {
  const runId = newRunId();
  const walk = o.walk ?? ((plan: Plan, _which: 'upgrade' | 'rollback', id: string | undefined) => walkPlan(host, plan, { ...o, runId: id }));
  const forward = await walk(p.plan, 'upgrade', p.runId);
  const base = { runId: forward.runId, journalPath: forward.journalPath };
  if (forward.ok) {
    say(o.quiet, `Upgraded ${p.summary.stack} ${p.summary.from.version} → ${p.summary.to.version}. Journal: ${forward.journalPath}\n`);
    const pruned = await pruneBackups(host, p, o.quiet);
    return { ok: true, ...base, ...(pruned === undefined ? {} : { pruned }) };
  }
  if (forward.stoppedBefore !== undefined) {
    say(o.quiet, `Stopped before action ${forward.stoppedBefore + 1} of ${planActions(p.plan).length}. Run the same upgrade again: it finishes what is left (or rolls back if that fails).\n`);
    return { ok: false, ...base, stoppedBefore: forward.stoppedBefore };
  }
  const index = forward.failed?.index ?? 0;
  const failed = { action: forward.failed?.action.description ?? '', error: forward.failed?.error ?? '', index };
  const while_ = untouchedPhase(p, index);
  if (while_ !== null) {
    say(o.quiet, `The upgrade stopped while ${while_}; nothing that runs was changed (${p.summary.from.version} still runs). Journal: ${forward.journalPath}\n`);
    return { ok: false, ...base, failed };
  }
  if (forward.failed?.connectionLost === true) {
    say(o.quiet, `\n${lostSentence(p, failed.action, forward.journalPath)} Run the same upgrade again once the host answers: it finishes what is left (or rolls back if that fails); or run rollback --yes to go back to ${p.summary.from.version}.\n${failed.error}\n`);
    return { ok: false, ...base, failed, connectionLost: true };
  }
  say(o.quiet, `\nThe upgrade failed at "${failed.action}". Rolling back to ${p.summary.from.version}…\n`);
  const t0 = performance.now();
  const back = await walk(p.rollback, 'rollback', undefined);
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  const rollback = { ok: back.ok, runId: back.runId, journalPath: back.journalPath, seconds, ...(back.failed === undefined ? {} : { error: `${back.failed.action.description}: ${back.failed.error}` }) };
  if (back.ok) {
    say(o.quiet, `Rolled back: ${p.summary.stack} ${p.summary.from.version} is back and healthy, in ${seconds} s (from the failure to healthy again). What failed: ${failed.action}\n${failed.error}\n`);
    return { ok: false, ...base, failed, rollback };
  }
  if (back.failed?.connectionLost === true) {
    say(o.quiet, `${lostSentence(p, back.failed.action.description, back.journalPath)} Run rollback --yes once the host answers: it finishes the rollback.\n${back.failed.error}\n`);
    return { ok: false, ...base, failed, rollback, connectionLost: true };
  }
  const reason = `the upgrade to ${p.summary.to.version} failed (${failed.action}) and its rollback failed too (${rollback.error ?? 'stopped'})`;
  const run = { stack: p.summary.stack, kind: 'upgrade' as const, from: p.summary.from.version, to: p.summary.to.version, outcome: 'failed' as const, ...backupRunNote(p.summary) };
  const marked = await markFailed(host, p.rollback, run, runId, reason).catch(() => false);
  say(o.quiet, `The ROLLBACK FAILED: ${rollback.error ?? 'stopped'}.\n${marked ? `${p.summary.stack} is marked failed in ${RECORD_PATH}; apply and upgrade refuse until it is cleared.` : `Could not mark ${p.summary.stack} failed in ${RECORD_PATH}.`} Journals: ${forward.journalPath}, ${back.journalPath}\n`);
  return { ok: false, ...base, failed, rollback, ...(marked ? { markedFailed: reason } : {}) };
};
