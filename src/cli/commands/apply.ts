// keelson apply: a fresh plan (shown, then confirmed) or a saved one (refused if the host changed since).
import { createInterface } from 'node:readline/promises';
import { readWorkstationText } from '../../host/workstation-files.js';
import type { Host } from '../../host/host.js';
import { applyPlan, type ApplyEvent, type ApplyResult } from '../../apply/apply-plan.js';
import { changedFacts } from '../../facts/gather.js';
import { planHost } from '../../engine/plan-host.js';
import { planActions, planBlockers, type Plan } from '../../engine/plan.js';
import { readPlan } from '../../engine/read-plan.js';
import { renderPlanText } from '../../engine/render-plan.js';
import { visibleText } from '../../engine/visible-text.js';
import { withMissingSecrets } from '../../engine/secret-findings.js';
import { manifestSchema } from '../../manifest/schema.js';
import { allSteps } from '../../../steps/index.js';
import { loadAnswers, loadStack, type SetupFlags } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { openHost, type HostFlags } from '../open-host.js';
import { checkSecretNames, loadSecretAnswers } from '../secrets-file.js';
import { trustFor, type ArchiveStack, type TrustFlags } from '../stack-archive.js';
import { failedGate, refused } from '../failed-gate.js';
import { recordTextOf } from '../plan-record.js';
import { signerAllowances, withSignerFinding } from '../../flows/signer-finding.js';

export interface ApplyFlags extends HostFlags, SetupFlags, TrustFlags {
  readonly stack?: string;
  readonly answers?: string;
  readonly secrets?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly clearFailed?: boolean;
}

const readSavedPlan = async (file: string): Promise<Plan> => {
  const text = await readWorkstationText(file);
  if (text === null) throw new UsageError(`${file}: no such plan file`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not a JSON plan (save one with "keelson plan --out FILE")`);
  }
  const r = readPlan(doc);
  if (!r.ok) throw new UsageError(`${file}: not a keelson plan this version can apply (${r.why})`);
  return r.plan;
};

export const confirm = async (count: number): Promise<boolean> => {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Apply ${count} action${count === 1 ? '' : 's'} to this host? Type "yes" to go on: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
};

export const printEvent = (plan: Plan) => {
  const actions = planActions(plan);
  return (e: ApplyEvent): void => {
    const label = `[${e.index + 1}/${actions.length}]`;
    switch (e.type) {
      case 'start':
        process.stderr.write(visibleText(`${label} ${e.action.description}\n`));
        break;
      case 'line':
        // A host's output: a hostile or broken program must not drive the operator's terminal.
        process.stderr.write(`      ${visibleText(e.line)}\n`);
        break;
      case 'end':
        process.stderr.write(`${label} ${e.result === 'skipped' ? 'already so' : 'done'} (${(e.ms / 1000).toFixed(1)} s)\n`);
        break;
      case 'failed':
        process.stderr.write(visibleText(`${label} FAILED: ${e.error}\n`));
        break;
    }
  };
};

interface ToApply {
  readonly plan: Plan;
  readonly archive?: ArchiveStack;
}

/** A plan made from a stack archive applies with that same archive, verified again: its images come from there. */
const savedArchive = async (saved: Plan, planFile: string, flags: ApplyFlags): Promise<ArchiveStack | undefined> => {
  if (saved.archive === undefined) return undefined;
  const again = `give it again: apply ${planFile} --stack ${saved.archive.file} --trust PUBKEY`;
  if (flags.stack === undefined) throw new UsageError(`${planFile} was made from the stack archive ${saved.archive.file}: ${again}`);
  const { archive } = await loadStack(flags.stack, undefined, flags);
  if (archive?.archive.sumsSha256 !== saved.archive.sumsSha256) throw new UsageError(`--stack ${flags.stack} is not the archive ${planFile} was made from: ${again}`);
  return archive;
};

const freshOrSaved = async (host: Host, planFile: string | undefined, flags: ApplyFlags): Promise<ToApply> => {
  if (planFile !== undefined) {
    const saved = await readSavedPlan(planFile);
    const archive = await savedArchive(saved, planFile, flags);
    const manifest = manifestSchema.parse(saved.inputs.manifest);
    const { plan: now, digests } = await planHost(host, allSteps, manifest, saved.inputs.answers);
    if (now.factsHash !== saved.factsHash) {
      const changed = changedFacts(saved.factDigests, digests);
      throw new UsageError(
        `the host changed since ${planFile} was made (${changed.join(', ') || 'facts differ'}); nothing was applied. Run "keelson plan" again and review it.`,
      );
    }
    return { plan: saved, ...(archive !== undefined ? { archive } : {}) };
  }
  if (flags.stack === undefined) throw new UsageError('apply needs a plan file or --stack');
  const { manifest, archive } = await loadStack(flags.stack, undefined, trustFor(flags.stack, flags));
  const answers = await loadAnswers(manifest, flags.answers, flags);
  const made = await planHost(host, allSteps, manifest, answers, undefined, archive?.archive);
  // The signer finding `plan` shows: its blocker never shows here (the gate refuses first), its warning does.
  const plan = withSignerFinding(recordTextOf(made.raw), made.plan, signerAllowances(flags), 'keelson apply');
  return archive === undefined ? { plan } : { plan, archive };
};

/**
 * Ctrl-C, a closed terminal or a TERM during apply: finish the running action, begin no other, and journal the run
 * as stopped — half-done actions are what make a re-run hard. A second signal stops at once (the journal still
 * shows which action was cut off, and a re-run converges).
 */
export const stopOnSignals = (): { readonly signal: AbortSignal; readonly dispose: () => void } => {
  const stop = new AbortController();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (name: NodeJS.Signals) => {
    const say = (text: string) => {
      try {
        process.stderr.write(text);
      } catch {
        // The terminal may be gone (SIGHUP): the journal on the host still tells.
      }
    };
    if (stop.signal.aborted) {
      say(`\n${name} again: stopping at once. The journal shows the action that was cut off; run apply again to converge.\n`);
      process.exit(EXIT.failed);
    }
    stop.abort();
    say(`\n${name}: stopping after the current action (again to stop at once)…\n`);
  };
  for (const s of signals) process.on(s, onSignal);
  return {
    signal: stop.signal,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
};

export const applyCommand = async (planFile: string | undefined, flags: ApplyFlags): Promise<void> => {
  // Refuse before touching anything: no --yes and nobody to ask.
  if (flags.yes !== true && !process.stdin.isTTY) {
    throw new UsageError('apply needs --yes when there is no terminal to confirm in');
  }
  const secretAnswers = await loadSecretAnswers(flags.secrets, process.env);
  const host = await openHost(flags);
  try {
    const { plan: fresh, archive } = await freshOrSaved(host, planFile, flags);
    checkSecretNames(secretAnswers, manifestSchema.parse(fresh.inputs.manifest));
    // A stack marked failed starts nothing until the operator clears the mark; refused before anything is shown to confirm.
    const gate = await failedGate(host, fresh, 'keelson apply', flags.clearFailed === true, signerAllowances(flags));
    if (!gate.ok) {
      refused('apply', gate.refusal, flags.json === true);
      return;
    }
    // An asked secret without a value stops the run here, before the first action, not at its own action.
    const plan = withMissingSecrets(gate.plan, new Set(Object.keys(secretAnswers.values)), 'blocker');
    if (flags.json !== true) process.stdout.write(visibleText(renderPlanText(plan)));
    if (planBlockers(plan).length > 0) {
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ ok: false, blocked: true, plan }, null, 2)}\n`);
      process.exitCode = EXIT.blocked;
      return;
    }
    const count = planActions(plan).length;
    if (count > 0 && flags.yes !== true && !(await confirm(count))) {
      process.stderr.write('Nothing was applied.\n');
      process.exitCode = EXIT.failed;
      return;
    }
    const stop = stopOnSignals();
    let result: ApplyResult;
    try {
      result = await applyPlan(host, plan, {
        secretAnswers: secretAnswers.values,
        signal: stop.signal,
        ...(archive !== undefined ? { stackArchive: { readEntry: archive.readEntry } } : {}),
        onEvent: flags.json === true ? undefined : printEvent(plan),
        // Straight to the operator's terminal (stderr), once; never into --json output or any file.
        onReveal: (message, secret) => {
          process.stderr.write(`\n${message}\n\n    ${secret}\n\n`);
        },
      });
    } finally {
      stop.dispose();
    }
    if (result.staleLock !== undefined && flags.json !== true) process.stderr.write(visibleText(`${result.staleLock}\n`));
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ ...result, roundTrips: plan.roundTrips }, null, 2)}\n`);
    else if (result.stoppedBefore !== undefined) {
      process.stderr.write(`Stopped before action ${result.stoppedBefore + 1} of ${count}: ${result.done} done, ${result.skipped} already so. Journal: ${result.journalPath}\nRun apply again to go on (finished actions are not repeated), or roll back from the wizard.\n`);
    } else process.stderr.write(result.ok ? `Applied: ${result.done} done, ${result.skipped} already so. Journal: ${result.journalPath}\n` : `Apply stopped at action ${(result.failed?.index ?? 0) + 1}. Journal: ${result.journalPath}\nFix the cause and run apply again: finished actions are not repeated.\n`);
    process.exitCode = result.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await host.close();
  }
};
