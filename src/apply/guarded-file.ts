// file.write and file.remove in one exec each. Before, a replaced file took seven (read it, make the backup directory,
// copy, journal the backup, make the target's directory, write): on a slow host one exec is a new channel and a new
// shell. The script does the same steps in the same order, on the host, with the same guarantees: the file is
// compared with what the plan saw (by sha256 of its bytes) and left alone when it changed; a file about to be
// replaced or removed is copied first (cp -a: content, mode, owner, times) and the backup journaled before anything
// is replaced; the write itself is WRITE_FILE_SCRIPT's (temp file beside the target, renamed over it). Paths, modes,
// digests and the journal line arrive as positional parameters, the content on stdin: nothing becomes shell code.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { CommandFailedError } from '../host/host-error.js';
import { WRITE_FILE_SCRIPT, assertAbsolutePath, writeFileParams } from '../host/file-scripts.js';
import type { WriteFileOptions } from '../host/host.js';
import type { ExecutorContext } from './executor.js';
import { backupDir, journalAppendSh } from './journal.js';

/** The file is already as planned (an interrupted run, re-run). */
const AS_PLANNED_EXIT = 45;
/** The file is neither what the plan saw nor what it wants. */
const DRIFT_EXIT = 46;

export class FileDriftError extends Error {
  constructor(path: string) {
    super(`${path} changed since the plan was made; nothing was written to it. Run "keelson plan" again and review the new diff.`);
    this.name = 'FileDriftError';
  }
}

const ABSENT = 'absent';
const digest = (content: string | null): string => (content === null ? ABSENT : createHash('sha256').update(content, 'utf8').digest('hex'));

// $1 target, $4 what the plan saw, $5 what it wants (sha256 or "absent"), $6 the backup's path, $7 the journal, $8
// the journal's backup line. stdin is drained on every early exit, so the sender never meets a closed pipe.
const GUARD = `set -eu
target=$1 before=$4 after=$5 backup=$6 journal=$7 line=$8
if [ -e "$target" ]; then now=$(sha256sum -- "$target"); now=\${now%% *}
elif [ -L "$target" ]; then cat >/dev/null; echo "keelson: $target is a symbolic link to a missing file" >&2; exit 1
else now=${ABSENT}; fi
if [ "$now" = "$after" ]; then cat >/dev/null; exit ${String(AS_PLANNED_EXIT)}; fi
if [ "$now" != "$before" ]; then cat >/dev/null; exit ${String(DRIFT_EXIT)}; fi
if [ "$now" != ${ABSENT} ]; then
  install -d -m 0700 -- "\${backup%/*}"
  cp -a -- "$target" "$backup"
  (d=\${journal%/*}; f=$journal; ${journalAppendSh(`'%s\\n' "$line"`)})
fi
`;

const WRITE = `${GUARD}dir=\${target%/*}
[ -n "$dir" ] || dir=/
install -d -m 0755 -- "$dir"
${WRITE_FILE_SCRIPT}`;

const REMOVE = `${GUARD}rm -f -- "$target"`;

// $4: the mode of the target's directory, made first when missing (the state directory on a fresh host).
const WRITE_IN_DIR = `set -eu
install -d -m "$4" -- "\${1%/*}"
${WRITE_FILE_SCRIPT}`;

const guarded = async (ctx: ExecutorContext, script: string, params: readonly [string, string, string], guard: { before: string | null; after: string | null }, stdin: string) => {
  const path = params[0];
  const backup = posix.join(backupDir(ctx.runId), path);
  const line = ctx.journal.line({ event: 'backup', index: ctx.index, path, backup });
  const argv = ['sh', '-c', script, 'keelson-file', ...params, digest(guard.before), digest(guard.after), backup, ctx.journal.path, line];
  const r = await ctx.host.run(argv, { stdin });
  if (r.exitCode === AS_PLANNED_EXIT) return 'skipped';
  if (r.exitCode === DRIFT_EXIT) throw new FileDriftError(path);
  if (r.exitCode !== 0) throw new CommandFailedError([script === WRITE ? 'write' : 'remove', path], r.exitCode, r.stderr || r.stdout);
  return 'done';
};

/** Writes `content` at `path` unless it already holds it; refused when it holds neither that nor `before`. */
export const guardedWrite = (ctx: ExecutorContext, path: string, content: string, before: string | null, options: WriteFileOptions) =>
  guarded(ctx, WRITE, writeFileParams(path, options), { before, after: content }, content);

/** Removes `path` (backed up first) when it holds `before`; already gone is as planned. */
export const guardedRemove = (ctx: ExecutorContext, path: string, before: string) => {
  assertAbsolutePath(path);
  return guarded(ctx, REMOVE, [path, '', ''], { before, after: null }, '');
};

/** Writes `content` at `path` (no guard: the record is keelson's own), its directory made with `dirMode` if missing. */
export const writeInDir = async (ctx: ExecutorContext, path: string, content: string, options: WriteFileOptions, dirMode: string): Promise<void> => {
  const r = await ctx.host.run(['sh', '-c', WRITE_IN_DIR, 'keelson-write', ...writeFileParams(path, options), dirMode], { stdin: content });
  if (r.exitCode !== 0) throw new CommandFailedError(['write', path], r.exitCode, r.stderr || r.stdout);
};
