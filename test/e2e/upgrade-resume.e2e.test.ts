// Guided upgrades that do not go in one straight line, on a real host, from the same "demo-installed" state as
// upgrade.e2e (in the other lane): the SSH link cut right after the upgrade rewrote web.container (a TCP relay on
// 127.0.0.1 destroys the connection: keelson must not try a rollback it cannot run, and the same upgrade again must
// finish the job). That upgrade, 1.0.1, changes web alone, so nothing is stopped before the restarts: the old stack
// must still serve after the cut. (An upgrade that removes a container others require, as 1.1.0 removes api, stops
// those others with it in its write phase: the VM showed web down after such a cut.) Then page made a migration
// (1.1.3), which a version bump alone (1.1.4) runs again before what requires it. Every claim about the host is read
// from inside the VM over the harness's own SSH.
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { keelsonCli, REPO_ROOT, type CliOptions } from './support/keelson-cli.js';
import { demoReader, derived110, podman, Q, USER, V110, type UpgradeJson } from './support/demo-upgrade.js';
import { useVmFrom } from './support/prepared-states.js';
import { startRelay } from './support/tcp-relay.js';
import { useTimings } from './support/timings.js';

const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);

describe('upgrade the demo 1.0.0 → 1.0.1 over a link that is cut mid-way, then a migration', () => {
  const theVm = useVmFrom('demo-installed', 'upgrade-resume', timer);
  const { sh, invocations, record, healthy10x, healthy11x } = demoReader(theVm);
  const keelson = (args: string[], o: CliOptions = {}) => keelsonCli(theVm(), args, { timer, ...o });
  const v110 = readFileSync(V110, 'utf8');
  const v100 = readFileSync(join(REPO_ROOT, 'assets', 'stacks', 'demo', 'manifest.yaml'), 'utf8');

  it('the SSH connection cut right after web.container was rewritten: nothing restarted or stopped, the old stack serving, no rollback tried, status says interrupted, the same upgrade again finishes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-cut-e2e-'));
    const v101 = join(dir, 'demo-1.0.1.yaml');
    const changed = v100.replace(/^version: 1\.0\.0 /m, 'version: 1.0.1 ').replace(/^( +DEMO_ROLE: )web$/m, '$1web-1.0.1');
    expect(changed).toContain('DEMO_ROLE: web-1.0.1');
    writeFileSync(v101, changed);
    const relay = await startRelay(theVm(), join(dir, 'known_hosts'));
    try {
      const before = await invocations(['web.service', 'page.service', 'api.service']);
      const files = await sh(`sha256sum ${Q}/web.container`);
      let writing: string | undefined;
      let cut = 0;
      const r = await keelsonCli(theVm(), ['upgrade', '--stack', v101, '--yes', ...relay.flags], {
        timer,
        label: 'upgrade --yes 1.0.1 (SSH cut)',
        target: false,
        onLine: (line) => {
          if (writing === undefined) writing = /^(\[[0-9]+\/[0-9]+\]) update web\.container$/.exec(line)?.[1];
          else if (cut === 0 && line.startsWith(`${writing} done`)) cut = relay.cut();
        },
      });
      expect(cut, r.stderr).toBeGreaterThan(0);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/connection to the host was lost/i);
      expect(r.stderr).toContain('Run the same upgrade again once the host answers');
      expect(r.stderr).not.toMatch(/Rolling back|Rolled back/);
      // On the host: the new web.container, but nothing restarted or stopped; the 1.0.0 stack still serves.
      expect(await sh(`sha256sum ${Q}/web.container`)).not.toBe(files);
      expect(await invocations(['web.service', 'page.service', 'api.service'])).toEqual(before);
      await healthy10x();
      expect((await record()).stacks.demo?.version).toBe('1.0.0');
      const status = await keelson(['status'], { label: 'status (cut)' });
      expect(status.stdout).toMatch(/^ {2}last run: INTERRUPTED /m);
      // The same upgrade again, over a link that holds: web's file is already new, yet web restarts (the saved plan
      // says it was to), and nothing else; the gate passes.
      const again = await keelsonCli(theVm(), ['upgrade', '--stack', v101, '--yes', '--json', ...relay.flags], { timer, label: 'upgrade --yes 1.0.1 (after the cut)', target: false });
      expect(again.code, again.stderr).toBe(0);
      expect((JSON.parse(again.stdout) as UpgradeJson).restarts).toEqual(['web.service']);
      const after = await invocations(['web.service', 'page.service', 'api.service']);
      expect(after['web.service']).not.toBe(before['web.service']);
      expect([after['page.service'], after['api.service']]).toEqual([before['page.service'], before['api.service']]);
      await healthy10x();
      expect((await sh(podman('inspect web --format "{{range .Config.Env}}{{println .}}{{end}}"'))).split('\n')).toContain('DEMO_ROLE=web-1.0.1');
      const rec = await record();
      expect(rec.stacks.demo?.version).toBe('1.0.1');
      expect(rec.stacks.demo?.history.at(-1)).toMatchObject({ kind: 'upgrade', from: '1.0.0', to: '1.0.1', outcome: 'ok' });
    } finally {
      await relay.close();
    }
  }, SLOW);

  it('a migration: page, made one in 1.1.3, runs again on a version bump alone (1.1.4), its volume archived first, before web and status restart; then up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-migration-e2e-'));
    // page appends a line to the volume each time it runs: how the host says how often it ran.
    const migrating = v110
      .replace('    runOnce: true\n', '    runOnce: true\n    migration: true\n')
      .replace(`>/srv/index.html'`, `>/srv/index.html; echo ran >>/srv/migrations.log'`);
    expect(migrating).toContain('migration: true');
    const v113 = join(dir, 'demo-1.1.3.yaml');
    const v114 = join(dir, 'demo-1.1.4.yaml');
    writeFileSync(v113, derived110(migrating, '1.1.3', 'web-1.1.2'));
    writeFileSync(v114, derived110(migrating, '1.1.4', 'web-1.1.2'));
    const mount = (await sh(podman('volume inspect demo-content --format {{.Mountpoint}}'))).trim();
    const runs = async () => (await theVm().ssh(`cat ${mount}/migrations.log`)).stdout.split('\n').filter((l) => l === 'ran').length;
    const first = await keelson(['upgrade', '--stack', v113, '--yes', '--json'], { label: 'upgrade --yes 1.1.3 (page made a migration)' });
    expect(first.code, first.stderr).toBe(0);
    expect(await runs()).toBe(1);
    const before = await invocations(['web.service', 'status.service', 'page.service']);
    const r = await keelson(['upgrade', '--stack', v114, '--yes', '--json'], { label: 'upgrade --yes 1.1.4 (version only: the migration)' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as UpgradeJson & { migrations: string[] };
    // No unit file changed: the migration alone runs page again, and what requires page restarts after it.
    expect(out.files.filter((f) => !f.path.endsWith('state.json'))).toEqual([]);
    expect(out.migrations).toEqual(['page']);
    expect([...out.restarts].sort()).toEqual(['page.service', 'status.service', 'web.service']);
    expect(out.volumes).toEqual([expect.objectContaining({ volume: 'demo-content', restore: true })]);
    expect(await runs()).toBe(2);
    const after = await invocations(['web.service', 'status.service', 'page.service']);
    for (const u of ['web.service', 'status.service', 'page.service']) expect(after[u], u).not.toBe(before[u]);
    const entered = async (u: string) => Number((await sh(`${USER} show -p ActiveEnterTimestampMonotonic --value ${u}`)).trim());
    const pageDone = await entered('page.service');
    expect(await entered('web.service')).toBeGreaterThan(pageDone);
    expect(await entered('status.service')).toBeGreaterThan(pageDone);
    await healthy11x();
    const check = await keelson(['upgrade', '--stack', v114, '--check'], { label: 'upgrade --check 1.1.4' });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toBe('demo 1.1.4 is deployed and up to date: nothing to do.\n');
    expect(await runs()).toBe(2);
    expect((await record()).stacks.demo?.history.at(-1)).toMatchObject({ kind: 'upgrade', from: '1.1.3', to: '1.1.4', outcome: 'ok' });
  }, SLOW);
});
