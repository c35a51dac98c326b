// The socket probe: a throwaway container, run as the stack's containers will run, that writes and reads back a file
// in each socket directory. Proof beats reasoning about user namespaces (rick-infra ADR-005 learnt that the hard way).
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { ActionOf, Scope } from '../../engine/action.js';
import type { Executor, ExecutorContext } from '../executor.js';
import { runChecked } from '../run-checked.js';

const RUNTIME_MAX_SECONDS = 300;

/**
 * Rootless work runs inside the owner's systemd user manager, as the stack's units will: with the manager's
 * supplementary groups (which lag behind /etc/group until it restarts) and its environment. `runuser` would start
 * from fresh groups and could pass where the stack then fails. The manager expands "$" in ExecStart, so each "$" is
 * doubled to arrive literally.
 */
export const inScope = (target: Scope, argv: readonly string[]): string[] =>
  target.scope === 'system'
    ? [...argv]
    : [
        'systemd-run', '--user', '-M', `${target.user}@`, '--wait', '--pipe', '--quiet', '--collect',
        '-p', `RuntimeMaxSec=${RUNTIME_MAX_SECONDS}`, '--', ...argv.map((a) => a.replaceAll('$', '$$$$')),
      ];

// Constant script: busybox in, image out. Runs as the image's future owner so a rootless image lands in its storage.
const BUILD_IMAGE = `set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/root/bin"
cp "$1" "$d/root/bin/busybox"
chmod 0755 "$d/root/bin/busybox"
ln -s busybox "$d/root/bin/sh"
tar -C "$d/root" -cf "$d/probe.tar" bin
podman import --change 'CMD ["/bin/sh"]' "$d/probe.tar" "$2" >/dev/null`;

export const probeImage: Executor<'probe.image'> = async (a, ctx) => {
  const exists = await ctx.host.run(inScope(a.target, ['podman', 'image', 'exists', a.image]), { timeoutMs: 2 * 60_000 });
  if (exists.exitCode === 0) return 'skipped';
  await runChecked(ctx.host, inScope(a.target, ['sh', '-c', BUILD_IMAGE, 'keelson-probe-image', a.busybox, a.image]), { timeoutMs: (RUNTIME_MAX_SECONDS + 30) * 1000 });
  return 'done';
};

// Inside the container: for each directory, create a file, read it back, remove it. One line per directory.
const PROBE = `t="$1"; shift
echo "id: $(id)"
rc=0
for d in "$@"; do
  f="$d/.keelson-probe-$t"
  if ! err=$(echo "$t" 2>&1 >"$f"); then echo "FAIL $d: cannot create a file: $err"; rc=1; continue; fi
  if [ "$(cat "$f" 2>&1)" != "$t" ]; then echo "FAIL $d: cannot read the file back"; rc=1; rm -f "$f"; continue; fi
  rm -f "$f" && echo "OK $d"
done
exit $rc`;

export const probeArgv = (a: ActionOf<'probe.socket-access'>, token: string): string[] => {
  const groups = a.groupAdd === 'keep-groups' ? ['--group-add', 'keep-groups'] : a.groupAdd.flatMap((g) => ['--group-add', String(g)]);
  // :z, as the stack's units mount them: a shared SELinux label every container of the stack may use (no-op elsewhere).
  const mounts = a.dirs.flatMap((d) => ['--volume', `${d}:${d}:z`]);
  return [
    'podman', 'run', '--rm', '--network', 'none', '--pull', 'never',
    '--user', a.user, ...groups, ...mounts,
    '--entrypoint', '/bin/busybox',
    a.image, 'sh', '-c', PROBE, 'keelson-probe', token, ...a.dirs,
  ];
};

export interface ProbeRecord {
  readonly format: 'keelson-probe/1';
  readonly ok: boolean;
  readonly reason: string;
  readonly inputs: string;
  readonly at: string;
}

const writeRecord = async (ctx: ExecutorContext, path: string, record: ProbeRecord): Promise<void> => {
  await runChecked(ctx.host, ['install', '-d', '-m', '0700', posix.dirname(path)]);
  await ctx.host.writeFile(path, `${JSON.stringify(record)}\n`, { mode: 0o600, owner: 'root', group: 'root' });
};

/** The probe's own words, trimmed to what an operator needs: the failing lines, the identity, podman's error. */
export const probeReason = (exitCode: number, stdout: string, stderr: string): string => {
  const lines = stdout.split('\n').filter((l) => l.startsWith('FAIL ') || l.startsWith('id: '));
  const err = stderr.trim().split('\n').slice(-3).join(' ');
  return [...lines, ...(err === '' ? [] : [`podman: ${err}`]), `exit ${exitCode}`].join('; ');
};

export class ProbeFailedError extends Error {
  constructor(dirs: readonly string[], reason: string, record: string) {
    super(`the socket probe could not use ${dirs.join(', ')}: ${reason}. Give the container's user the directory's group (users[].groups in the manifest) or fix the directory, then run "keelson plan" again (this result is kept in ${record}).`);
    this.name = 'ProbeFailedError';
  }
}

export const probeSocketAccess: Executor<'probe.socket-access'> = async (a, ctx) => {
  const token = randomBytes(6).toString('hex');
  const r = await ctx.host.run(inScope(a.target, probeArgv(a, token)), { timeoutMs: (RUNTIME_MAX_SECONDS + 30) * 1000 });
  const allOk = r.exitCode === 0 && a.dirs.every((d) => r.stdout.split('\n').includes(`OK ${d}`));
  const reason = allOk ? '' : probeReason(r.exitCode, r.stdout, r.stderr);
  await writeRecord(ctx, a.record, { format: 'keelson-probe/1', ok: allOk, reason, inputs: a.inputs, at: new Date().toISOString() });
  if (!allOk) throw new ProbeFailedError(a.dirs, reason, a.record);
  return 'done';
};
