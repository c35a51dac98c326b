// Apply (live output, elapsed time, failures, quit asks first) and the Summary.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { ApplyScreen } from '../../screens/apply/apply-screen.js';
import { SummaryScreen } from '../../screens/summary/summary-screen.js';
import { summaryLines } from '../../screens/summary/summary-lines.js';
import { lineText } from '../../screens/lines/line.js';
import { deferred, fakeController, type FakeOptions } from './helpers/fake-controller.js';
import { demoStack, makePlan } from './helpers/fixtures.js';
import { KEY, press, renderScreen, send, waitForFrame } from './helpers/harness.js';

afterEach(() => {
  cleanup();
});

const common = () => ({ active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn() });

const applyScreen = (o: FakeOptions = {}) => {
  const controller = fakeController(o);
  const props = { ...common(), plan: makePlan(), hostLabel: 'this machine (root)', onApplied: vi.fn(), onStopped: vi.fn(), onSummary: vi.fn(), onReplan: vi.fn() };
  return { props, controller, r: renderScreen(<ApplyScreen {...props} />, controller) };
};

describe('ApplyScreen', () => {
  it('shows each action with its state, the running one with its live output and time', async () => {
    const hold = deferred();
    const { props, r } = applyScreen({ gate: (i) => (i === 0 ? hold.promise : Promise.resolve()) });
    const running = await waitForFrame(r, '│ output of package.install');
    expect(running).toContain('▶ install podman crun passt uidmap');
    expect(running).toMatch(/install podman crun passt uidmap\s+\d+\.\d s/);
    expect(running).toContain('· create group demo-clients (gid 990)');
    expect(running).toContain('Applying to this machine (root): 0 of 5 finished');
    hold.resolve();
    const done = await waitForFrame(r, '✓ Applied in');
    expect(done).toContain('✓ start demo.target');
    expect(done).not.toContain('│ output of');
    expect(props.onApplied).toHaveBeenCalledWith(expect.objectContaining({ ok: true, done: 5 }));
    await send(r, KEY.enter);
    expect(props.onSummary).toHaveBeenCalledOnce();
  });

  it('shows a failure with its error, and r plans again', async () => {
    const { props, r } = applyScreen({ failAt: 1 });
    const frame = await waitForFrame(r, 'Apply stopped at action 2 of 5');
    expect(frame).toContain('✗ create group demo-clients (gid 990)');
    expect(frame).toContain('E: Unable to locate package passt');
    expect(frame).toContain('press r: keelson plans again and applies what is left');
    await send(r, 'r');
    expect(props.onReplan).toHaveBeenCalledOnce();
  });

  it('shows apply breaking off (a lost connection) like a failure at the running action', async () => {
    const { props, r } = applyScreen({ breakAt: 2 });
    const frame = await waitForFrame(r, 'Apply stopped at action 3 of 5; 2 finished.');
    expect(frame).toContain('✗ create user demo (uid 1001)');
    expect(frame).toContain('connection to 192.0.2.10 lost');
    expect(props.onApplied.mock.calls[0]?.[0]).toMatchObject({ ok: false, failed: { index: 2, error: 'connection to 192.0.2.10 lost' } });
  });

  it('asks before quitting during apply, and then stops after the running action only', async () => {
    const hold = deferred();
    const { props, controller, r } = applyScreen({ gate: (i) => (i === 0 ? hold.promise : Promise.resolve()) });
    await waitForFrame(r, '▶ install podman');
    await press(r, 'q', 'Stop after this action? (resume or roll back later)  y stop  n go on');
    expect(props.onQuit).not.toHaveBeenCalled();
    await press(r, 'n', 'q stop…');
    await press(r, KEY.ctrlC, 'Stop after this action?');
    await press(r, 'y', 'Stopping after the running action…');
    hold.resolve();
    await vi.waitFor(() => {
      expect(props.onStopped).toHaveBeenCalledWith(expect.objectContaining({ stopped: true, done: 1 }));
    });
    expect(props.onQuit).not.toHaveBeenCalled();
    expect(controller.logLines).toContain('apply: the operator asked to stop after the running action');
    await waitForFrame(r, 'Stopped as you asked after 1 of 5 actions.');
  });
});

describe('summary', () => {
  const base = { stack: demoStack, hostLabel: 'ssh admin@192.0.2.10:2222 (sudo)', target: { kind: 'ssh' as const, destination: 'admin@192.0.2.10:2222' }, logPath: '/home/op/.local/state/keelson/logs/w.log', saved: null };
  const text = (input: Omit<Parameters<typeof summaryLines>[0], 'keelson'>, keelson = 'keelson') => summaryLines({ ...input, keelson }, 200).map(lineText).join('\n');

  it('says what runs, where, how to reach it (a tunnel for a loopback port on a remote host) and where the log is', () => {
    const t = text({ ...base, outcome: { ok: true, stopped: false, runId: 'r', journalPath: '/var/lib/keelson/journal/r.jsonl', done: 5, skipped: 1 } });
    expect(t).toContain('✓ demo 1.0.0 is deployed on ssh admin@192.0.2.10:2222 (sudo): 5 done, 1 already so.');
    expect(t).toContain('web  localhost/keelson-demo:1  as 1000:1000');
    expect(t).toContain('check: systemctl --user -M demo@ status demo.target');
    expect(t).toContain('web port 8080/tcp → 127.0.0.1:18080; from here: ssh -L 18080:127.0.0.1:18080 -p 2222 admin@192.0.2.10');
    expect(t).toContain('unix sockets in /run/demo (group demo-clients, mode 0770)');
    expect(t).toContain('log of this run (secrets redacted): /home/op/.local/state/keelson/logs/w.log');
    expect(t).toContain('journal on the host: /var/lib/keelson/journal/r.jsonl');
  });

  it('says where apply stopped and what to do', () => {
    const t = text({ ...base, outcome: { ok: false, stopped: false, runId: 'r', journalPath: 'j', done: 1, skipped: 0, failed: { index: 1, description: 'create user demo', error: 'useradd: exited with 9' } } });
    expect(t).toContain('✗ Apply stopped at action 2: create user demo');
    expect(t).toContain('useradd: exited with 9');
    expect(t).toContain('finished actions are not repeated');
  });

  it('names the command that starts keelson from where the operator is', () => {
    const t = text({ ...base, outcome: { ok: false, stopped: true, runId: 'r', journalPath: 'j', done: 1, skipped: 0 } }, 'npm run keelson --');
    expect(t).toContain('run npm run keelson -- again to resume or roll back.');
    expect(t).toContain('w saves the answers for "npm run keelson -- apply --answers FILE"');
  });

  it('ends the wizard on enter, and saves the answers on w', async () => {
    const controller = fakeController();
    const props = { ...common(), ...base, outcome: null, answers: { domain: 'd' }, onSaved: vi.fn(), onReplan: vi.fn() };
    const r = renderScreen(<SummaryScreen {...props} />, controller);
    await waitForFrame(r, 'Nothing to do: ssh admin@192.0.2.10:2222 (sudo) already runs demo 1.0.0');
    await press(r, 'w', 'Save the answers to');
    await send(r, KEY.enter);
    await vi.waitFor(() => {
      expect(props.onSaved).toHaveBeenCalledOnce();
    });
    await waitForFrame(r, 'What runs');
    await send(r, KEY.enter);
    expect(props.onQuit).toHaveBeenCalledOnce();
  });
});
