// Files: written atomically, backed up first when something is replaced, and refused when the file changed since
// the plan was made (someone edited it in between: re-plan, don't clobber); one exec each (../guarded-file.ts).
import type { Executor } from '../executor.js';
import { guardedRemove, guardedWrite, writeInDir } from '../guarded-file.js';
import { runChecked } from '../run-checked.js';
import { parseRecord } from '../../state/parse-record.js';
import { withRun } from '../../state/stack-record.js';

export { FileDriftError } from '../guarded-file.js';

export const fileWrite: Executor<'file.write'> = (a, ctx) =>
  guardedWrite(ctx, a.path, a.content, a.before, { mode: parseInt(a.mode, 8), owner: a.owner, group: a.group });

export const fileRemove: Executor<'file.remove'> = (a, ctx) => guardedRemove(ctx, a.path, a.before);

export const dirEnsure: Executor<'dir.ensure'> = async (a, ctx) => {
  await runChecked(ctx.host, ['install', '-d', '-m', a.mode, '-o', a.owner, '-g', a.group, '--', a.path]);
  return 'done';
};

export const stateWrite: Executor<'state.write'> = async (a, ctx) => {
  // The history entry needs the run's id and time, which no plan knows: added here, to exactly the planned record.
  const content = a.run === undefined ? a.content : (withRun(parseRecord(a.content, a.path), a.run, ctx.runId, new Date().toISOString()) ?? a.content);
  await writeInDir(ctx, a.path, content, { mode: 0o600, owner: 'root', group: 'root' }, '0700');
  return 'done';
};
