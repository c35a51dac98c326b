// What an uninstall removes from Podman (the purge's last backup of a volume: volume-archive.ts). Each checks first,
// so a re-run after an interruption converges; a resource whose user is already gone (purged) counts as gone.
import { runAs } from '../../engine/scope.js';
import type { Executor } from '../executor.js';
import { runChecked } from '../run-checked.js';

export const podmanRemove: Executor<'podman.remove'> = async (a, ctx) => {
  const exists = await ctx.host.run(['podman', a.resource, 'exists', a.name], runAs(a.target));
  if (exists.exitCode !== 0) return 'skipped';
  await runChecked(ctx.host, ['podman', a.resource, 'rm', '--', a.name], { ...runAs(a.target), timeoutMs: 5 * 60_000 });
  return 'done';
};

/** --one-file-system: a socket directory is a plain directory under /run; nothing mounted below it is followed. */
export const dirRemove: Executor<'dir.remove'> = async (a, ctx) => {
  const there = await ctx.host.run(['test', '-d', a.path]);
  if (there.exitCode !== 0) return 'skipped';
  await runChecked(ctx.host, ['rm', '-r', '--one-file-system', '--', a.path]);
  return 'done';
};
