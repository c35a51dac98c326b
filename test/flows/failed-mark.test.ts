// The failed mark as data: apply, upgrade and rollback refuse a stack marked failed (why, since when, what to do);
// --clear-failed makes the run's own record write clear it and its history entry keep what was cleared.
import { describe, expect, it } from 'vitest';
import { planActions, type Plan } from '../../src/engine/plan.js';
import { blockedWhileFailed, clearingFailed, gateFailed, withoutFailedMark } from '../../src/flows/failed-mark.js';
import { planBlockers, planSchema } from '../../src/engine/plan.js';
import { upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { prepareUpgrade } from '../../src/flows/upgrade/prepare.js';
import { admitUpgrade } from '../../src/flows/upgrade/refusals.js';
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import { withRun } from '../../src/state/stack-record.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn } from './deployed-host.js';
import { failedHost, REASON } from './failed-host.js';

const v110 = loadStack('demo-1.1.0');
const v120 = loadStack('demo-1.2.0');
const ANSWERS = { greeting: 'Hi', motto: 'Go' };
const recordWrites = (plan: Plan) => planActions(plan).flatMap((a) => (a.kind === 'state.write' ? [a] : []));
const demoOf = (text: string) => stackRecordOf(parseRecord(text), 'demo');
const CLEARED = `${REASON} (marked failed 2026-01-03T00:00:00.000Z, run r-bad)`;

describe('the failed mark', () => {
  const host = failedHost();

  it('apply is refused with the reason, the time, the run and how to clear it; nothing of the plan is kept', () => {
    const g = gateFailed(host.recordText, planOn(host, v110, ANSWERS), 'keelson apply', false);
    expect(g).toEqual({
      ok: false,
      refusal: {
        code: 'stack-failed',
        message: `demo is marked failed since 2026-01-03T00:00:00.000Z (run r-bad): ${REASON}.`,
        remedy: 'Nothing was changed. Read why (keelson status, keelson doctor, the journals in /var/lib/keelson/journal), repair the cause, then run keelson apply again with --clear-failed (the clearing is journaled and kept in the record\'s history).',
      },
    });
  });

  it('upgrade is refused the same way, and admitted with --clear-failed', () => {
    const refused = admitUpgrade(parseRecord(host.recordText), v120);
    expect(refused.ok ? '' : `${refused.refusal.code}: ${refused.refusal.message}`).toBe(`stack-failed: demo is marked failed since 2026-01-03T00:00:00.000Z (run r-bad): ${REASON}.`);
    expect(refused.ok ? '' : refused.refusal.remedy).toContain('run keelson upgrade again with --clear-failed');
    expect(admitUpgrade(parseRecord(host.recordText), v120, { clearFailed: true }).ok).toBe(true);
  });

  it('a host that already matches: --clear-failed adds one last step whose record write clears the mark, history kept', () => {
    const plan = planOn(host, v110, ANSWERS);
    expect(planActions(plan)).toEqual([]);
    const g = gateFailed(host.recordText, plan, 'keelson apply', true);
    if (!g.ok) throw new Error('refused');
    expect(g.plan.steps.map((s) => s.id)).toEqual(['quadlet', 'clear-failed']);
    const [write] = recordWrites(g.plan);
    expect(write?.description).toBe(`clear the failed mark of demo in /var/lib/keelson/state.json (${CLEARED})`);
    expect(write?.run).toEqual({ stack: 'demo', kind: 'apply', from: '1.1.0', to: '1.1.0', cleared: CLEARED });
    expect(demoOf(write?.content ?? '')).toEqual({ ...host.previous, failed: null });
    // As the executor writes it: one more history entry, saying what was cleared.
    const written = withRun(parseRecord(write?.content ?? ''), write?.run ?? { stack: '', kind: 'apply', from: null, to: '' }, 'r-fix', 't-fix');
    expect(demoOf(written ?? '')?.history.at(-1)).toEqual({ runId: 'r-fix', kind: 'apply', from: '1.1.0', to: '1.1.0', outcome: 'ok', at: 't-fix', cleared: CLEARED });
    expect(demoOf(written ?? '')?.history.at(-2)).toMatchObject({ runId: 'r-bad', outcome: 'failed' });
  });

  it('a plan that writes the record anyway: that write clears the mark (no extra step), and says so', () => {
    const plan = planOn(host, v110, { greeting: 'Changed', motto: 'Go' });
    const g = clearingFailed(plan, host.recordText, host.previous);
    expect(g.steps.map((s) => s.id)).toEqual(['quadlet']);
    const writes = recordWrites(g);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.description).toMatch(/; and clear the failed mark$/);
    expect(writes[0]?.run?.cleared).toBe(CLEARED);
    expect(demoOf(writes[0]?.content ?? '')?.failed).toBeNull();
    expect(demoOf(writes[0]?.content ?? '')?.answers).toEqual({ greeting: 'Changed', motto: 'Go' });
  });

  it('a stack not marked failed: the plan is let through as it is, and a record without a mark is left as it is', () => {
    const ok = deployedHost(v110, ANSWERS);
    const plan = planOn(ok, v110, ANSWERS);
    expect(gateFailed(ok.recordText, plan, 'keelson apply', true)).toEqual({ ok: true, plan });
    expect(gateFailed(null, plan, 'keelson apply', false)).toEqual({ ok: true, plan });
    expect(withoutFailedMark(ok.recordText, 'demo')).toBe(ok.recordText);
    expect(withoutFailedMark('not json', 'demo')).toBe('not json');
  });

  it('upgrade --clear-failed: the forward record write and the rollback made up front both clear the mark', () => {
    const answers = upgradeAnswers(v120, host.previous.answers, {});
    if (!answers.ok) throw new Error('answers');
    const p = prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId: 'r-up', manifest: v120, answers: answers.value, plan: planOn(host, v120, answers.value.answers), clearFailed: true });
    const forward = recordWrites(p.plan).filter((a) => a.run?.kind === 'upgrade');
    expect(forward.map((a) => [a.run?.to, a.run?.cleared, demoOf(a.content)?.failed])).toEqual([['1.2.0', CLEARED, null]]);
    const back = recordWrites(p.rollback);
    expect(back.map((a) => [a.run?.outcome, a.run?.cleared, demoOf(a.content)?.version, demoOf(a.content)?.failed])).toEqual([['rolled-back', CLEARED, '1.1.0', null]]);
    const without = prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId: 'r-up', manifest: v120, answers: answers.value, plan: planOn(host, v120, answers.value.answers) });
    expect(recordWrites(without.rollback)[0]?.content).toBe(host.recordText);
  });
});

describe('the failed mark in the wizard (no --clear-failed there)', () => {
  const host = failedHost();
  const command = 'keelson apply --stack demo --host admin@192.0.2.10';

  it('the plan of a failed stack gets a blocker on the step that writes the record: the Review cannot apply it', () => {
    const plan = planOn(host, v110, { greeting: 'Changed', motto: 'Go' });
    expect(planActions(plan).length).toBeGreaterThan(0);
    const blocked = blockedWhileFailed(host.recordText, plan, command);
    expect([blocked.blocked, blocked.blockerCount]).toEqual([true, planBlockers(plan).length + 1]);
    const [first] = blocked.steps.find((s) => s.actions.some((a) => a.kind === 'state.write'))?.findings ?? [];
    expect(first).toMatchObject({ severity: 'blocker', code: 'stack-failed', message: expect.stringContaining(REASON) as string });
    expect(first?.remedy).toContain(`then run ${command} again with --clear-failed`);
    expect(planSchema.safeParse(blocked).success).toBe(true);
  });

  it('a stack not marked failed, or no record: the plan as it was', () => {
    const plan = planOn(host, v110, ANSWERS);
    expect(blockedWhileFailed(withoutFailedMark(host.recordText, 'demo'), plan, command)).toBe(plan);
    expect(blockedWhileFailed(null, plan, command)).toBe(plan);
  });
});
