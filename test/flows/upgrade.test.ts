// The upgrade flow as data: (record, facts, new manifest, answers) in → summary, phased actions, rollback out.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/engine/action.js';
import { planActions } from '../../src/engine/plan.js';
import { upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { prepareUpgrade } from '../../src/flows/upgrade/prepare.js';
import { upgradeSummaryText } from '../../src/flows/upgrade/summary-text.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn } from './deployed-host.js';

const v100 = loadStack('demo');
const v110 = loadStack('demo-1.1.0');
const v120 = loadStack('demo-1.2.0');
const Q = '/home/keelson-demo/.config/containers/systemd';
const S = '/home/keelson-demo/.config/systemd/user';
const INSTALLED = { greeting: 'Hello from keelson' };
/** The upgrade run's archive of the content volume, on the data mount, named by the run ('r-up'). */
const ARCHIVE = '/home/keelson-backups/demo-r-up/demo-content.tar';

const upgrade = (from: Manifest, fromAnswers: Record<string, string>, to: Manifest, provided: Record<string, string> = {}) => {
  const host = deployedHost(from, fromAnswers);
  const answers = upgradeAnswers(to, host.previous.answers, provided);
  if (!answers.ok) throw new Error(JSON.stringify(answers.problems));
  return prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId: 'r-up', manifest: to, answers: answers.value, plan: planOn(host, to, answers.value.answers) });
};

const line = (a: Action): string => {
  if (a.kind === 'file.write') return `${a.before === null ? '+' : '~'} ${a.path}`;
  if (a.kind === 'file.remove') return `- ${a.path}`;
  if (a.kind === 'systemd.unit') return `${a.verb} ${a.unit}`;
  if (a.kind === 'podman.volume-export') return `${a.kind} ${a.volume} → ${a.file}`;
  if (a.kind === 'podman.volume-restore') return `${a.kind} ${a.volume} ← ${a.file}`;
  if (a.kind === 'state.write') return `state.write ${a.path}${a.run === undefined ? '' : ` (${a.run.kind} ${a.run.from ?? '-'}→${a.run.to}${a.run.outcome === undefined ? '' : ` ${a.run.outcome}`})`}`;
  return a.kind;
};

describe('demo 1.0.0 → 1.1.0 (web changed, api removed, status and a question added)', () => {
  const p = upgrade(v100, INSTALLED, v110);

  it('the summary: containers, the exact restarts and stops, files, backups, answers kept and asked', () => {
    expect(p.summary).toMatchObject({
      from: { version: '1.0.0' },
      to: { version: '1.1.0' },
      containers: { added: ['status'], removed: ['api'], changed: ['web'] },
      restarts: ['web.service'],
      stops: ['api.service'],
      images: [],
      upToDate: false,
    });
    expect(p.summary.files.map((f) => `${f.change} ${f.path}`)).toEqual([`change ${Q}/web.container`, `add ${Q}/status.container`, `change ${S}/demo.target`, `remove ${Q}/api.container`]);
    expect(p.summary.backups).toEqual(['/var/lib/keelson/state.json', `${Q}/web.container`, `${S}/demo.target`, `${Q}/api.container`, ARCHIVE]);
    // web (restarted) and api (removed) mount content read-only only: backed up, never restored; no migration.
    expect([p.summary.volumes, p.summary.migrations]).toEqual([[{ volume: 'demo-content', archive: ARCHIVE, restore: false }], []]);
    expect(p.answers).toEqual({ answers: { greeting: 'Hello from keelson', motto: 'Upgraded in place' }, kept: ['greeting'], asked: ['motto'], dropped: [] });
    // The unified diff of the changed unit: only what changed, with context.
    const web = p.summary.files.find((f) => f.path.endsWith('/web.container'))?.diff ?? '';
    expect(web.split('\n').filter((l) => /^[-+][^-+]/.test(l)).map((l) => l.replace(/sha256:[0-9a-f]{64}$/, 'sha256:…'))).toEqual([
      '-# Managed by keelson — stack demo — sha256:…',
      '+# Managed by keelson — stack demo — sha256:…',
      '-Requires=api.service', '-After=api.service', '+Requires=page.service', '+After=page.service', '-Environment=DEMO_ROLE=web', '+Environment=DEMO_ROLE=web-1.1']);
  });

  it('the phases, in order: backup before the first change, api stopped while its unit exists, only web restarted, the gate, the record last', () => {
    expect(p.plan.steps.map((s) => [s.id, s.actions.map(line)])).toEqual([
      ['checks', []],
      ['prefetch', []],
      ['backup', ['state.write /var/lib/keelson/upgrades/demo.json', `podman.volume-export demo-content → ${ARCHIVE}`]],
      ['write', ['stop api.service', `~ ${Q}/web.container`, `+ ${Q}/status.container`, `~ ${S}/demo.target`, `- ${Q}/api.container`]],
      ['reload', ['systemd.daemon-reload']],
      ['restart', ['restart web.service', 'start demo.target']],
      ['health', ['stack.wait-healthy']],
      ['record', ['state.write /var/lib/keelson/state.json (upgrade 1.0.0→1.1.0)']],
    ]);
    expect(p.plan.blocked).toBe(false);
  });

  it('the rollback, made up front: status stopped, every file back, reload, web restarted, the target started, the 1.0.0 gate, the record back', () => {
    expect(planActions(p.rollback).map(line)).toEqual([
      'stop status.service',
      `+ ${Q}/api.container`,
      `~ ${S}/demo.target`,
      `- ${Q}/status.container`,
      `~ ${Q}/web.container`,
      'systemd.daemon-reload',
      'restart web.service',
      'start demo.target',
      'stack.wait-healthy',
      'state.write /var/lib/keelson/state.json (upgrade 1.0.0→1.1.0 rolled-back)',
    ]);
    const gate = planActions(p.rollback).find((a) => a.kind === 'stack.wait-healthy');
    expect(gate?.kind === 'stack.wait-healthy' ? gate.units : []).toEqual(['api.service', 'web.service', 'page.service', 'demo.target']);
    // Each file goes back to exactly what the forward run found there.
    const forward = planActions(p.plan).flatMap((a) => (a.kind === 'file.write' && a.before !== null ? [[a.path, a.before]] : []));
    const back = planActions(p.rollback).flatMap((a) => (a.kind === 'file.write' && a.before !== null ? [[a.path, a.content]] : []));
    expect(back).toEqual(forward.reverse());
    // The saved rollback plan holds the record as it was.
    const saved = planActions(p.plan).find((a) => a.kind === 'state.write' && a.path.endsWith('/upgrades/demo.json'));
    expect(saved?.kind === 'state.write' ? (JSON.parse(saved.content) as { from: string; to: string; restarts: string[] }) : null).toMatchObject({ from: '1.0.0', to: '1.1.0', restarts: ['web.service'] });
  });

  it('the text the operator reads says the same', () => {
    const text = upgradeSummaryText(p.summary, p.answers);
    expect(text.split('\n').slice(0, 9)).toEqual([
      'Upgrade demo 1.0.0 → 1.1.0',
      '  answers: kept greeting; new motto; dropped none',
      '  containers: added status; removed api; changed web',
      '  images to fetch first (the running version keeps running): none',
      '  restarts, in this order: web.service',
      '  stops (leaving the stack): api.service',
      '  migrations that will run (before what requires them restarts): none',
      `  backed up before the first change: /var/lib/keelson/state.json, ${Q}/web.container, ${S}/demo.target, ${Q}/api.container, ${ARCHIVE}`,
      `    volume demo-content → ${ARCHIVE}: only mounted read-only, kept but not restored`,
    ]);
  });
});

describe('other upgrades', () => {
  it('a version bump alone changes no file and restarts nothing: only the record moves', () => {
    const p = upgrade(v100, INSTALLED, { ...v100, version: '1.0.1' });
    expect([p.summary.files, p.summary.restarts, p.summary.upToDate]).toEqual([[], [], false]);
    expect(planActions(p.plan).map(line)).toEqual(['state.write /var/lib/keelson/state.json (upgrade 1.0.0→1.0.1)']);
  });

  it('the same version on an unchanged host is up to date: zero actions', () => {
    const p = upgrade(v100, INSTALLED, v100);
    expect([p.summary.upToDate, planActions(p.plan)]).toEqual([true, []]);
    expect(upgradeSummaryText(p.summary, p.answers)).toBe('demo 1.0.0 is deployed and up to date: nothing to do.\n');
  });

  it('1.1.0 → 1.2.0: the new image is built first (while 1.1.0 runs), then only web restarts', () => {
    const p = upgrade(v110, { greeting: 'Hello from keelson', motto: 'Upgraded in place' }, v120);
    expect([p.summary.images, p.summary.restarts, p.summary.containers]).toEqual([['localhost/keelson-demo:2'], ['web.service'], { added: [], removed: [], changed: ['web'] }]);
    expect(p.plan.steps.find((s) => s.id === 'prefetch')?.actions.map((a) => a.kind)).toEqual(['podman.image-build']);
    expect(p.prefetchCount).toBe(1);
  });

  it('a change to the job every container requires restarts all of them, dependencies first', () => {
    const changed = { ...v100, version: '1.0.1', containers: v100.containers.map((c) => (c.name === 'page' ? { ...c, env: { ...c.env, EXTRA: '1' } } : c)) };
    expect(upgrade(v100, INSTALLED, changed).summary.restarts).toEqual(['page.service', 'api.service', 'web.service']);
  });
});
