// The step screens (spinner, findings blockers first, actions with diffs, skip) and the Review.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { StepScreen } from '../../screens/step/step-screen.js';
import { ReviewScreen } from '../../screens/review/review-screen.js';
import type { PlanState } from '../../screens/app/wizard-state.js';
import { fakeController } from './helpers/fake-controller.js';
import { blockedPlan, demoStack, dependentPlan, makePlan } from './helpers/fixtures.js';
import { KEY, press, renderScreen, send, type, waitForFrame } from './helpers/harness.js';

afterEach(() => {
  cleanup();
});

const common = () => ({ active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn() });
const ready = (plan = makePlan()): PlanState => ({ status: 'ready', request: 1, planned: { plan, gatherMs: 3 } });

const stepScreen = (plan: PlanState, stepIndex = 0, skipped: string[] = []) => {
  const props = { ...common(), plan, stepIndex, skipped, hostLabel: 'ssh admin@h:22 (sudo)', onNext: vi.fn(), onSkip: vi.fn(), onRecheck: vi.fn(), onBack: vi.fn(), answers: {}, dataMount: '/home', onLuks: vi.fn() };
  return { props, r: renderScreen(<StepScreen {...props} />, fakeController()) };
};

describe('StepScreen', () => {
  it('turns a spinner while the facts are gathered', async () => {
    const { r } = stepScreen({ status: 'running', request: 1, phase: 'gathering', startedAt: 0 });
    await waitForFrame(r, 'Gathering facts from ssh admin@h:22 (sudo) (one round trip)…');
    const first = r.frames.length;
    await waitForFrame(r, () => r.frames.length > first + 1); // it keeps turning
    expect(r.lastFrame()).toContain('nothing changes on the host until you confirm the Review');
  });

  it('shows blockers first, with their remedy, and refuses to skip the step', async () => {
    const { props, r } = stepScreen(ready(blockedPlan()));
    const frame = await waitForFrame(r, 'Step 1 of 3 · Preflight');
    expect(frame.indexOf('✗ BLOCKER /home is not on LUKS')).toBeLessThan(frame.indexOf('· info'));
    expect(frame).toContain('→ fix: Move /home onto a LUKS volume, then run keelson again.');
    expect(frame).toContain('1 blocker: fix it on the host, then press r to check again.');
    expect(frame).not.toContain('s skip');
    await send(r, 's');
    expect(props.onSkip).not.toHaveBeenCalled();
    await send(r, 'r');
    expect(props.onRecheck).toHaveBeenCalledOnce();
  });

  it('shows a file action with its unified diff, and skips a step without blockers on s', async () => {
    const { props, r } = stepScreen(ready(), 2);
    const frame = await waitForFrame(r, 'Step 3 of 3 · Quadlet units');
    expect(frame).toContain('+ write web.container');
    expect(frame).toContain('+++ /home/demo/.config/containers/systemd/web.container');
    expect(frame).toContain('+PublishPort=127.0.0.1:18080:8080');
    await send(r, 's');
    expect(props.onSkip).toHaveBeenCalledOnce();
    await send(r, KEY.enter);
    expect(props.onNext).toHaveBeenCalledOnce();
    await send(r, 'b');
    expect(props.onBack).toHaveBeenCalledOnce();
  });

  it('says why a step that later steps build on cannot be skipped, and offers no s', async () => {
    const { props, r } = stepScreen(ready(dependentPlan()), 1);
    const frame = await waitForFrame(r, 'Step 2 of 3 · Users and groups');
    expect(frame).toContain('Cannot be skipped: Quadlet units builds on its actions (the units run as the users it creates).');
    expect(frame).not.toContain('s skip');
    await send(r, 's');
    expect(props.onSkip).not.toHaveBeenCalled();
  });

  it('says when a step was skipped', async () => {
    const { r } = stepScreen(ready(), 1, ['accounts']);
    await waitForFrame(r, 'Skipped by you: its 2 actions will not be applied (s includes it again).');
  });
});

describe('ReviewScreen', () => {
  const review = (plan = makePlan(), skipped: string[] = []) => {
    const controller = fakeController();
    const props = {
      ...common(),
      plan,
      skipped,
      hostLabel: 'this machine (root)',
      stack: demoStack,
      answers: { domain: 'demo.example.org', port: '18080' },
      resumingRun: null,
      saved: null,
      onConfirm: vi.fn(),
      onNothingToDo: vi.fn(),
      onSaved: vi.fn(),
      onBack: vi.fn(),
    };
    return { props, controller, r: renderScreen(<ReviewScreen {...props} />, controller) };
  };

  it('a plan from a stack archive says first which file and who signed it, as keelson plan does', async () => {
    const archive = { file: '/home/op/demo-1.0.0.keelson', sumsSha256: 'a'.repeat(64), signedBy: '3F1A6C0E5D2B9A47', trustedComment: 'keelson-archive/1 stack:demo version:1.0.0 built:2026-12-01T10:00:00Z' };
    const { r } = review({ ...makePlan(), archive });
    const frame = await waitForFrame(r, 'every checksum verified');
    expect(frame).toContain('✓ stack archive /home/op/demo-1.0.0.keelson: signed by key 3F1A6C0E5D2B9A47');
    const { r: plain } = review();
    expect(await waitForFrame(plain, '5 actions to apply')).not.toContain('stack archive');
  });

  it('applies nothing until y answers the confirmation; n goes back to reading', async () => {
    const { props, r } = review();
    await waitForFrame(r, '5 actions to apply on this machine (root)');
    await press(r, KEY.enter, 'Apply 5 actions to this machine (root)? y apply  n not yet');
    await press(r, 'n', 'enter apply…');
    expect(props.onConfirm).not.toHaveBeenCalled();
    await press(r, KEY.enter, 'y apply');
    await send(r, 'y');
    expect(props.onConfirm).toHaveBeenCalledOnce();
  });

  it('scrolls the whole plan', async () => {
    const { r } = review();
    const top = await waitForFrame(r, '1. Preflight');
    expect(top).toContain('↓');
    const down = await press(r, KEY.pageDown, '↑');
    expect(down).not.toContain('1. Preflight');
    expect(down).toContain('> start demo.target');
  });

  it('cannot be confirmed with blockers', async () => {
    const { props, r } = review(blockedPlan());
    await waitForFrame(r, '✗ 1 blocker: nothing can be applied until it is fixed.');
    await send(r, KEY.enter);
    await send(r, 'y');
    expect(props.onConfirm).not.toHaveBeenCalled();
    expect(r.lastFrame()).not.toContain('y apply');
  });

  it('leaves skipped steps out of the count', async () => {
    const { r } = review(makePlan(), ['units']);
    await waitForFrame(r, '3 actions to apply on this machine (root) · 1 step skipped by you');
    expect(r.lastFrame()).toContain('3. Quadlet units (skipped)');
  });

  it('saves the answers on w to the path the operator gives', async () => {
    const { props, controller, r } = review();
    await waitForFrame(r, '1. Preflight');
    await press(r, 'w', '/work/op/keelson-demo.answers.yaml');
    await press(r, '\u0015/tmp/mine.yaml', '/tmp/mine.yaml');
    await send(r, KEY.enter);
    await vi.waitFor(() => {
      expect(props.onSaved).toHaveBeenCalledOnce();
    });
    expect(controller.calls.saveAnswers).toEqual([{ path: '/tmp/mine.yaml', answers: { domain: 'demo.example.org', port: '18080' } }]);
  });
});

describe('the LUKS setup on the storage step', () => {
  const notEncrypted = makePlan({
    accounts: {
      id: 'storage',
      title: 'Storage: encrypted data mount, audit partition, auditd',
      findings: [{ severity: 'blocker', code: 'data-not-encrypted', message: '/home is on /dev/vda1 (ext4, mounted at /), which is not encrypted.', remedy: 'Put /home on a LUKS2 volume.' }],
      actions: [],
    },
  });
  const storageScreen = (answers: Record<string, string> = {}, plan = notEncrypted) => {
    const props = { ...common(), plan: ready(plan), stepIndex: 1, skipped: [], hostLabel: 'h', onNext: vi.fn(), onSkip: vi.fn(), onRecheck: vi.fn(), onBack: vi.fn(), answers, dataMount: '/home', onLuks: vi.fn() };
    return { props, r: renderScreen(<StepScreen {...props} />, fakeController()) };
  };

  it('is offered where the data mount is not encrypted, and asks for the disk twice before planning it', async () => {
    const { props, r } = storageScreen();
    const frame = await waitForFrame(r, 'keelson can encrypt an empty extra disk for /home: press l.');
    expect(frame).toContain('l set up LUKS…');
    await press(r, 'l', 'Set up LUKS2 for /home on an empty disk');
    await waitForFrame(r, '✗ name the empty disk to encrypt');
    await type(r, 'vdb');
    await waitForFrame(r, '"vdb" is not a device path');
    await type(r, KEY.backspace.repeat(3) + '/dev/vdb');
    await press(r, KEY.enter, '✗ type the device path again to confirm');
    await type(r, '/dev/vdc');
    await waitForFrame(r, '✗ the two paths differ');
    await type(r, KEY.backspace + 'b');
    await press(r, KEY.enter, '/etc/cryptsetup-keys.d/home.key');
    expect(props.onLuks).not.toHaveBeenCalled();
    await send(r, KEY.enter);
    expect(props.onLuks).toHaveBeenCalledWith({ device: '/dev/vdb', keyFile: '/etc/cryptsetup-keys.d/home.key' });
  });

  it('esc leaves the plan as it was; no other step offers it', async () => {
    const { props, r } = storageScreen();
    await press(r, 'l', 'Set up LUKS2');
    await press(r, KEY.esc, 'press l.');
    expect(props.onLuks).not.toHaveBeenCalled();
    const other = stepScreen(ready(notEncrypted), 0);
    const frame = await waitForFrame(other.r, 'Step 1 of 3 · Preflight');
    expect(frame).not.toContain('LUKS');
  });

  it('a setup asked for can be changed or dropped: both paths cleared plan without it', async () => {
    const { props, r } = storageScreen({ 'keelson.luks-device': '/dev/vdb' });
    await waitForFrame(r, 'l change LUKS…');
    await press(r, 'l', 'Clear both paths (ctrl+u) to plan without the setup.');
    await type(r, '\u0015');
    await press(r, KEY.enter, '› The same path again');
    await press(r, KEY.enter, '› Key file');
    await send(r, KEY.enter);
    expect(props.onLuks).toHaveBeenCalledWith(null);
  });
});
