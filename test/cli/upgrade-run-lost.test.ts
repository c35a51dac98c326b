// An upgrade cut off from its host (the SSH connection lost): no rollback is attempted over a connection that is
// gone, nothing is marked failed, and the operator is told how far it got and what to run once the host answers.
// The walks are scripted (what applyPlan returns when a command's connection breaks); the real cut is proven on the
// test VM (test/e2e/upgrade-resume.e2e.test.ts, a relay that destroys the connection).
import { describe, expect, it, vi } from 'vitest';
import type { ApplyResult } from '../../src/apply/apply-plan.js';
import { planActions, type Plan } from '../../src/engine/plan.js';
import type { Host } from '../../src/host/host.js';
import { upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { prepareUpgrade } from '../../src/flows/upgrade/prepare.js';
import { runUpgrade } from '../../src/cli/upgrade-run.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn } from '../flows/deployed-host.js';

const v110 = loadStack('demo-1.1.0');
const v120 = loadStack('demo-1.2.0');
const LOST = 'The SSH connection to root@192.0.2.7:22 failed: read ECONNRESET';

const prepared = () => {
  const host = deployedHost(v110, { greeting: 'Hello', motto: 'Go' });
  const answers = upgradeAnswers(v120, host.previous.answers, {});
  if (!answers.ok) throw new Error(JSON.stringify(answers.problems));
  return prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId: '20261207T150000-abcdef', manifest: v120, answers: answers.value, plan: planOn(host, v120, answers.value.answers) });
};

/** A Host that fails the test if anything reaches it: after a lost connection, keelson must not try. */
const untouchable = (): { host: Host; calls: string[] } => {
  const calls: string[] = [];
  const no = (what: string) => () => { calls.push(what); return Promise.reject(new Error(`${what} after the connection was lost`)); };
  return { host: { label: 'root@192.0.2.7', roundTrips: 0, run: no('run'), readFile: no('readFile'), writeFile: no('writeFile'), close: () => Promise.resolve() }, calls };
};

const failedAt = (plan: Plan, index: number, lost: boolean): ApplyResult => {
  const action = planActions(plan)[index];
  if (action === undefined) throw new Error(`no action ${String(index)}`);
  return { ok: false, runId: 'r', journalPath: '/var/lib/keelson/journal/r.jsonl', done: index, skipped: 0, failed: { index, action, error: lost ? LOST : 'web did not pass its health check', ...(lost ? { connectionLost: true as const } : {}) } };
};

describe('an upgrade whose connection is lost', () => {
  it('after the first change: no rollback is walked, nothing marked, the way on named', async () => {
    const p = prepared();
    const { host, calls } = untouchable();
    const walk = vi.fn((plan: Plan, which: 'upgrade' | 'rollback') => Promise.resolve(which === 'upgrade' ? failedAt(plan, p.untouchedCount, true) : failedAt(plan, 0, false)));
    const said: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => { said.push(String(s)); return true; });
    try {
      const outcome = await runUpgrade(host, p, { secretAnswers: {}, quiet: false, walk });
      expect(walk.mock.calls.map((c) => c[1])).toEqual(['upgrade']);
      expect(outcome).toMatchObject({ ok: false, connectionLost: true });
      expect(outcome.rollback).toBeUndefined();
      expect(outcome.markedFailed).toBeUndefined();
      expect(calls).toEqual([]);
      const text = said.join('');
      expect(text).toContain('The connection to the host was lost at');
      expect(text).toContain('Run the same upgrade again once the host answers');
      expect(text).toContain(LOST);
      expect(text).not.toContain('Rolling back');
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('during the rollback: not marked failed (it could not be), rollback --yes named', async () => {
    const p = prepared();
    const { host, calls } = untouchable();
    const walk = vi.fn((plan: Plan, which: 'upgrade' | 'rollback') => Promise.resolve(which === 'upgrade' ? failedAt(plan, p.untouchedCount, false) : failedAt(plan, 0, true)));
    const outcome = await runUpgrade(host, p, { secretAnswers: {}, quiet: true, walk });
    expect(walk.mock.calls.map((c) => c[1])).toEqual(['upgrade', 'rollback']);
    expect(outcome).toMatchObject({ ok: false, connectionLost: true, rollback: { ok: false } });
    expect(outcome.markedFailed).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
