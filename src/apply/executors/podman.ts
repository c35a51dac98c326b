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

/** The image archive comes from the verified stack archive on the workstation, over stdin: nothing is left on the host. */
export const podmanImageLoadPacked: Executor<'podman.image-load-packed'> = async (a, ctx) => {
  const exists = await ctx.host.run(['podman', 'image', 'exists', a.id], runAs(a.target));
  if (exists.exitCode === 0) return 'skipped';
  if (ctx.stackArchive === undefined) {
    throw new Error(`image ${a.image} comes from a stack archive: apply with --stack FILE.keelson --trust KEY (the archive this plan was made from)`);
  }
  const bytes = await ctx.stackArchive.readEntry(a.entry);
  await runChecked(ctx.host, ['podman', 'load'], { ...runAs(a.target), stdin: bytes, timeoutMs: 15 * 60_000 });
  // The unit runs this ID: an archive whose image is not the one its signed list recorded stops here.
  const loaded = await ctx.host.run(['podman', 'image', 'exists', a.id], runAs(a.target));
  if (loaded.exitCode !== 0) throw new Error(`${a.entry} loaded, but no image ${a.id} is there: the archive's images.json does not describe it`);
  return 'done';
};
