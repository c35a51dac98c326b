// A host that already has a stack: after connecting, the wizard asks what to do (Troubleshoot, Install / Reinstall /
// Repair, and the headless Upgrade and Uninstall); Troubleshoot shows doctor's checks, failures first, each with its
// evidence and remedy, and changes nothing on the host. A host without a record goes straight to the Stack, as before.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { WizardRoot } from '../../screens/app/wizard-root.js';
import type { HostRecord } from '../../screens/controller.js';
import { checkDetailLines, orderedChecks } from '../../screens/troubleshoot/troubleshoot-lines.js';
import { lineText } from '../../screens/lines/line.js';
import { fakeController, type FakeOptions } from './helpers/fake-controller.js';
import { healthyReport, sickReport, WEB_JOURNAL } from './helpers/doctor-fixtures.js';
import { KEY, press, waitForFrame } from './helpers/harness.js';

afterEach(() => {
  cleanup();
});

const demo: HostRecord = { kind: 'stacks', stacks: [{ name: 'demo', version: '1.0.0', mode: 'rootless', failed: null }] };
const flat = (frame: string) => frame.replace(/\s+/g, ' ');
const focusedLine = (frame: string) => frame.split('\n').find((l) => l.startsWith(' › ')) ?? '';

const toHost = async (o: FakeOptions) => {
  const controller = fakeController(o);
  const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
  await waitForFrame(r, 'Nothing changes on the host');
  await press(r, KEY.enter, 'Where should the stack go?');
  const frame = await press(r, KEY.enter, 'keelson  On this host');
  return { controller, r, frame };
};

describe('the checks, as data', () => {
  it('puts failures first, the record (its failed mark) first of all, then warnings, then what is fine', () => {
    expect(orderedChecks(sickReport()).map((c) => `${c.status} ${c.id}`)).toEqual([
      'fail record',
      'fail unit:demo:web.service',
      'warn storage:audit-space',
      'ok record:last-run',
      'ok unit:demo:api.service',
      'ok drift:demo',
      'ok host:podman',
    ]);
  });

  it('shows a check with the remedy, each command on a line of its own to copy, then what doctor saw', () => {
    const web = sickReport().checks.find((c) => c.id === 'unit:demo:web.service');
    if (web === undefined) throw new Error('no web check in the fixture');
    const text = checkDetailLines(web, 100).map(lineText);
    expect(text[0]).toBe('✗ FAIL unit:demo:web.service');
    expect(text).toContain(`    ${WEB_JOURNAL}`);
    expect(text).toContain('    systemctl --user -M keelson-demo@ restart web.service');
    // The remedy first: short, it stays in sight above a unit's journal lines.
    expect(text.indexOf('Remedy: copy it and run it yourself; keelson runs nothing from here.')).toBeLessThan(text.indexOf('What doctor saw on the host:'));
  });
});

describe('a host with a deployed stack', () => {
  it('asks what to do; Troubleshoot lists the checks failing first, enter shows one, r runs doctor again, b goes back', async () => {
    const { controller, r, frame } = await toHost({ record: demo, doctor: [sickReport(), healthyReport()] });
    expect(frame).toContain('keelson deployed this stack on the host:');
    expect(frame).toContain('  demo 1.0.0 (rootless)');
    expect(frame).toMatch(/^ › Troubleshoot$/m);
    expect(frame).toMatch(/^ {3}Install \/ Reinstall \/ Repair$/m);
    expect(frame).toMatch(/^ {3}Upgrade$/m);
    expect(frame).toMatch(/^ {3}Uninstall$/m);

    let list = await press(r, KEY.enter, '2 failing, 1 warning, 4 ok');
    expect(list).toContain('keelson  Troubleshoot');
    expect(flat(list)).toContain('and changed nothing on it.');
    expect(flat(list)).toContain('For someone else to look at: w writes a redacted support bundle here (or: keelson support-bundle).');
    expect(focusedLine(list)).toBe(' › ✗ FAIL  record');
    const at = (s: string) => list.indexOf(s);
    expect(at('✗ FAIL  unit:demo:web.service')).toBeGreaterThan(at('✗ FAIL  record'));
    expect(at('! warn  storage:audit-space')).toBeGreaterThan(at('✗ FAIL  unit:demo:web.service'));
    expect(at('✓ ok    record:last-run')).toBeGreaterThan(at('! warn  storage:audit-space'));
    expect(list).toContain('enter details');
    expect(list).toContain('r run again');

    await press(r, KEY.down, (f) => focusedLine(f) === ' › ✗ FAIL  unit:demo:web.service');
    const detail = await press(r, KEY.enter, 'keelson  Troubleshoot · check');
    expect(detail).toContain('✗ FAIL unit:demo:web.service');
    expect(detail).toContain(WEB_JOURNAL);
    expect(detail).toContain('    systemctl --user -M keelson-demo@ restart web.service');
    list = await press(r, 'b', '2 failing, 1 warning, 4 ok');
    expect(focusedLine(list)).toBe(' › ✗ FAIL  unit:demo:web.service');

    list = await press(r, 'w', 'Support bundle: ');
    expect(flat(list)).toContain('✓ Support bundle: /home/op/keelson-support-demo-20250101T000000Z.tar.gz (48213 bytes, 1 secret redacted by value): send this one.');
    expect(flat(list)).toContain('Pseudonym map: /home/op/keelson-support-demo-20250101T000000Z.map.json: keep it, do not send it');
    expect(controller.calls.supportBundle).toBe(1);

    await press(r, 'r', '0 failing, 0 warnings, 3 ok');
    expect(controller.calls.doctor).toBe(2);
    // Troubleshoot only reads: nothing was planned or applied.
    expect(controller.calls.plan).toHaveLength(0);
    expect(controller.calls.apply).toHaveLength(0);

    await press(r, 'b', 'keelson  On this host');
    await press(r, KEY.down, (f) => focusedLine(f) === ' › Install / Reinstall / Repair');
    await press(r, KEY.enter, 'Which stack?');
    // Back from the Stack returns to the choice for this host, not past it.
    await press(r, 'b', 'keelson  On this host');
  });

  it('a support bundle that cannot be written says why, and Troubleshoot goes on', async () => {
    const { controller, r } = await toHost({ record: demo, doctor: [sickReport()], bundleError: Object.assign(new Error('secret demo-token: Podman could not read it'), { remedy: 'Run it as root.' }) });
    await press(r, KEY.enter, '2 failing, 1 warning, 4 ok');
    const list = await press(r, 'w', 'could not be written');
    expect(flat(list)).toContain('✗ The support bundle could not be written: secret demo-token: Podman could not read it Run it as root.');
    expect(focusedLine(list)).toBe(' › ✗ FAIL  record');
    expect(controller.calls.supportBundle).toBe(1);
  });

  it('Upgrade opens the Upgrade screen (the new version first), b comes back; Uninstall opens the Uninstall screen', async () => {
    const { r } = await toHost({ record: demo });
    await press(r, KEY.down, (f) => focusedLine(f) === ' › Install / Reinstall / Repair');
    await press(r, KEY.down, (f) => focusedLine(f) === ' › Upgrade');
    const upgrade = await press(r, KEY.enter, 'Upgrade to which version?');
    expect(upgrade).toContain('keelson  Upgrade · Stack');
    await press(r, 'b', 'keelson  On this host');
    for (const label of ['Install / Reinstall / Repair', 'Upgrade', 'Uninstall']) await press(r, KEY.down, (f) => focusedLine(f) === ` › ${label}`);
    const uninstall = await press(r, KEY.enter, 'keelson  Uninstall');
    expect(uninstall).toContain('Uninstall demo: keep its data, or purge it?');
  });

  it('Uninstall with a record keelson cannot read says why and gives the command, and changes nothing', async () => {
    const { controller, r } = await toHost({ record: { kind: 'unreadable', why: '/var/lib/keelson/state.json is not JSON' } });
    for (const label of ['Install / Reinstall / Repair', 'Upgrade', 'Uninstall']) await press(r, KEY.down, (f) => focusedLine(f) === ` › ${label}`);
    const shown = await press(r, KEY.enter, 'cannot plan an uninstall');
    expect(shown).toContain('    keelson uninstall');
    expect(controller.calls.uninstallPlan).toEqual([]);
  });

  it('shows a failed mark and an unreadable record above the choices', async () => {
    const failed = await toHost({ record: { kind: 'stacks', stacks: [{ name: 'demo', version: '1.1.0', mode: 'rootless', failed: { reason: 'the rollback of run r7 failed', at: '2026-12-02T03:10:00Z' } }] } });
    expect(flat(failed.frame)).toContain('✗ marked FAILED since 2026-12-02T03:10:00Z: the rollback of run r7 failed.');
    cleanup();
    const unreadable = await toHost({ record: { kind: 'unreadable', why: '/var/lib/keelson/state.json is not JSON' } });
    expect(unreadable.frame).toContain("! keelson's deployment record on this host cannot be read:");
    expect(unreadable.frame).toContain('/var/lib/keelson/state.json is not JSON');
  });

  it('says so when doctor cannot run, and r tries again', async () => {
    const { r } = await toHost({ record: demo, doctor: [new Error('connection to 192.0.2.10 lost'), healthyReport()] });
    const error = await press(r, KEY.enter, 'Doctor could not run: connection to 192.0.2.10 lost');
    expect(flat(error)).toContain('nothing was changed, so nothing needs undoing');
    await press(r, 'r', '0 failing, 0 warnings, 3 ok');
  });
});

describe('a host with a stack and an unfinished run', () => {
  it('offers the run first; rolling it back continues to the choices for this host', async () => {
    const lastRun = { runId: 'r9', journalPath: '/var/lib/keelson/journal/r9.jsonl', stack: 'demo', startedAt: '2025-01-01T00:00:00.000Z', state: 'failed' as const, actions: 5, finished: 2, backups: [{ path: '/etc/subuid', backup: '/var/lib/keelson/backups/r9/etc/subuid' }], created: [] };
    const controller = fakeController({ record: demo, lastRun });
    const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.enter, 'The last keelson run on this host failed.');
    await press(r, KEY.down, '› Roll back');
    const rolled = await press(r, KEY.enter, 'Restored 1 file');
    expect(rolled).toContain('enter continue to the choices for this host');
    await press(r, KEY.enter, 'keelson  On this host');
    expect(controller.calls.rollback).toHaveLength(1);
  });
});

describe('a host without a record', () => {
  it('goes from the Target straight to the Stack, as it always did', async () => {
    const controller = fakeController({ doctor: [sickReport()] });
    const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.enter, 'Which stack?');
    await press(r, 'b', 'Where should the stack go?');
    expect(controller.calls.doctor).toBe(0);
  });
});
