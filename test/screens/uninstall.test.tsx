// Uninstall from the wizard's "On this host": keep or purge, the plan as `keelson uninstall` prints it, a typed
// confirmation ("yes", or the stack's name to purge), then the run. Nothing reaches the host before the right word.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { WizardRoot } from '../../screens/app/wizard-root.js';
import type { HostRecord } from '../../screens/controller.js';
import { finishText, initialUninstall, uninstallBack, uninstallReducer, type ReadyUninstall } from '../../screens/uninstall/uninstall-state.js';
import { applyWords, headline } from '../../screens/apply/apply-lines.js';
import { lineText } from '../../screens/lines/line.js';
import { applyReducer, initialApplyState } from '../../screens/apply/apply-state.js';
import { uninstallingText, uninstallWords } from '../../src/flows/uninstall/uninstall-text.js';
import { deferred, fakeController, fakeUninstallPlanned, type FakeOptions } from './helpers/fake-controller.js';
import { KEY, press, waitForFrame } from './helpers/harness.js';

afterEach(() => {
  cleanup();
});

const one: HostRecord = { kind: 'stacks', stacks: [{ name: 'demo', version: '1.0.0', mode: 'rootless', failed: null }] };
const two: HostRecord = { kind: 'stacks', stacks: [...one.stacks, { name: 'wiki', version: '2.0.0', mode: 'rootful', failed: null }] };
const focusedLine = (frame: string) => frame.split('\n').find((l) => l.startsWith(' › ')) ?? '';
const ready = (purge: boolean) => fakeUninstallPlanned('demo', purge) as ReadyUninstall;
const ok = { ok: true, stopped: false, runId: 'run-1', journalPath: '/var/lib/keelson/journal/run-1.jsonl', done: 3, skipped: 0 };

describe('the uninstall state machine, as data', () => {
  it('one stack starts at keep-or-purge; several ask which first', () => {
    expect(initialUninstall(['demo'])).toEqual({ kind: 'mode', stack: 'demo' });
    expect(initialUninstall(['demo', 'wiki'])).toEqual({ kind: 'stack' });
  });

  it('a wrong word keeps the plan and says so; only the word runs it, and a purge needs the name', () => {
    const plan = { kind: 'plan' as const, planned: ready(true), wrong: null };
    expect(uninstallReducer(plan, { type: 'typed', text: 'yes' })).toEqual({ ...plan, wrong: 'yes' });
    expect(uninstallReducer(plan, { type: 'typed', text: 'Demo' })).toEqual({ ...plan, wrong: 'Demo' });
    expect(uninstallReducer(plan, { type: 'typed', text: ' demo ' })).toEqual({ kind: 'running', planned: plan.planned });
    const keep = { kind: 'plan' as const, planned: ready(false), wrong: null };
    expect(uninstallReducer(keep, { type: 'typed', text: 'demo' }).kind).toBe('plan');
    expect(uninstallReducer(keep, { type: 'typed', text: 'yes' }).kind).toBe('running');
  });

  it('back goes to keep-or-purge, then to the stacks or off the screen; never back from a run', () => {
    const plan = { kind: 'plan' as const, planned: ready(false), wrong: null };
    expect(uninstallBack(plan, ['demo'])).toEqual({ kind: 'mode', stack: 'demo' });
    expect(uninstallBack({ kind: 'mode', stack: 'demo' }, ['demo'])).toBeNull();
    expect(uninstallBack({ kind: 'mode', stack: 'demo' }, ['demo', 'wiki'])).toEqual({ kind: 'stack' });
    const running = { kind: 'running' as const, planned: plan.planned };
    expect(uninstallReducer(running, { type: 'back', stacks: ['demo'] })).toBe(running);
  });

  it('a late plan for the other choice (purge asked, then keep) is dropped: only the plan for this choice is shown', () => {
    const planning = { kind: 'planning' as const, stack: 'demo', purge: false };
    expect(uninstallReducer(planning, { type: 'planned', planned: ready(true) })).toBe(planning);
    expect(uninstallReducer(planning, { type: 'planned', planned: ready(false) })).toEqual({ kind: 'plan', planned: ready(false), wrong: null });
  });

  it('nothing to do and a refused record are said, and planning again is a back away', () => {
    const planning = { kind: 'planning' as const, stack: 'demo', purge: false };
    expect(uninstallReducer(planning, { type: 'planned', planned: { kind: 'nothing', message: 'Nothing to do: stack demo is not installed' } })).toEqual({ kind: 'said', stack: 'demo', message: 'Nothing to do: stack demo is not installed', tone: 'ok' });
    expect(uninstallReducer(planning, { type: 'planned', planned: { kind: 'refused', why: 'written by keelson 9' } })).toMatchObject({ kind: 'said', tone: 'bad' });
  });

  it('the end says where the archives and the journal are; a stop says a re-run finishes it', () => {
    expect(finishText(ready(true), ok, 'keelson uninstall --stack demo --purge')).toEqual(['Uninstalled demo and purged its data.', 'Volume archives (made before the purge): /srv/keelson-backups/demo-run-1', 'Journal on the host: /var/lib/keelson/journal/run-1.jsonl']);
    const stopped = finishText(ready(false), { ...ok, ok: false, stopped: true, done: 1 }, 'keelson uninstall --stack demo');
    expect(stopped.at(-1)).toBe('Run the same uninstall again (here, or keelson uninstall --stack demo): it plans what is left and finishes it.');
  });
});

describe('the run says what it does: uninstalling, not applying', () => {
  const text = (lines: ReturnType<typeof headline>) => lines.map(lineText).join('\n');
  const running = initialApplyState(ready(false).plan.steps.flatMap((s) => s.actions), 0);
  const finished = applyReducer(running, { type: 'finished', outcome: ok, at: 2000 });
  const failed = applyReducer(running, { type: 'finished', outcome: { ...ok, ok: false, failed: { index: 1, description: 'stop web.service', error: 'exit 1' } }, at: 2000 });

  it('one wording for the command\'s progress line and the wizard\'s headline, keep or purge', () => {
    expect(uninstallingText({ stack: 'demo', purge: false }, 'ssh admin@192.0.2.10 (sudo)')).toBe('Uninstalling demo from ssh admin@192.0.2.10 (sudo), keeping its data');
    expect(uninstallingText({ stack: 'demo', purge: true }, 'this machine (root)')).toBe('Uninstalling demo from this machine (root) and purging its data');
  });

  it('the headline over the same run state: running, through, stopped at a failure', () => {
    const words = uninstallWords({ stack: 'demo', purge: true }, 'this machine (root)');
    expect(text(headline(running, 1000, words, 200))).toBe('Uninstalling demo from this machine (root) and purging its data: 0 of 5 finished · 1.0 s');
    expect(text(headline(finished, 2000, words, 200))).toBe('✓ Uninstalled in 2.0 s: 3 done, 0 already so.');
    expect(text(headline(failed, 2000, words, 200))).toBe('✗ Uninstall stopped at action 2 of 5; 0 finished.');
    // The Apply screen keeps its own words.
    expect(text(headline(running, 1000, applyWords('this machine (root)'), 200))).toBe('Applying to this machine (root): 0 of 5 finished · 1.0 s');
  });
});

const toUninstall = async (o: FakeOptions) => {
  const controller = fakeController(o);
  const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
  await waitForFrame(r, 'Nothing changes on the host');
  await press(r, KEY.enter, 'Where should the stack go?');
  await press(r, KEY.enter, 'keelson  On this host');
  for (const label of ['Install / Reinstall / Repair', 'Upgrade', 'Uninstall']) await press(r, KEY.down, (f) => focusedLine(f) === ` › ${label}`);
  const frame = await press(r, KEY.enter, 'keelson  Uninstall');
  return { controller, r, frame };
};

const typeWord = async (r: Awaited<ReturnType<typeof toUninstall>>['r'], word: string) => {
  for (const ch of word) r.stdin.write(ch);
  await waitForFrame(r, (f) => f.includes(`  ${word}`));
};

describe('Uninstall on the On this host screen', () => {
  it('keeps the data by default: the plan as the command prints it, a wrong word changes nothing, yes runs it', async () => {
    const { controller, r, frame } = await toUninstall({ record: one });
    expect(focusedLine(frame)).toBe(' › Uninstall, keep the data');
    const plan = await press(r, KEY.enter, 'Type "yes" and press enter');
    expect(plan).toContain('Stays:');
    expect(plan).toContain('  volume demo-data');
    expect(controller.calls.uninstallPlan).toEqual([{ stack: 'demo', purge: false }]);
    await typeWord(r, 'yse');
    const wrong = await press(r, KEY.enter, '"yse" is not "yes": nothing was changed');
    expect(wrong).toContain('Goes:');
    expect(controller.calls.uninstall).toEqual([]);
    await typeWord(r, 'yes');
    const end = await press(r, KEY.enter, 'Uninstalled demo; its data stays.');
    expect(end).toContain('✓ Uninstalled in');
    expect(end).not.toContain('Applied');
    expect(end).toContain('Journal on the host: /var/lib/keelson/journal/run-1.jsonl');
    expect(controller.calls.uninstall).toHaveLength(1);
  });

  it('a purge needs the stack’s name, not yes; the end says where the volume archives went', async () => {
    const { controller, r } = await toUninstall({ record: one });
    await press(r, KEY.down, (f) => focusedLine(f) === ' › Uninstall and PURGE the data');
    await press(r, KEY.enter, 'Type "demo" and press enter');
    await typeWord(r, 'yes');
    await press(r, KEY.enter, '"yes" is not "demo": nothing was changed');
    expect(controller.calls.uninstall).toEqual([]);
    await typeWord(r, 'demo');
    const end = await press(r, KEY.enter, 'Uninstalled demo and purged its data.');
    expect(end).toContain('Volume archives (made before the purge): /srv/keelson-backups/demo-run-1');
    expect(controller.calls.uninstallPlan).toEqual([{ stack: 'demo', purge: true }]);
  });

  it('several stacks: choose one; esc and b go back to On this host with nothing changed', async () => {
    const { controller, r, frame } = await toUninstall({ record: two });
    expect(frame).toContain('Which stack do you want to uninstall?');
    await press(r, KEY.down, (f) => focusedLine(f) === ' › wiki');
    await press(r, KEY.enter, 'Uninstall wiki: keep its data, or purge it?');
    await press(r, KEY.enter, 'Type "yes"');
    await press(r, KEY.esc, 'Uninstall wiki: keep its data, or purge it?');
    await press(r, 'b', 'Which stack do you want to uninstall?');
    await press(r, 'b', 'keelson  On this host');
    expect(controller.calls.uninstall).toEqual([]);
  });

  it('nothing to do is said, and enter goes back', async () => {
    const { controller, r } = await toUninstall({ record: one, uninstall: () => ({ kind: 'nothing', message: 'Nothing to do: stack demo is not installed by keelson on this machine (root).' }) });
    await press(r, KEY.enter, 'Nothing to do: stack demo is not installed');
    await press(r, KEY.enter, 'keep its data, or purge it?');
    expect(controller.calls.uninstall).toEqual([]);
  });

  it('ctrl+c during the run stops after the running action, and says a re-run finishes it', async () => {
    const hold = deferred();
    const { controller, r } = await toUninstall({ record: one, gate: (i) => (i === 0 ? hold.promise : Promise.resolve()) });
    await press(r, KEY.enter, 'Type "yes"');
    await typeWord(r, 'yes');
    const run = await press(r, KEY.enter, '0 of 5 finished');
    expect(run).toContain('Uninstalling demo from this machine (root), keeping its data: 0 of 5 finished');
    expect(run).not.toContain('Applying');
    await press(r, KEY.ctrlC, 'Stopping after the running action');
    hold.resolve();
    const end = await waitForFrame(r, 'finishes it');
    expect(end).toContain('Stopped as you asked');
    expect(controller.logLines).toContain('uninstall: the operator asked to stop after the running action');
  });
});
