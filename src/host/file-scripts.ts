// The two constant sh scripts behind Host.writeFile and Host.readFile. Paths and modes arrive as positional
// parameters ("$1"…), content on stdin, so nothing the caller passes is ever parsed as shell code.

import { HostError } from './host-error.js';
import type { WriteFileOptions } from './host.js';
import { assertUserName } from './command-wrap.js';
import { assertPassable } from './shell-quote.js';

/** Exit status the read script uses for "no such file"; cat itself only ever exits 0 or 1. */
export const ABSENT_EXIT = 44;

/** Prefix of the temp file writeFile creates beside its target (a leftover one is safe to delete). */
export const TEMP_PREFIX = '.keelson-tmp.';

// mktemp in the target's own directory makes the final mv a rename(2) on one filesystem: readers see the old file or
// the new one, never half of one. Mode and owner are set on the temp file, so the target never exists with the wrong
// ones. `mv -T` refuses to drop the file INTO a directory that happens to sit at the target path. The EXIT trap
// removes the temp file on any failure; the signal traps turn a kill into an exit so that trap runs.
export const WRITE_FILE_SCRIPT = `set -eu
target=$1 mode=$2 owner=$3
dir=\${target%/*}
[ -n "$dir" ] || dir=/
tmp=$(mktemp "$dir/${TEMP_PREFIX}XXXXXXXXXX")
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
cat > "$tmp"
chmod -- "$mode" "$tmp"
if [ -n "$owner" ]; then chown -- "$owner" "$tmp"; fi
sync -- "$tmp" 2>/dev/null || :
mv -f -T -- "$tmp" "$target"
trap - EXIT`;

// [ -e ] follows symlinks, so a dangling link is reported as an error rather than "absent": something is there.
export const READ_FILE_SCRIPT = `p=$1
if [ -e "$p" ]; then exec cat -- "$p"; fi
if [ -L "$p" ]; then echo "keelson: $p is a symbolic link to a missing file" >&2; exit 1; fi
exit ${ABSENT_EXIT}`;

export function assertAbsolutePath(path: string): void {
  assertPassable(path, 'A file path');
  if (!path.startsWith('/') || path.endsWith('/')) {
    throw new HostError('bad-argument', `${JSON.stringify(path)} is not an absolute file path`,
      'Pass an absolute path to a file, such as /etc/keelson/stack.json.');
  }
}

/** WRITE_FILE_SCRIPT's three parameters (target, mode, owner[:group]), each checked. */
export function writeFileParams(path: string, options: WriteFileOptions): [string, string, string] {
  assertAbsolutePath(path);
  const { mode, owner, group } = options;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new HostError('bad-argument', `mode ${String(mode)} for ${path} is not a permission value`,
      'Pass octal permission bits between 0o000 and 0o7777, such as 0o640.');
  }
  if (owner !== undefined) assertUserName(owner, 'owner');
  if (group !== undefined) assertUserName(group, 'group');
  const ownerSpec = `${owner ?? ''}${group === undefined ? '' : `:${group}`}`;
  return [path, `0${mode.toString(8)}`, ownerSpec];
}

export function writeFileArgv(path: string, options: WriteFileOptions): string[] {
  return ['sh', '-c', WRITE_FILE_SCRIPT, 'keelson-write', ...writeFileParams(path, options)];
}

export function readFileArgv(path: string): string[] {
  assertAbsolutePath(path);
  return ['sh', '-c', READ_FILE_SCRIPT, 'keelson-read', path];
}
