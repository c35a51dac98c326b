// keelson rollback as data: (record, the newest journal, the rollback plan an upgrade saved) → the rollback to run,
// "nothing to roll back", or a refusal that says what to do.
import { describe, expect, it } from 'vitest';
import type { JournaledRun } from '../../src/apply/last-run.js';
import { planActions, planSchema } from '../../src/engine/plan.js';
import { upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { headlessRollback, headlessRollbackPlan, rollbackStackName, type HeadlessRollback } from '../../src/flows/upgrade/headless-rollback.js';
import { prepareUpgrade } from '../../src/flows/upgrade/prepare.js';
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn, type DeployedHost } from './deployed-host.js';
import { failedHost } from './failed-host.js';

const v110 = loadStack('demo-1.1.0');
const v120 = loadStack('demo-1.2.0');
const ANSWERS = { greeting: 'Hi', motto: 'Go' };

/** What the 1.1.0 → 1.2.0 upgrade saved on the host in its backup phase. */
const savedOn = (host: DeployedHost): string => {
  const answers = upgradeAnswers(v120, host.previous.answers, {});
  if (!answers.ok) throw new Error('answers');
  const p = prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId: '20261203T060000-00000a', manifest: v120, answers: answers.value, plan: planOn(host, v120, answers.value.answers) });
  const save = p.plan.steps.find((s) => s.id === 'backup')?.actions[0];
  return save?.kind === 'state.write' ? save.content : '';
};

const run = (state: JournaledRun['state'], rolledBack = false): JournaledRun => ({
  runId: '20261203T060000-00000a', journalPath: '/var/lib/keelson/journal/20261203T060000-00000a.jsonl', stack: 'demo', startedAt: 't', state, rolledBack, actions: 20, finished: 6, backups: [], created: [],
});

const ok = deployedHost(v110, ANSWERS);
const saved = savedOn(ok);
const decide = (host: DeployedHost, lastRun: JournaledRun | null, o: { saved?: string | null; clearFailed?: boolean } = {}): HeadlessRollback =>
  headlessRollback({ record: parseRecord(host.recordText), stack: 'demo', saved: o.saved === undefined ? saved : o.saved, lastRun, clearFailed: o.clearFailed ?? false });
const said = (r: HeadlessRollback): string => (r.kind === 'refused' ? `${r.refusal.code}: ${r.refusal.message} → ${r.refusal.remedy}` : r.kind === 'nothing' ? r.message : 'rollback');
const recordWrite = (r: HeadlessRollback) => (r.kind === 'rollback' ? r.actions.find((a) => a.kind === 'state.write') : undefined);

describe('keelson rollback', () => {
  it('an upgrade killed after its first write: the saved rollback, mounters stopped, volume restored, file back, reload, restarts, target, gate, record', () => {
    const r = decide(ok, run('interrupted'));
    expect(r.kind === 'rollback' ? [r.from, r.to, r.actions.map((a) => (a.kind === 'systemd.unit' ? `${a.verb} ${a.unit}` : a.kind))] : said(r)).toEqual([
      '1.1.0', '1.2.0', ['stop status.service', 'stop web.service', 'stop page.service', 'podman.volume-restore', 'file.write', 'systemd.daemon-reload', 'restart page.service', 'restart web.service', 'restart status.service', 'start demo.target', 'stack.wait-healthy', 'state.write'],
    ]);
    // The saved plan names this run's archive: what keelson rollback restores is what this upgrade exported.
    expect(r.kind === 'rollback' ? r.actions.find((a) => a.kind === 'podman.volume-restore') : null).toMatchObject({ volume: 'demo-content', file: '/home/keelson-backups/demo-20261203T060000-00000a/demo-content.tar', target: { scope: 'user', user: 'keelson-demo' } });
    const write = recordWrite(r);
    expect(write?.kind === 'state.write' ? [write.description, write.run] : null).toEqual([
      'put back the record of demo 1.1.0 (its history kept)',
      { stack: 'demo', kind: 'upgrade', from: '1.1.0', to: '1.2.0', outcome: 'rolled-back', backupRunId: '20261203T060000-00000a' },
    ]);
    expect(write?.kind === 'state.write' ? write.content : '').toBe(ok.recordText);
    const plan = headlessRollbackPlan(r.kind === 'rollback' ? r : (undefined as never), { keelsonVersion: '0.1.0', createdAt: 't', host: 'vm', roundTrips: 3 });
    expect(planSchema.safeParse(plan).success).toBe(true);
    expect(plan.steps[0]?.title).toBe('Rollback: demo back to 1.1.0 (the upgrade to 1.2.0 did not finish)');
    expect(planActions(plan)).toHaveLength(12);
  });

  it('a failed automatic rollback (stack marked failed) is refused until --clear-failed; then the record keeps the history and loses the mark', () => {
    const host = failedHost();
    expect(said(decide(host, run('ok')))).toMatch(/^stack-failed: demo is marked failed since 2026-01-03T00:00:00\.000Z \(run r-bad\): .* → .*run keelson rollback again with --clear-failed/);
    const r = decide(host, run('ok'), { clearFailed: true });
    const write = recordWrite(r);
    const back = stackRecordOf(parseRecord(write?.kind === 'state.write' ? write.content : ''), 'demo');
    expect(back?.failed).toBeNull();
    expect(back?.history.map((h) => `${h.runId} ${h.outcome}`)).toEqual(['r-install ok', 'r-bad failed']);
    expect(write?.kind === 'state.write' ? [write.description, write.run?.cleared] : null).toEqual([
      'put back the record of demo 1.1.0 (its history kept, the failed mark cleared)',
      `${host.previous.failed?.reason ?? ''} (marked failed 2026-01-03T00:00:00.000Z, run r-bad)`,
    ]);
  });

  it('nothing to roll back when the last run finished or was rolled back (exit 0, nothing changed)', () => {
    expect(said(decide(ok, run('ok')))).toBe('Nothing to roll back: demo 1.1.0 is deployed and its last run finished.');
    expect(said(decide(ok, run('failed', true)))).toBe('Nothing to roll back: demo 1.1.0 is deployed and its last run was rolled back.');
    expect(said(decide(ok, null))).toBe('Nothing to roll back: demo 1.1.0 is deployed and its last run is not journaled.');
    expect(said(decide(ok, { ...run('interrupted'), stack: 'other' }))).toMatch(/^Nothing to roll back/);
  });

  it('refused with what to do: no saved plan, an unreadable one, an upgrade that finished, a plan of another version', () => {
    expect(said(decide(ok, run('interrupted'), { saved: null }))).toBe('no-rollback-plan: No upgrade of demo left a rollback plan on this host (/var/lib/keelson/upgrades/demo.json). → An interrupted install or apply is finished by running the same apply again (finished actions are not repeated).');
    expect(said(decide(ok, run('interrupted'), { saved: '{"format":"keelson-rollback/1"' }))).toMatch(/^rollback-plan-unreadable: \/var\/lib\/keelson\/upgrades\/demo\.json is not a keelson-rollback\/1 plan of demo\./);
    const done = saved.replace('"from": "1.1.0"', '"from": "1.0.0"').replace('"to": "1.2.0"', '"to": "1.1.0"');
    expect(said(decide(ok, run('interrupted'), { saved: done }))).toBe('upgrade-finished: The upgrade of demo to 1.1.0 finished (the record says 1.1.0): no unfinished run to roll back. → To go back to 1.0.0: keelson upgrade --stack MANIFEST-1.0.0 --allow-downgrade.');
    const other = saved.replace('"from": "1.1.0"', '"from": "0.9.0"');
    expect(said(decide(ok, run('interrupted'), { saved: other }))).toBe('rollback-plan-stale: /var/lib/keelson/upgrades/demo.json rolls back 0.9.0 → 1.2.0, but demo 1.1.0 is deployed. → Nothing was changed; run the upgrade you mean again.');
  });

  it('which stack: the one named, else the last run\'s, else the only one; none deployed is said plainly', () => {
    const record = parseRecord(ok.recordText);
    expect(rollbackStackName(record, null, undefined)).toEqual({ ok: true, stack: 'demo' });
    expect(rollbackStackName(record, run('interrupted'), undefined)).toEqual({ ok: true, stack: 'demo' });
    const missing = rollbackStackName(record, null, 'cdr-link');
    expect(missing.ok ? '' : `${missing.refusal.message} → ${missing.refusal.remedy}`).toBe('cdr-link: is not deployed on this host (deployed: demo). → Name the stack: keelson rollback --stack NAME.');
    const none = rollbackStackName({ kind: 'absent' }, null, undefined);
    expect(none.ok ? '' : none.refusal.message).toBe('Nothing to roll back: nothing deployed by keelson on this host (no /var/lib/keelson/state.json).');
  });
});
