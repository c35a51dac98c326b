// keelson uninstall: the stack leaves the host, its data stays (volumes, secrets, images, accounts) unless --purge.
// The plan comes from the host's record and is shown first; nothing changes before --yes or a typed confirmation.
// It runs through apply's executors and journal, so a run cut short finishes when run again.
import { createInterface } from 'node:readline/promises';
import type { Host } from '../../host/host.js';
import { applyPlan } from '../../apply/apply-plan.js';
import { planActions } from '../../engine/plan.js';
import { visibleText } from '../../engine/visible-text.js';
import type { UninstallPlan } from '../../flows/uninstall/uninstall-plan.js';
import { prepareUninstall } from '../uninstall-prepare.js';
import { nothingToUninstallText, uninstallConfirmWord, uninstalledText, uninstallingText, uninstallText } from '../../flows/uninstall/uninstall-text.js';
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

const checkPurgeFlags = (stack: string, flags: UninstallFlags): void => {
  if (flags.backup === false && flags.purge !== true) throw new UsageError('--no-backup is only for --purge: without it no volume is deleted, so there is nothing to back up');
  if (flags.confirmStack !== undefined && flags.purge !== true) throw new UsageError('--confirm-stack is only for --purge: without it the data stays and nothing needs confirming by name');
  if (flags.purge === true && flags.yes === true && flags.confirmStack !== stack) {
    throw new UsageError(`--purge --yes deletes ${stack}'s volumes, secrets, images and accounts: add --confirm-stack ${stack} (the stack's name) to say that is what you want`);
  }
};

/** A purge is confirmed by typing the stack's name; an uninstall that keeps the data by "yes". */
const confirmed = async (p: UninstallPlan, count: number): Promise<boolean> => {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const want = uninstallConfirmWord(p);
    const answer = await rl.question(`Run ${count} action${count === 1 ? '' : 's'}${p.purge ? ' and DELETE the data' : ''}? Type "${want}" to go on: `);
    return answer.trim() === want;
  } finally {
    rl.close();
  }
};

const prepare = (host: Host, flags: UninstallFlags) =>
  prepareUninstall(host, {
    ...(flags.stack === undefined ? {} : { stack: flags.stack }),
    purge: flags.purge === true,
    backup: flags.backup !== false,
    check: (stack) => { checkPurgeFlags(stack, flags); },
  });

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
      else process.stdout.write(visibleText(`${nothingToUninstallText(made.nothing, host.label)}\n`));
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
    if (flags.json !== true) process.stderr.write(visibleText(`${uninstallingText(p, host.label)}…\n`));
    const stop = stopOnSignals();
    const result = await applyPlan(host, plan, { runId, signal: stop.signal, ...(flags.json === true ? {} : { onEvent: printEvent(plan) }) }).finally(() => {
      stop.dispose();
    });
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ ...json, applied: true, result }, null, 2)}\n`);
    else if (result.ok) process.stderr.write(visibleText(`${uninstalledText(p)}${p.backupDir === null ? '' : ` Volume archives: ${p.backupDir}`} Journal: ${result.journalPath}\n`));
    else process.stderr.write(`Uninstall stopped ${result.stoppedBefore !== undefined ? `before action ${result.stoppedBefore + 1}` : `at action ${(result.failed?.index ?? 0) + 1}`}. Journal: ${result.journalPath}\nRun the same uninstall again: it plans what is left and finishes it.\n`);
    process.exitCode = result.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await host.close();
  }
};
