// The whole wizard, Welcome to Summary, driven by key presses against a fake controller.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { WizardRoot } from '../../screens/app/wizard-root.js';
import type { WizardExit } from '../../screens/app/wizard-app.js';
import { deferred, FAKE_LUKS_KEY, fakeController } from './helpers/fake-controller.js';
import { toFirstStep, stepsToReview } from './helpers/walk.js';
import { KEY, plain, press, send, type, waitForFrame } from './helpers/harness.js';
import { blockedPlan, makePlan } from './helpers/fixtures.js';
import type { Plan } from '../../src/engine/plan.js';
import { render } from 'ink-testing-library';
import type { HostRun } from '../../screens/controller.js';
import { vi } from 'vitest';

afterEach(() => {
  cleanup();
});

describe('the wizard, from Welcome to Summary', () => {
  it('installs the demo stack on this machine with nothing applied before the Review is confirmed', async () => {
    const controller = fakeController();
    const exits: WizardExit[] = [];
    const r = render(<WizardRoot controller={controller} noColor onExit={(e) => exits.push(e)} />);

    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.enter, 'Which stack?');
    await press(r, KEY.enter, 'Questions · 1 of 3');
    expect(r.lastFrame()).toContain('demo.example.org');

    // Validation as you type: a space is not a domain character.
    await type(r, ' x');
    await waitForFrame(r, '✗ must match [a-z0-9.-]+');
    await type(r, KEY.backspace + KEY.backspace);
    await waitForFrame(r, '✓ matches [a-z0-9.-]+');
    await press(r, KEY.enter, 'Questions · 2 of 3');
    await press(r, KEY.enter, 'Questions · 3 of 3');
    await waitForFrame(r, '✗ needs an answer');
    await type(r, 's3cret-token');
    await waitForFrame(r, '••••••••••••');
    expect(r.lastFrame()).not.toContain('s3cret-token');
    await press(r, KEY.enter, 'Step 1 of 3 · Preflight');
    expect(controller.secrets).toEqual({ 'admin-token': 's3cret-token' });
    expect(controller.calls.plan).toEqual([{ domain: 'demo.example.org', port: '18080' }]);

    const step1 = await waitForFrame(r, 'install podman crun passt uidmap');
    expect(step1).toContain('! warning');
    expect(step1).toContain('→ fix: swapoff -a');
    await press(r, KEY.enter, 'Step 2 of 3 · Users and groups');
    await press(r, KEY.enter, 'Step 3 of 3 · Quadlet units');
    await waitForFrame(r, '+++ /home/demo/.config/containers/systemd/web.container');
    await press(r, KEY.enter, 'Review');
    await waitForFrame(r, '5 actions to apply on this machine (root)');
    expect(controller.calls.apply).toHaveLength(0);

    await press(r, KEY.enter, 'Apply 5 actions to this machine (root)?');
    expect(controller.calls.apply).toHaveLength(0);
    await press(r, 'y', 'Applied in');
    expect(controller.calls.apply).toHaveLength(1);
    expect(controller.progress.current).toBeNull();

    await press(r, KEY.enter, 'Summary');
    const summary = await waitForFrame(r, 'What runs');
    expect(summary).toContain('demo 1.0.0 is deployed on this machine (root)');
    expect(summary).toContain('web port 8080/tcp → 127.0.0.1:18080');
    await press(r, KEY.pageDown, controller.logPath);
    await send(r, 'q');
    await vi.waitFor(() => {
      expect(exits).toMatchObject([{ reason: 'done', progressSaved: false, outcome: { ok: true } }]);
    });
    expect(controller.logLines.join('\n')).not.toContain('s3cret-token');
  });

  it('asks before quitting during apply, stops after the running action, and keeps the progress', async () => {
    const hold = deferred();
    const controller = fakeController({ gate: (i) => (i === 1 ? hold.promise : Promise.resolve()) });
    const exits: WizardExit[] = [];
    const r = render(<WizardRoot controller={controller} noColor stackRef="demo" onExit={(e) => exits.push(e)} />);
    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.enter, 'Questions · 1 of 3'); // --stack demo: loaded without asking
    await press(r, KEY.enter, 'Questions · 2 of 3');
    await press(r, KEY.enter, 'Questions · 3 of 3');
    await type(r, 'tok');
    await press(r, KEY.enter, 'Step 1 of 3');
    await press(r, KEY.enter, 'Step 2 of 3');
    await press(r, KEY.enter, 'Step 3 of 3');
    await press(r, KEY.enter, 'Review');
    await press(r, KEY.enter, 'y apply');
    await press(r, 'y', '▶ create group demo-clients');
    await press(r, 'q', 'Stop after this action?');
    expect(exits).toEqual([]);
    await press(r, 'y', 'Stopping after the running action');
    hold.resolve();
    await vi.waitFor(() => {
      expect(exits).toMatchObject([{ reason: 'stopped', progressSaved: true, outcome: { stopped: true, done: 2 } }]);
    });
    expect(controller.progress.current).toMatchObject({ screen: 'review', stackRef: 'demo' });
  });

  it('continues an unfinished wizard where it stopped: connects, reloads the stack, plans and lands on the saved step', async () => {
    const progress = { target: { kind: 'local' as const }, stackRef: 'demo', answers: { domain: 'shop.example', port: '8081' }, screen: 'step' as const, stepIndex: 1, skipped: [], savedAt: '2025-01-01T00:00:00.000Z' };
    const controller = fakeController({ progress });
    const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
    await waitForFrame(r, '› Continue where you stopped');
    // The stack asks a secret, which is never saved: the questions come back, answered, with the secret empty.
    await press(r, KEY.enter, 'Questions · 1 of 3');
    expect(r.lastFrame()).toContain('shop.example');
    await press(r, KEY.up, 'Questions · 3 of 3');
    await type(r, 'tok');
    await press(r, KEY.enter, 'Step 2 of 3 · Users and groups');
    expect(controller.calls.connect).toEqual([{ kind: 'local' }]);
    expect(controller.calls.plan).toEqual([{ domain: 'shop.example', port: '8081' }]);
  });

  it('offers to resume an interrupted run found on the host; resuming plans again with its stack', async () => {
    const lastRun: HostRun = { runId: 'r9', journalPath: '/var/lib/keelson/journal/r9.jsonl', stack: 'demo', startedAt: '2025-01-01T00:00:00.000Z', state: 'interrupted', actions: 5, finished: 2, backups: [], created: [] };
    const controller = fakeController({ lastRun });
    const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.enter, 'The last keelson run on this host was interrupted.');
    await press(r, KEY.enter, 'Questions · 1 of 3');
    await press(r, KEY.enter, 'Questions · 2 of 3');
    await press(r, KEY.enter, 'Questions · 3 of 3');
    await type(r, 'tok');
    await press(r, KEY.enter, 'Step 1 of 3');
    await press(r, KEY.enter, 'Step 2 of 3');
    await press(r, KEY.enter, 'Step 3 of 3');
    await press(r, KEY.enter, 'Resuming run r9');
  });
});

describe('the help', () => {
  const toReview = async (plan: () => Plan) => {
    const r = render(<WizardRoot controller={fakeController({ plan })} noColor onExit={() => undefined} />);
    await toFirstStep(r);
    await stepsToReview(r);
    return r;
  };
  const helpRows = (frame: string) => frame.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim());

  it('on a blocked Review lists the keys that work there: no enter, since enter does nothing', async () => {
    const r = await toReview(blockedPlan);
    const footer = plain(r.lastFrame()).split('\n').at(-1) ?? '';
    expect(footer).not.toContain('enter');
    const help = await press(r, '?', 'Help · Review');
    expect(helpRows(help).some((l) => l.startsWith('enter'))).toBe(false);
    expect(help).toContain('back to the steps: fix the blockers on the host');
    await press(r, KEY.esc, 'keelson  Review');
    await send(r, KEY.enter);
    expect(plain(r.lastFrame())).not.toContain('Apply 5 actions');
  });

  it('on a Review that can be applied names enter, as its footer does', async () => {
    const r = await toReview(makePlan);
    expect(plain(r.lastFrame()).split('\n').at(-1)).toContain('enter apply…');
    const help = await press(r, '?', 'Help · Review');
    expect(helpRows(help).find((l) => l.startsWith('enter'))).toMatch(/^enter\s+apply the plan: asks once more/);
  });
});

describe('LUKS from the wizard', () => {
  const luksSetup = { kind: 'luks.setup' as const, description: 'encrypt /dev/vdb (LUKS2, argon2id, aes-xts-plain64 512-bit) as home, move /home\'s content onto it and mount it; key to /etc/cryptsetup-keys.d/home.key, shown once', device: '/dev/vdb', resolvedDevice: '/dev/vdb', uuid: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', name: 'home', keyFile: '/etc/cryptsetup-keys.d/home.key', mountPoint: '/home', filesystem: 'ext4' as const };
  const storage = (asked: boolean) => ({
    id: 'storage',
    title: 'Storage: encrypted data mount, audit partition, auditd',
    findings: asked
      ? [{ severity: 'info' as const, code: 'luks-setup-planned', message: '/home is not encrypted yet: /dev/vdb becomes a LUKS2 volume.', remedy: '' }]
      : [{ severity: 'blocker' as const, code: 'data-not-encrypted', message: '/home is on /dev/vda1 (ext4, mounted at /), which is not encrypted.', remedy: 'Put /home on a LUKS2 volume.' }],
    actions: asked ? [luksSetup] : [],
  });

  it('asks for the disk twice, plans it (nothing applied), applies it and shows the key once, until kept', async () => {
    const controller = fakeController({ plan: () => makePlan({ accounts: storage(controller.calls.plan.at(-1)?.['keelson.luks-device'] !== undefined) }) });
    const r = render(<WizardRoot controller={controller} noColor onExit={() => undefined} />);
    await toFirstStep(r);
    await press(r, KEY.enter, 'press l.');
    await press(r, 'l', 'Set up LUKS2 for /home');
    await type(r, '/dev/vdb');
    await press(r, KEY.enter, '› The same path again');
    await type(r, '/dev/vdb');
    await press(r, KEY.enter, '› Key file');
    await press(r, KEY.enter, '/home is not encrypted yet: /dev/vdb becomes a LUKS2 volume.');
    // A new plan with the request, on the same step; nothing was applied.
    expect(controller.calls.plan.at(-1)).toMatchObject({ 'keelson.luks-device': '/dev/vdb' });
    expect(controller.calls.apply).toHaveLength(0);
    expect(plain(r.lastFrame())).toContain('+ encrypt /dev/vdb (LUKS2');
    await press(r, KEY.enter, 'Step 3 of 3');
    await press(r, KEY.enter, 'keelson  Review');
    await press(r, KEY.enter, 'y apply');
    const shown = await press(r, 'y', FAKE_LUKS_KEY);
    expect(shown).toContain('The key of /home (LUKS 9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f) is shown ONCE.');
    await waitForFrame(r, '✓ Applied in');
    // Enter hides the key first; only then does it lead on.
    const hidden = await press(r, KEY.enter, (f) => !f.includes(FAKE_LUKS_KEY));
    expect(hidden).toContain('keelson  Apply');
    await press(r, KEY.enter, 'keelson  Summary');
    expect(r.frames.slice(-1).join('')).not.toContain(FAKE_LUKS_KEY);
    expect(controller.logLines.join('\n')).not.toContain(FAKE_LUKS_KEY);
  });
});
