// The socket probe: a throwaway container, run as the stack's containers will run, that writes and reads back a file
// in each socket directory. Proof beats reasoning about user namespaces (rick-infra ADR-005 learnt that the hard way).
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { ActionOf, Scope } from '../../engine/action.js';
import { renderProbeRecord, type ProbeRecord } from '../../engine/probe-record.js';
import type { Executor, ExecutorContext } from '../executor.js';
import { buildBusyboxImage } from '../busybox-image.js';
import { runChecked } from '../run-checked.js';

const RUNTIME_MAX_SECONDS = 300;

/**
 * Rootless, the probe container runs inside the owner's systemd user manager, as the stack's units will: with the
 * manager's supplementary groups (which lag behind /etc/group until it restarts) and its environment. The Host's
 * `runAs` (runuser, fresh groups) could pass where the stack then fails, so this is the one command that does not use
 * it. The manager expands "$" in ExecStart, so each "$" is doubled to arrive literally.
 */
export const inUserManager = (target: Scope, argv: readonly string[]): string[] =>
  target.scope === 'system'
    ? [...argv]
    : [
        'systemd-run', '--user', '-M', `${target.user}@`, '--wait', '--pipe', '--quiet', '--collect',
        '-p', `RuntimeMaxSec=${RUNTIME_MAX_SECONDS}`, '--', ...argv.map((a) => a.replaceAll('$', '$$$$')),
      ];

// The image only needs to land in the owner's storage, which the stack's own images reach the same way.
export const probeImage: Executor<'probe.image'> = (a, ctx) => buildBusyboxImage(ctx, a.target, a.busybox, a.image);

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

const writeRecord = async (ctx: ExecutorContext, path: string, record: Omit<ProbeRecord, 'format'>): Promise<void> => {
  await runChecked(ctx.host, ['install', '-d', '-m', '0700', posix.dirname(path)]);
  await ctx.host.writeFile(path, renderProbeRecord(record), { mode: 0o600, owner: 'root', group: 'root' });
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
  const r = await ctx.host.run(inUserManager(a.target, probeArgv(a, token)), { timeoutMs: (RUNTIME_MAX_SECONDS + 30) * 1000 });
  const allOk = r.exitCode === 0 && a.dirs.every((d) => r.stdout.split('\n').includes(`OK ${d}`));
  const reason = allOk ? '' : probeReason(r.exitCode, r.stdout, r.stderr);
  await writeRecord(ctx, a.record, { ok: allOk, reason, inputs: a.inputs, at: new Date().toISOString() });
  if (!allOk) throw new ProbeFailedError(a.dirs, reason, a.record);
  return 'done';
};
