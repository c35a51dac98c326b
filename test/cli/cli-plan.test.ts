// The headless CLI as an operator runs it: a real process, a real SSH server on 127.0.0.1, this machine.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { planSchema } from '../../src/engine/plan.js';
import { startSshd, type TestSshd } from '../support/sshd.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');
// Each case starts node + tsx; on a loaded 2-core machine that alone can take seconds.
vi.setConfig({ testTimeout: 120_000 });
let sshd: TestSshd;
let dir: string;

const keelson = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [BIN, ...args], { reject: false, env: { ...env, HOME: dir, XDG_CONFIG_HOME: dir }, stdin: 'ignore' });

beforeAll(async () => {
  sshd = await startSshd();
  dir = await mkdtemp(join(tmpdir(), 'keelson-cli-'));
});
afterAll(async () => {
  await sshd.stop();
  await rm(dir, { recursive: true, force: true });
});

const sshArgs = () => ['--host', `root@127.0.0.1:${sshd.port}`, '--identity', sshd.identityFile, '--known-hosts', join(dir, 'known_hosts')];

describe('keelson plan', () => {
  it('over SSH: prints a JSON plan with the preflight step, gathered in one round trip', async () => {
    await writeFile(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    const r = await keelson(['plan', '--stack', 'demo', ...sshArgs(), '--json']);
    expect(r.stderr).toBe('');
    const plan = planSchema.parse(JSON.parse(r.stdout));
    expect(plan.roundTrips).toBe(1);
    expect(plan.steps[0]?.id).toBe('preflight');
    expect(plan.steps[0]?.findings.length).toBeGreaterThan(0);
    for (const f of plan.steps.flatMap((s) => s.findings)) expect(['blocker', 'warning', 'info']).toContain(f.severity);
    // This machine (Debian 12) offers Podman 4.3: a blocker, so exit code 3, nothing applied.
    const blocked = plan.steps.some((s) => s.findings.some((f) => f.severity === 'blocker'));
    expect(r.exitCode).toBe(blocked ? 3 : 0);
  });

  it('on this machine (no --host): the same plan shape, one round trip', async () => {
    const r = await keelson(['plan', '--stack', 'demo', '--json']);
    const plan = planSchema.parse(JSON.parse(r.stdout));
    expect(plan.roundTrips).toBe(1);
    expect(plan.host).toMatch(/this machine/);
    expect([0, 3]).toContain(r.exitCode);
  });

  it('refuses an unknown host key without consent, naming the fingerprint and the flags', async () => {
    await writeFile(join(dir, 'known_hosts'), '');
    const r = await keelson(['plan', '--stack', 'demo', ...sshArgs(), '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(sshd.hostFingerprint);
    expect(r.stderr).toMatch(/--accept-new-host-key|--host-key/);
    expect(r.stdout).toBe('');
  });

  it('saves a plan with --out that apply refuses to run when the host changed since', async () => {
    await writeFile(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    const out = join(dir, 'plan.json');
    await keelson(['plan', '--stack', 'demo', ...sshArgs(), '--out', out]);
    const saved = planSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    // Forge a plan made on a "different" host: its digests no longer match what the host answers now.
    const forged = { ...saved, factsHash: '0'.repeat(64), factDigests: { ...saved.factDigests, 'os-release': 'feedfacefeedface' } };
    await writeFile(out, JSON.stringify(forged));
    const r = await keelson(['apply', out, ...sshArgs(), '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/host changed since .*os-release.*nothing was applied/s);
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
