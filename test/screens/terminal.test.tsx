// The terminal the wizard meets: 80×24 (nothing wraps, the frame fits), a large one, a resize, and NO_COLOR.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WizardRoot } from '../../screens/app/wizard-root.js';
import { StepScreen } from '../../screens/step/step-screen.js';
import { noColorFromEnv } from '../../screens/theme/theme.js';
import { deferred, fakeController } from './helpers/fake-controller.js';
import { ApplyScreen } from '../../screens/apply/apply-screen.js';
import { blockedPlan, makePlan } from './helpers/fixtures.js';
import { KEY, plain, press, renderScreen, renderSized, waitForFrame, withProviders, type SizedRendered } from './helpers/harness.js';
import { cleanup } from 'ink-testing-library';

// chalk decides its colour level when it is first imported; force colours on so that NO_COLOR has something to
// take away (under vitest stdout is no terminal, and the test could not fail otherwise).
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

let open: SizedRendered[] = [];
afterEach(() => {
  for (const r of open) r.unmount();
  open = [];
  cleanup();
});

const long = 'x'.repeat(150);
const widePlan = () =>
  makePlan({
    preflight: {
      findings: [
        { severity: 'blocker', code: 'long', message: `A very long finding that goes on and on about the host: ${long}`, remedy: `Run this long command: /usr/bin/${long}` },
      ],
    },
    units: {
      actions: [
        { kind: 'file.write', description: `write /etc/containers/systemd/${long}.container`, path: `/etc/containers/systemd/${long}.container`, content: `[Container]\nExec=${long}\n`, mode: '0644', owner: 'root', group: 'root', before: null },
      ],
    },
  });

/** Every line fits the width, and the frame stays a row short of the height (Ink then redraws in place). */
const fits = (frame: string, columns: number, rows: number) => {
  const lines = plain(frame).split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(l.length, `too wide: ${l}`).toBeLessThanOrEqual(columns);
};

const walk = async (r: SizedRendered, columns: number, rows: number) => {
  const check = async (expect: string) => {
    fits(await waitForFrame(r, expect), columns, rows);
  };
  await check('Nothing changes on the host');
  await press(r, KEY.enter, 'Where should the stack go?');
  fits(r.lastFrame() ?? '', columns, rows);
  await press(r, KEY.enter, 'Which stack?');
  await press(r, KEY.enter, 'Questions · 1 of 3');
  fits(r.lastFrame() ?? '', columns, rows);
  await press(r, KEY.enter, 'Questions · 2 of 3');
  await press(r, KEY.enter, 'Questions · 3 of 3');
  await press(r, 't', '•');
  await press(r, KEY.enter, 'Step 1 of 3');
  await check('BLOCKER');
  await press(r, KEY.enter, 'Step 2 of 3');
  await press(r, KEY.enter, 'Step 3 of 3');
  await check('+++');
  await press(r, KEY.enter, 'Review');
  fits(r.lastFrame() ?? '', columns, rows);
  if (plain(r.lastFrame()).includes('(↑↓ pgup pgdn)')) {
    await press(r, KEY.pageDown, / above {2}\(/);
    fits(r.lastFrame() ?? '', columns, rows);
  }
  await press(r, '?', 'Help · Review');
  fits(r.lastFrame() ?? '', columns, rows);
  await press(r, KEY.esc, 'Review');
};

describe('the wizard at 80×24', () => {
  it('fits every screen: long findings wrap within the frame, long diff lines are cut, never wrapped', async () => {
    const r = renderSized(<WizardRoot controller={fakeController({ plan: widePlan })} noColor onExit={() => undefined} />, { columns: 80, rows: 24 });
    open.push(r);
    await walk(r, 80, 24);
    const review = plain(r.lastFrame());
    expect(review).toContain('…'); // a cut line says so
  });
});

describe('Apply at 80×24', () => {
  it('follows the running action through a long plan, with its output, inside the frame', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ kind: 'dir.ensure' as const, description: `create directory /srv/app/${i}/${long}`, path: `/srv/app/${i}`, mode: '0750', owner: 'root', group: 'root' }));
    const hold = deferred();
    const controller = fakeController({ gate: (i) => (i === 20 ? hold.promise : Promise.resolve()) });
    const props = { active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn(), plan: makePlan({ units: { actions: many } }), hostLabel: 'h', onApplied: vi.fn(), onStopped: vi.fn(), onSummary: vi.fn(), onReplan: vi.fn() };
    const r = renderSized(withProviders(<ApplyScreen {...props} />, controller, true), { columns: 80, rows: 24 });
    open.push(r);
    const frame = await waitForFrame(r, '▶ create directory /srv/app/17/');
    fits(frame, 80, 24);
    expect(frame).toContain('│ output of dir.ensure');
    expect(frame).not.toContain('install podman'); // scrolled past the first actions
    hold.resolve();
    fits(await waitForFrame(r, '✓ Applied in'), 80, 24);
  });
});

describe('a large terminal', () => {
  it('uses the room: the frame is as wide as the terminal', async () => {
    const r = renderSized(<WizardRoot controller={fakeController({ plan: widePlan })} noColor onExit={() => undefined} />, { columns: 160, rows: 50 });
    open.push(r);
    await walk(r, 160, 50);
    expect(plain(r.lastFrame()).split('\n')[2]).toBe('─'.repeat(160));
  });
});

describe('a resize', () => {
  it('redraws the frame at the new size', async () => {
    const r = renderSized(<WizardRoot controller={fakeController()} noColor onExit={() => undefined} />, { columns: 120, rows: 40 });
    open.push(r);
    await waitForFrame(r, (f) => f.split('\n')[2] === '─'.repeat(120));
    r.resize(80, 24);
    const frame = await waitForFrame(r, (f) => f.split('\n')[2] === '─'.repeat(80));
    fits(frame, 80, 24);
    r.resize(100, 30);
    await waitForFrame(r, (f) => f.split('\n')[2] === '─'.repeat(100));
  });
});

describe('NO_COLOR', () => {
  // SGR colour parameters: 30–38/90–97 foreground, 40–48/100–107 background (39/49 only reset them).
  // eslint-disable-next-line no-control-regex -- ESC is what an SGR sequence starts with
  const COLOR = /\u001b\[(?:3[0-8]|9[0-7]|4[0-8]|10[0-7])[;m]/;
  const stepFrame = async (noColor: boolean) => {
    const props = { active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn(), plan: { status: 'ready' as const, request: 1, planned: { plan: blockedPlan(), gatherMs: 1 } }, stepIndex: 0, skipped: [], hostLabel: 'h', onNext: vi.fn(), onSkip: vi.fn(), onRecheck: vi.fn(), onBack: vi.fn() };
    const r = renderScreen(<StepScreen {...props} />, fakeController(), noColor);
    await waitForFrame(r, 'BLOCKER');
    return r.lastFrame() ?? '';
  };

  it('draws colours when NO_COLOR is not set (so this test can fail)', async () => {
    expect(await stepFrame(false)).toMatch(COLOR);
  });

  it('draws no colour at all when it is set; the signs (✗ !) still carry the meaning', async () => {
    const frame = await stepFrame(true);
    expect(frame).not.toMatch(COLOR);
    expect(frame).toContain('✗ BLOCKER');
  });

  it.each([
    [{}, false],
    [{ NO_COLOR: '' }, false],
    [{ NO_COLOR: '1' }, true],
    [{ NO_COLOR: 'false' }, true], // no-color.org: any non-empty value
  ])('noColorFromEnv(%j) is %s', (env, expected) => {
    expect(noColorFromEnv(env)).toBe(expected);
  });
});
