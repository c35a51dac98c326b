// The upgrade's volume backups and migrations as data: (record, new manifest, plan, run id) in → which volumes are
// exported before anything stops, which the rollback restores (and what it stops and restarts around that), the
// migrations that re-run, and the words the operator reads.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/engine/action.js';
import { planActions } from '../../src/engine/plan.js';
import { upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { prepareUpgrade, untouchedPhase } from '../../src/flows/upgrade/prepare.js';
import { upgradeSummaryText } from '../../src/flows/upgrade/summary-text.js';
import { manifestSchema, type Manifest } from '../../src/manifest/schema.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn } from './deployed-host.js';

const v110 = loadStack('demo-1.1.0');
const v120 = loadStack('demo-1.2.0');
const ANSWERS = { greeting: 'Hello from keelson', motto: 'Upgraded in place' };
const archive = (run: string, volume = 'demo-content') => `/home/keelson-backups/demo-${run}/${volume}.tar`;

const upgrade = (from: Manifest, to: Manifest, runId = 'r-up') => {
  const host = deployedHost(from, ANSWERS);
  const answers = upgradeAnswers(to, host.previous.answers, {});
  if (!answers.ok) throw new Error(JSON.stringify(answers.problems));
  return prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId, manifest: to, answers: answers.value, plan: planOn(host, to, answers.value.answers) });
};

const line = (a: Action): string => {
  if (a.kind === 'file.write') return `${a.before === null ? '+' : '~'} ${a.path.slice(a.path.lastIndexOf('/') + 1)}`;
  if (a.kind === 'file.remove') return `- ${a.path.slice(a.path.lastIndexOf('/') + 1)}`;
  if (a.kind === 'systemd.unit') return `${a.verb} ${a.unit}`;
  if (a.kind === 'podman.volume-export') return `export ${a.volume} → ${a.file}`;
  if (a.kind === 'podman.volume-restore') return `restore ${a.volume} ← ${a.file}`;
  if (a.kind === 'state.write') return `state.write ${a.path}`;
  return a.kind;
};

/** A version of the demo built from another, checked by the schema like any manifest. */
const variant = (m: Manifest, change: (m: Manifest) => Manifest): Manifest => manifestSchema.parse(change(m));
const withContainer = (m: Manifest, name: string, change: (c: Manifest['containers'][number]) => Manifest['containers'][number]): Manifest =>
  ({ ...m, containers: m.containers.map((c) => (c.name === name ? change(c) : c)) });

describe('1.1.0 → the broken 1.2.0: web mounts content read-write, so the rollback restores it', () => {
  const p = upgrade(v110, v120);

  it('the summary: content backed up to this run\'s archive and restored on failure; the text and backups say so', () => {
    expect(p.summary.volumes).toEqual([{ volume: 'demo-content', archive: archive('r-up'), restore: true }]);
    expect(p.summary.backups.at(-1)).toBe(archive('r-up'));
    expect(upgradeSummaryText(p.summary, p.answers)).toContain(`    volume demo-content → ${archive('r-up')}: restored if the upgrade fails\n`);
  });

  it('the export follows the saved rollback plan in the backup phase, before anything stops or changes', () => {
    const actions = planActions(p.plan);
    const exportAt = actions.findIndex((a) => a.kind === 'podman.volume-export');
    const saveAt = actions.findIndex((a) => a.kind === 'state.write' && a.path.endsWith('/upgrades/demo.json'));
    const firstChange = actions.findIndex((a) => (a.kind === 'systemd.unit' && a.verb !== 'start') || a.kind === 'file.write' || a.kind === 'file.remove');
    expect([saveAt < exportAt, exportAt < firstChange]).toEqual([true, true]);
    expect(p.plan.steps.find((s) => s.id === 'backup')?.actions.map(line)).toEqual(['state.write /var/lib/keelson/upgrades/demo.json', `export demo-content → ${archive('r-up')}`]);
    expect(actions[exportAt]).toMatchObject({ target: { scope: 'user', user: 'keelson-demo' } });
    // A failed export changed nothing that runs: no rollback (which would restore from an archive that is not there).
    expect([p.prefetchCount, p.untouchedCount]).toEqual([1, 3]);
    // The words for a failure at each of those places come from one function the CLI and the wizard share.
    expect([0, 1, 2, 3].map((i) => untouchedPhase(p, i))).toEqual(['fetching images', 'backing up (an archive could not be made or read back)', 'backing up (an archive could not be made or read back)', null]);
  });

  it('the rollback: every unit mounting content stopped, content restored, the file put back in place, the mounters restarted with web', () => {
    expect(planActions(p.rollback).map(line)).toEqual([
      'stop status.service',
      'stop web.service',
      'stop page.service',
      `restore demo-content ← ${archive('r-up')}`,
      '~ web.container',
      'systemd.daemon-reload',
      'restart page.service',
      'restart web.service',
      'restart status.service',
      'start demo.target',
      'stack.wait-healthy',
      'state.write /var/lib/keelson/state.json',
    ]);
    // Never remove-then-restore: no file of the old version is removed by the rollback.
    expect(planActions(p.rollback).filter((a) => a.kind === 'file.remove')).toEqual([]);
  });

  it('each run backs up to its own archive: a later upgrade of the same from → to never finds (and keeps) an old one', () => {
    const again = upgrade(v110, v120, 'r-later');
    const files = (q: typeof p) => [...planActions(q.plan), ...planActions(q.rollback)].flatMap((a) => (a.kind === 'podman.volume-export' || a.kind === 'podman.volume-restore' ? [a.file] : []));
    expect(files(p)).toEqual([archive('r-up'), archive('r-up')]);
    expect(files(again)).toEqual([archive('r-later'), archive('r-later')]);
  });
});

describe('volumes of containers that stop for good, and of a version that adds one', () => {
  it('a container leaving the stack: its volume (from the deployed manifest) is backed up, not restored (it stopped: nothing wrote)', () => {
    const deployed = variant(v110, (m) => ({ ...m, volumes: [...m.volumes, { name: 'logs' }], containers: [...m.containers, { ...m.containers.find((c) => c.name === 'page'), name: 'shipper', volumes: ['logs:/logs'] } as Manifest['containers'][number]] }));
    const p = upgrade(deployed, { ...v110, version: '1.1.1' });
    expect([p.summary.containers.removed, p.summary.volumes]).toEqual([['shipper'], [{ volume: 'demo-logs', archive: archive('r-up', 'demo-logs'), restore: false }]]);
    expect(planActions(p.rollback).filter((a) => a.kind === 'podman.volume-restore')).toEqual([]);
  });

  it('a volume new in this version does not exist yet: nothing to export', () => {
    const next = variant(v120, (m) => withContainer({ ...m, volumes: [...m.volumes, { name: 'cache' }] }, 'web', (c) => ({ ...c, volumes: [...c.volumes, 'cache:/cache'] })));
    expect(upgrade(v110, next).summary.volumes.map((v) => v.volume)).toEqual(['demo-content']);
  });
});

describe('migrations: runOnce jobs marked migration re-run once per upgrade to another version', () => {
  const marked = (m: Manifest, version: string) => variant({ ...m, version }, (x) => withContainer(x, 'page', (c) => ({ ...c, migration: true })));

  it('a version bump alone re-runs the migration and restarts what requires it after it; the volume it writes is restored on failure', () => {
    const p = upgrade(marked(v110, '1.1.0'), marked(v110, '1.1.1'));
    expect([p.summary.migrations, p.summary.containers.changed, p.summary.restarts]).toEqual([['page'], ['page'], ['page.service', 'web.service', 'status.service']]);
    expect(p.summary.volumes).toEqual([{ volume: 'demo-content', archive: archive('r-up'), restore: true }]);
    expect(upgradeSummaryText(p.summary, p.answers)).toContain('  migrations that will run (before what requires them restarts): page\n');
    expect(p.plan.steps.find((s) => s.id === 'restart')?.actions.map(line)).toEqual(['restart page.service', 'restart web.service', 'restart status.service']);
    expect(planActions(p.rollback).map(line).slice(0, 4)).toEqual(['stop status.service', 'stop web.service', 'stop page.service', `restore demo-content ← ${archive('r-up')}`]);
  });

  it('the same version (a re-run, nothing changed) runs no migration', () => {
    const p = upgrade(marked(v110, '1.1.0'), marked(v110, '1.1.0'));
    expect([p.summary.migrations, p.summary.restarts, p.summary.volumes, p.summary.upToDate]).toEqual([[], [], [], true]);
  });
});
