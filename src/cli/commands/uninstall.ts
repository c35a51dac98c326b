// keelson uninstall: the stack leaves the host, its data stays (volumes, secrets, images, accounts) unless --purge.
// The plan comes from the host's record and is shown first; nothing changes before --yes or a typed confirmation.
// It runs through apply's executors and journal, so a run cut short finishes when run again.
import { createInterface } from 'node:readline/promises';
import type { Host } from '../../host/host.js';
import { applyPlan, newRunId } from '../../apply/apply-plan.js';
import { gatherFacts } from '../../facts/gather.js';
import { PLAN_FORMAT, planActions, type Plan } from '../../engine/plan.js';
import { KEELSON_VERSION } from '../../engine/version.js';
import { visibleText } from '../../engine/visible-text.js';
import { readRecord, RECORD_PATH, type RecordFile } from '../../state/index.js';
import { uninstallFacts } from '../../flows/uninstall/uninstall-facts.js';
import { uninstallPlan, type UninstallPlan } from '../../flows/uninstall/uninstall-plan.js';
import { uninstallText } from '../../flows/uninstall/uninstall-text.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { openHost, type HostFlags } from '../open-host.js';
import { printEvent, stopOnSignals } from './apply.js';

export interface UninstallFlags extends HostFlags {
  readonly stack?: string;
  readonly purge?: boolean;
  readonly confirmStack?: string;
  /** Commander's --no-backup: false when given. */
  readonly backup?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
}

const FORMAT = 'keelson-uninstall/1';

/** Which stack: the one named, or the only one the record has (null: nothing installed). */
const chooseStack = (file: RecordFile, flags: UninstallFlags): string | null => {
  const names = file.kind === 'present' ? Object.keys(file.record.stacks) : [];
  if (flags.stack !== undefined) return names.includes(flags.stack) ? flags.stack : null;
  if (names.length > 1) throw new UsageError(`this host has ${names.length} stacks (${names.join(', ')}): name one with --stack NAME`);
  return names[0] ?? null;
};

const checkPurgeFlags = (stack: string, flags: UninstallFlags): void => {
  if (flags.backup === false && flags.purge !== true) throw new UsageError('--no-backup is only for --purge: without it no volume is deleted, so there is nothing to back up');
  if (flags.confirmStack !== undefined && flags.purge !== true) throw new UsageError('--confirm-stack is only for --purge: without it the data stays and nothing needs confirming by name');
  if (flags.purge === true && flags.yes === true && flags.confirmStack !== stack) {
    throw new UsageError(`--purge --yes deletes ${stack}'s volumes, secrets, images and accounts: add --confirm-stack ${stack} (the stack's name) to say that is what you want`);
  }
};

const asPlan = (host: Host, p: UninstallPlan, made: { hash: string; digests: Readonly<Record<string, string>>; at: string; mode: 'rootless' | 'rootful'; manifest: unknown; roundTrips: number }): Plan => ({
  format: PLAN_FORMAT,
  blocked: false,
  blockerCount: 0,
  keelsonVersion: KEELSON_VERSION,
  createdAt: made.at,
  host: host.label,
  stack: { name: p.stack, version: p.version, mode: made.mode },
  factsHash: made.hash,
  factDigests: made.digests,
  inputs: { manifest: made.manifest, answers: {} },
  roundTrips: made.roundTrips,
  validationRoundTrips: 0,
  steps: p.steps,
});

/** A purge is confirmed by typing the stack's name; an uninstall that keeps the data by "yes". */
const confirmed = async (p: UninstallPlan, count: number): Promise<boolean> => {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const want = p.purge ? p.stack : 'yes';
    const answer = await rl.question(`Run ${count} action${count === 1 ? '' : 's'}${p.purge ? ' and DELETE the data' : ''}? Type "${want}" to go on: `);
    return answer.trim() === want;
  } finally {
    rl.close();
  }
};

const prepare = async (host: Host, flags: UninstallFlags) => {
  const before = host.roundTrips;
  const file = await readRecord(host);
  if (file.kind === 'newer' || file.kind === 'unreadable') return { refused: file.why } as const;
  const stack = chooseStack(file, flags);
  const entry = stack === null || file.kind !== 'present' ? undefined : file.record.stacks[stack];
  if (entry === undefined) return { nothing: flags.stack ?? null } as const;
  checkPurgeFlags(entry.stack, flags);
  const { facts, parse } = uninstallFacts(entry);
  const gathered = await gatherFacts(host, facts);
  const text = await host.readFile(RECORD_PATH);
  const runId = newRunId();
  const at = new Date().toISOString();
  const p = uninstallPlan({ entry, recordText: text.kind === 'present' ? text.content : '', facts: parse(gathered.raw), purge: flags.purge === true, backup: flags.backup !== false, runId, at });
  const plan = asPlan(host, p, { hash: gathered.hash, digests: gathered.digests, at, mode: entry.mode, manifest: entry.manifest, roundTrips: host.roundTrips - before });
  return { p, plan, runId } as const;
};

export const uninstallCommand = async (flags: UninstallFlags): Promise<void> => {
  const host = await openHost(flags);
  try {
    const made = await prepare(host, flags);
    if ('refused' in made) {
      process.stderr.write(visibleText(`keelson: uninstall refused: ${made.refused}\n`));
      process.exitCode = EXIT.blocked;
      return;
    }
    if ('nothing' in made) {
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ format: FORMAT, installed: false }, null, 2)}\n`);
      else process.stdout.write(visibleText(`Nothing to do: ${made.nothing === null ? 'no stack' : `stack ${made.nothing} is not`} installed by keelson on ${host.label}.\n`));
      process.exitCode = EXIT.ok;
      return;
    }
    const { p, plan, runId } = made;
    const json = { format: FORMAT, installed: true, stack: p.stack, version: p.version, purge: p.purge, goes: p.goes, stays: p.stays, later: p.later, backupDir: p.backupDir, steps: p.steps };
    if (flags.json !== true) process.stdout.write(visibleText(uninstallText(p)));
    const count = planActions(plan).length;
    if (flags.yes !== true && !(process.stdin.isTTY && (await confirmed(p, count)))) {
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ ...json, applied: false }, null, 2)}\n`);
      process.stderr.write(`Nothing was changed.${process.stdin.isTTY ? '' : ` To go on: the same command with --yes${p.purge ? ` --confirm-stack ${p.stack}` : ''}.`}\n`);
      process.exitCode = EXIT.ok;
      return;
    }
    const stop = stopOnSignals();
    const result = await applyPlan(host, plan, { runId, signal: stop.signal, ...(flags.json === true ? {} : { onEvent: printEvent(plan) }) }).finally(() => {
      stop.dispose();
    });
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ ...json, applied: true, result }, null, 2)}\n`);
    else if (result.ok) process.stderr.write(visibleText(`Uninstalled ${p.stack}${p.purge ? ' and purged its data' : '; its data stays'}.${p.backupDir === null ? '' : ` Volume archives: ${p.backupDir}`} Journal: ${result.journalPath}\n`));
    else process.stderr.write(`Uninstall stopped ${result.stoppedBefore !== undefined ? `before action ${result.stoppedBefore + 1}` : `at action ${(result.failed?.index ?? 0) + 1}`}. Journal: ${result.journalPath}\nRun the same uninstall again: it plans what is left and finishes it.\n`);
    process.exitCode = result.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await host.close();
  }
};
