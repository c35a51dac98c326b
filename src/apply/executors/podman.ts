// Podman secrets and images. A secret's value is made here, at apply time, and fed on stdin: it never
// exists in a plan, a log or a command line.
import { randomBytes } from 'node:crypto';
import { runAs } from '../../engine/scope.js';
import type { Executor } from '../executor.js';
import { runChecked } from '../run-checked.js';

// URL-safe alphabet: survives every config format a secret may be pasted into.
export const generateSecret = (length: number): string => randomBytes(length).toString('base64url').slice(0, length);

export const podmanSecret: Executor<'podman.secret'> = async (a, ctx) => {
  const exists = await ctx.host.run(['podman', 'secret', 'exists', a.name], runAs(a.target));
  if (exists.exitCode === 0) return 'skipped';
  const value = a.source.from === 'generate' ? generateSecret(a.source.length) : ctx.secretAnswers[a.source.id];
  if (value === undefined || value === '') {
    throw new Error(`the answer for secret "${a.name}" is missing: give it in the secrets answers file or the environment`);
  }
  await runChecked(ctx.host, ['podman', 'secret', 'create', a.name, '-'], { ...runAs(a.target), stdin: value });
  return 'done';
};

export const podmanImageLoad: Executor<'podman.image-load'> = async (a, ctx) => {
  const exists = await ctx.host.run(['podman', 'image', 'exists', a.image], runAs(a.target));
  if (exists.exitCode === 0) return 'skipped';
  await runChecked(ctx.host, ['podman', 'load', '--input', a.archive], { ...runAs(a.target), timeoutMs: 15 * 60_000 });
  return 'done';
};

export const podmanImagePull: Executor<'podman.image-pull'> = async (a, ctx) => {
  const exists = await ctx.host.run(['podman', 'image', 'exists', a.image], runAs(a.target));
  if (exists.exitCode === 0) return 'skipped';
  // Podman writes its progress ("Copying blob …") to stderr, line by line: the operator watches it arrive.
  await runChecked(ctx.host, ['podman', 'pull', '--', a.image], { ...runAs(a.target), timeoutMs: 30 * 60_000, onLine: ctx.onLine });
  return 'done';
};
