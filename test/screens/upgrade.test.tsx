// Upgrade from the wizard's "On this host": the new version's stack, keelson upgrade's admission (a refusal is said,
// with what to do, and leads nowhere), only the new questions, the summary as the command prints it, a typed "yes",
// then the phases — and on a failure after the first change, the rollback. Nothing reaches the host before "yes".
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { WizardRoot } from '../../screens/app/wizard-root.js';
import type { HostRecord, UpgradeOutcome } from '../../screens/controller.js';
import { initialApplyState, applyReducer } from '../../screens/apply/apply-state.js';
import { brokeOff, EXCERPT_LINES, phaseProgress, upgradeFinish } from '../../screens/upgrade/upgrade-lines.js';
import { initialUpgrade, upgradeBack, upgradeReducer, type AskUpgrade, type UpgradeStage } from '../../screens/upgrade/upgrade-state.js';
import { planActions } from '../../src/engine/plan-queries.js';
import { deferred, fakeController, type FakeOptions } from './helpers/fake-controller.js';
import { demoNext, fakeReadyUpgrade, fakeUpgradeChecked, upgradeActions } from './helpers/upgrade-fixtures.js';
import { KEY, press, waitForFrame } from './helpers/harness.js';

afterEach(() => {
  cleanup();
});

const one: HostRecord = { kind: 'stacks', stacks: [{ name: 'demo', version: '1.0.0', mode: 'rootless', failed: null }] };
const focusedLine = (frame: string) => frame.split('\n').find((l) => l.startsWith(' › ')) ?? '';
const flat = (frame: string) => frame.replace(/\s+/g, ' ');
const asks = fakeUpgradeChecked(demoNext) as AskUpgrade;
const asksNothing: AskUpgrade = { ...asks, asks: { ...asks.asks, manifest: { ...asks.asks.manifest, questions: [], secrets: [] } } };
const downgrade = { code: 'downgrade', message: 'demo 1.1.0 is installed; the manifest is the older 1.0.0.', remedy: 'Pass --allow-downgrade if you mean it (data written by the newer version may not be readable by the older one).' };
const ready = fakeReadyUpgrade();
const journal = '/var/lib/keelson/journal/run-1.jsonl';

describe('the upgrade state machine, as data', () => {
  it('a loaded stack is checked; a refusal is said with what to do, and back goes to the stack', () => {
    const checking = upgradeReducer(initialUpgrade, { type: 'stack-loaded', stack: demoNext });
    expect(checking).toEqual({ kind: 'checking', stack: demoNext });
    const said = upgradeReducer(checking, { type: 'checked', checked: { kind: 'refused', refusal: downgrade } });
    expect(said).toEqual({ kind: 'said', said: { text: `keelson refuses this upgrade: ${downgrade.message}`, remedy: downgrade.remedy, tone: 'bad' }, checked: null });
    expect(upgradeBack(said)).toEqual({ kind: 'stack' });
    expect(upgradeBack(initialUpgrade)).toBeNull();
  });

  it('new questions are asked; with none, straight to the plan with no answers of its own', () => {
    const checking: UpgradeStage = { kind: 'checking', stack: demoNext };
    expect(upgradeReducer(checking, { type: 'checked', checked: asks })).toEqual({ kind: 'questions', checked: asks });
    expect(upgradeReducer(checking, { type: 'checked', checked: asksNothing })).toEqual({ kind: 'planning', checked: asksNothing, answers: {} });
    expect(upgradeReducer({ kind: 'questions', checked: asks }, { type: 'answered', answers: { port: '18081' } })).toEqual({ kind: 'planning', checked: asks, answers: { port: '18081' } });
  });

  it('a late check or plan for another stack is dropped', () => {
    const checking: UpgradeStage = { kind: 'checking', stack: demoNext };
    const other = { ...demoNext, ref: '/srv/demo-1.2.0.yaml' };
    expect(upgradeReducer(checking, { type: 'checked', checked: fakeUpgradeChecked(other) })).toBe(checking);
    const planning: UpgradeStage = { kind: 'planning', checked: asks, answers: {} };
    expect(upgradeReducer(planning, { type: 'planned', planned: fakeReadyUpgrade(other) })).toBe(planning);
    // A plan asked with port 18080, arriving after the operator went back and answered 18081: dropped.
    const again: UpgradeStage = { kind: 'planning', checked: asks, answers: { port: '18081' } };
    expect(upgradeReducer(again, { type: 'planned', planned: ready })).toBe(again);
    expect(upgradeReducer({ ...again, answers: { port: '18080' } }, { type: 'planned', planned: ready })).toMatchObject({ kind: 'summary' });
  });

  it('up to date, blocked and refused plans are said and lead nowhere; a ready one is the summary', () => {
    const planning: UpgradeStage = { kind: 'planning', checked: asks, answers: {} };
    expect(upgradeReducer(planning, { type: 'planned', planned: { kind: 'up-to-date', text: 'demo 1.1.0 is deployed and up to date: nothing to do.\n' } })).toMatchObject({ kind: 'said', said: { tone: 'ok', remedy: null } });
    const blocked = upgradeReducer(planning, { type: 'planned', planned: { kind: 'blocked', text: 'Upgrade demo 1.0.0 → 1.1.0\n', blockers: '  BLOCKER (Storage): /home is not on LUKS\n    → Move /home onto a LUKS volume' } });
    expect(blocked).toMatchObject({ kind: 'said', said: { tone: 'bad' } });
    expect(blocked.kind === 'said' ? blocked.said.text : '').toContain("the new version's plan has blockers.\n  BLOCKER (Storage): /home is not on LUKS");
    expect(upgradeReducer(planning, { type: 'planned', planned: { kind: 'refused', refusal: downgrade } })).toMatchObject({ kind: 'said', said: { remedy: downgrade.remedy } });
    expect(upgradeReducer(planning, { type: 'planned', planned: ready })).toEqual({ kind: 'summary', checked: asks, planned: ready, wrong: null });
    expect(upgradeReducer(planning, { type: 'failed', message: 'connection lost' })).toMatchObject({ kind: 'said', said: { text: 'connection lost', tone: 'bad' } });
  });

  it('only "yes" runs it; back from the summary goes to the answers (or the stack), never back from a run', () => {
    const summary: UpgradeStage = { kind: 'summary', checked: asks, planned: ready, wrong: null };
    expect(upgradeReducer(summary, { type: 'typed', text: 'y' })).toEqual({ ...summary, wrong: 'y' });
    expect(upgradeReducer(summary, { type: 'typed', text: 'YES' })).toEqual({ ...summary, wrong: 'YES' });
    expect(upgradeReducer(summary, { type: 'typed', text: ' yes ' })).toEqual({ kind: 'running', planned: ready });
    expect(upgradeBack(summary)).toEqual({ kind: 'questions', checked: asks });
    expect(upgradeBack({ ...summary, checked: asksNothing })).toEqual({ kind: 'stack' });
    const running: UpgradeStage = { kind: 'running', planned: ready };
    expect(upgradeReducer(running, { type: 'back' })).toBe(running);
    expect(upgradeReducer(summary, { type: 'finished', outcome: { ok: true, runId: 'run-1', journalPath: journal } })).toBe(summary);
  });
});

describe('the upgrade run as lines, as data', () => {
  it('each phase with actions stands as its actions do; the checks (no actions) are not a phase', () => {
    const plan = ready.prepared.plan;
    let s = initialApplyState(planActions(plan), 0);
    for (const [index, action] of planActions(plan).slice(0, 2).entries()) {
      s = applyReducer(s, { type: 'event', event: { type: 'start', index, action }, at: 1 });
      s = applyReducer(s, { type: 'event', event: { type: 'end', index, result: index === 0 ? 'skipped' : 'done', ms: 5 }, at: 2 });
    }
    s = applyReducer(s, { type: 'event', event: { type: 'start', index: 2, action: upgradeActions.unit }, at: 3 });
    const phases = phaseProgress(plan, s);
    expect(phases.map((p) => [p.title.split(':')[0], p.state, p.finished])).toEqual([
      ['Prefetch', 'skipped', 1],
      ['Backup', 'done', 1],
      ['Write', 'running', 0],
      ['Reload', 'pending', 0],
      ['Restart', 'pending', 0],
      ['Health gate', 'pending', 0],
      ['Record', 'pending', 0],
    ]);
  });

  const again = 'keelson upgrade --stack demo';
  const failed = { action: 'wait until web.service is active', error: Array.from({ length: 20 }, (_, i) => `Dec 03 05:00:${String(i).padStart(2, '0')} web[812]: line ${i + 1}`).join('\n') };

  it('upgraded and healthy; stopped: nothing rolled back, a re-run finishes it', () => {
    expect(upgradeFinish(ready, { ok: true, runId: 'run-1', journalPath: journal }, again).map((l) => l.text)).toEqual(['Upgraded demo 1.0.0 → 1.1.0: every unit active, every health check healthy.', `Journal on the host: ${journal}`]);
    const pruned = (p: { ok: boolean; dirs: string[]; error?: string }) => upgradeFinish(ready, { ok: true, runId: 'run-1', journalPath: journal, pruned: p }, again).map((l) => [l.text, l.tone]);
    expect(pruned({ ok: true, dirs: ['/home/keelson-backups/demo-a'] })[1]).toEqual(['Removed 1 old upgrade backup (the newest 3 are kept): /home/keelson-backups/demo-a', 'muted']);
    expect(pruned({ ok: false, dirs: ['/home/keelson-backups/demo-a'], error: 'rm: busy' })[1]).toEqual(['The upgrade is done, but its old backups could not be removed (rm: busy); they stay, and the next upgrade tries again.', 'warn']);
    // The connection lost after the first change: no rollback ran; the same upgrade again, or a rollback, once it answers.
    const lost = upgradeFinish(ready, { ok: false, runId: 'run-1', journalPath: journal, failed: { action: 'update web.container', error: 'The SSH connection … failed', index: 9 }, connectionLost: true }, again);
    expect(lost.map((l) => l.text)).toEqual([
      'The connection to the host was lost during the upgrade (at "update web.container"): keelson could do nothing more there.',
      'The journal on the host says how far demo 1.0.0 → 1.1.0 got.',
      `Journal on the host: ${journal}`,
      `Once the host answers again, run the same upgrade (here, or ${again}): it finishes what is left, or rolls back if that fails; or roll back to 1.0.0 from the Welcome screen.`,
    ]);
    const stopped = upgradeFinish(ready, { ok: false, runId: 'run-1', journalPath: journal, stoppedBefore: 3 }, again);
    expect(stopped[0]?.text).toBe('Stopped as you asked, before action 4: nothing was rolled back.');
    expect(stopped.at(-1)?.text).toBe(`Run the same upgrade again (here, or ${again}): it finishes what is left, or rolls back if that fails.`);
  });

  it('rolled back: how long it took, what failed, the last journal lines (no more than fit), both journals', () => {
    const o: UpgradeOutcome = { ok: false, runId: 'run-1', journalPath: journal, failed, rollback: { ok: true, runId: 'run-2', journalPath: '/var/lib/keelson/journal/run-2.jsonl', seconds: 7.3 } };
    const lines = upgradeFinish(ready, o, again);
    expect(lines[0]).toEqual({ text: 'Rolled back: demo 1.0.0 is back and healthy, in 7.3 s (from the failure to healthy again).', tone: 'warn' });
    expect(lines[1]?.text).toBe(`Journals on the host: ${journal} (upgrade), /var/lib/keelson/journal/run-2.jsonl (rollback)`);
    expect(lines[2]).toEqual({ text: 'What failed: wait until web.service is active', tone: 'bad' });
    expect(lines[3]?.text).toBe("  … (8 lines before these are in the wizard's log)");
    expect(lines.filter((l) => l.text.includes('web[812]'))).toHaveLength(EXCERPT_LINES);
    expect(lines.at(-1)?.text).toBe('  Dec 03 05:00:19 web[812]: line 20');
  });

  it('a rollback that failed says so and that the stack is marked failed; a prefetch failure changed nothing that runs', () => {
    const marked = upgradeFinish(ready, { ok: false, runId: 'run-1', journalPath: journal, failed, rollback: { ok: false, runId: 'run-2', journalPath: '/j/run-2.jsonl', seconds: 2, error: 'restart web.service: exit 1' }, markedFailed: 'why' }, again);
    expect(marked.slice(0, 2).map((l) => l.text)).toEqual(['The ROLLBACK FAILED too: restart web.service: exit 1.', 'demo is marked failed in the deployment record: apply and upgrade refuse it until the mark is cleared (--clear-failed, after reading why).']);
    const prefetch = upgradeFinish(ready, { ok: false, runId: 'run-1', journalPath: journal, failed: { action: 'pull localhost/keelson-demo:2', error: 'manifest unknown' } }, again);
    expect(prefetch[0]?.text).toBe('The upgrade stopped before anything that runs was changed (while fetching images): demo 1.0.0 still runs.');
    const twoUntouched = { ...ready, prepared: { ...ready.prepared, untouchedCount: 2 } };
    const backup = upgradeFinish(twoUntouched, { ok: false, runId: 'run-1', journalPath: journal, failed: { action: 'export volume demo-content', error: 'sha256 mismatch', index: 1 } }, again);
    expect(backup[0]?.text).toBe('The upgrade stopped before anything that runs was changed (while backing up (an archive could not be made or read back)): demo 1.0.0 still runs.');
    expect(upgradeFinish(ready, brokeOff('connection reset'), again)[0]?.text).toBe('The upgrade broke off: connection reset. keelson could not say how far it got, nor roll it back.');
  });
});

const toUpgrade = async (o: FakeOptions) => {
  const controller = fakeController({ loadStack: () => Promise.resolve(demoNext), ...o });
  const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
  await waitForFrame(r, 'Nothing changes on the host');
  await press(r, KEY.enter, 'Where should the stack go?');
  await press(r, KEY.enter, 'keelson  On this host');
  for (const label of ['Install / Reinstall / Repair', 'Upgrade']) await press(r, KEY.down, (f) => focusedLine(f) === ` › ${label}`);
  await press(r, KEY.enter, 'Upgrade to which version?');
  const frame = await press(r, KEY.enter, (f) => f.includes('Local port to publish') || f.includes('Type "yes"') || f.includes('refuses'));
  return { controller, r, frame };
};

const typeWord = async (r: Awaited<ReturnType<typeof toUpgrade>>['r'], word: string) => {
  for (const ch of word) r.stdin.write(ch);
  await waitForFrame(r, (f) => f.includes(`  ${word}`));
};

const toSummary = async (o: FakeOptions) => {
  const up = await toUpgrade(o);
  const summary = await press(up.r, KEY.enter, 'Type "yes" and press enter to upgrade demo');
  return { ...up, summary };
};

describe('Upgrade on the On this host screen', () => {
  it('asks only the new question, shows the summary as the command prints it; a wrong word changes nothing, yes upgrades', async () => {
    const { controller, r, frame } = await toUpgrade({ record: one });
    expect(frame).toContain('Local port to publish');
    expect(frame).not.toContain('Domain name of the site');
    expect(controller.calls.upgradeCheck).toEqual([demoNext]);
    const summary = await press(r, KEY.enter, 'Type "yes" and press enter to upgrade demo');
    expect(summary).toContain('Upgrade demo 1.0.0 → 1.1.0');
    expect(summary).toContain('restarts, in this order: web.service');
    expect(summary).toContain('+Image=localhost/keelson-demo:2');
    expect(controller.calls.upgradePlan).toEqual([{ stack: demoNext, answers: { port: '18080' } }]);
    await typeWord(r, 'y');
    await press(r, KEY.enter, '"y" is not "yes": nothing was changed');
    expect(controller.calls.upgrade).toEqual([]);
    await typeWord(r, 'yes');
    const end = await press(r, KEY.enter, 'Upgraded demo 1.0.0 → 1.1.0');
    expect(end).toContain(`Journal on the host: ${journal}`);
    // Below the end, each phase over its actions, as they ran.
    const phases = await press(r, KEY.pageDown, '✓ Health gate: every unit active, every health check healthy (1/1)');
    expect(phases).toContain(' ✓ wait until web.service is active');
    expect(controller.calls.upgrade).toHaveLength(1);
    expect(controller.progress.current).toBeNull();
  });

  it('a record keelson cannot read: Upgrade gives the headless commands instead, and plans nothing', async () => {
    const controller = fakeController({ record: { kind: 'unreadable', why: '/var/lib/keelson/state.json is not JSON' } });
    const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.enter, 'keelson  On this host');
    for (const label of ['Install / Reinstall / Repair', 'Upgrade']) await press(r, KEY.down, (f) => focusedLine(f) === ` › ${label}`);
    const shown = await press(r, KEY.enter, 'cannot plan an upgrade');
    expect(shown).toContain('    keelson upgrade --stack FILE --check');
    expect(controller.calls.upgradeCheck).toEqual([]);
  });

  it('no new question: straight from the stack to the summary', async () => {
    const { controller, frame } = await toUpgrade({ record: one, upgradeCheck: () => asksNothing });
    expect(frame).toContain('Type "yes" and press enter to upgrade demo');
    expect(controller.calls.upgradePlan).toEqual([{ stack: demoNext, answers: {} }]);
  });

  it('a refusal (a downgrade) is said with what to do; enter goes back to the stack, nothing planned or run', async () => {
    const { controller, r, frame } = await toUpgrade({ record: one, upgradeCheck: () => ({ kind: 'refused', refusal: downgrade }) });
    expect(flat(frame)).toContain(`keelson refuses this upgrade: ${downgrade.message}`);
    expect(flat(frame)).toContain(`→ ${downgrade.remedy}`);
    expect(frame).toContain('Nothing was changed on the host.');
    await press(r, KEY.enter, 'Upgrade to which version?');
    await press(r, 'b', 'keelson  On this host');
    expect(controller.calls.upgradePlan).toEqual([]);
    expect(controller.calls.upgrade).toEqual([]);
  });

  it('the health gate fails: the rollback runs, and the end says how long it took, what failed and the journal lines', async () => {
    const { controller, r } = await toSummary({ record: one, failAt: 5, upgradeError: 'web.service failed\nDec 03 05:00:01 web[812]: listen tcp :8080: address already in use' });
    await typeWord(r, 'yes');
    const end = await press(r, KEY.enter, 'Rolled back: demo 1.0.0 is back and healthy, in 4.2 s');
    expect(end).toContain('What failed: wait until web.service is active');
    expect(end).toContain('address already in use');
    expect(end).toContain('(rollback)');
    const phases = await press(r, KEY.pageDown, '✗ Health gate: every unit active, every health check healthy (0/1)');
    expect(phases).toContain('✓ Rollback: demo back to 1.0.0 (4/4)');
    expect(controller.logLines).toContain('upgrade: the typed confirmation matches');
  });

  it('a rollback that fails too: the stack is marked failed, and the end says so', async () => {
    const { r } = await toSummary({ record: one, failAt: 5, rollbackFailAt: 2 });
    await typeWord(r, 'yes');
    const end = await press(r, KEY.enter, 'The ROLLBACK FAILED too');
    expect(flat(end)).toContain('demo is marked failed in the deployment record');
  });

  it('ctrl+c during the upgrade stops after the running action and rolls nothing back', async () => {
    const hold = deferred();
    const { controller, r } = await toSummary({ record: one, gate: (i) => (i === 1 ? hold.promise : Promise.resolve()) });
    await typeWord(r, 'yes');
    await press(r, KEY.enter, '1 of 7 finished');
    await press(r, KEY.ctrlC, 'Stopping after the running action');
    hold.resolve();
    const end = await waitForFrame(r, 'nothing was rolled back');
    expect(end).toContain('Stopped as you asked, before action 3');
    expect(flat(end)).toContain('Run the same upgrade again (here, or keelson upgrade --stack demo): it finishes what is left');
    expect(controller.logLines).toContain('upgrade: the operator asked to stop after the running action');
  });

  it('ctrl+c during the rollback does not stop it: it runs to its end', async () => {
    const hold = deferred();
    let calls = 0;
    // The gate is met by the upgrade's six actions up to the failure, then by the rollback's first.
    const { controller, r } = await toSummary({ record: one, failAt: 5, gate: () => (++calls === 7 ? hold.promise : Promise.resolve()) });
    await typeWord(r, 'yes');
    await press(r, KEY.enter, 'rolling back to 1.0.0');
    await press(r, KEY.ctrlC, 'The rollback runs to its end');
    hold.resolve();
    await waitForFrame(r, 'Rolled back: demo 1.0.0 is back and healthy');
    expect(controller.logLines).toContain('upgrade: the operator asked to stop during the rollback: it runs to its end');
  });
});
