// Files: written atomically, backed up first when something is replaced, and refused when the file changed since
// the plan was made (someone edited it in between: re-plan, don't clobber); one exec each (../guarded-file.ts).
import type { ActionOf } from '../../engine/action.js';
import { runAs } from '../../engine/scope.js';
import type { Executor, ExecutorContext } from '../executor.js';
import { PODMAN_IMAGES_ARGV, parsePodmanImages } from '../../../steps/quadlet/facts.js';
import { guardedRemove, guardedWrite, writeInDir } from '../guarded-file.js';
import { runChecked } from '../run-checked.js';
import { parseRecord } from '../../state/parse-record.js';
import { withImageIds, withRun } from '../../state/stack-record.js';

export { FileDriftError } from '../guarded-file.js';

export const fileWrite: Executor<'file.write'> = (a, ctx) =>
  guardedWrite(ctx, a.path, a.content, a.before, { mode: parseInt(a.mode, 8), owner: a.owner, group: a.group });

export const fileRemove: Executor<'file.remove'> = (a, ctx) => guardedRemove(ctx, a.path, a.before);

export const dirEnsure: Executor<'dir.ensure'> = async (a, ctx) => {
  await runChecked(ctx.host, ['install', '-d', '-m', a.mode, '-o', a.owner, '-g', a.group, '--', a.path]);
  return 'done';
};

// The IDs of the images this run made, as Podman lists them now. Best effort: a listing that fails leaves them out,
// and the next plan (which sees them in its facts) writes them.
const madeImageIds = async (a: ActionOf<'state.write'>, ctx: ExecutorContext, content: string): Promise<string> => {
  if (a.images === undefined) return content;
  const r = await ctx.host.run([...PODMAN_IMAGES_ARGV], runAs(a.images.target)).catch(() => null);
  if (r === null) return content;
  const list = parsePodmanImages(r);
  if (!list.ok || list.ids === undefined) return content;
  return withImageIds(parseRecord(content, a.path), a.images.stack, list.ids) ?? content;
};

export const stateWrite: Executor<'state.write'> = async (a, ctx) => {
  // The history entry needs the run's id and time, which no plan knows: added here, to exactly the planned record.
  const planned = a.run === undefined ? a.content : (withRun(parseRecord(a.content, a.path), a.run, ctx.runId, new Date().toISOString()) ?? a.content);
  const content = await madeImageIds(a, ctx, planned);
  await writeInDir(ctx, a.path, content, { mode: 0o600, owner: 'root', group: 'root' }, '0700');
  return 'done';
};
