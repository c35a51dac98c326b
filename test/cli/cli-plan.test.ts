// The headless CLI as an operator runs it: a real process, a real SSH server on 127.0.0.1, this machine. The host is
// changed for real where the outcome depends on it: a test stack's socket directory (/run/kt-…, its own name) made
// a plain file, which the sockets step must refuse, and taken away again.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { planSchema, type Plan } from '../../src/engine/plan.js';
import { lockAccounts } from '../support/accounts-lock.js';
import { startSshd, type TestSshd } from '../support/sshd.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');
// Each case starts node + tsx; on a loaded 2-core machine that alone can take seconds.
vi.setConfig({ testTimeout: 120_000 });
let sshd: TestSshd;
let dir: string;

const keelson = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [BIN, ...args], { reject: false, env: { ...env, HOME: dir, XDG_CONFIG_HOME: dir }, stdin: 'ignore' });

// A stack of its own: nothing of it exists on this machine, and its socket directory is a path no one else uses.
const name = `kt-${randomBytes(3).toString('hex')}`;
const socketDir = `/run/${name}`;
const manifest = `stack: ${name}
version: 1.0.0
mode: rootless
owner: ${name}
groups: [{ name: ${name}-clients }]
sockets: [{ dir: ${socketDir}, owner: ${name}, group: ${name}-clients, mode: "0770" }]
containers:
  - { name: web, image: localhost/${name}:1, imageBuild: busybox, user: "1000:1000", sockets: [${socketDir}] }
`;
const stackFile = () => join(dir, `${name}.yaml`);
/** The real change: something that is not a directory where the socket directory belongs, or nothing there. */
const blockSocketDir = () => writeFile(socketDir, 'not a directory\n');
const clearSocketDir = () => rm(socketDir, { recursive: true, force: true });

beforeAll(async () => {
  sshd = await startSshd();
  dir = await mkdtemp(join(tmpdir(), 'keelson-cli-'));
  await writeFile(stackFile(), manifest);
});
afterAll(async () => {
  await sshd.stop();
  await clearSocketDir();
  await rm(dir, { recursive: true, force: true });
});

const sshArgs = () => ['--host', `root@127.0.0.1:${sshd.port}`, '--identity', sshd.identityFile, '--known-hosts', join(dir, 'known_hosts')];
const sockets = (plan: Plan) => plan.steps.find((s) => s.id === 'sockets');
const blockers = (plan: Plan, step: string) => plan.steps.find((s) => s.id === step)?.findings.filter((f) => f.severity === 'blocker').map((f) => `${f.code}: ${f.message}`);

describe('keelson plan', () => {
  it('over SSH: a file where the socket directory belongs is a blocker (exit 3), gathered in one round trip', async () => {
    await writeFile(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    await blockSocketDir();
    const r = await keelson(['plan', '--stack', stackFile(), ...sshArgs(), '--json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(3);
    const plan = planSchema.parse(JSON.parse(r.stdout));
    expect([plan.roundTrips, plan.host, plan.stack.name]).toEqual([1, `ssh root@127.0.0.1:${sshd.port}`, name]);
    expect(plan.steps.map((s) => s.id)).toEqual(['preflight', 'storage', 'identity', 'sockets', 'quadlet']);
    expect(blockers(plan, 'sockets')).toEqual([`socket-path-not-dir: ${socketDir} exists and is not a directory; systemd-tmpfiles will not replace it.`]);
    // Each probe's own time, measured on the host: one per fact the plan was made from, none longer than the trip.
    const probeMs = plan.timings?.probeMs ?? {};
    expect(Object.keys(plan.factDigests).filter((id) => probeMs[id] === undefined)).toEqual([]);
    expect(Math.max(...Object.values(probeMs))).toBeLessThanOrEqual(plan.timings?.gatherMs ?? 0);
  });

  it('--timings: the plan, then where the time went, slowest probe first', async () => {
    await clearSocketDir();
    const r = await keelson(['plan', '--stack', stackFile(), ...sshArgs(), '--timings']);
    expect(r.stderr).toBe('');
    const view = r.stdout.slice(r.stdout.indexOf("\nFacts: ") + 1);
    expect(view).toMatch(/^Facts: \d+\.\d\d s for the fact script's round trip/);
    const times = [...view.matchAll(/^ +(\d+\.\d\d) s {2}(\S+)$/gm)].map((m) => Number(m[1]));
    expect(times.length).toBeGreaterThan(3);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('the file taken away: the same step plans the directory and its probe instead', async () => {
    await clearSocketDir();
    const r = await keelson(['plan', '--stack', stackFile(), ...sshArgs(), '--json']);
    const plan = planSchema.parse(JSON.parse(r.stdout));
    expect(blockers(plan, 'sockets')).toEqual([]);
    expect(sockets(plan)?.actions.map((a) => `${a.kind} ${'path' in a ? a.path : ''}`.trim())).toEqual([
      `file.write /etc/tmpfiles.d/keelson-${name}.conf`,
      `tmpfiles.create /etc/tmpfiles.d/keelson-${name}.conf`,
      'probe.image',
      'probe.socket-access',
    ]);
  });

  it('on this machine (no --host): the same blocker, exit 3, one round trip, as root without sudo', async () => {
    await blockSocketDir();
    const r = await keelson(['plan', '--stack', stackFile(), '--json']);
    expect(r.exitCode).toBe(3);
    const plan = planSchema.parse(JSON.parse(r.stdout));
    expect([plan.roundTrips, plan.host]).toEqual([1, 'this machine (root)']);
    expect(blockers(plan, 'sockets')).toEqual([`socket-path-not-dir: ${socketDir} exists and is not a directory; systemd-tmpfiles will not replace it.`]);
  });

  it('refuses an unknown host key without consent, naming the fingerprint and the flags', async () => {
    await writeFile(join(dir, 'known_hosts'), '');
    const r = await keelson(['plan', '--stack', 'demo', ...sshArgs(), '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(sshd.hostFingerprint);
    expect(r.stderr).toMatch(/--accept-new-host-key|--host-key/);
    expect(r.stdout).toBe('');
  });

  it('a saved plan: refused after a real change to the host, naming exactly the fact that changed; unchanged, it gets to its blockers', async () => {
    await writeFile(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    const out = join(dir, 'plan.json');
    // Accounts must stand still meanwhile: other test files create users, and every fact of the plan is compared.
    const release = await lockAccounts();
    try {
      await blockSocketDir();
      expect((await keelson(['plan', '--stack', stackFile(), ...sshArgs(), '--out', out])).exitCode).toBe(3);
      planSchema.parse(JSON.parse(await readFile(out, 'utf8')));
      const same = await keelson(['apply', out, ...sshArgs(), '--yes']);
      expect(same.exitCode).toBe(3);
      expect(same.stderr).toBe('');
      await clearSocketDir();
      const changed = await keelson(['apply', out, ...sshArgs(), '--yes']);
      expect(changed.exitCode).toBe(2);
      expect(changed.stderr).toBe(`keelson: the host changed since ${out} was made (socket-dirs:${socketDir}); nothing was applied. Run "keelson plan" again and review it.`);
      expect(changed.stdout).toBe('');
    } finally {
      await release();
    }
  });
});

describe('bad usage', () => {
  it.each([
    [['plan'], /--stack/],
    [['plan', '--stack', 'no-such-stack'], /no bundled stack/],
    [['plan', '--stack', 'demo', '--host', 'root@$(reboot)'], /--host/],
    [['plan', '--stack', 'demo', '--host', 'root@127.0.0.1', '--host-key', 'MD5:xx'], /SHA256 fingerprint/],
    [['apply', '--stack', 'demo'], /--yes/],
    [['status', '--host', 'root@127.0.0.1', '--connect-timeout', '20s'], /--connect-timeout "20s" is not a number of seconds/],
    [['plan', '--stack', 'demo', '--host', 'root@127.0.0.1', '--connect-timeout', '$(reboot)'], /--connect-timeout/],
  ])('keelson %j exits 2 with a message, not a stack trace', async (args, message) => {
    const r = await keelson(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--version and --help answer', async () => {
    expect((await keelson(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await keelson(['plan', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--stack');
  });
});
