// Doctor's checks over real answers: the host-level facts and the managed files are what the test VM answered after
// keelson installed the demo (test/fixtures/hosts/demo-installed.json); the stack script's other sections (unit
// properties, Podman's lists) are written here per case, in the tools' own formats.
import { describe, expect, it } from 'vitest';
import type { ProbeOutput } from '../../../src/facts/fact.js';
import { selectChecks, type Check } from '../../../src/flows/doctor/check.js';
import { parseDoctorFacts } from '../../../src/flows/doctor/doctor-facts.js';
import { allChecks } from '../../../src/flows/doctor/run-doctor.js';
import { spaceCheck } from '../../../src/flows/doctor/checks-storage.js';
import { liveStacks } from '../../../src/flows/doctor/live-units.js';
import { stackProbeFact } from '../../../src/flows/doctor/stack-probe.js';
import { parseUnitDirs } from '../../../steps/quadlet/facts.js';
import { recordedHost } from '../../support/recorded-host.js';

const host = recordedHost('demo-installed');
const HOME = '/home/keelson-demo';
const Q = `${HOME}/.config/containers/systemd`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const out = (stdout: string, exitCode = 0, stderr = ''): ProbeOutput => ({ stdout, stderr, exitCode });
const frame = (sections: Record<string, ProbeOutput>): string =>
  Object.entries(sections).map(([name, o]) => `${name} ${o.exitCode} ${b64(o.stdout)} ${b64(o.stderr)}`).join('\n');

const recorded = (id: string): ProbeOutput => {
  const o = host.raw.get(id);
  if (o === undefined) throw new Error(`no recorded answer ${id}`);
  return o;
};
const unitDirs = parseUnitDirs(recorded('quadlet-units:rootless:keelson-demo:demo'));
const fileSections: Record<string, ProbeOutput> = Object.fromEntries([
  ...unitDirs.files.map((f): [string, ProbeOutput] => [`file:${HOME}/.config/${f.dir === 'quadlet' ? 'containers/systemd' : 'systemd/user'}/${f.name}`, out(f.content ?? '')]),
  ['file:/etc/tmpfiles.d/keelson-demo.conf', out(recorded('tmpfiles-conf:demo').stdout)] as const,
]);
const storage = new Map(
  recorded('storage-volume:/home').stdout.split('\n').map((l) => l.split(' ')).filter((f) => f.length >= 3).map(([n = '', c = '0', o = '', e = '']) => [n, out(Buffer.from(o, 'base64').toString(), Number(c), Buffer.from(e, 'base64').toString())]),
);

const unit = (id: string, active = 'active', sub = 'running', extra = ''): string =>
  `Id=${id}\nLoadState=loaded\nActiveState=${active}\nSubState=${sub}\nResult=success\nNRestarts=0\nExecMainStatus=0\nExecMainCode=0\nDropInPaths=/usr/lib/systemd/user/service.d/10-timeout-abort.conf\n${extra}`;
const ps = (name: string, status = 'Up 5 minutes (healthy)') => ({ Names: [name], Image: 'localhost/keelson-demo:1', ImageID: 'abc123', State: 'running', Status: status });

const healthy = (): Record<string, ProbeOutput> => ({
  paths: out(`${[...Object.keys(fileSections).map((k) => k.slice(5)), '/home'].join('\n')}\n`),
  ...fileSections,
  'stat:/run/keelson-demo': out('keelson-demo demo-clients 770 directory\n'),
  'units:user:keelson-demo': out([unit('api.service'), unit('web.service'), unit('page.service', 'active', 'exited'), unit('demo.target', 'active', 'active')].join('\n')),
  'generator:user:keelson-demo': out(['api.service', 'web.service', 'page.service', 'demo-backend-network.service', 'demo-edge-network.service', 'demo-content-volume.service'].map((u) => `---${u}---\n[Unit]\n`).join('')),
  'podman-ps:user:keelson-demo': out(JSON.stringify([ps('api'), ps('web')])),
  'podman-images:user:keelson-demo': out(JSON.stringify([{ Id: 'abc123def', Names: ['localhost/keelson-demo:1'] }])),
  'groups:user:keelson-demo': out('api 1001\nweb 991 1001\n'),
  'linger:keelson-demo': out(''),
  'manager:keelson-demo': out('ActiveState=active\nSubState=running\n'),
  'findmnt:/home': storage.get('findmnt') ?? out('', 1),
  'lsblk:/home': storage.get('lsblk') ?? out('', 1),
  'df:/home': out('Filesystem 1-blocks Used Available Capacity Mounted on\n/dev/mapper/home 1000000000 100000000 900000000 10% /home\n'),
  'dfi:/home': out('Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/mapper/home 65536 100 65436 1% /home\n'),
});

// The recorded host also runs the rootful copy; these cases are about the rootless demo alone.
const record = JSON.parse(recorded('file:/var/lib/keelson/state.json').stdout) as { stacks: Record<string, unknown> };
delete record.stacks['demo-rootful'];
// The Podman answers below are written for these cases (image abc123def): the record names that image as deployed.
(record.stacks.demo as { imageIds: Record<string, string> }).imageIds = { 'localhost/keelson-demo:1': 'abc123def' };
const demoOnly = out(`${JSON.stringify(record, null, 2)}\n`);

const checksOf = (sections: Record<string, ProbeOutput>, replaced: Record<string, ProbeOutput> = {}): Check[] => {
  const raw = new Map([...host.raw, ['file:/var/lib/keelson/state.json', demoOnly], ['doctor-stacks', out(frame(sections))], ['auditd-state', out('active\n')], ['dfi:/var/log/audit', out('Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/vdc 32768 20 32748 1% /var/log/audit\n')], ...Object.entries(replaced)]);
  return allChecks(parseDoctorFacts(raw));
};
const get = (checks: Check[], id: string): Check => {
  const c = checks.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no check ${id} among ${checks.map((x) => x.id).join(', ')}`);
  return c;
};
const notOk = (checks: Check[]) => checks.filter((c) => c.status !== 'ok').map((c) => `${c.id} ${c.status}: ${c.summary}`);

describe('doctor on the demo as the VM recorded it', () => {
  it('healthy: every check ok, the recorded files hash to what the record says', () => {
    const checks = checksOf(healthy());
    expect(notOk(checks)).toEqual([]);
    expect(get(checks, 'drift:demo').summary).toBe('all 8 managed files are as keelson wrote them');
    // The UUID the VM's LUKS volume got when the fixture was recorded, as the record there says.
    const uuid = (record.stacks.demo as { dataMount: { luksUuid: string } }).dataMount.luksUuid;
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(get(checks, 'storage:data-mount:/home').summary).toBe(`/home is mounted from LUKS ${uuid}`);
  });

  it('broken: a stopped unit with its journal, an edited and a missing file, a drop-in, an open socket directory, no linger', () => {
    const s = healthy();
    s['units:user:keelson-demo'] = out([unit('api.service', 'active', 'running', 'NRestarts=2\n'), unit('web.service', 'failed', 'failed'), unit('page.service', 'active', 'exited'), unit('demo.target', 'active', 'active')].join('\n'));
    s['journal:user:keelson-demo:web.service'] = out('2026-12-02T08:00:00+00:00 vm web[1]: Error: address already in use\n');
    s[`file:${Q}/web.container`] = out(`${s[`file:${Q}/web.container`]?.stdout ?? ''}# a hand edit\n`);
    s[`dropdir:${Q}/api.container`] = out(`${Q}/api.container.d/debug.conf\n`);
    s['stat:/run/keelson-demo'] = out('keelson-demo demo-clients 777 directory\n');
    const gone = new Set([`file:${Q}/page.container`, 'linger:keelson-demo']);
    const checks = checksOf(Object.fromEntries(Object.entries(s).filter(([k]) => !gone.has(k))), { 'linger-users': out('') });
    const web = get(checks, 'unit:demo:web.service');
    expect([web.status, web.summary]).toEqual(['fail', 'web.service is failed/failed']);
    expect(web.evidence).toContain('journal: 2026-12-02T08:00:00+00:00 vm web[1]: Error: address already in use');
    expect(web.remedy).toEqual([
      'journalctl -n 100 --no-pager _SYSTEMD_USER_UNIT=web.service _UID=$(id -u keelson-demo) + USER_UNIT=web.service _UID=$(id -u keelson-demo)',
      'systemctl --user -M keelson-demo@ start web.service',
    ]);
    expect(get(checks, 'unit:demo:api.service').summary).toBe('api.service is active/running after 2 automatic restarts');
    const drift = get(checks, 'drift:demo');
    expect(drift.status).toBe('fail');
    expect(drift.evidence).toContainEqual(expect.stringMatching(new RegExp(`^modified: ${Q}/web\\.container \\(sha256 `)));
    expect(drift.evidence).toContain(`missing: ${Q}/page.container`);
    expect(get(checks, 'dropins:demo').evidence).toEqual([`${Q}/api.container.d/debug.conf (changes api.container)`]);
    expect(get(checks, 'socket-dir:demo:/run/keelson-demo').summary).toBe('/run/keelson-demo is keelson-demo:demo-clients mode 777, planned keelson-demo:demo-clients 0770');
    expect(get(checks, 'identity:keelson-demo:linger').remedy).toEqual(['loginctl enable-linger keelson-demo']);
    expect(checks.filter((c) => c.status === 'fail').map((c) => c.id).sort()).toEqual(['drift:demo', 'dropins:demo', 'identity:keelson-demo:linger', 'socket-dir:demo:/run/keelson-demo', 'unit:demo:web.service']);
  });

  it('a container without the socket group, and a container on an image older than its tag', () => {
    const s = healthy();
    s['groups:user:keelson-demo'] = out('api 1001\nweb 1001\n');
    s['podman-ps:user:keelson-demo'] = out(JSON.stringify([ps('api'), { ...ps('web'), ImageID: 'old999' }]));
    const checks = checksOf(s);
    expect(get(checks, 'socket-client:demo:web').summary).toBe('web runs without demo-clients: it cannot use /run/keelson-demo');
    expect(get(checks, 'images:demo').evidence[0]).toBe('web runs an older copy of localhost/keelson-demo:1 (old999, now abc123def)');
    expect(get(checks, 'images:demo').remedy).toEqual(['systemctl --user -M keelson-demo@ restart web.service']);
  });

  it('an image whose tag now names another image than the one keelson recorded: a warning, with what to do', () => {
    const replacedRecord = structuredClone(record) as { stacks: Record<string, { imageIds?: Record<string, string> }> };
    const demo = replacedRecord.stacks.demo;
    if (demo === undefined) throw new Error('no demo entry');
    demo.imageIds = { 'localhost/keelson-demo:1': 'fff000deployed' };
    const raw = new Map([...host.raw, ['file:/var/lib/keelson/state.json', out(`${JSON.stringify(replacedRecord, null, 2)}\n`)], ['doctor-stacks', out(frame(healthy()))], ['auditd-state', out('active\n')]]);
    const images = get(allChecks(parseDoctorFacts(raw)), 'images:demo');
    expect([images.status, images.summary]).toEqual(['warn', '1 image is not the one keelson deployed']);
    expect(images.evidence[0]).toBe('localhost/keelson-demo:1: not the image keelson deployed (fff000deploy), now abc123def: rebuilt or pulled again since');
    expect(images.remedy[0]).toMatch(/^if the new image is intended, keelson apply --stack MANIFEST records it/);
    // The ID recorded is the one there: as deployed.
    demo.imageIds = { 'localhost/keelson-demo:1': 'abc123def' };
    const same = new Map([...raw, ['file:/var/lib/keelson/state.json', out(`${JSON.stringify(replacedRecord, null, 2)}\n`)]]);
    expect(get(allChecks(parseDoctorFacts(same)), 'images:demo').status).toBe('ok');
  });

  it('the generator skipping a managed file (it exits 0) and a unit the manager no longer knows', () => {
    const s = healthy();
    s['generator:user:keelson-demo'] = out('---api.service---\n', 0, 'quadlet-generator[42]: converting "web.container": unsupported key \'Bogus\' in group \'Container\'\n');
    s['units:user:keelson-demo'] = out([unit('api.service'), 'Id=web.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\n', unit('page.service', 'active', 'exited'), unit('demo.target', 'active', 'active')].join('\n'));
    const g = get(checksOf(s), 'generator:demo');
    expect(g.status).toBe('fail');
    expect(g.evidence).toEqual(expect.arrayContaining(['generator: converting "web.container": unsupported key \'Bogus\' in group \'Container\'', 'not generated: web.service from web.container', 'not known to the manager: web.service']));
  });
});

describe('doctor without a usable record', () => {
  it('no record: host-level checks only, and it says no stack is deployed', () => {
    const checks = checksOf({}, { 'file:/var/lib/keelson/state.json': out('', 44) });
    expect(get(checks, 'record').summary).toBe('no stack deployed by keelson on this host (no /var/lib/keelson/state.json); host-level checks only');
    expect(checks.map((c) => c.id)).toEqual(['record', 'record:last-run', 'storage:audit-mount', 'storage:audit-space', 'storage:auditd', 'host:podman', 'host:systemd']);
  });

  it('an unreadable record is a failing check naming the file, not a crash', () => {
    const checks = checksOf({}, { 'file:/var/lib/keelson/state.json': out('{"format": "keelson-state/1", "stacks": [') });
    expect(get(checks, 'record')).toMatchObject({ status: 'fail' });
    expect(get(checks, 'record').summary).toMatch(/^\/var\/lib\/keelson\/state\.json is not JSON \(edited by hand, or cut short\): restore it/);
  });
});

describe('choosing checks and judging space', () => {
  it('--only and --skip match an id or its leading parts', () => {
    const checks = checksOf(healthy());
    expect(selectChecks(checks, ['unit:demo:web.service', 'storage:audit'], []).map((c) => c.id)).toEqual(['unit:demo:web.service']);
    expect(selectChecks(checks, ['identity'], ['identity:keelson-demo:subids']).map((c) => c.id)).toEqual(['identity:keelson-demo:linger', 'identity:keelson-demo:user-manager']);
  });

  it('warns below 20% free, fails below 5% or below where auditd warns before halting the host', () => {
    const space = (avail: number) => ({ sizeBytes: 1000, availableBytes: avail, target: '/var/log/audit' });
    expect(spaceCheck('x', 'a', space(500), null).status).toBe('ok');
    expect(spaceCheck('x', 'a', space(150), null).status).toBe('warn');
    expect(spaceCheck('x', 'a', space(40), null).status).toBe('fail');
    expect(spaceCheck('x', 'a', space(300), null, { bytes: 400, why: 'auditd' }).status).toBe('fail');
    expect(spaceCheck('x', 'a', space(500), { total: 100, free: 3 }).status).toBe('fail');
  });
});

describe('the units status shows, from the same sections and the same verdicts', () => {
  const live = (sections: Record<string, ProbeOutput>) => liveStacks(demoOnly.stdout, stackProbeFact.parse(out(frame(sections))));

  it('healthy: every unit with its state, restarts and health, all ok, in the owner\'s user manager', () => {
    const [demo, ...others] = live(healthy());
    expect([demo?.stack, demo?.manager, demo?.error, others]).toEqual(['demo', 'user:keelson-demo', null, []]);
    const byUnit = new Map(demo?.units.map((u) => [u.unit, u]));
    expect([...byUnit.keys()].sort()).toEqual(['api.service', 'demo.target', 'page.service', 'web.service']);
    expect(byUnit.get('web.service')).toEqual({ unit: 'web.service', activeState: 'active', subState: 'running', nRestarts: 0, health: 'healthy', status: 'ok', summary: 'web.service is active/running, container healthy' });
    expect(byUnit.get('demo.target')).toEqual({ unit: 'demo.target', activeState: 'active', subState: 'active', nRestarts: 0, health: null, status: 'ok', summary: 'demo.target is active/active' });
  });

  it('a failed unit and one that restarted: the doctor\'s verdicts; an owner gone: why the units were not read', () => {
    const s = healthy();
    s['units:user:keelson-demo'] = out([unit('api.service', 'active', 'running', 'NRestarts=2\n'), unit('web.service', 'failed', 'failed'), unit('page.service', 'active', 'exited'), unit('demo.target', 'active', 'active')].join('\n'));
    const units = live(s)[0]?.units ?? [];
    expect(units.filter((u) => u.status !== 'ok').map((u) => [u.unit, u.activeState, u.subState, u.nRestarts, u.status, u.summary])).toEqual([
      ['api.service', 'active', 'running', 2, 'warn', 'api.service is active/running after 2 automatic restarts'],
      ['web.service', 'failed', 'failed', 0, 'fail', 'web.service is failed/failed'],
    ]);
    expect(live({ 'no-user:keelson-demo': out('') })[0]).toMatchObject({ manager: 'user:keelson-demo', error: 'the owner keelson-demo does not exist' });
    expect(liveStacks(null, new Map())).toEqual([]);
  });
});
