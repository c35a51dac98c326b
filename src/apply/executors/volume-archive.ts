// A volume's archive on the data mount: the export (the purge's last backup, an upgrade's backup before anything
// stops) and the restore (an upgrade's rollback). The archive is root's (0600) on the data mount even when the
// owner's Podman holds the volume: root's shell opens it, the owner's commands get a pipe. Both converge when re-run:
// an export whose FILE.sha256 checks is done; a restore empties the volume and extracts the whole archive again.
import { posix } from 'node:path';
import { AS_USER_SCRIPT } from '../../host/command-wrap.js';
import type { Scope } from '../../engine/action.js';
import type { Host } from '../../host/host.js';
import type { Executor } from '../executor.js';
import { runChecked } from '../run-checked.js';

// Podman opens /dev/stdout by name instead of writing to the descriptor it was given, and the owner may not open
// root's 0600 file (EACCES: the VM said so). So, run as the volume's user: podman writes into a pipe that user made,
// and cat copies the pipe into the descriptor it inherited; podman's exit status comes back through fd 3 (POSIX sh
// has no pipefail). $1 the volume.
const EXPORT_AS_OWNER = `exec 4>&1
rc=$( { { podman volume export -- "$1" 3>&- 4>&-; echo "$?" >&3; } | cat >&4; } 3>&1 )
exit "$rc"`;

// $1 the archive, $2 the volume, then the prefix that runs podman as the stack's user (none: root's Podman). Written
// as FILE.part, read back whole by tar (a truncated or garbled archive fails here, before anything stops), then
// renamed and checksummed, so a cut-off or unreadable export never looks finished.
const EXPORT = `set -eu
f=$1; v=$2; shift 2
umask 077
mkdir -p -- "$(dirname -- "$f")"
"$@" sh -c '${EXPORT_AS_OWNER}' keelson-export-pipe "$v" > "$f.part"
tar -tf "$f.part" > /dev/null
mv -f -- "$f.part" "$f"
cd -- "$(dirname -- "$f")"
sha256sum -- "$(basename -- "$f")" > "$(basename -- "$f").sha256"`;

// As root of the volume's user namespace (podman unshare) or as root: $1 the mountpoint; the archive on stdin. The
// volume is emptied first, so a re-run after a cut-off extract ends with exactly the archive's files.
const RESTORE_FILES = `set -eu
mp=$1
test -d "$mp"
find "$mp" -mindepth 1 -delete
tar -xf - -C "$mp"`;

// As the volume's user (or root): $1 the volume, $2 "unshare" for a rootless Podman, $3 the script above. The archive
// on stdin passes through to it; podman volume inspect must not read it.
const RESTORE_AS_OWNER = `set -eu
mp=$(podman volume inspect --format "{{.Mountpoint}}" -- "$1" < /dev/null)
if [ "$2" = unshare ]; then exec podman unshare sh -c "$3" keelson-restore-files "$mp"; fi
exec sh -c "$3" keelson-restore-files "$mp"`;

// $1 the archive (root's, opened here), $2 the volume, $3 unshare|none, then the prefix that runs as the stack's user.
const RESTORE = `set -eu
f=$1; v=$2; ns=$3; shift 3
"$@" sh -c '${RESTORE_AS_OWNER}' keelson-restore "$v" "$ns" '${RESTORE_FILES}' < "$f"`;

const asOwner = (target: Scope): string[] => (target.scope === 'user' ? ['runuser', '-u', target.user, '--', 'sh', '-c', AS_USER_SCRIPT, 'keelson-as-user'] : []);

/** sha256sum -c of FILE.sha256 beside the archive: exit 0 when the archive is whole. */
const archiveChecks = async (host: Host, file: string): Promise<boolean> =>
  (await host.run(['sh', '-c', 'cd -- "$(dirname -- "$1")" && sha256sum --quiet -c -- "$(basename -- "$1")"', 'keelson-check', `${file}.sha256`])).exitCode === 0;

export const podmanVolumeExport: Executor<'podman.volume-export'> = async (a, ctx) => {
  if (await archiveChecks(ctx.host, a.file)) return 'skipped';
  await runChecked(ctx.host, ['sh', '-c', EXPORT, 'keelson-export', a.file, a.volume, ...asOwner(a.target)], { timeoutMs: 60 * 60_000 });
  ctx.onLine?.(`${a.volume} → ${a.file} (read back; sha256 in ${posix.basename(a.file)}.sha256)`);
  return 'done';
};

export const podmanVolumeRestore: Executor<'podman.volume-restore'> = async (a, ctx) => {
  if (!(await archiveChecks(ctx.host, a.file))) {
    throw new Error(`${a.file} (the backup of volume ${a.volume}) is missing or does not match ${a.file}.sha256: the volume was not touched. Look at ${posix.dirname(a.file)}; put the volume right by hand from a good copy (podman volume import), then run keelson rollback again.`);
  }
  const ns = a.target.scope === 'user' ? 'unshare' : 'none';
  await runChecked(ctx.host, ['sh', '-c', RESTORE, 'keelson-restore', a.file, a.volume, ns, ...asOwner(a.target)], { timeoutMs: 60 * 60_000 });
  ctx.onLine?.(`${a.file} → ${a.volume} (emptied, then extracted)`);
  return 'done';
};
