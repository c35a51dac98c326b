// The Quadlet step on a real host: the demo stack rootless (assets/stacks/demo) and its rootful copy
// (test/fixtures/stacks/demo-rootful.yaml) side by side on a Debian 13 VM whose /home is LUKS and whose audit log has
// its own filesystem (the run's "prepared" state, as an installer would leave it).
// - On a prepared host: a value the Quadlet generator rejects is a blocker before anything is written; the CDR Link
//   stack's files pass the real generator.
// - The demo as keelson installed it in this run (the "demo-installed" state: `keelson plan --out` then `keelson
//   apply PLAN --yes`, saved, restored here): healthy and answering; the rootful copy beside it, headless, stopped by
//   Ctrl-C and finished by a re-run; both come back after a reboot; a second plan has nothing to do.
// Every assertion about the host is made from inside the VM over the harness's own SSH, never from keelson's report.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { planHost } from '../../src/engine/plan-host.js';
import { planActions, planBlockers, planSchema, type Plan } from '../../src/engine/plan.js';
import { renderPlanText } from '../../src/engine/render-plan.js';
import type { Host } from '../../src/host/host.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { allSteps } from '../../steps/index.js';
import { shQuote } from '../host-vm/vm.js';
import { connectRoot } from './support/connect.js';
import { keelsonCli, REPO_ROOT, type CliOptions } from './support/keelson-cli.js';
import { DEMO_UNITS, HOME_DISK, pageOf, stateArtifact, useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

const run = promisify(execFile);
/** Per test, under software emulation on a machine shared with other VMs. */
const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);

const load = (file: string): Manifest => {
  const parsed = parseManifest(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.manifest;
};
const ROOTFUL_FILE = join(REPO_ROOT, 'test', 'fixtures', 'stacks', 'demo-rootful.yaml');
const rootless = load(join(REPO_ROOT, 'assets', 'stacks', 'demo', 'manifest.yaml'));
const rootful = load(ROOTFUL_FILE);
const greeting = (m: Manifest) => m.questions.find((q) => q.id === 'greeting')?.default ?? '';

describe('on a prepared host: what the Quadlet generator says, before anything is written', () => {
  const theVm = useVmFrom('prepared', 'quadlet-prepared', timer);
  const sh = (cmd: string) => theVm().sshOk(cmd, { timeoutMs: 10 * 60_000 });

  it('a value the Quadlet generator rejects is a blocker before anything is written (exit 3, nothing applied)', async () => {
    // Schema-valid, but Quadlet reads an Image= ending in ".image" as a reference to a .image unit, and there is none.
    const text = readFileSync(ROOTFUL_FILE, 'utf8');
    const web = text.indexOf('  - name: web');
    const broken = text.slice(0, web) + text.slice(web).replace('image: localhost/keelson-demo:1', 'image: localhost/keelson-demo.image');
    const dir = mkdtempSync(join(tmpdir(), 'keelson-quadlet-e2e-'));
    try {
      writeFileSync(join(dir, 'broken.yaml'), broken);
      const r = await keelsonCli(theVm(), ['apply', '--stack', join(dir, 'broken.yaml'), '--yes', '--json'], { timer });
      expect(r.code, r.stderr).toBe(3);
      const p = planSchema.parse((JSON.parse(r.stdout) as { plan: unknown }).plan);
      const quadlet = p.steps.find((s) => s.id === 'quadlet');
      expect(quadlet?.findings.filter((f) => f.severity === 'blocker').map((f) => f.code)).toEqual(['quadlet-generator-rejected']);
      // The generator's own words, with the path the file would have had.
      expect(quadlet?.findings[0]?.message).toBe(
        'The Quadlet generator rejects web.container: converting "web.container": requested Quadlet image localhost/keelson-demo.image was not found',
      );
      expect(quadlet?.findings[0]?.remedy).toMatch(/^Fix containers\.web in the manifest/);
      expect(p.validationRoundTrips).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // From inside: no unit file, no user, no journal: nothing of any step was applied.
    expect((await theVm().ssh('ls /etc/containers/systemd/web.container')).code).not.toBe(0);
    expect((await theVm().ssh('getent passwd demo-rootful-web')).code).not.toBe(0);
    expect((await theVm().ssh('ls /var/lib/keelson/journal')).code).not.toBe(0);
  }, SLOW);

  it('the CDR Link stack: every rendered file passes the real generator and systemd-analyze verify', async () => {
    // The golden files are what keelson renders (test/steps/quadlet/golden.test.ts compares them byte for byte).
    const variants = ['rootless-podman5.4', 'rootful-podman5.4'];
    expect(variants.map((v) => readdirSync(join(REPO_ROOT, 'test', 'golden', 'cdr-link', v, 'quadlet')).length)).toEqual([33, 33]);
    const tar = await run('tar', ['-c', '-C', join(REPO_ROOT, 'test', 'golden'), 'quadlet-dry-run.sh', ...variants.map((v) => `cdr-link/${v}`)], { encoding: 'buffer', maxBuffer: 16 << 20 });
    await theVm().sshOk('rm -rf /root/golden && mkdir /root/golden && tar -x -C /root/golden', { input: tar.stdout });
    const out = await sh('cd /root/golden && sh quadlet-dry-run.sh cdr-link/rootless-podman5.4 rootless && sh quadlet-dry-run.sh cdr-link/rootful-podman5.4 rootful');
    expect(out).toMatch(/^OK: cdr-link\/rootless-podman5\.4 \(35 units\) passes/m);
    expect(out).toMatch(/^OK: cdr-link\/rootful-podman5\.4 \(35 units\) passes/m);
  }, SLOW);
});

describe('the demo as keelson installed it in this run, rootless, then rootful beside it', () => {
  const theVm = useVmFrom('demo-installed', 'quadlet', timer);
  let host: Host | undefined;
  const connect = async (): Promise<Host> => {
    await host?.close();
    host = await connectRoot(theVm());
    return host;
  };
  const sh = (cmd: string) => theVm().sshOk(cmd, { timeoutMs: 10 * 60_000 });
  const plan = async (m: Manifest): Promise<Plan> =>
    (await timer.time('keelson', `plan ${m.stack}`, async () => planHost(await connect(), allSteps, m, { greeting: greeting(m) }))).plan;
  const keelson = (args: string[], o: CliOptions = {}) => keelsonCli(theVm(), args, { timer, ...o });

  afterAll(async () => {
    await host?.close();
  }, SLOW);

  it('rootless: planned with the generator\'s approval, applied from the saved plan, healthy and answering on 127.0.0.1:18080 inside the VM', async () => {
    // What keelson planned and did when it made this state, in this run.
    const p = planSchema.parse(JSON.parse(await stateArtifact('demo-installed', 'plan.json')));
    expect(planBlockers(p), renderPlanText(p)).toEqual([]);
    const quadlet = p.steps.find((s) => s.id === 'quadlet');
    expect(quadlet?.findings.map((f) => f.code)).toContain('quadlet-validated');
    expect([p.roundTrips, p.validationRoundTrips]).toEqual([1, 1]);
    const kinds = planActions(p).map((a) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['podman.image-build', 'systemd.daemon-reload', 'stack.wait-healthy', 'state.write']));
    expect(kinds.at(-1)).toBe('state.write');
    const applied = await stateArtifact('demo-installed', 'apply.stderr.txt');
    const counts = /^Applied: (\d+) done, (\d+) already so\. Journal: /m.exec(applied);
    expect(counts, applied).not.toBeNull();
    expect(Number(counts?.[1]) + Number(counts?.[2])).toBe(kinds.length);

    expect(await pageOf(theVm(), 18080)).toContain(`<h1>${greeting(rootless)}</h1>`);
    // The units are the owner's, in its user manager, and report healthy to Podman.
    expect((await sh(`systemctl --user -M keelson-demo@ is-active ${DEMO_UNITS}`)).trim().split('\n')).toEqual(['active', 'active', 'active', 'active']);
    // The run-once job wrote the page and exited 0 before api started; its oneshot unit stays active.
    expect((await sh('systemctl --user -M keelson-demo@ show -p SubState -p Result page.service')).trim().split('\n').sort()).toEqual(['Result=success', 'SubState=exited']);
    expect((await sh("runuser -u keelson-demo -- sh -c 'cd; XDG_RUNTIME_DIR=/run/user/$(id -u) podman ps --format \"{{.Names}} {{.Status}}\"' 2>/dev/null")).trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^api Up .*\(healthy\)$/),
      expect.stringMatching(/^web Up .*\(healthy\)$/),
    ]);
    // What was deployed is on the host: the LUKS volume's UUID, each file's hash, the secret's name and never its value.
    const state = JSON.parse(await sh('cat /var/lib/keelson/state.json')) as { stacks: Record<string, { dataMount: { luksUuid: string }; files: { path: string; sha256: string }[]; secrets: string[] }> };
    expect(state.stacks.demo?.dataMount.luksUuid).toBe((await sh(`cryptsetup luksUUID ${HOME_DISK}`)).trim());
    const api = state.stacks.demo?.files.find((f) => f.path.endsWith('/api.container'));
    expect(api?.sha256).toBe((await sh(`sha256sum ${shQuote(api?.path ?? '')}`)).split(' ')[0]);
    expect(state.stacks.demo?.secrets).toEqual(['demo-token']);
    expect((await sh('stat -c "%a %U" /var/lib/keelson/state.json')).trim()).toBe('600 root');
  }, SLOW);
  it('rootful beside it, headless: Ctrl-C stops after the running action, a re-run finishes; answering on 127.0.0.1:18081', async () => {
    const p = await plan(rootful);
    expect(planBlockers(p), renderPlanText(p)).toEqual([]);
    const total = planActions(p).length;

    // The operator's Ctrl-C while the first action runs: it finishes, nothing else begins, exit 1.
    // One Ctrl-C, when action 1 starts (a second one would mean "stop at once").
    let sent = false;
    const first = await keelson(['apply', '--stack', ROOTFUL_FILE, '--yes'], {
      label: 'apply rootful, stopped by Ctrl-C',
      onLine: (line, child) => {
        if (!sent && line.startsWith(`[1/${String(total)}] `)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain('SIGINT: stopping after the current action');
    expect(first.stderr).toMatch(new RegExp(`^\\[1/${String(total)}\\] (done|already so)`, 'm'));
    expect(first.stderr).toContain(`Stopped before action 2 of ${String(total)}: `);
    expect(first.stderr).not.toMatch(new RegExp(`^\\[2/${String(total)}\\]`, 'm'));
    // The host's journal, read from inside: the run ends as stopped before action 2.
    const journal = (await sh('tail -n 1 "$(ls -1t /var/lib/keelson/journal/*.jsonl | head -n 1)"')).trim();
    expect(JSON.parse(journal)).toMatchObject({ event: 'run-end', ok: false, stopped: true, before: 1 });

    // Run again: it plans what is left and finishes.
    const second = await keelson(['apply', '--stack', ROOTFUL_FILE, '--yes'], { label: 'apply rootful after the stop' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/^Applied: \d+ done, \d+ already so\. Journal: /m);
    expect(await pageOf(theVm(), 18081)).toContain(`<h1>${greeting(rootful)}</h1>`);
    expect((await sh('systemctl is-active api.service web.service demo-rootful.target')).trim().split('\n')).toEqual(['active', 'active', 'active']);
    expect((await sh('systemctl is-enabled demo-rootful.target')).trim()).toBe('enabled');
    // ADR-005: the web server's process runs as the stack's web user on the host, not as root.
    const users = (await sh("ps -eo user:24,args | grep '[h]ttpd -f -p 808' | awk '{print $1}' | sort -u")).trim().split('\n');
    expect(users).toEqual(expect.arrayContaining(['demo-rootful-api', 'demo-rootful-web']));
    expect(users).not.toContain('root');
    const state = JSON.parse(await sh('cat /var/lib/keelson/state.json')) as { stacks: Record<string, unknown> };
    expect(Object.keys(state.stacks)).toEqual(['demo', 'demo-rootful']);
  }, SLOW);

  it('both come back after a reboot (linger, WantedBy, tmpfiles), answer again, and a second plan has nothing to do', async () => {
    await host?.close();
    host = undefined;
    await timer.time('start', 'reboot', () => theVm().reboot());
    await timer.time('wait', 'both pages after the reboot', async () => {
      expect(await pageOf(theVm(), 18080, 15 * 60_000)).toContain(`<h1>${greeting(rootless)}</h1>`);
      expect(await pageOf(theVm(), 18081, 15 * 60_000)).toContain(`<h1>${greeting(rootful)}</h1>`);
    });
    expect((await sh('findmnt -n -o SOURCE --target /home')).trim()).toBe('/dev/mapper/home');
    expect((await sh('loginctl show-user keelson-demo -p Linger')).trim()).toBe('Linger=yes');
    // The owner's user manager came back through linger alone (nobody ever logs in as keelson-demo), and the socket
    // directories through tmpfiles.d with the owner, group and mode the manifests ask for.
    expect((await sh('systemctl is-active user@$(id -u keelson-demo).service')).trim()).toBe('active');
    expect((await sh('stat -c "%U %G %a" /run/keelson-demo /run/keelson-demo-rootful')).trim().split('\n')).toEqual([
      'keelson-demo demo-clients 770',
      'demo-rootful-web demo-rootful-clients 770',
    ]);
    // Both managers done starting: a plan taken mid-start waits on Podman's locks, which says nothing about convergence.
    await timer.time('wait', 'both managers done starting', () => sh('systemctl is-system-running --wait; systemctl --user -M keelson-demo@ is-system-running --wait; true'));

    for (const m of [rootless, rootful]) {
      const p = await plan(m);
      expect(planBlockers(p), renderPlanText(p)).toEqual([]);
      expect(planActions(p), renderPlanText(p)).toEqual([]);
      expect(p.validationRoundTrips).toBe(0);
    }
    const status = await keelson(['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^ {2}demo 1\.0\.0 \(rootless, owner keelson-demo\)/m);
    expect(status.stdout).toMatch(/^ {2}demo-rootful 1\.0\.0 \(rootful\)/m);
    expect(status.stdout).toMatch(/last run: ok/);
  }, SLOW);
});
