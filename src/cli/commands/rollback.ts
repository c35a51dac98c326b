// keelson rollback: put back the version an unfinished upgrade left (keelson killed, the connection cut, or its own
// rollback failed), headless, from the rollback plan the upgrade saved on the host before its first change. The
// plan is shown first; --yes (or "yes" typed) runs it; a rollback that fails marks the stack failed, as the
// automatic one does.
import type { Host } from '../../host/host.js';
import { readLastRun } from '../../apply/last-run.js';
import { planActions } from '../../engine/plan.js';
import { renderPlanText } from '../../engine/render-plan.js';
import { KEELSON_VERSION } from '../../engine/version.js';
import { visibleText } from '../../engine/visible-text.js';
import { headlessRollback, headlessRollbackPlan, rollbackStackName } from '../../flows/upgrade/headless-rollback.js';
import { rollbackPlanPath } from '../../flows/upgrade/phases.js';
import { parseRecord } from '../../state/parse-record.js';
import { RECORD_PATH } from '../../state/record-schema.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { refused } from '../failed-gate.js';
import { openHost, type HostFlags } from '../open-host.js';
import { markFailed, walkPlan } from '../upgrade-run.js';
import { confirm } from './apply.js';

export interface RollbackFlags extends HostFlags {
  readonly stack?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly clearFailed?: boolean;
}

const textOf = async (host: Host, path: string): Promise<string | null> => {
  const f = await host.readFile(path);
  return f.kind === 'present' ? f.content : null;
};

/** What the host needs, read in three small reads; nothing is changed. */
const decide = async (host: Host, flags: RollbackFlags) => {
  const record = parseRecord(await textOf(host, RECORD_PATH));
  const lastRun = await readLastRun(host);
  const named = rollbackStackName(record, lastRun, flags.stack);
  if (!named.ok) return { kind: 'refused' as const, refusal: named.refusal };
  const saved = await textOf(host, rollbackPlanPath(named.stack));
  return headlessRollback({ record, stack: named.stack, saved, lastRun, clearFailed: flags.clearFailed === true });
};

export const rollbackCommand = async (flags: RollbackFlags): Promise<void> => {
  if (flags.yes !== true && !process.stdin.isTTY) throw new UsageError('rollback needs --yes when there is no terminal to confirm in');
  const json = flags.json === true;
  const host = await openHost(flags);
  try {
    const r = await decide(host, flags);
    if (r.kind === 'refused') {
      refused('rollback', r.refusal, json);
      return;
    }
    if (r.kind === 'nothing') {
      if (json) process.stdout.write(`${JSON.stringify({ ok: true, nothing: true, message: r.message }, null, 2)}\n`);
      else process.stderr.write(`${r.message}\n`);
      process.exitCode = EXIT.ok;
      return;
    }
    const plan = headlessRollbackPlan(r, { keelsonVersion: KEELSON_VERSION, createdAt: new Date().toISOString(), host: host.label, roundTrips: host.roundTrips });
    if (!json) process.stdout.write(visibleText(renderPlanText(plan)));
    if (flags.yes !== true && !(await confirm(planActions(plan).length))) {
      process.stderr.write('Nothing was changed.\n');
      process.exitCode = EXIT.failed;
      return;
    }
    const t0 = performance.now();
    const result = await walkPlan(host, plan, { secretAnswers: {}, quiet: json });
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const stack = r.stack.stack;
    let markedFailed: string | undefined;
    if (result.ok) {
      if (!json) process.stderr.write(`Rolled back: ${stack} ${r.from} is back and healthy, in ${seconds} s. Journal: ${result.journalPath}\n`);
    } else if (result.stoppedBefore === undefined) {
      const reason = `the rollback of the upgrade to ${r.to} failed (${result.failed?.action.description ?? '?'}: ${result.failed?.error ?? '?'})`;
      const run = { stack, kind: 'rollback' as const, from: r.to, to: r.from, outcome: 'failed' as const };
      markedFailed = (await markFailed(host, plan, run, result.runId, reason).catch(() => false)) ? reason : undefined;
      if (!json) process.stderr.write(visibleText(`The ROLLBACK FAILED: ${result.failed?.error ?? ''}\n${markedFailed === undefined ? `Could not mark ${stack} failed.` : `${stack} is marked failed in ${RECORD_PATH}.`} Repair the cause, then run keelson rollback --clear-failed again (each action converges). Journal: ${result.journalPath}\n`));
    } else if (!json) process.stderr.write(`Stopped before action ${result.stoppedBefore + 1}: run keelson rollback again to finish. Journal: ${result.journalPath}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ ...result, stack, version: r.from, abandoned: r.to, seconds, ...(markedFailed === undefined ? {} : { markedFailed }) }, null, 2)}\n`);
    process.exitCode = result.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await host.close();
  }
};
