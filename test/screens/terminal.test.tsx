// The terminal the wizard meets: every screen at 60×20, 80×24 and 120×40 fits the frame with nothing cut (a line
// wider than its row is reported through OverflowContext), every byte of every diff line can be read on the
// Review, a resize redraws, and NO_COLOR takes the colours away.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReactNode } from 'react';
import { WizardRoot } from '../../screens/app/wizard-root.js';
import { StepScreen } from '../../screens/step/step-screen.js';
import { OverflowContext } from '../../screens/components/line-view/line-view.js';
import { noColorFromEnv } from '../../screens/theme/theme.js';
import { planLines } from '../../screens/lines/plan-lines.js';
import { CONTINUED, lineText, textWidth } from '../../screens/lines/line.js';
import { fileDiff } from '../../src/engine/render-plan.js';
import type { Plan } from '../../src/engine/plan.js';
import type { HostRun } from '../../screens/controller.js';
import { deferred, FAKE_LUKS_KEY, fakeController, type FakeOptions } from './helpers/fake-controller.js';
import { ApplyScreen } from '../../screens/apply/apply-screen.js';
import { blockedPlan, demoStack, makePlan } from './helpers/fixtures.js';
import { toFirstStep, stepsToReview } from './helpers/walk.js';
import { KEY, plain, press, renderScreen, renderSized, type, waitForFrame, withProviders, type SizedRendered } from './helpers/harness.js';
import { cleanup } from 'ink-testing-library';
import { sickReport } from './helpers/doctor-fixtures.js';
import { demoNext } from './helpers/upgrade-fixtures.js';

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

const SIZES = [
  { columns: 60, rows: 20 },
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
] as const;

const long = 'x'.repeat(150);
const unitPath = '/home/keelson-demo/.config/containers/systemd/keelson-network-online-and-the-rest.container';
const unit = [
  '[Unit]',
  'Description=A unit whose lines are longer than any terminal the operator may have open at the time',
  `Environment=GREETING=挨拶 ${'こんにちは '.repeat(12)}`,
  `Exec=/usr/bin/env ${'A=1 '.repeat(30)}/bin/httpd -f -p 8080 -h /srv/www/keelson-demo/public`,
  `Label=${long}`,
  '',
].join('\n');

const widePlan = (): Plan =>
  makePlan({
    preflight: {
      title: 'Preflight: OS, Podman, systemd, cgroups and the packages the chosen mode needs on this host',
      findings: [
        { severity: 'blocker', code: 'long', message: `A very long finding that goes on and on about the host: ${long}`, remedy: `Run this long command: /usr/bin/${long}` },
        { severity: 'blocker', code: 'cgroup-v1', message: 'The host uses cgroup v1; rootless Podman and health checks need the unified hierarchy (v2).', remedy: 'Boot with systemd.unified_cgroup_hierarchy=1.' },
        { severity: 'warning', code: 'path', message: 'The drop-in /etc/systemd/system/network-online.target.d/keelson-network-online.conf is not ours.', remedy: 'Look at it.' },
      ],
    },
    units: {
      title: 'Quadlet units: containers, networks, volumes and targets, written where they differ',
      actions: [
        { kind: 'file.write', description: `write ${unitPath}`, path: unitPath, content: unit, mode: '0644', owner: 'root', group: 'root', before: null },
        { kind: 'file.write', description: 'change /etc/containers/systemd/web.container', path: '/etc/containers/systemd/web.container', content: `${unit}Extra=1\n`, mode: '0644', owner: 'root', group: 'root', before: unit },
      ],
    },
  });

const hostKey = { host: '192.0.2.10', port: 2222, keyType: 'ssh-ed25519', fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' };
const lastRun: HostRun = {
  runId: '20250101T000000-abcdef',
  journalPath: '/var/lib/keelson/journal/20250101T000000-abcdef.jsonl',
  stack: 'demo',
  startedAt: '2025-01-01T00:00:00.000Z',
  state: 'failed',
  actions: 24,
  finished: 11,
  stoppedAt: { index: 11, description: `write ${unitPath}`, error: `podman exited with 125: Error: ${long}` },
  backups: [{ path: '/etc/subuid', backup: '/var/lib/keelson/backups/r/etc/subuid' }],
  created: ['user keelson-demo (UID 1001, GID 1001, owner of the rootless stack, home /home/keelson-demo, no login)'],
};
const stacks = [
  { ref: 'demo', name: 'demo', version: '1.0.0', description: 'A static web page served by busybox httpd, behind an internal API container, with a long description.' },
  { ref: 'cdr-link', name: 'cdr-link', version: '2.3.0', description: 'The CDR Link component graph: Zammad, OpenSearch, PostgreSQL, Redis, signal-cli, WhatsApp bridges.' },
];

/** Every row fits the width, the frame stays a row short of the height, and no line had to be cut. */
const fits = (frame: string, columns: number, rows: number, cut: string[], where: string) => {
  const lines = plain(frame).split('\n');
  expect(lines.length, `${where}: too tall`).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(textWidth(l), `${where}: too wide: ${l}`).toBeLessThanOrEqual(columns);
  expect(cut, `${where}: cut at ${columns}×${rows}:\n${cut.join('\n')}`).toEqual([]);
};

const sized = (tree: ReactNode, size: { columns: number; rows: number }, cut: string[]) => {
  const r = renderSized(<OverflowContext.Provider value={(text) => { cut.push(text); }}>{tree}</OverflowContext.Provider>, size);
  open.push(r);
  return r;
};

const wizard = (o: FakeOptions, size: { columns: number; rows: number }, cut: string[]) =>
  sized(<WizardRoot controller={fakeController({ stacks, ...o })} noColor onExit={() => undefined} />, size, cut);

describe.each(SIZES)('every screen at $columns×$rows', ({ columns, rows }) => {
  it('Welcome → Target (form, host key) → unfinished run → Stack → Questions → Steps → Review → Help', async () => {
    const cut: string[] = [];
    const offer = { target: { kind: 'ssh' as const, destination: 'admin@192.0.2.10:2222' }, stackRef: 'demo', answers: {}, screen: 'step' as const, stepIndex: 1, skipped: [], savedAt: '2025-03-04T05:06:07.000Z' };
    const r = wizard({ plan: widePlan, hostKey, lastRun, progress: offer }, { columns, rows }, cut);
    const check = async (expect: string | ((f: string) => boolean), where: string) => {
      fits(await waitForFrame(r, expect), columns, rows, cut, where);
    };
    await check('Continue where you stopped', 'Welcome');
    // The five stages, whole, whatever the width.
    const welcome = plain(r.lastFrame());
    for (const words of ['the host checked step by step, each with its planned changes', 'the whole plan; nothing changes on the host before you confirm it']) {
      expect(welcome.replace(/\s+/g, ' ')).toContain(words);
    }
    await press(r, KEY.down, '› Start over');
    await press(r, KEY.enter, 'Where should the stack go?');
    await check('Where should the stack go?', 'Target');
    await press(r, KEY.down, '› A host over SSH');
    await press(r, KEY.enter, 'SSH destination');
    await check('SSH destination', 'Target form');
    await type(r, 'admin@192.0.2.10:2222');
    await press(r, KEY.enter, '› Private key file');
    await press(r, KEY.enter, 'First contact with');
    await check('Trust this key', 'host key');
    await press(r, 'y', 'Unfinished run on the host');
    await check('› Resume', 'unfinished run');
    await press(r, KEY.down, '› Roll back');
    await press(r, KEY.enter, 'Restored 1 file');
    await check('continue to the stack', 'rolled back');
    await press(r, KEY.enter, 'Which stack?');
    await check('A manifest file', 'Stack');
    await press(r, KEY.enter, 'Questions · 1 of 3');
    await check('Questions · 1 of 3', 'Questions');
    await press(r, KEY.enter, 'Questions · 2 of 3');
    await press(r, KEY.enter, 'Questions · 3 of 3');
    await type(r, 't');
    await press(r, KEY.enter, 'Step 1 of 3');
    await check('BLOCKER', 'Step 1');
    await press(r, '?', 'Help · Steps');
    await check('Keys on this screen', 'Help');
    await press(r, KEY.esc, 'BLOCKER');
    await press(r, KEY.enter, 'Step 2 of 3');
    await press(r, KEY.enter, 'Step 3 of 3');
    await check('+++', 'Step 3');
    await press(r, KEY.enter, 'keelson  Review');
    await check('keelson  Review', 'Review');
    await press(r, 'w', 'Save the answers to');
    await check('Save the answers to', 'Review: save answers');
    await press(r, KEY.enter, 'Answers saved to');
    await check('Replay:', 'Review: saved');
  });

  it('Review to Apply (stop prompt, failure) to Summary', async () => {
    const cut: string[] = [];
    const hold = deferred();
    const r = wizard({ gate: (i) => (i === 1 ? hold.promise : Promise.resolve()), failAt: 3 }, { columns, rows }, cut);
    const check = async (expect: string, where: string) => {
      fits(await waitForFrame(r, expect), columns, rows, cut, where);
    };
    await toFirstStep(r);
    await stepsToReview(r);
    await press(r, KEY.enter, 'y apply');
    await check('y apply', 'Review: confirm');
    await press(r, 'y', '▶ ');
    await check('▶ ', 'Apply: running');
    await press(r, 'q', 'Stop after this action?');
    await check('Stop after this action?', 'Apply: stop prompt');
    await press(r, 'n', 'q stop…');
    hold.resolve();
    await check('Apply stopped at action 4', 'Apply: failed');
    await press(r, KEY.enter, 'keelson  Summary · apply did not finish');
    await check('What runs', 'Summary');
  });
});

describe.each(SIZES)('a host with a deployed stack at $columns×$rows', ({ columns, rows }) => {
  it('On this host (a failed mark) → Troubleshoot → one check → back → Upgrade, its refusal, all fitting, nothing cut', async () => {
    const cut: string[] = [];
    const record = { kind: 'stacks' as const, stacks: [{ name: 'demo', version: '1.0.0', mode: 'rootless' as const, failed: { reason: `the rollback of run r7 failed: ${long}`, at: '2026-12-02T03:10:00Z' } }] };
    const refusal = {
      code: 'stack-failed',
      message: `demo is marked failed since 2026-12-02T03:10:00Z (run r7): the rollback of run r7 failed: ${long}.`,
      remedy: 'Nothing was changed. Read why (keelson status, keelson doctor, the journals in /var/lib/keelson/journal), repair the cause, then run keelson upgrade again with --clear-failed (the clearing is journaled and kept in the record\'s history).',
    };
    const r = wizard({ record, doctor: [sickReport()], upgradeCheck: () => ({ kind: 'refused', refusal }) }, { columns, rows }, cut);
    const check = async (expect: string | ((f: string) => boolean), where: string) => {
      fits(await waitForFrame(r, expect), columns, rows, cut, where);
    };
    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.enter, '› Troubleshoot');
    await check('› Troubleshoot', 'On this host');
    await press(r, KEY.enter, '› ✗ FAIL  record');
    await check('› ✗ FAIL  record', 'Troubleshoot');
    await press(r, KEY.down, '› ✗ FAIL  unit:demo:web.service');
    await press(r, KEY.enter, 'What doctor saw');
    await check('What doctor saw', 'a check');
    await press(r, 'b', '› ✗ FAIL  unit:demo:web.service');
    await press(r, 'b', '› Troubleshoot');
    await press(r, KEY.down, '› Install');
    await press(r, KEY.down, '› Upgrade');
    await press(r, KEY.enter, 'Upgrade to which version?');
    await check('Upgrade to which version?', 'the Upgrade stack');
    await press(r, KEY.enter, 'keelson refuses this upgrade');
    await check('keelson refuses this upgrade', 'the upgrade refused');
  });
});

describe.each(SIZES)('the Upgrade at $columns×$rows', ({ columns, rows }) => {
  it('the new question → the summary → a rollback with the journal lines, all fitting, nothing cut', async () => {
    const cut: string[] = [];
    const record = { kind: 'stacks' as const, stacks: [{ name: 'demo', version: '1.0.0', mode: 'rootless' as const, failed: null }] };
    const journal = Array.from({ length: 20 }, (_, i) => `Dec 03 05:00:${String(i).padStart(2, '0')} web[812]: ${long.slice(0, 40 + i)}`).join('\n');
    const r = wizard({ record, loadStack: () => Promise.resolve(demoNext), failAt: 5, upgradeError: `web.service failed\n${journal}` }, { columns, rows }, cut);
    const check = async (expect: string | ((f: string) => boolean), where: string) => {
      fits(await waitForFrame(r, expect), columns, rows, cut, where);
    };
    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.enter, '› Troubleshoot');
    await press(r, KEY.down, '› Install');
    await press(r, KEY.down, '› Upgrade');
    await press(r, KEY.enter, 'Upgrade to which version?');
    await press(r, KEY.enter, 'Local port to publish');
    await check('Local port to publish', 'the new question');
    await press(r, KEY.enter, 'Type "yes"');
    await check('Type "yes"', 'the upgrade summary');
    await type(r, 'yes');
    await press(r, KEY.enter, 'Rolled back');
    await check('Rolled back', 'the rolled-back end');
  });
});

describe.each(SIZES)('errors at $columns×$rows', ({ columns, rows }) => {
  it('a connection error, a manifest with errors, facts that could not be gathered, the help of a blocked Review', async () => {
    const cut: string[] = [];
    let plans = 0;
    const connectError = Object.assign(new Error(`ssh root@192.0.2.10:22 refused every key keelson offered as root (tried: key file /home/op/.ssh/id_ed25519 (ssh-ed25519 SHA256:${'A'.repeat(43)}), ssh-agent at /run/user/1000/ssh-agent.socket)`), {
      remedy: 'Install your public key in ~root/.ssh/authorized_keys on the host (ssh-copy-id), or give the right private key (the "Private key file" field).',
    });
    const manifestErrors = `the stack manifest has errors:\n${Array.from({ length: 12 }, (_, i) => `my-stack.yaml:${i + 3}:5 containers[${i}].user: runs as root inside the container: use an unprivileged "UID:GID", or say why in rootReason`).join('\n')}`;
    const controller = fakeController({
      stacks,
      loadStack: (ref) => (ref === 'demo' ? Promise.resolve(demoStack) : Promise.reject(new Error(manifestErrors))),
      plan: () => {
        plans++;
        if (plans === 1) throw new Error(`the SSH connection to 192.0.2.10:22 was lost while gathering facts: ${long}`);
        return blockedPlan();
      },
    });
    // Over SSH the connection fails; this machine connects.
    const local = controller.connect.bind(controller);
    controller.connect = (target, confirm) => (target.kind === 'ssh' ? Promise.reject(connectError) : local(target, confirm));
    const r = sized(<WizardRoot controller={controller} noColor onExit={() => undefined} />, { columns, rows }, cut);
    const check = async (expect: string, where: string) => {
      fits(await waitForFrame(r, expect), columns, rows, cut, where);
    };
    await waitForFrame(r, 'Nothing changes on the host');
    await press(r, KEY.enter, 'Where should the stack go?');
    await press(r, KEY.down, '› A host over SSH');
    await press(r, KEY.enter, 'SSH destination');
    await type(r, 'root@192.0.2.10');
    await press(r, KEY.enter, '› Private key file');
    await press(r, KEY.enter, 'refused every key');
    await check('ssh-copy-id', 'Target: error');
    await press(r, 'b', 'SSH destination');
    await press(r, KEY.esc, 'Where should the stack go?');
    await press(r, KEY.up, '› This machine');
    await press(r, KEY.enter, 'Which stack?');
    await press(r, KEY.down, '› cdr-link');
    await press(r, KEY.down, '› A manifest file');
    await press(r, KEY.enter, 'Manifest file');
    await check('Manifest file', 'Stack: file');
    await type(r, '/srv/stacks/my-stack.yaml');
    await press(r, KEY.enter, 'could not be used');
    await check('could not be used', 'Stack: errors');
    await press(r, KEY.enter, 'Manifest file');
    await press(r, KEY.esc, 'Which stack?');
    await press(r, KEY.up, '› cdr-link');
    await press(r, KEY.up, '› demo 1.0.0');
    await press(r, KEY.enter, 'Questions · 1 of 3');
    await press(r, KEY.enter, 'Questions · 2 of 3');
    await press(r, KEY.enter, 'Questions · 3 of 3');
    await type(r, 't');
    await press(r, KEY.enter, 'could not be gathered');
    await check('could not be gathered', 'Step: facts failed');
    await press(r, 'r', 'Step 1 of 3');
    await press(r, KEY.enter, 'Step 2 of 3');
    await press(r, KEY.enter, 'Step 3 of 3');
    await press(r, KEY.enter, 'keelson  Review');
    await check('back to fix', 'Review: blocked');
    await press(r, '?', 'Help · Review');
    await check('Keys on this screen', 'Help: Review');
  });
});

describe.each(SIZES)('the LUKS setup at $columns×$rows', ({ columns, rows }) => {
  const luksSetup = { kind: 'luks.setup' as const, description: "encrypt /dev/disk/by-id/virtio-data (LUKS2, argon2id, aes-xts-plain64 512-bit) as home, move /home's content onto it and mount it; key to /etc/cryptsetup-keys.d/home.key, shown once", device: '/dev/disk/by-id/virtio-data', resolvedDevice: '/dev/vdb', uuid: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', name: 'home', keyFile: '/etc/cryptsetup-keys.d/home.key', mountPoint: '/home', filesystem: 'ext4' as const };
  const storage = makePlan({
    accounts: {
      id: 'storage',
      title: 'Storage: encrypted data mount, audit partition, auditd',
      findings: [{ severity: 'blocker', code: 'data-not-encrypted', message: '/home is on /dev/vda1 (ext4, mounted at /), which is not encrypted: the stack\'s user data would be stored in the clear.', remedy: 'Put /home on a LUKS2 volume.' }],
      actions: [],
    },
  });

  it('its form on the storage step, and the key shown once on Apply, fit with nothing cut', async () => {
    const cut: string[] = [];
    const step = { active: true, context: 'demo 1.0.0 (rootless) → ssh admin@192.0.2.10:2222 (sudo)', onHelp: vi.fn(), onQuit: vi.fn(), plan: { status: 'ready' as const, request: 1, planned: { plan: storage, gatherMs: 1 } }, stepIndex: 1, skipped: [], hostLabel: 'h', onNext: vi.fn(), onSkip: vi.fn(), onRecheck: vi.fn(), onBack: vi.fn(), answers: {}, dataMount: '/home', onLuks: vi.fn() };
    const r = sized(withProviders(<StepScreen {...step} />, fakeController(), true), { columns, rows }, cut);
    fits(await waitForFrame(r, 'press l.'), columns, rows, cut, 'storage step');
    fits(await press(r, 'l', 'Set up LUKS2'), columns, rows, cut, 'LUKS form');
    await type(r, '/dev/disk/by-id/virtio-data');
    fits(await press(r, KEY.enter, 'type the device path again'), columns, rows, cut, 'LUKS form: confirm');

    const hold = deferred();
    const apply = { active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn(), plan: makePlan({ accounts: { actions: [luksSetup] } }), hostLabel: 'ssh admin@192.0.2.10:2222 (sudo)', onApplied: vi.fn(), onStopped: vi.fn(), onSummary: vi.fn(), onReplan: vi.fn() };
    const a = sized(withProviders(<ApplyScreen {...apply} />, fakeController({ gate: (i) => (i === 1 ? hold.promise : Promise.resolve()) }), true), { columns, rows }, cut);
    const frame = await waitForFrame(a, 'is shown ONCE');
    fits(frame, columns, rows, cut, 'Apply: the key');
    expect(frame.replace(/\n {0,4}↪?/g, '')).toContain(FAKE_LUKS_KEY);
    hold.resolve();
  });
});

describe('the Review at 60×20', () => {
  it('lets the operator read every byte of every diff line, wrapped with its marker, never cut', async () => {
    const plan = widePlan();
    const lines = planLines(plan, [], 60).map(lineText);
    // Put back together from the rows (a ↪ row continues the line above), every line of every diff is whole.
    const rejoined: string[] = [];
    for (const l of lines) {
      if (l.startsWith(`      ${CONTINUED}`)) rejoined.push(`${rejoined.pop() ?? ''}${l.slice(7)}`);
      else rejoined.push(l.startsWith('      ') ? l.slice(6) : l);
    }
    for (const a of plan.steps.flatMap((s) => s.actions)) {
      for (const d of (fileDiff(a) ?? '').split('\n').filter((x) => x !== '')) expect(rejoined).toContain(d);
    }
    // And the screen shows all of those rows, page by page.
    const cut: string[] = [];
    const r = wizard({ plan: () => plan }, { columns: 60, rows: 20 }, cut);
    await toFirstStep(r);
    let frame = await stepsToReview(r);
    const seen = new Set<string>();
    for (let page = 0; page < 60; page++) {
      for (const row of frame.split('\n')) seen.add(row.trimEnd());
      if (!/↓ \d+ more/.test(frame)) break;
      frame = await press(r, KEY.pageDown, (f) => f !== frame);
    }
    for (const l of lines) expect(seen, `not on any page: ${l}`).toContain(l.trimEnd());
    expect(cut).toEqual([]);
  });
});

describe('Apply at 80×24', () => {
  it('follows the running action through a long plan, with its output, inside the frame', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ kind: 'dir.ensure' as const, description: `create directory /srv/app/${i}/${long}`, path: `/srv/app/${i}`, mode: '0750', owner: 'root', group: 'root' }));
    const hold = deferred();
    const controller = fakeController({ gate: (i) => (i === 20 ? hold.promise : Promise.resolve()) });
    const props = { active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn(), plan: makePlan({ units: { actions: many } }), hostLabel: 'h', onApplied: vi.fn(), onStopped: vi.fn(), onSummary: vi.fn(), onReplan: vi.fn() };
    const cut: string[] = [];
    const r = sized(withProviders(<ApplyScreen {...props} />, controller, true), { columns: 80, rows: 24 }, cut);
    const frame = await waitForFrame(r, '▶ create directory /srv/app/17/');
    fits(frame, 80, 24, cut, 'Apply');
    expect(frame).toContain('│ output of dir.ensure');
    expect(frame).not.toContain('install podman'); // scrolled past the first actions
    hold.resolve();
    fits(await waitForFrame(r, '✓ Applied in'), 80, 24, cut, 'Apply: done');
  });
});

describe('a resize', () => {
  it('redraws the frame at the new size', async () => {
    const cut: string[] = [];
    const r = wizard({}, { columns: 120, rows: 40 }, cut);
    await waitForFrame(r, (f) => f.split('\n').includes('─'.repeat(120)));
    r.resize(60, 20);
    const frame = await waitForFrame(r, (f) => f.split('\n').includes('─'.repeat(60)));
    fits(frame, 60, 20, cut, 'Welcome at 60×20');
    r.resize(100, 30);
    await waitForFrame(r, (f) => f.split('\n').includes('─'.repeat(100)));
  });
});

describe('NO_COLOR', () => {
  // SGR colour parameters: 30–38/90–97 foreground, 40–48/100–107 background (39/49 only reset them).
  // eslint-disable-next-line no-control-regex -- ESC is what an SGR sequence starts with
  const COLOR = /\u001b\[(?:3[0-8]|9[0-7]|4[0-8]|10[0-7])[;m]/;
  const stepFrame = async (noColor: boolean) => {
    const props = { active: true, context: '', onHelp: vi.fn(), onQuit: vi.fn(), plan: { status: 'ready' as const, request: 1, planned: { plan: blockedPlan(), gatherMs: 1 } }, stepIndex: 0, skipped: [], hostLabel: 'h', onNext: vi.fn(), onSkip: vi.fn(), onRecheck: vi.fn(), onBack: vi.fn(), answers: {}, dataMount: '/home', onLuks: vi.fn() };
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

