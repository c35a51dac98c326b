// Files: written atomically by the Host, backed up first when something is replaced, and refused when the
// file changed since the plan was made (someone edited it in between: re-plan, don't clobber).
import { posix } from 'node:path';
import type { Executor, ExecutorContext } from '../executor.js';
import { backupDir } from '../journal.js';
import { runChecked } from '../run-checked.js';
import { parseRecord } from '../../state/parse-record.js';
import { withRun } from '../../state/stack-record.js';

export class FileDriftError extends Error {
  constructor(path: string) {
    super(`${path} changed since the plan was made; nothing was written to it. Run "keelson plan" again and review the new diff.`);
    this.name = 'FileDriftError';
  }
}

const backup = async (path: string, ctx: ExecutorContext): Promise<void> => {
  const target = posix.join(backupDir(ctx.runId), path);
  // cp -a keeps mode, owner and timestamps, so a rollback restores the file exactly.
  await runChecked(ctx.host, ['install', '-d', '-m', '0700', posix.dirname(target)]);
  await runChecked(ctx.host, ['cp', '-a', '--', path, target]);
  await ctx.journal.write({ event: 'backup', index: ctx.index, path, backup: target });
};

export const fileWrite: Executor<'file.write'> = async (a, ctx) => {
  const now = await ctx.host.readFile(a.path);
  const current = now.kind === 'present' ? now.content : null;
  if (current === a.content) return 'skipped';
  if (current !== a.before) throw new FileDriftError(a.path);
  if (current !== null) await backup(a.path, ctx);
  await runChecked(ctx.host, ['install', '-d', '-m', '0755', posix.dirname(a.path)]);
  await ctx.host.writeFile(a.path, a.content, { mode: parseInt(a.mode, 8), owner: a.owner, group: a.group });
  return 'done';
};

export const fileRemove: Executor<'file.remove'> = async (a, ctx) => {
  const now = await ctx.host.readFile(a.path);
  if (now.kind === 'absent') return 'skipped';
  if (now.content !== a.before) throw new FileDriftError(a.path);
  await backup(a.path, ctx);
  await runChecked(ctx.host, ['rm', '-f', '--', a.path]);
  return 'done';
};

export const dirEnsure: Executor<'dir.ensure'> = async (a, ctx) => {
  await runChecked(ctx.host, ['install', '-d', '-m', a.mode, '-o', a.owner, '-g', a.group, '--', a.path]);
  return 'done';
};

export const stateWrite: Executor<'state.write'> = async (a, ctx) => {
  await runChecked(ctx.host, ['install', '-d', '-m', '0700', posix.dirname(a.path)]);
  // The history entry needs the run's id and time, which no plan knows: added here, to exactly the planned record.
  const content = a.run === undefined ? a.content : (withRun(parseRecord(a.content, a.path), a.run, ctx.runId, new Date().toISOString()) ?? a.content);
  await ctx.host.writeFile(a.path, content, { mode: 0o600, owner: 'root', group: 'root' });
  return 'done';
};
