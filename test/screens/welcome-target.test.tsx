// Welcome and Target, each on its own with a fake controller.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { WelcomeScreen } from '../../screens/welcome/welcome-screen.js';
import { TargetScreen } from '../../screens/target/target-screen.js';
import { fakeController } from './helpers/fake-controller.js';
import { KEY, press, renderScreen, send, type, waitForFrame } from './helpers/harness.js';

afterEach(() => {
  cleanup();
});

const common = () => ({ active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn() });
const hostKey = { host: '192.0.2.10', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' };

describe('WelcomeScreen', () => {
  it('says nothing changes before the Review, and starts on enter', async () => {
    const props = { ...common(), offer: null, onStart: vi.fn() };
    const r = renderScreen(<WelcomeScreen {...props} />, fakeController());
    const frame = await waitForFrame(r, '› Start');
    expect(frame).toContain('nothing changes on the host before you confirm it');
    await send(r, KEY.enter);
    expect(props.onStart).toHaveBeenCalledWith(false);
  });

  it('offers to continue an unfinished wizard, and q and ? do what they say', async () => {
    const offer = { target: { kind: 'ssh' as const, destination: 'admin@192.0.2.10' }, stackRef: 'demo', answers: {}, screen: 'step' as const, stepIndex: 1, skipped: [], savedAt: '2025-03-04T05:06:07.000Z' };
    const props = { ...common(), offer, onStart: vi.fn() };
    const r = renderScreen(<WelcomeScreen {...props} />, fakeController());
    await waitForFrame(r, 'demo on ssh admin@192.0.2.10, at step 2 (saved 2025-03-04 05:06)');
    await send(r, KEY.enter);
    expect(props.onStart).toHaveBeenCalledWith(true);
    await send(r, '?');
    await send(r, 'q');
    expect(props.onHelp).toHaveBeenCalledOnce();
    expect(props.onQuit).toHaveBeenCalledOnce();
  });
});

describe('TargetScreen', () => {
  const target = (controller = fakeController(), initial: Parameters<typeof TargetScreen>[0]['initial'] = null) => {
    const props = { ...common(), initial, autoConnect: false, onConnected: vi.fn(), onBack: vi.fn() };
    return { props, controller, r: renderScreen(<TargetScreen {...props} />, controller) };
  };

  it('connects to this machine and reads its journal', async () => {
    const { props, controller, r } = target();
    await waitForFrame(r, '› This machine');
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => {
      expect(props.onConnected).toHaveBeenCalledWith({ kind: 'local' }, 'this machine (root)', { run: null, record: { kind: 'none' } });
    });
    expect(controller.calls.connect).toEqual([{ kind: 'local' }]);
  });

  it('checks the SSH destination as it is typed', async () => {
    const { r } = target();
    await waitForFrame(r, '› This machine');
    await press(r, KEY.down, '› A host over SSH');
    await press(r, KEY.enter, 'SSH destination');
    await type(r, 'admin@bad host');
    await waitForFrame(r, '✗ "admin@bad host" is not USER@HOST[:PORT]');
    await type(r, KEY.backspace.repeat(8) + '192.0.2.10:2222');
    await waitForFrame(r, (f) => f.includes('admin@192.0.2.10:2222') && !f.includes('✗'));
  });

  it('shows a first-contact fingerprint and connects only after y', async () => {
    const controller = fakeController({ hostKey });
    const { props, r } = target(controller, { kind: 'ssh', destination: 'admin@192.0.2.10' });
    await waitForFrame(r, 'admin@192.0.2.10');
    await press(r, KEY.enter, '› Private key file');
    await type(r, '~/.ssh/id_test');
    await press(r, KEY.enter, 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8');
    expect(r.lastFrame()).toContain('First contact with 192.0.2.10:22');
    expect(props.onConnected).not.toHaveBeenCalled();
    r.stdin.write('y');
    await vi.waitFor(() => {
      expect(props.onConnected).toHaveBeenCalledWith({ kind: 'ssh', destination: 'admin@192.0.2.10', identity: '~/.ssh/id_test' }, 'ssh admin@192.0.2.10 (sudo)', { run: null, record: { kind: 'none' } });
    });
    expect(controller.hostKeyVerdict).toBe(true);
  });

  it('refuses on n: the error says what to do next, and enter tries again', async () => {
    const controller = fakeController({ hostKey });
    const { props, r } = target(controller, { kind: 'ssh', destination: 'admin@192.0.2.10' });
    await waitForFrame(r, 'admin@192.0.2.10');
    await press(r, KEY.enter, '› Private key file');
    await press(r, KEY.enter, 'Trust this key');
    await press(r, 'n', '✗ 192.0.2.10:22 is not a known host');
    expect(r.lastFrame()).toContain('→ Check the fingerprint with the host administrator.');
    expect(props.onConnected).not.toHaveBeenCalled();
    await press(r, KEY.enter, 'Trust this key');
    expect(controller.calls.connect).toHaveLength(2);
  });
});
