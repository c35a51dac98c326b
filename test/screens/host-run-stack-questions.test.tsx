// The unfinished-run offer, the Stack choice and the Questions, each with a fake controller.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { HostRunScreen } from '../../screens/host-run/host-run-screen.js';
import { StackScreen } from '../../screens/stack/stack-screen.js';
import { QuestionsScreen } from '../../screens/questions/questions-screen.js';
import type { HostRun } from '../../screens/controller.js';
import { fakeController } from './helpers/fake-controller.js';
import { demoStack } from './helpers/fixtures.js';
import { KEY, press, renderScreen, send, type, waitForFrame } from './helpers/harness.js';

afterEach(() => {
  cleanup();
});

const common = () => ({ active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn() });

const interrupted: HostRun = {
  runId: '20250101T000000-abcdef',
  journalPath: '/var/lib/keelson/journal/20250101T000000-abcdef.jsonl',
  stack: 'demo',
  startedAt: '2025-01-01T00:00:00.000Z',
  state: 'interrupted',
  actions: 5,
  finished: 3,
  stoppedAt: { index: 3, description: 'write web.container' },
  backups: [{ path: '/etc/subuid', backup: '/var/lib/keelson/backups/r/etc/subuid' }],
  created: ['create group demo-clients (gid 990)', 'create user demo (uid 1001)'],
};

describe('HostRunScreen', () => {
  it('describes the interrupted run and resumes it', async () => {
    const props = { ...common(), run: interrupted, onResolved: vi.fn(), onBack: vi.fn() };
    const r = renderScreen(<HostRunScreen {...props} />, fakeController());
    const frame = await waitForFrame(r, '› Resume');
    expect(frame).toContain('The last keelson run on this host was interrupted.');
    expect(frame).toContain('3 of 5 actions finished; 1 file backed up');
    expect(frame).toContain('stopped at 4: write web.container');
    await send(r, KEY.enter);
    expect(props.onResolved).toHaveBeenCalledWith('resume');
  });

  it('rolls back: the files come back, and what the run created is named as left in place', async () => {
    const controller = fakeController();
    const props = { ...common(), run: interrupted, onResolved: vi.fn(), onBack: vi.fn() };
    const r = renderScreen(<HostRunScreen {...props} />, controller);
    await waitForFrame(r, '› Resume');
    await press(r, KEY.down, '› Roll back');
    const done = await press(r, KEY.enter, 'Restored 1 file from their backups.');
    expect(done).toContain('/etc/subuid');
    expect(done).toContain('create user demo (uid 1001)');
    expect(controller.calls.rollback).toEqual([interrupted]);
    await send(r, KEY.enter);
    expect(props.onResolved).toHaveBeenCalledWith('rolled-back');
  });

  it('offers no roll back when the run replaced no file', async () => {
    const props = { ...common(), run: { ...interrupted, backups: [] }, onResolved: vi.fn(), onBack: vi.fn() };
    const r = renderScreen(<HostRunScreen {...props} />, fakeController());
    await waitForFrame(r, 'nothing to restore');
    await press(r, KEY.down, '› Leave it');
    await send(r, KEY.enter);
    expect(props.onResolved).toHaveBeenCalledWith('leave');
  });
});

describe('StackScreen', () => {
  const stackScreen = (controller = fakeController(), autoRef: string | null = null) => {
    const props = { ...common(), autoRef, current: null, onLoaded: vi.fn(), onBack: vi.fn() };
    return { props, r: renderScreen(<StackScreen {...props} />, controller) };
  };

  it('lists the bundled stacks and loads the one chosen', async () => {
    const { props, r } = stackScreen();
    await waitForFrame(r, '› demo 1.0.0');
    await send(r, KEY.enter);
    await vi.waitFor(() => {
      expect(props.onLoaded).toHaveBeenCalledWith(demoStack);
    });
  });

  it('takes a manifest file typed (or pasted with its enter) and shows why it cannot be used', async () => {
    const loadStack = vi.fn((ref: string) =>
      Promise.reject(new Error(`the stack manifest has errors:\n${ref}:4:3 containers[0].user: runs as root inside the container`)),
    );
    const { r } = stackScreen(fakeController({ loadStack }));
    await waitForFrame(r, '› demo 1.0.0');
    await press(r, KEY.down, '› A manifest file');
    await press(r, KEY.enter, 'Manifest file');
    // One chunk, as a paste or `tmux send-keys "…" Enter` delivers it: the text, then enter.
    await press(r, './stack.yaml\r', 'runs as root inside the container');
    expect(loadStack).toHaveBeenCalledWith('./stack.yaml');
    expect(r.lastFrame()).toContain('✗ The stack ./stack.yaml could not be used:');
    await press(r, KEY.enter, 'Manifest file');
  });

  it('takes a stack archive path the same way: what the controller verified goes on, a refusal names its check', async () => {
    const archive = { file: '/work/demo.keelson', sumsSha256: 'a'.repeat(64), signedBy: '3F1A6C0E5D2B9A47', trustedComment: null };
    const verified = { ...demoStack, ref: '/work/demo.keelson', source: '/work/demo.keelson', archive };
    const loadStack = vi.fn((ref: string) =>
      ref === 'demo.keelson' ? Promise.resolve(verified) : Promise.reject(new Error(`refused (check: other-key): ${ref}: signed by key B70C2E91D4F3A658, not by the trusted key 3F1A6C0E5D2B9A47\n  nothing was unpacked or sent to a host`)));
    const { props, r } = stackScreen(fakeController({ loadStack }));
    await waitForFrame(r, '› demo 1.0.0');
    const chooser = await press(r, KEY.down, '› A manifest file or stack archive…');
    expect(chooser).toContain('a signed FILE.keelson checked against your trusted key');
    const field = await press(r, KEY.enter, 'Manifest file or stack archive');
    expect(field.replace(/\s+/g, ' ')).toContain('verified whole against the trusted key (keelson wizard --trust KEY, or ~/.config/keelson/trusted.pub) before any host sees it');
    await press(r, 'other.keelson\r', 'nothing was unpacked or sent to a host');
    expect(r.lastFrame()).toContain('✗ The stack other.keelson could not be used:');
    expect(r.lastFrame()).toContain('refused (check: other-key)');
    expect(props.onLoaded).not.toHaveBeenCalled();
    await press(r, KEY.enter, 'Manifest file or stack archive');
    for (let i = 0; i < 'other.keelson'.length; i++) await send(r, KEY.backspace);
    await press(r, 'demo.keelson\r', (f) => !f.includes('Manifest file'));
    await vi.waitFor(() => {
      expect(props.onLoaded).toHaveBeenCalledWith(verified);
    });
  });

  it('loads --stack on arrival without asking', async () => {
    const { props } = stackScreen(fakeController(), 'demo');
    await vi.waitFor(() => {
      expect(props.onLoaded).toHaveBeenCalledWith(demoStack);
    });
  });
});

describe('QuestionsScreen', () => {
  const questions = () => {
    const props = { ...common(), stack: demoStack, answers: {}, secrets: {}, onAnswered: vi.fn(), onBack: vi.fn() };
    return { props, r: renderScreen(<QuestionsScreen {...props} />, fakeController()) };
  };

  it('checks each answer as it is typed and will not move past a wrong one', async () => {
    const { r } = questions();
    await waitForFrame(r, '✓ matches [a-z0-9.-]+');
    await type(r, 'X');
    await waitForFrame(r, '✗ must match [a-z0-9.-]+');
    await send(r, KEY.enter);
    expect(r.lastFrame()).toContain('Questions · 1 of 3');
    await type(r, KEY.backspace);
    await press(r, KEY.enter, 'Questions · 2 of 3');
  });

  it('masks the secret and hands answers and secrets over apart', async () => {
    const { props, r } = questions();
    await waitForFrame(r, 'Questions · 1 of 3');
    await press(r, KEY.tab, 'Questions · 2 of 3');
    await type(r, KEY.backspace.repeat(5) + '8443');
    await press(r, KEY.tab, 'Questions · 3 of 3');
    await type(r, 'p4ss w0rd');
    const frame = await waitForFrame(r, '•••••••••');
    expect(frame).not.toContain('p4ss');
    await send(r, KEY.enter);
    expect(props.onAnswered).toHaveBeenCalledWith({ domain: 'demo.example.org', port: '8443' }, { 'admin-token': 'p4ss w0rd' });
  });

  it('goes back on esc; b is just a letter here', async () => {
    const { props, r } = questions();
    await waitForFrame(r, 'Questions · 1 of 3');
    await type(r, 'b');
    await waitForFrame(r, 'demo.example.orgb');
    expect(props.onBack).not.toHaveBeenCalled();
    await send(r, KEY.esc);
    await vi.waitFor(() => {
      expect(props.onBack).toHaveBeenCalledOnce();
    });
  });
});
