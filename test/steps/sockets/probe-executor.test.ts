// The probe executors against a scripted Host: the command they run, how rootless work reaches the owner's manager,
// and the record they leave for the next plan (a pass, or a failure with the probe's own words).
import { describe, expect, it } from 'vitest';
import type { ActionOf } from '../../../src/engine/action.js';
import { actionSchema } from '../../../src/engine/action.js';
import type { ExecutorContext } from '../../../src/apply/executor.js';
import { Journal } from '../../../src/apply/journal.js';
import { inUserManager, probeArgv, probeImage, probeSocketAccess, ProbeFailedError } from '../../../src/apply/executors/probe.js';
import type { Host, RunOptions, RunResult, WriteFileOptions } from '../../../src/host/host.js';
import { parseProbeRecords } from '../../../steps/sockets/socket-facts.js';

class ScriptedHost implements Host {
  readonly label = 'scripted';
  roundTrips = 0;
  readonly runs: string[][] = [];
  readonly writes: { path: string; content: string; options: WriteFileOptions }[] = [];
  constructor(private readonly answer: (argv: readonly string[]) => RunResult) {}
  run(argv: readonly string[], _options?: RunOptions): Promise<RunResult> {
    this.runs.push([...argv]);
    return Promise.resolve(this.answer(argv));
  }
  writeFile(path: string, content: string | Uint8Array, options: WriteFileOptions): Promise<void> {
    this.writes.push({ path, content: String(content), options });
    return Promise.resolve();
  }
  readFile(): Promise<{ kind: 'absent' }> {
    return Promise.resolve({ kind: 'absent' });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '' });
const ctxOf = (host: Host): ExecutorContext => ({ host, journal: new Journal(host, 'run1'), index: 0, runId: 'run1', secretAnswers: {} });

const rootlessProbe: ActionOf<'probe.socket-access'> = {
  kind: 'probe.socket-access',
  description: 'probe web',
  target: { scope: 'user', user: 'demo' },
  image: 'localhost/keelson-probe:1',
  user: '1000:1000',
  groupAdd: 'keep-groups',
  dirs: ['/run/demo', '/run/demo-cache'],
  record: '/var/lib/keelson/probes/demo/1000-1000-kg.json',
  inputs: '{"v":1}',
};

describe('probe command', () => {
  it('rootless: --group-add keep-groups, :z mounts, run inside the owner\'s user manager', () => {
    const argv = probeArgv(rootlessProbe, 'abc');
    expect(argv.slice(0, 12)).toEqual(['podman', 'run', '--rm', '--network', 'none', '--pull', 'never', '--user', '1000:1000', '--group-add', 'keep-groups', '--volume']);
    expect(argv).toContain('/run/demo:/run/demo:z');
    expect(argv.slice(-3)).toEqual(['abc', '/run/demo', '/run/demo-cache']);
    const wrapped = inUserManager(rootlessProbe.target, argv);
    expect(wrapped.slice(0, 4)).toEqual(['systemd-run', '--user', '-M', 'demo@']);
    expect(wrapped).toContain('--wait');
    expect(wrapped).toContain('--pipe');
  });

  it('rootful: each GID its own --group-add, the system scope as is', () => {
    const a = { ...rootlessProbe, target: { scope: 'system' as const }, user: '990:990', groupAdd: [991, 962] };
    const argv = probeArgv(a, 'abc');
    expect(argv.join(' ')).toContain('--user 990:990 --group-add 991 --group-add 962 --volume');
    expect(inUserManager(a.target, argv)).toEqual(argv);
  });

  it('the user manager expands "$": every one is doubled so the script arrives as written', () => {
    const wrapped = inUserManager({ scope: 'user', user: 'demo' }, ['sh', '-c', 'echo "$1" ${HOME}', 'x', '$2']);
    expect(wrapped.slice(-5)).toEqual(['sh', '-c', 'echo "$$1" $${HOME}', 'x', '$$2']);
  });

  it('the actions validate against the closed union', () => {
    expect(actionSchema.safeParse(rootlessProbe).success).toBe(true);
    expect(actionSchema.safeParse({ ...rootlessProbe, user: 'root; rm -rf /' }).success).toBe(false);
  });
});

describe('probe executor', () => {
  it('a pass is recorded with its inputs (root-only file) and the action is done', async () => {
    const host = new ScriptedHost((argv) => (argv.includes('podman') ? ok('id: uid=1000 gid=1000 groups=65534,0\nOK /run/demo\nOK /run/demo-cache\n') : ok()));
    await expect(probeSocketAccess(rootlessProbe, ctxOf(host))).resolves.toBe('done');
    expect(host.writes).toHaveLength(1);
    const w = host.writes[0];
    expect(w?.path).toBe('/var/lib/keelson/probes/demo/1000-1000-kg.json');
    expect(w?.options).toEqual({ mode: 0o600, owner: 'root', group: 'root' });
    expect(JSON.parse(w?.content ?? '{}')).toMatchObject({ format: 'keelson-probe/1', ok: true, reason: '', inputs: '{"v":1}' });
    // What the sockets step's fact reads back is exactly what was written (one schema for writer and reader).
    expect(parseProbeRecords(`1000-1000-kg\t${(w?.content ?? '').trim()}\n`)).toEqual({ '1000-1000-kg': JSON.parse(w?.content ?? '{}') as unknown });
  });

  it('a directory it could not use fails the apply with the reason, and the failure is recorded first', async () => {
    const host = new ScriptedHost((argv) =>
      argv.includes('podman')
        ? { exitCode: 1, stdout: 'id: uid=1000 gid=1000 groups=1000\nOK /run/demo\nFAIL /run/demo-cache: cannot create a file: Permission denied\n', stderr: '' }
        : ok(),
    );
    const run = probeSocketAccess(rootlessProbe, ctxOf(host));
    await expect(run).rejects.toBeInstanceOf(ProbeFailedError);
    await expect(run).rejects.toThrow(/demo-cache: cannot create a file: Permission denied/);
    const record = JSON.parse(host.writes[0]?.content ?? '{}') as { ok: boolean; reason: string };
    expect(record.ok).toBe(false);
    expect(record.reason).toContain('groups=1000');
  });

  it('exit 0 without an OK line for every directory is not a pass', async () => {
    const host = new ScriptedHost((argv) => (argv.includes('podman') ? ok('OK /run/demo\n') : ok()));
    await expect(probeSocketAccess(rootlessProbe, ctxOf(host))).rejects.toThrow(ProbeFailedError);
  });

  it('the image: skipped when present, built from busybox when not', async () => {
    const image: ActionOf<'probe.image'> = { kind: 'probe.image', description: 'img', target: { scope: 'system' }, image: 'localhost/keelson-probe:1', busybox: '/bin/busybox' };
    const present = new ScriptedHost(() => ok());
    await expect(probeImage(image, ctxOf(present))).resolves.toBe('skipped');
    const absent = new ScriptedHost((argv) => (argv.includes('exists') ? { exitCode: 1, stdout: '', stderr: '' } : ok()));
    await expect(probeImage(image, ctxOf(absent))).resolves.toBe('done');
    expect(absent.runs[1]?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(absent.runs[1]?.slice(-2)).toEqual(['/bin/busybox', 'localhost/keelson-probe:1']);
  });
});
