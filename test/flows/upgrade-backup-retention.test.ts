// Retention of upgrade backups as data: (the stack's history, this run's backup) in → which directories a healthy
// upgrade removes, the words the operator reads before saying yes, the record that says so afterwards, and what is
// never removed (a failed run's backup, this run's, anything the history does not name as an upgrade backup).
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/engine/action.js';
import { RUN_ID } from '../../src/engine/action.js';
import { planActions } from '../../src/engine/plan.js';
import { newRunId } from '../../src/apply/apply-plan.js';
import { upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { backupsToPrune, prunedSentence, prunePlan, withPrunedBackups } from '../../src/flows/upgrade/backup-retention.js';
import { prepareUpgrade } from '../../src/flows/upgrade/prepare.js';
import { upgradeSummaryText } from '../../src/flows/upgrade/summary-text.js';
import { manifestSchema } from '../../src/manifest/schema.js';
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import { HISTORY_LIMIT, type StackRecord } from '../../src/state/record-schema.js';
import { withRun, type RunNote } from '../../src/state/stack-record.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn } from './deployed-host.js';

const v110 = loadStack('demo-1.1.0');
const v120 = loadStack('demo-1.2.0');
const ANSWERS = { greeting: 'Hello from keelson', motto: 'Upgraded in place' };
const run = (n: number): string => `20261203T1000${String(n).padStart(2, '0')}-00000${n}`;
const dir = (n: number): string => `/home/keelson-backups/demo-${run(n)}`;
const up = (outcome: 'ok' | 'rolled-back' | 'failed', backup?: number): RunNote => ({ stack: 'demo', kind: 'upgrade', from: '1.0.0', to: '1.1.0', outcome, ...(backup === undefined ? {} : { backupRunId: run(backup) }) });

/** The 1.1.0 host with these runs in its history, oldest first (run n is the n-th note). */
const hostWith = (notes: readonly RunNote[]) => {
  const host = deployedHost(v110, ANSWERS);
  const recordText = notes.reduce((text, note, i) => withRun(parseRecord(text), note, run(i + 1), `2026-12-0${1 + (i % 3)}T00:00:00.000Z`) ?? '', host.recordText);
  const previous = stackRecordOf(parseRecord(recordText), 'demo');
  if (previous === null) throw new Error('no record');
  return { ...host, recordText, previous };
};

const prepare = (notes: readonly RunNote[], to = v120, runId = run(9)) => {
  const host = hostWith(notes);
  const answers = upgradeAnswers(to, host.previous.answers, {});
  if (!answers.ok) throw new Error(JSON.stringify(answers.problems));
  return { host, p: prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId, manifest: to, answers: answers.value, plan: planOn(host, to, answers.value.answers) }) };
};

const dirsOf = (entry: Pick<StackRecord, 'stack' | 'dataMount' | 'history'>, own: string | null, keep?: number): string[] => backupsToPrune(entry, own, keep).map((b) => b.dir);

describe('which upgrade backups a healthy upgrade removes', () => {
  it('the newest 3 are kept, this run\'s among them; the older ones go, oldest first', () => {
    const { previous } = hostWith([up('ok', 1), up('rolled-back', 2), up('ok', 3), up('ok', 4)]);
    expect(dirsOf(previous, run(9))).toEqual([dir(1), dir(2)]);
    // An upgrade that exports nothing keeps 3 of the older ones.
    expect(dirsOf(previous, null)).toEqual([dir(1)]);
    expect(dirsOf(previous, run(9), 1)).toEqual([dir(1), dir(2), dir(3), dir(4)]);
  });

  it('never: a failed run\'s backup (its rollback failed too), this run\'s own, one already removed, runs without a backup', () => {
    const { previous } = hostWith([up('failed', 1), up('ok', 2), up('ok'), { stack: 'demo', kind: 'apply', from: '1.1.0', to: '1.1.0' }, up('ok', 3), up('ok', 4), up('ok', 5)]);
    expect(dirsOf(previous, run(9))).toEqual([dir(2), dir(3)]);
    const marked = { ...previous, history: previous.history.map((e) => (e.backupRunId === run(2) ? { ...e, backupPruned: '2026-12-02T00:00:00.000Z' } : e)) };
    expect(dirsOf(marked, run(9))).toEqual([dir(3)]);
    // A resumed run re-uses the interrupted run's archives: that directory is this run's, whatever the history says.
    expect(dirsOf(previous, run(3))).toEqual([dir(2)]);
  });

  it('a backup whose upgrade scrolled past the history limit is still named, and removed in its turn', () => {
    const applies = Array.from({ length: HISTORY_LIMIT + 5 }, (): RunNote => ({ stack: 'demo', kind: 'apply', from: '1.1.0', to: '1.1.0' }));
    const { recordText } = hostWith([up('ok', 1), up('failed', 2)]);
    const later = applies.reduce((text, note, i) => withRun(parseRecord(text), note, `20261204T${String(100000 + i)}-abcdef`, 't') ?? '', recordText);
    const entry = stackRecordOf(parseRecord(later), 'demo');
    expect(entry?.history).toHaveLength(HISTORY_LIMIT + 2);
    expect(entry?.history.slice(0, 2).map((e) => e.backupRunId)).toEqual([run(1), run(2)]);
    expect(entry === null ? [] : dirsOf(entry, run(9), 1)).toEqual([dir(1)]);
    // Once removed, its entry is an ordinary old run and goes; the failed run's backup stays named.
    const pruned = withPrunedBackups(parseRecord(later), 'demo', entry === null ? [] : backupsToPrune(entry, run(9), 1), 'tp') ?? '';
    const after = stackRecordOf(parseRecord(withRun(parseRecord(pruned), applies[0] ?? up('ok'), '20261205T000000-abcdef', 't') ?? ''), 'demo');
    expect(after?.history.map((e) => e.backupRunId).filter((id) => id !== undefined)).toEqual([run(2)]);
    expect(after?.history).toHaveLength(HISTORY_LIMIT + 1);
  });

  it('an upgrade and its rollback naming the same directory count once, as the newer', () => {
    const { previous } = hostWith([up('ok', 1), up('ok', 2), up('rolled-back', 1)]);
    expect(dirsOf(previous, run(9), 2)).toEqual([dir(2)]);
  });

  it('a directory is derived from the data mount, the stack and a run id; the record cannot name a path', () => {
    const { recordText } = hostWith([up('ok', 1)]);
    expect(recordText).toContain(`"backupRunId": "${run(1)}"`);
    const parsed = parseRecord(recordText.replace(`"backupRunId": "${run(1)}"`, '"backupRunId": "../../etc"'));
    expect(parsed).toMatchObject({ kind: 'unreadable', why: expect.stringMatching(/^\/var\/lib\/keelson\/state\.json is not a valid keelson-state\/2 record at stacks\.demo\.history\.1\.backupRunId: /) as unknown });
    expect(newRunId()).toMatch(RUN_ID);
  });
});

describe('in the upgrade: summary, history, and the prune plan run after the health gate', () => {
  const { host, p } = prepare([up('ok', 1), up('rolled-back', 2), up('ok', 3)]);

  it('the summary names what goes before the operator says yes', () => {
    expect(p.summary.backupRunId).toBe(run(9));
    expect(p.summary.prunes.map((b) => [b.dir, b.made])).toEqual([[dir(1), '1.0.0 → 1.1.0, 2026-12-01T00:00:00.000Z']]);
    expect(upgradeSummaryText(p.summary, p.answers)).toContain(
      `  old upgrade backups removed once the new version is healthy (the newest 3 are kept):\n    - ${dir(1)} (made by 1.0.0 → 1.1.0, 2026-12-01T00:00:00.000Z)\n`,
    );
  });

  it('the record write and the rollback\'s both note which run holds the archives', () => {
    const writes = (actions: readonly Action[]) => actions.flatMap((a) => (a.kind === 'state.write' && a.run !== undefined ? [a.run.backupRunId] : []));
    expect(writes(planActions(p.plan))).toEqual([run(9)]);
    expect(writes(planActions(p.rollback))).toEqual([run(9)]);
  });

  it('the prune plan: each directory removed, then the record marks it; without an entry there is no plan', () => {
    const now = parseRecord(host.recordText);
    const plan = prunePlan(p.plan, now, 'demo', p.summary.prunes, '2026-12-03T12:00:00.000Z');
    expect(plan?.steps.map((s) => s.id)).toEqual(['prune']);
    const actions = plan === null ? [] : planActions(plan);
    expect(actions.map((a) => `${a.kind} ${'path' in a ? a.path : ''}`)).toEqual([`dir.remove ${dir(1)}`, 'state.write /var/lib/keelson/state.json']);
    const after = stackRecordOf(parseRecord(withPrunedBackups(now, 'demo', p.summary.prunes, '2026-12-03T12:00:00.000Z')), 'demo');
    expect(after?.history.map((e) => e.backupPruned ?? null)).toEqual([null, '2026-12-03T12:00:00.000Z', null, null]);
    // Marked: the next upgrade does not name it again.
    expect(after === null ? [] : dirsOf(after, run(9))).toEqual([]);
    expect(prunePlan(p.plan, { kind: 'absent' }, 'demo', p.summary.prunes, 'x')).toBeNull();
  });

  it('the sentence after: what went, or that they stay', () => {
    expect(prunedSentence({ ok: true, dirs: [dir(1)] })).toBe(`Removed 1 old upgrade backup (the newest 3 are kept): ${dir(1)}`);
    expect(prunedSentence({ ok: false, dirs: [dir(1)], error: 'rm: Permission denied' })).toBe('The upgrade is done, but its old backups could not be removed (rm: Permission denied); they stay, and the next upgrade tries again.');
  });
});

describe('an upgrade without a health gate removes nothing', () => {
  it('a version bump alone (nothing restarts, nothing is exported): no prunes, no backup run', () => {
    const bump = manifestSchema.parse({ ...v110, version: '1.1.1' });
    const { p } = prepare([up('ok', 1), up('ok', 2), up('ok', 3), up('ok', 4)], bump);
    expect(p.plan.steps.find((s) => s.id === 'health')?.actions).toEqual([]);
    expect([p.summary.backupRunId, p.summary.prunes]).toEqual([null, []]);
  });
});
