// Guided upgrades on a real host: the demo 1.0.0 as keelson installed it in this run (the "demo-installed" state),
// upgraded to test/fixtures/stacks/demo-1.1.0.yaml (web changed, api removed, status and a question added), then to
// the broken 1.2.0 (web's new image writes into the volume, then never passes its health check), which keelson rolls
// back on its own, the volume put back from the archive it made before anything stopped; then the
// same 1.2.0 with a rollback that fails too (web.container made immutable mid-upgrade, chattr +i, as a hardening
// agent might): the stack is marked failed, apply refuses until --clear-failed; then an upgrade killed (SIGKILL)
// right after it rewrote web.container, put back by `keelson rollback --yes`; last a healthy 1.1.1 (web changed
// again), after which the oldest upgrade backup is removed and the newest 3 (and the failed run's) stay.
// A cut SSH link and a migration are upgrade-resume.e2e's, from the same state, in the other lane.
// Every claim about the host is read from inside the VM over the harness's own SSH, never from keelson's report.
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { keelsonCli, type CliOptions } from './support/keelson-cli.js';
import { demoReader, derived110, podman, Q, S, USER, V110, V120, type UpgradeJson } from './support/demo-upgrade.js';
import { DEMO_GREETING, pageOf, useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);

describe('upgrade the demo 1.0.0 → 1.1.0 → (broken) 1.2.0, rolled back', () => {
  const theVm = useVmFrom('demo-installed', 'upgrade', timer);
  const { sh, invocations, record, healthy11x: healthy110 } = demoReader(theVm);
  const keelson = (args: string[], o: CliOptions = {}) => keelsonCli(theVm(), args, { timer, ...o });
  const fingerprint = () => sh(`sha256sum /var/lib/keelson/state.json ${Q}/* ${S}/demo.target; ${USER} show -p InvocationID --value page.service api.service web.service`);

  it('--check lists exactly the changes and restarts of 1.1.0, and changes nothing (exit 4)', async () => {
    const before = await fingerprint();
    const r = await keelson(['upgrade', '--stack', V110, '--check', '--json'], { label: 'upgrade --check 1.1.0' });
    expect(r.code, r.stderr).toBe(4);
    const j = JSON.parse(r.stdout) as UpgradeJson;
    expect([j.from.version, j.to.version, j.upToDate]).toEqual(['1.0.0', '1.1.0', false]);
    expect(j.containers).toEqual({ added: ['status'], removed: ['api'], changed: ['web'] });
    expect(j.restarts).toEqual(['web.service']);
    expect(j.stops).toEqual(['api.service']);
    expect(j.files.map((f) => `${f.change} ${f.path}`).sort()).toEqual([`add ${Q}/status.container`, `change ${Q}/web.container`, `change ${S}/demo.target`, `remove ${Q}/api.container`].sort());
    expect(j.answers).toEqual({ kept: ['greeting'], asked: ['motto'], dropped: [] });
    // The volume web and status mount read-only: archived in this run's own directory, never put back by a rollback.
    const archive = `/home/keelson-backups/demo-${j.runId}/demo-content.tar`;
    expect(j.volumes).toEqual([{ volume: 'demo-content', archive, restore: false }]);
    expect(j.backups.sort()).toEqual(['/var/lib/keelson/state.json', `${Q}/api.container`, `${Q}/web.container`, `${S}/demo.target`, archive].sort());
    expect(j.steps.map((s) => s.id)).toEqual(['checks', 'prefetch', 'backup', 'write', 'reload', 'restart', 'health', 'record']);
    expect(await fingerprint()).toBe(before);
  }, SLOW);

  it('--yes: only web restarts (page keeps its InvocationID), api goes, status comes; kept answer in effect, data intact', async () => {
    const mount = (await sh(podman('volume inspect demo-content --format {{.Mountpoint}}'))).trim();
    // Written by the owner (root of its user namespace), as the stack's own files are: host root's files are outside
    // the owner's mapping, and a rootless volume's archive cannot keep their owner (the VM showed it: 0 came back as
    // the namespace's overflow UID mapped to a subordinate ID).
    await sh(`runuser -u keelson-demo -- sh -c 'cd; XDG_RUNTIME_DIR=/run/user/$(id -u) podman unshare sh -c "echo kept across upgrades > \\$1/marker.txt" keelson-e2e ${mount}'`);
    const before = await invocations(['page.service', 'web.service']);
    const r = await keelson(['upgrade', '--stack', V110, '--yes'], { label: 'upgrade --yes 1.1.0' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Upgraded demo 1\.0\.0 → 1\.1\.0\. Journal: /m);
    const after = await invocations(['page.service', 'web.service']);
    expect(after['page.service']).toBe(before['page.service']);
    expect(after['web.service']).not.toBe(before['web.service']);
    expect((await sh(`${USER} is-active web.service status.service page.service demo.target | sort -u`)).trim()).toBe('active');
    expect((await theVm().ssh(`${USER} is-active api.service`)).stdout.trim()).not.toBe('active');
    expect((await theVm().ssh(`ls ${Q}/api.container`)).code).not.toBe(0);
    // The greeting given at install (1.0.0's default), not 1.1.0's new default; the new question got its default.
    expect(await pageOf(theVm(), 18080, 120_000)).toContain(`<h1>${DEMO_GREETING}</h1>`);
    expect(await sh(podman('inspect status --format "{{range .Config.Env}}{{println .}}{{end}}"'))).toMatch(/^DEMO_MOTTO=Upgraded in place$/m);
    expect((await sh(`cat ${mount}/marker.txt`)).trim()).toBe('kept across upgrades');
    const rec = await record();
    expect(rec.format).toBe('keelson-state/2');
    expect(rec.stacks.demo?.version).toBe('1.1.0');
    expect(rec.stacks.demo?.answers).toEqual({ greeting: DEMO_GREETING, motto: 'Upgraded in place' });
    expect(rec.stacks.demo?.history.at(-1)).toMatchObject({ kind: 'upgrade', from: '1.0.0', to: '1.1.0', outcome: 'ok' });
  }, SLOW);

  it('then: a second --check is up to date (exit 0), a plan with the kept answers has zero actions, a downgrade is refused', async () => {
    const again = await keelson(['upgrade', '--stack', V110, '--check'], { label: 'upgrade --check again' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('demo 1.1.0 is deployed and up to date: nothing to do.\n');
    const dir = mkdtempSync(join(tmpdir(), 'keelson-upgrade-e2e-'));
    writeFileSync(join(dir, 'answers.yaml'), `stack: demo\nanswers:\n  greeting: ${DEMO_GREETING}\n`);
    const plan = await keelson(['plan', '--stack', V110, '--answers', join(dir, 'answers.yaml'), '--json'], { label: 'plan 1.1.0' });
    expect(plan.code, plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as { steps: { actions: unknown[] }[] }).steps;
    expect(steps.flatMap((s) => s.actions)).toEqual([]);
    const down = await keelson(['upgrade', '--stack', 'demo', '--check'], { label: 'upgrade --check downgrade' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('keelson: upgrade refused: demo 1.1.0 is installed; the manifest is the older 1.0.0.');
    expect(down.stderr).toContain('→ Pass --allow-downgrade if you mean it');
  }, SLOW);

  it('1.1.0 → 1.2.0 fails its health gate and is rolled back on its own: 1.1.0 files, record, units and volume back and healthy', async () => {
    const files = await sh(`sha256sum ${Q}/* ${S}/demo.target`);
    const mount = (await sh(podman('volume inspect demo-content --format {{.Mountpoint}}'))).trim();
    const data = await sh(`cd ${mount} && find . -printf '%p %U %G %m\\n' | sort && sha256sum index.html marker.txt`);
    const checked = await keelson(['upgrade', '--stack', V120, '--check', '--json'], { label: 'upgrade --check 1.2.0' });
    expect(checked.code, checked.stderr).toBe(4);
    // 1.2.0's web mounts the volume read-write: its rollback must put the volume back.
    expect((JSON.parse(checked.stdout) as UpgradeJson).volumes.map((v) => [v.volume, v.restore])).toEqual([['demo-content', true]]);
    const t: Record<string, number> = {};
    const r = await keelson(['upgrade', '--stack', V120, '--yes'], {
      label: 'upgrade --yes 1.2.0 (rolled back)',
      onLine: (line) => {
        if (line.startsWith('The upgrade failed at')) t.failed = performance.now();
      },
    });
    t.end = performance.now();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/The upgrade failed at "wait until/);
    expect(r.stderr).toMatch(/web\.service (failed|restarted 3 times while starting)/);
    const said = /^Rolled back: demo 1\.1\.0 is back and healthy, in ([0-9.]+) s/m.exec(r.stderr);
    expect(said, r.stderr).not.toBeNull();
    const measured = (t.end - (t.failed ?? t.end)) / 1000;
    timer.record('keelson', `rollback: failed gate → healthy again (keelson said ${said?.[1] ?? '?'} s)`, measured * 1000);
    expect(await sh(`sha256sum ${Q}/* ${S}/demo.target`)).toBe(files);
    expect((await sh(`${USER} is-active web.service status.service page.service demo.target | sort -u`)).trim()).toBe('active');
    expect(await pageOf(theVm(), 18080, 120_000)).toContain(`<h1>${DEMO_GREETING}</h1>`);
    expect((await sh(podman('inspect web --format "{{.State.Health.Status}} {{.ImageName}}"'))).trim()).toBe('healthy localhost/keelson-demo:1');
    // The broken web wrote into the volume; the restore emptied it and put the archive back: same files, owners, modes.
    expect(await sh(`test -e ${mount}/broken-1.2.txt && echo there || true`)).toBe('');
    expect(await sh(`cd ${mount} && find . -printf '%p %U %G %m\\n' | sort && sha256sum index.html marker.txt`)).toBe(data);
    const dir = /^\/home\/keelson-backups\/demo-[^/\s]+$/m.exec(await sh('ls -1dt /home/keelson-backups/demo-* | head -n 1'))?.[0] ?? '';
    expect((await sh(`stat -c '%U %a' ${dir}/demo-content.tar && cd ${dir} && sha256sum -c demo-content.tar.sha256`)).trim()).toMatch(/^root 600\ndemo-content\.tar: OK$/);
    const rec = await record();
    expect(rec.stacks.demo?.version).toBe('1.1.0');
    expect(rec.stacks.demo?.history.at(-1)).toMatchObject({ kind: 'upgrade', from: '1.1.0', to: '1.2.0', outcome: 'rolled-back' });
  }, SLOW);

  it('1.2.0 again, and its rollback fails too (web.container immutable): marked failed; apply refuses and changes nothing; --clear-failed converges', async () => {
    const files = await sh(`sha256sum ${Q}/* ${S}/demo.target`);
    let fault: Promise<string> | undefined;
    const r = await keelson(['upgrade', '--stack', V120, '--yes'], {
      label: 'upgrade --yes 1.2.0 (rollback fails)',
      onLine: (line) => {
        // After the forward write, before its health gate fails: the rollback cannot put web.container back.
        if (fault === undefined && /^\[[0-9]+\/[0-9]+\] let Quadlet generate the units$/.test(line)) fault = sh(`chattr +i ${Q}/web.container`);
      },
    });
    await fault;
    expect(fault, r.stderr).toBeDefined();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/The ROLLBACK FAILED: .*web\.container/);
    expect(r.stderr).toContain('demo is marked failed in /var/lib/keelson/state.json; apply and upgrade refuse until it is cleared.');
    const marked = await record();
    expect(marked.stacks.demo?.failed?.reason).toMatch(/^the upgrade to 1\.2\.0 failed \(wait until .*\) and its rollback failed too \(put back .*web\.container/);
    expect(marked.stacks.demo?.history.at(-1)).toMatchObject({ kind: 'upgrade', from: '1.1.0', to: '1.2.0', outcome: 'failed' });
    const status = await keelson(['status'], { label: 'status (failed)' });
    expect(status.stdout.split('\n')[1]).toMatch(/^ {2}demo: FAILED — the upgrade to 1\.2\.0 failed/);
    const doctor = await keelson(['doctor', '--only', 'record', '--json'], { label: 'doctor --only record (failed)' });
    expect(doctor.code).toBe(3);
    expect(doctor.stdout).toContain('FAILED: demo: the upgrade to 1.2.0 failed');

    const dir = mkdtempSync(join(tmpdir(), 'keelson-failed-e2e-'));
    writeFileSync(join(dir, 'answers.yaml'), `stack: demo\nanswers:\n  greeting: ${DEMO_GREETING}\n`);
    const apply = ['apply', '--stack', V110, '--answers', join(dir, 'answers.yaml'), '--yes'];
    // Files, record and journals: the failing 1.2.0 web may still be restarted by systemd itself meanwhile.
    const untouched = () => sh(`sha256sum /var/lib/keelson/state.json ${Q}/* ${S}/demo.target; ls /var/lib/keelson/journal | wc -l`);
    const before = await untouched();
    const refusedApply = await keelson(apply, { label: 'apply --yes (refused: failed)' });
    expect(refusedApply.code, refusedApply.stderr).toBe(3);
    expect(refusedApply.stderr).toMatch(/^keelson: apply refused: demo is marked failed since 20[0-9-]+T[0-9:.]+Z \(run [0-9T-]+[a-f0-9]+\): the upgrade to 1\.2\.0 failed/m);
    expect(refusedApply.stderr).toContain('then run keelson apply again with --clear-failed');
    expect(await untouched()).toBe(before);
    const refusedUpgrade = await keelson(['upgrade', '--stack', V120, '--check'], { label: 'upgrade --check (refused: failed)' });
    expect(refusedUpgrade.code).toBe(3);
    expect(refusedUpgrade.stderr).toContain('keelson: upgrade refused: demo is marked failed since');
    expect(await untouched()).toBe(before);

    // The operator reads why and repairs the host; then clears the mark with the run that puts 1.1.0 back.
    await sh(`chattr -i ${Q}/web.container`);
    const cleared = await keelson([...apply, '--clear-failed'], { label: 'apply --yes --clear-failed' });
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/clear the failed mark of demo/);
    expect(await sh(`sha256sum ${Q}/* ${S}/demo.target`)).toBe(files);
    await healthy110();
    const rec = await record();
    expect(rec.stacks.demo?.failed).toBeNull();
    expect(rec.stacks.demo?.history.at(-1)).toMatchObject({ kind: 'apply', from: '1.1.0', to: '1.1.0', outcome: 'ok' });
    expect(rec.stacks.demo?.history.at(-1)?.cleared).toBe(`${marked.stacks.demo?.failed?.reason ?? '?'} (marked failed ${marked.stacks.demo?.failed?.at ?? '?'}, run ${marked.stacks.demo?.failed?.runId ?? '?'})`);
  }, SLOW);

  it('an upgrade killed (SIGKILL) right after it rewrote web.container: keelson rollback --yes brings 1.1.0 back healthy, then has nothing to do', async () => {
    const files = await sh(`sha256sum ${Q}/* ${S}/demo.target`);
    let writing: string | undefined;
    let killed = false;
    const r = await keelson(['upgrade', '--stack', V120, '--yes'], {
      label: 'upgrade --yes 1.2.0 (killed)',
      onLine: (line, child) => {
        if (writing === undefined) writing = /^(\[[0-9]+\/[0-9]+\]) update web\.container$/.exec(line)?.[1];
        else if (!killed && line.startsWith(`${writing} done`)) killed = child.kill('SIGKILL');
      },
    });
    expect(killed, r.stderr).toBe(true);
    expect(r.code).toBe(-1);
    expect(await sh(`sha256sum ${Q}/* ${S}/demo.target`)).not.toBe(files);
    expect((await record()).stacks.demo?.version).toBe('1.1.0');
    const status = await keelson(['status'], { label: 'status (interrupted)' });
    expect(status.stdout).toMatch(/^ {2}last run: INTERRUPTED /m);
    const asked = await keelson(['rollback'], { label: 'rollback (no --yes)' });
    expect(asked.code).toBe(2);
    expect(asked.stderr).toBe('keelson: rollback needs --yes when there is no terminal to confirm in\n');
    const back = await keelson(['rollback', '--yes'], { label: 'rollback --yes' });
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('Rollback: demo back to 1.1.0 (the upgrade to 1.2.0 did not finish)');
    const said = /^Rolled back: demo 1\.1\.0 is back and healthy, in ([0-9.]+) s/m.exec(back.stderr);
    expect(said, back.stderr).not.toBeNull();
    expect(await sh(`sha256sum ${Q}/* ${S}/demo.target`)).toBe(files);
    await healthy110();
    const rec = await record();
    expect(rec.stacks.demo?.version).toBe('1.1.0');
    expect(rec.stacks.demo?.failed).toBeNull();
    expect(rec.stacks.demo?.history.at(-1)).toMatchObject({ kind: 'upgrade', from: '1.1.0', to: '1.2.0', outcome: 'rolled-back' });
    expect(rec.stacks.demo?.history.at(-2)).toMatchObject({ kind: 'apply', outcome: 'ok' });
    const again = await keelson(['rollback', '--yes'], { label: 'rollback --yes (nothing)' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('Nothing to roll back: demo 1.1.0 is deployed and its last run finished.\n');
  }, SLOW);

  it('a healthy 1.1.1 (web changed) removes the oldest upgrade backup after its gate; the newest 3 and the failed run\'s stay', async () => {
    const before = (await record()).stacks.demo?.history ?? [];
    // 1.0.0 → 1.1.0 (ok), → 1.2.0 rolled back, → 1.2.0 failed, → 1.2.0 killed and rolled back: each exported the volume.
    const made = before.filter((e) => e.backupRunId !== undefined).map((e) => [e.to, e.outcome]);
    expect(made).toEqual([['1.1.0', 'ok'], ['1.2.0', 'rolled-back'], ['1.2.0', 'failed'], ['1.2.0', 'rolled-back']]);
    const ids = before.flatMap((e) => e.backupRunId ?? []);
    const dirOf = (id: string) => `/home/keelson-backups/demo-${id}`;
    expect(await sh(`for d in ${ids.map(dirOf).join(' ')}; do test -d "$d" && echo yes || echo no; done`)).toBe('yes\nyes\nyes\nyes\n');
    const dir = mkdtempSync(join(tmpdir(), 'keelson-prune-e2e-'));
    const v111 = join(dir, 'demo-1.1.1.yaml');
    writeFileSync(v111, derived110(readFileSync(V110, 'utf8'), '1.1.1', 'web-1.1.1'));
    const r = await keelson(['upgrade', '--stack', v111, '--yes', '--json'], { label: 'upgrade --yes 1.1.1 (prunes)' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as UpgradeJson & { outcome: { ok: boolean; pruned?: { ok: boolean; dirs: string[] } } };
    expect(out.restarts).toEqual(['web.service']);
    expect(out.prunes.map((b) => b.dir)).toEqual([dirOf(ids[0] ?? '?')]);
    expect(out.outcome.pruned).toEqual({ ok: true, dirs: [dirOf(ids[0] ?? '?')] });
    expect(await sh(`for d in ${[...ids, out.runId].map(dirOf).join(' ')}; do test -d "$d" && echo yes || echo no; done`)).toBe('no\nyes\nyes\nyes\nyes\n');
    await healthy110();
    const after = (await record()).stacks.demo?.history ?? [];
    expect(after.find((e) => e.backupRunId === ids[0])?.backupPruned).toMatch(/^20[0-9-]+T[0-9:.]+Z$/);
    expect(after.filter((e) => e.backupPruned !== undefined)).toHaveLength(1);
    expect(after.at(-1)).toMatchObject({ kind: 'upgrade', from: '1.1.0', to: '1.1.1', outcome: 'ok', backupRunId: out.runId });
  }, SLOW);
});
