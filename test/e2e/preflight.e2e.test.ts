// keelson plan, headless over SSH, against the fresh test VM; then the host changes and the plan says so.
// What keelson reports is compared with what the VM itself says (asked over the harness's own ssh).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSchema, type Plan } from '../../src/engine/plan.js';
import { useVm } from './support/use-vm.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');

describe('preflight against the fresh VM', () => {
  const booted = useVm({ name: 'preflight' });
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
    const r = await execa('node', [BIN, 'plan', '--stack', 'demo', '--json', '--host', `${user}@127.0.0.1:${vm.port}`, '--identity', who.identityFile, '--known-hosts', vm.knownHostsFile], {
      reject: false,
      env: { HOME: home, XDG_CONFIG_HOME: home },
      stdin: 'ignore',
    });
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
