// An upgrade re-run after an interruption as data: (the rollback plan the interrupted run saved, the newest journal)
// → what it takes over: the restarts it meant, and its volume archives only when that very run did not finish and
// was not rolled back (a later upgrade of the same from → to makes its own, never an older run's stale one).
import { describe, expect, it } from 'vitest';
import type { JournaledRun } from '../../src/apply/last-run.js';
import { planActions } from '../../src/engine/plan.js';
import { upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { prepareUpgrade } from '../../src/flows/upgrade/prepare.js';
import { resumedUpgrade } from '../../src/flows/upgrade/resume.js';
import { upgradeActions } from '../../src/flows/upgrade/phases.js';
import type { UpgradeSummary } from '../../src/flows/upgrade/summary.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn } from './deployed-host.js';

const v110 = loadStack('demo-1.1.0');
const v120 = loadStack('demo-1.2.0');
const host = deployedHost(v110, { greeting: 'Hi', motto: 'Go' });
const answers = upgradeAnswers(v120, host.previous.answers, {});
if (!answers.ok) throw new Error('answers');
const prepare = (runId: string, backupRunId?: string) =>
  prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId, ...(backupRunId === undefined ? {} : { backupRunId }), manifest: v120, answers: answers.value, plan: planOn(host, v120, answers.value.answers) });
const savedBy = (p: ReturnType<typeof prepare>): string => {
  const a = p.plan.steps.find((s) => s.id === 'backup')?.actions[0];
  return a?.kind === 'state.write' ? a.content : '';
};
const run = (runId: string, state: JournaledRun['state'], rolledBack = false): JournaledRun => ({
  runId, journalPath: `/var/lib/keelson/journal/${runId}.jsonl`, stack: 'demo', startedAt: 't', state, rolledBack, actions: 12, finished: 5, backups: [], created: [],
});
const archives = (p: ReturnType<typeof prepare>) => planActions(p.plan).flatMap((a) => (a.kind === 'podman.volume-export' ? [a.file] : []));

describe('resumedUpgrade', () => {
  const first = savedBy(prepare('r-1'));

  it('the interrupted run is the newest journal: its restarts and its archives are taken over', () => {
    expect(resumedUpgrade(first, v120, '1.1.0', run('r-1', 'interrupted'))).toEqual({ restarts: ['web'], backupRunId: 'r-1' });
    expect(resumedUpgrade(first, v120, '1.1.0', run('r-1', 'failed'))).toEqual({ restarts: ['web'], backupRunId: 'r-1' });
  });

  it('a run that finished, was rolled back, or is not the newest: this upgrade backs up on its own', () => {
    expect(resumedUpgrade(first, v120, '1.1.0', run('r-rollback', 'ok'))).toEqual({ restarts: ['web'] });
    expect(resumedUpgrade(first, v120, '1.1.0', run('r-1', 'ok'))).toEqual({ restarts: ['web'] });
    expect(resumedUpgrade(first, v120, '1.1.0', run('r-1', 'failed', true))).toEqual({ restarts: ['web'] });
    expect(resumedUpgrade(first, v120, '1.1.0', { ...run('r-1', 'interrupted'), stack: 'other' })).toEqual({ restarts: ['web'] });
    expect(resumedUpgrade(first, v120, '1.1.0', null)).toEqual({ restarts: ['web'] });
  });

  it('another upgrade, no plan or an unreadable one: nothing taken over', () => {
    expect(resumedUpgrade(first, { ...v120, version: '1.3.0' }, '1.1.0', run('r-1', 'interrupted'))).toEqual({ restarts: [] });
    expect(resumedUpgrade(null, v120, '1.1.0', run('r-1', 'interrupted'))).toEqual({ restarts: [] });
    expect(resumedUpgrade('{', v120, '1.1.0', run('r-1', 'interrupted'))).toEqual({ restarts: [] });
  });

  it('a resumed run keeps the first archives, and says so in its own saved plan: a second interruption keeps them still', () => {
    const second = prepare('r-2', 'r-1');
    expect(archives(second)).toEqual(['/home/keelson-backups/demo-r-1/demo-content.tar']);
    expect(JSON.parse(savedBy(second))).toMatchObject({ runId: 'r-2', backupRunId: 'r-1' });
    expect(resumedUpgrade(savedBy(second), v120, '1.1.0', run('r-2', 'interrupted'))).toEqual({ restarts: ['web'], backupRunId: 'r-1' });
    expect(archives(prepare('r-3'))).toEqual(['/home/keelson-backups/demo-r-3/demo-content.tar']);
  });
});

describe('upgradeActions for a resumed run whose files are all written', () => {
  it('reloads before the restarts it takes over: the units restart from what Quadlet generates now', () => {
    const plan = { ...planOn(host, v110, { greeting: 'Hi', motto: 'Go' }), steps: [] };
    const summary = { from: { version: '1.1.0' }, to: { version: '1.1.1' }, restarts: ['web.service'], backups: ['/var/lib/keelson/state.json'], volumes: [] } as unknown as UpgradeSummary;
    const { steps } = upgradeActions(plan, v110, summary, [], { runId: 'r-9', backupRunId: 'r-9' });
    const kinds = steps.flatMap((s) => s.actions.map((a) => `${s.id}:${a.kind}${a.kind === 'systemd.unit' ? ` ${a.verb} ${a.unit}` : ''}`));
    expect(kinds.filter((k) => !k.startsWith('backup:'))).toEqual(['reload:systemd.daemon-reload', 'restart:systemd.unit restart web.service', 'health:stack.wait-healthy']);
  });
});
