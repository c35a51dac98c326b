// What an uninstall removes from Podman, and the purge's last backup of a volume. Each checks first, so a re-run
// after an interruption converges; a resource whose user is already gone (purged) counts as gone.
import { posix } from 'node:path';
import { AS_USER_SCRIPT } from '../../host/command-wrap.js';
import { runAs } from '../../engine/scope.js';
import type { Executor } from '../executor.js';
import { runChecked } from '../run-checked.js';

export const podmanRemove: Executor<'podman.remove'> = async (a, ctx) => {
  const exists = await ctx.host.run(['podman', a.resource, 'exists', a.name], runAs(a.target));
  if (exists.exitCode !== 0) return 'skipped';
  await runChecked(ctx.host, ['podman', a.resource, 'rm', '--', a.name], { ...runAs(a.target), timeoutMs: 5 * 60_000 });
  return 'done';
};

// Podman opens /dev/stdout by name instead of writing to the descriptor it was given, and the owner may not open
// root's 0600 file (EACCES: the VM said so). So, run as the volume's user: podman writes into a pipe that user made,
// and cat copies the pipe into the descriptor it inherited; podman's exit status comes back through fd 3 (POSIX sh
// has no pipefail). $1 the volume.
const EXPORT_AS_OWNER = `exec 4>&1
rc=$( { { podman volume export -- "$1" 3>&- 4>&-; echo "$?" >&3; } | cat >&4; } 3>&1 )
exit "$rc"`;

// $1 the archive, $2 the volume, then the prefix that runs podman as the stack's user (none: root's Podman). Root's
// shell writes the file, so the archive is root's (0600) on the data mount even when the owner's Podman makes it;
// written as FILE.part and renamed, so a cut-off export never looks finished.
const EXPORT = `set -eu
f=$1; v=$2; shift 2
umask 077
mkdir -p -- "$(dirname -- "$f")"
"$@" sh -c '${EXPORT_AS_OWNER}' keelson-export-pipe "$v" > "$f.part"
mv -f -- "$f.part" "$f"
cd -- "$(dirname -- "$f")"
sha256sum -- "$(basename -- "$f")" > "$(basename -- "$f").sha256"`;

export const podmanVolumeExport: Executor<'podman.volume-export'> = async (a, ctx) => {
  const sums = `${a.file}.sha256`;
  const done = await ctx.host.run(['sh', '-c', 'cd -- "$(dirname -- "$1")" && sha256sum --quiet -c -- "$(basename -- "$1")"', 'keelson-check', sums]);
  if (done.exitCode === 0) return 'skipped';
  const asUser = a.target.scope === 'user' ? ['runuser', '-u', a.target.user, '--', 'sh', '-c', AS_USER_SCRIPT, 'keelson-as-user'] : [];
  await runChecked(ctx.host, ['sh', '-c', EXPORT, 'keelson-export', a.file, a.volume, ...asUser], { timeoutMs: 60 * 60_000 });
  ctx.onLine?.(`${a.volume} → ${a.file} (sha256 in ${posix.basename(sums)})`);
  return 'done';
};

/** --one-file-system: a socket directory is a plain directory under /run; nothing mounted below it is followed. */
export const dirRemove: Executor<'dir.remove'> = async (a, ctx) => {
  const there = await ctx.host.run(['test', '-d', a.path]);
  if (there.exitCode !== 0) return 'skipped';
  await runChecked(ctx.host, ['rm', '-r', '--one-file-system', '--', a.path]);
  return 'done';
};
