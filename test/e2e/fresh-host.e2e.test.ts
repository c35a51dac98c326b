// The fresh test host (the run's "booted" state: a cold boot of the image, saved once SSH answered and systemd
// finished starting, restored here): first what every later scenario relies on, asserted from inside the VM over
// SSH; then keelson plan, headless over SSH, against it — and after the host changes, the plan says so. What
// keelson reports is compared with what the VM itself says (asked over the harness's own ssh).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSchema, type Plan } from '../../src/engine/plan.js';
import { runGuestScript } from '../host-vm/guest-scripts.js';
import { BIN } from './support/keelson-cli.js';
import { useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

const timer = useTimings(import.meta.url);
// One VM for both parts. The smoke part only adds what a fresh host would not notice (a lingering admin, a local
// busybox image); preflight reads podman and the OS.
const booted = useVmFrom('booted', 'fresh', timer);

describe('test VM (debootstrapped trixie under qemu)', () => {
  it('finishes booting as running or degraded', async () => {
    const vm = booted();
    // --wait: SSH answers before the boot transaction is over.
    const state = (await vm.ssh('systemctl is-system-running --wait')).stdout.trim();
    if (state === 'degraded') {
      console.warn(`[vm-smoke] degraded; failed units:\n${(await vm.ssh('systemctl --failed --no-legend --plain')).stdout}`);
    }
    expect(['running', 'degraded']).toContain(state);
    console.info(`[vm-smoke] ${(await vm.ssh('systemd-analyze time')).stdout.trim()}`);
  });

  it('has the identity the harness promises', async () => {
    const vm = booted();
    expect((await vm.sshOk('hostname')).trim()).toBe(vm.image.hostname);
    // The fingerprint the harness reports is the one the guest's sshd really has.
    const fp = await vm.sshOk('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(fp.split(' ')[1]).toBe(vm.hostKeyFingerprint);
    expect(vm.knownHostsLine).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${vm.port} ssh-ed25519 `));
  });

  it('has Podman 5 with the Quadlet generator', async () => {
    const vm = booted();
    const version = (await vm.sshOk("podman version --format '{{.Client.Version}}'")).trim();
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(5);
    expect((await vm.ssh('test -x /usr/libexec/podman/quadlet')).code).toBe(0);
  });

  it('reaches a lingering user manager from root with systemctl --user -M', async () => {
    const vm = booted();
    await vm.sshOk('loginctl enable-linger admin');
    // enable-linger starts user@UID.service asynchronously; wait for it before asking the manager.
    await vm.sshOk('systemctl start user@$(id -u admin).service');
    const r = await vm.ssh('systemctl --user -M admin@ is-system-running --wait');
    expect(r.stderr).toBe('');
    expect(['running', 'degraded']).toContain(r.stdout.trim());
    expect((await vm.sshOk('loginctl show-user admin -p Linger')).trim()).toBe('Linger=yes');
  });

  it('imports busybox offline and runs it rootful', async () => {
    const vm = booted();
    await runGuestScript(vm, 'import-busybox.sh', ['localhost/busybox:smoke']);
    const r = await vm.ssh('podman run --rm localhost/busybox:smoke /bin/busybox echo ok');
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n' });
  });

  it('imports busybox offline and runs it rootless as admin', async () => {
    const vm = booted();
    await runGuestScript(vm, 'import-busybox.sh', ['localhost/busybox:smoke'], { user: 'admin' });
    const r = await vm.ssh('podman run --rm localhost/busybox:smoke /bin/busybox id -u', { user: 'admin' });
    expect(r).toMatchObject({ code: 0, stdout: '0\n' });
  });

  it('gives admin passwordless sudo', async () => {
    const vm = booted();
    expect((await vm.ssh('sudo -n true', { user: 'admin' })).code).toBe(0);
    expect((await vm.sshOk('sudo -n id -u', { user: 'admin' })).trim()).toBe('0');
  });
});

describe('preflight against the fresh VM', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'keelson-e2e-home-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const plan = async (user: 'root' | 'admin'): Promise<{ plan: Plan; exitCode: number | undefined; stderr: string }> => {
    const vm = booted();
    const who = vm[user];
    const r = await timer.time('keelson', `plan as ${user}`, () =>
      execa('node', [BIN, 'plan', '--stack', 'demo', '--json', '--host', `${user}@127.0.0.1:${vm.port}`, '--identity', who.identityFile, '--known-hosts', vm.knownHostsFile], {
        reject: false,
        env: { HOME: home, XDG_CONFIG_HOME: home },
        stdin: 'ignore',
      }),
    );
    return { plan: planSchema.parse(JSON.parse(r.stdout)), exitCode: r.exitCode, stderr: r.stderr };
  };

  const codes = (p: Plan, step: string) => p.steps.find((s) => s.id === step)?.findings.map((f) => `${f.severity}:${f.code}`) ?? [];

  it('gathers every fact in one round trip and reads the host as it is (as root and through sudo -n)', async () => {
    const vm = booted();
    const inside = (await vm.sshOk("podman version --format '{{.Client.Version}}'")).trim();
    for (const user of ['root', 'admin'] as const) {
      const { plan: p, stderr } = await plan(user);
      expect(p.roundTrips, stderr).toBe(1);
      expect(codes(p, 'preflight')).toContain('info:podman-ok');
      expect(p.steps.find((s) => s.id === 'preflight')?.findings.find((f) => f.code === 'podman-ok')?.message).toContain(inside);
      expect(p.steps.find((s) => s.id === 'preflight')?.findings.find((f) => f.code === 'os')?.message).toMatch(/Debian GNU\/Linux 13/);
    }
  });

  it('reports a blocker (exit 3) once podman stops answering, and nothing was applied', async () => {
    const vm = booted();
    await vm.sshOk('mv /usr/bin/podman /usr/bin/podman.off');
    try {
      const { plan: p, exitCode } = await plan('root');
      expect(codes(p, 'preflight')).toContain('blocker:podman-broken');
      expect(exitCode).toBe(3);
      // plan never writes: no journal on the host.
      expect((await vm.ssh('ls /var/lib/keelson/journal')).code).not.toBe(0);
    } finally {
      await vm.sshOk('mv /usr/bin/podman.off /usr/bin/podman');
    }
  });
});
