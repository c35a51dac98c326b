// The wizard in a real terminal against the real test host: tmux runs `keelson` (bin.mjs, as an operator
// starts it, from a directory of its own with HOME in a temp dir), keys go in one send-keys at a time and each
// screen is read back with capture-pane before the next key. The demo stack is taken from Welcome to the Apply,
// where the operator's terminal dies mid-action (the tmux window is killed: SIGHUP); a second keelson finds the
// unfinished run in the host's journal, resumes it to a successful apply and the Summary. A third keelson, with a
// unit stopped, finds the stack in the host's record, is asked what to do, and troubleshoots it (doctor's checks,
// the failing unit's journal excerpt; nothing on the host changed). The answers the wizard saved are then replayed
// headless against a fresh VM, which must end up with the same deployment. Both VMs start from the run's "prepared"
// state (/home on LUKS2, the audit log on its own filesystem), each its own copy.
// Every claim about a host is checked from inside the VM over the harness's own SSH, never from keelson's report.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vm } from '../host-vm/vm.js';
import { keelsonCli } from './support/keelson-cli.js';
import { startFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';
import { Tmux } from './support/tmux.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Per test, under software emulation on a machine shared with other VMs. */
const SLOW = 45 * 60_000;
const MIN = 60_000;

const GREETING = 'Hello from tmux';
const COLS = 100;
const ROWS = 30;

/** Measured times, printed at the end (the issue asks for them). */
const times: Record<string, string> = {};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface JournalLine {
  readonly event: string;
  readonly runId?: string;
  readonly index?: number;
  readonly kind?: string;
  readonly ok?: boolean;
}

interface StateFile {
  readonly stacks: Record<string, { readonly files: readonly { readonly path: string; readonly sha256: string }[]; readonly secrets: readonly string[] }>;
}

const timer = useTimings(import.meta.url);

/** The host an installer leaves: the run's "prepared" state, restored into a VM of this test's own. */
const prepareVm = (name: string): Promise<Vm> => startFrom('prepared', name, timer);

describe('the wizard in tmux against the test VM: demo stack, interrupted and resumed, troubleshot, answers replayed', () => {
  let vm: Vm | undefined;
  let fresh: Vm | undefined;
  let dir = '';
  let home = '';
  let work = '';
  const tmux = new Tmux({ socket: `keelson-e2e-${process.pid}`, cols: COLS, rows: ROWS });
  // Carried from one test to the next: each builds on what the one before left on the host.
  let answersPath = '';
  let interruptedRunId = '';
  let firstRunActions = 0;
  let deployedFiles: { path: string; sha256: string }[] = [];
  let firstSecret = '';

  const theVm = (): Vm => {
    if (vm === undefined) throw new Error('the VM did not boot');
    return vm;
  };
  const sh = (v: Vm, cmd: string) => v.sshOk(cmd, { timeoutMs: 10 * MIN });
  const dest = (v: Vm) => `root@${v.host}:${v.port}`;

  /** keelson as the operator starts it: bin.mjs, in a directory of its own, HOME (conf, logs, keys) in the temp dir. */
  const startWizard = async (window: string): Promise<{ pid: number; firstFrameMs: number }> => {
    const v = theVm();
    const started = performance.now();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' };
    if (process.env.TMPDIR !== undefined) env.TMPDIR = process.env.TMPDIR;
    // No --known-hosts: the first contact is the operator's to confirm on the Target screen; keelson keeps the
    // key in HOME, and the second run must trust it without asking again.
    const pid = await tmux.open({ name: window, cwd: work, env, argv: [process.execPath, join(root, 'src', 'cli', 'bin.mjs'), 'wizard', '--host', dest(v), '--identity', v.root.identityFile] });
    await tmux.waitFor(window, /^keelson {2}Welcome$/m, { timeoutMs: 3 * MIN, what: 'the Welcome screen' });
    return { pid, firstFrameMs: performance.now() - started };
  };
  const wait = (window: string, pattern: RegExp, what: string, timeoutMs = 5 * MIN) => tmux.waitFor(window, pattern, { timeoutMs, what });
  /** Presses one key, then waits for the screen it leads to. */
  const press = async (window: string, key: string, pattern: RegExp, what: string, timeoutMs = 5 * MIN) => {
    await tmux.key(window, key);
    return wait(window, pattern, what, timeoutMs);
  };
  /** Moves the › of a list onto the option whose label starts with `label`, one Down at a time. */
  const focus = async (window: string, label: string) => {
    const focusedLine = (screen: string) => screen.split('\n').find((l) => l.startsWith(' › ')) ?? '';
    let screen = await tmux.capture(window);
    for (let i = 0; i < 8; i++) {
      if (focusedLine(screen).startsWith(` › ${label}`)) return;
      const before = focusedLine(screen);
      await tmux.key(window, 'Down');
      const until = performance.now() + 30_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 200));
        screen = await tmux.capture(window);
      } while (focusedLine(screen) === before && performance.now() < until);
    }
    throw new Error(`no option "${label}" in the list; the last screen:\n${screen}`);
  };
  const pidAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const journal = async (v: Vm): Promise<Map<string, JournalLine[]>> => {
    const names = (await sh(v, 'ls -1 /var/lib/keelson/journal')).trim().split('\n').filter((n) => n.endsWith('.jsonl'));
    const out = new Map<string, JournalLine[]>();
    for (const n of names) {
      const text = await sh(v, `cat /var/lib/keelson/journal/${n}`);
      out.set(n, text.trim().split('\n').map((l) => JSON.parse(l) as JournalLine));
    }
    return out;
  };
  const stateFiles = async (v: Vm) => {
    const state = JSON.parse(await sh(v, 'cat /var/lib/keelson/state.json')) as StateFile;
    return [...(state.stacks.demo?.files ?? [])].sort((a, b) => a.path.localeCompare(b.path));
  };
  /** The generated secret's value, read as its owner: only to prove it is in no file the wizard wrote. */
  const secretValue = async (v: Vm) =>
    (
      await sh(v, "runuser -u keelson-demo -- sh -c 'cd; XDG_RUNTIME_DIR=/run/user/$(id -u) podman secret inspect --showsecret --format \"{{.SecretData}}\" demo-token' 2>/dev/null")
    ).trim();
  const page = async (v: Vm, deadlineMs = 0): Promise<string> => {
    const until = performance.now() + deadlineMs;
    for (;;) {
      const r = await v.ssh('curl -fsS --max-time 20 http://127.0.0.1:18080/', { timeoutMs: 2 * MIN });
      if (r.code === 0 || performance.now() >= until) return r.code === 0 ? r.stdout : `curl exit ${r.code}: ${r.stderr}`;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  };
  /** Every file keelson wrote on this workstation under the temp HOME and the work dir, as text. */
  const workstationText = (): string => {
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    return [...walk(home), ...walk(work)].map((f) => readFileSync(f, 'utf8')).join('\n');
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-wizard-tmux-'));
    home = join(dir, 'home');
    work = join(dir, 'work');
    mkdirSync(home, { mode: 0o700 });
    mkdirSync(work);
    vm = await prepareVm('wizard-tmux');
  }, SLOW);

  afterAll(async () => {
    console.info(`[wizard-tmux-e2e] measured:\n${Object.entries(times).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    await tmux.killServer();
    await vm?.stop();
    await fresh?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  }, SLOW);

  it('Welcome → Target (first contact) → Stack → the greeting → each step → Review (answers saved, 80×24) → Apply, until the terminal dies mid-action', async () => {
    const v = theVm();
    const W = 'first';
    const { pid, firstFrameMs } = await startWizard(W);
    times['first frame (Welcome)'] = seconds(firstFrameMs);
    let screen = await tmux.capture(W);
    expect(screen).toContain('Nothing changes on the host until you confirm the Review.');
    expect(screen).toMatch(/^ › Start$/m);

    // Target: --host and --identity fill the form in; enter moves to the key, enter connects.
    screen = await press(W, 'Enter', /^keelson {2}Target$/m, 'the Target screen');
    expect(screen).toMatch(new RegExp(`^ {4}${esc(dest(v))}\\s*$`, 'm'));
    expect(screen).toMatch(new RegExp(`^ {4}${esc(v.root.identityFile)}\\s*$`, 'm'));
    await press(W, 'Enter', /^› Private key file/m, 'the key field to take the focus', 30_000);
    screen = await press(W, 'Enter', /First contact with/, 'the first-contact host key prompt', 5 * MIN);
    expect(screen).toContain(`First contact with ${v.host}:${v.port}. It presented this ssh-ed25519 host key:`);
    expect(screen).toMatch(new RegExp(`^ {4}${esc(v.hostKeyFingerprint)}$`, 'm'));
    expect(screen).toContain('Trust this key and remember it for this host?');

    // Stack: the bundled demo.
    screen = await press(W, 'y', /Which stack\?/, 'the Stack screen', 5 * MIN);
    expect(screen).toMatch(new RegExp(`^ssh ${esc(dest(v))}`, 'm'));
    expect(screen).toMatch(/^ {3}A static web page served by busybox httpd/m);
    await focus(W, 'demo 1.0.0');

    // Its one question, answered with a greeting of our own, checked as typed.
    screen = await press(W, 'Enter', /^keelson {2}Questions · 1 of 1$/m, 'the Questions screen');
    expect(screen).toMatch(/^› The greeting the demo page shows {2}greeting$/m);
    expect(screen).toMatch(/^ {4}Hello from keelson\s*$/m);
    await press(W, 'C-u', /^ {4}✗ /m, 'the emptied field to be refused', 30_000);
    await tmux.type(W, GREETING);
    screen = await wait(W, new RegExp(`^ {4}${esc(GREETING)}\\s*$`, 'm'), 'the typed greeting', 30_000);
    expect(screen).toMatch(/^ {4}✓ matches \[A-Za-z0-9 ,\.!-\]\{1,80\}$/m);

    // One screen per step; facts first (one round trip, a spinner meanwhile).
    const planStarted = performance.now();
    await press(W, 'Enter', /Gathering facts from ssh|^keelson {2}Step 1 of/m, 'the facts spinner', 2 * MIN);
    screen = await wait(W, /^keelson {2}Step 1 of \d+ · /m, 'the first step', 15 * MIN);
    const planMs = performance.now() - planStarted;
    times['plan (answer → step 1)'] = seconds(planMs);
    timer.record('keelson', 'wizard: plan (answer → step 1)', planMs);
    const steps: string[] = [];
    for (;;) {
      const m = /^keelson {2}Step (\d+) of (\d+) · (.+)$/m.exec(screen);
      if (m === null) break;
      steps.push(screen);
      const [, n = '0', total = '0'] = m;
      const next = Number(n) < Number(total) ? new RegExp(`^keelson {2}Step ${Number(n) + 1} of ${total} · `, 'm') : /^keelson {2}Review$/m;
      screen = await press(W, 'Enter', next, `the screen after step ${n}`, 30_000);
    }
    const titles = steps.map((s) => /^keelson {2}Step \d+ of \d+ · (.+)$/m.exec(s)?.[1] ?? '');
    expect(titles.map((t) => t.split(':')[0])).toEqual(['Preflight', 'Storage', 'Identity', 'Sockets', 'Quadlet units']);
    expect(steps[0]).toMatch(/· info {4}Podman 5\.\d+\.\d+ has every Quadlet key keelson writes\./);
    expect(steps[1]).toMatch(/· info {4}\/home is on LUKS2 \/dev\/vdb, opened as home/);
    expect(steps[2]).toMatch(/^ {2}\+ user keelson-demo \(UID \d+/m);
    // Identity's users are what the later steps name: it cannot be skipped, says why, and offers no s.
    expect(steps[2]).toMatch(/Cannot be skipped: Sockets builds on its actions/);
    expect(steps[2]).not.toMatch(/\bs skip\b/);
    expect(steps[3]?.replace(/\s+/g, ' ')).toContain('> probe /run/keelson-demo as web runs (1000:1000 with --group-add keep-groups): a short-lived container creates and reads back a file in it');
    expect(steps[4]).toMatch(/^ {2}\+ build image localhost\/keelson-demo:1 from the host's static busybox/m);
    expect(steps[4]).toMatch(/^ {6}\+\+\+ \/home\/keelson-demo\/\.config\/containers\/systemd\/api\.container$/m);

    // Review: the whole plan. Nothing has changed on the host so far.
    const review = /^(\d+) actions to apply on ssh (\S+)$/m.exec(screen);
    expect(review?.[2], screen).toBe(dest(v));
    firstRunActions = Number(review?.[1]);
    expect(firstRunActions).toBeGreaterThan(20);
    expect((await v.ssh('getent passwd keelson-demo')).code).not.toBe(0);
    expect((await v.ssh('ls /var/lib/keelson/journal')).code).not.toBe(0);

    // w: the answers to a file; the default path is in the directory keelson was started in.
    answersPath = join(work, 'keelson-demo.answers.yaml');
    screen = await press(W, 'w', /› Save the answers to/, 'the save-answers panel', 30_000);
    expect(screen).toMatch(new RegExp(`^ {4}${esc(answersPath)}\\s*$`, 'm'));
    expect(screen).toContain('The stack asks no secrets: one file is written.');
    screen = await press(W, 'Enter', /✓ Answers saved to/, 'the answers to be saved', 30_000);
    expect(screen).toContain(`✓ Answers saved to ${answersPath}`);
    // A command that works from where the operator is (keelson was started from a directory outside the checkout).
    expect(screen.replace(/\s+/g, ' ')).toContain(`Replay: npm --prefix ${root} run keelson -- apply --stack demo --answers ${answersPath}`);
    expect(parseYaml(readFileSync(answersPath, 'utf8'))).toEqual({ stack: 'demo', answers: { greeting: GREETING } });
    expect(existsSync(join(work, 'keelson-demo.answers.secrets.yaml'))).toBe(false);

    // 60×20, 80×24 and 120×40 are usable: the frame redraws whole, the title on top, two rules, the keys at the bottom.
    // Wait for the redraw itself: right after a resize tmux shows the old, wider frame rewrapped, whose rule splits
    // into a line of exactly `cols` dashes and a shorter one, with the title scrolled off the top.
    const redrawn = (cols: number) => new RegExp(`^keelson {2}Review\\n[\\s\\S]*(?<!─)\\n─{${String(cols)}}\\n(?!─)`);
    for (const [cols, rows] of [[60, 20], [80, 24], [120, 40]] as const) {
      await tmux.resize(W, cols, rows);
      screen = await wait(W, redrawn(cols), `the Review redrawn at ${String(cols)}×${String(rows)}`, 30_000);
      const lines = screen.replace(/\n+$/, '').split('\n');
      expect(lines[0], screen).toBe('keelson  Review');
      expect(lines.filter((l) => l === '─'.repeat(cols)), screen).toHaveLength(2);
      expect(lines.length, screen).toBeLessThanOrEqual(rows);
      expect(screen).toMatch(/\? help/);
      // A blocked Review would offer no enter; this one is not blocked.
      expect(screen).toMatch(/enter apply/);
    }
    await tmux.resize(W, COLS, ROWS);
    await wait(W, redrawn(COLS), 'the Review redrawn at 100 columns', 30_000);

    // Enter asks; only y changes the host.
    screen = await press(W, 'Enter', /\? y apply {2}n not yet/, 'the apply confirmation', 30_000);
    expect(screen).toContain(`Apply ${firstRunActions} actions to ssh ${dest(v)}? y apply  n not yet`);
    const applyStarted = performance.now();
    screen = await press(W, 'y', /^keelson {2}Apply$/m, 'the Apply screen', 30_000);
    expect(screen).toMatch(new RegExp(`^Applying to ssh ${esc(dest(v))}: \\d+ of ${firstRunActions} finished`, 'm'));

    // The long command of the run: the image build. While it runs, the operator's terminal goes away. Killing the
    // tmux window closes the pty: the kernel hangs up the terminal and keelson gets SIGHUP, as when a terminal
    // window is closed or the operator's own SSH session drops. (SIGKILL would be a crash of keelson itself, not
    // the interruption an operator causes.)
    screen = await wait(W, /^ ▶ build image localhost\/keelson-demo:1/m, 'the image build to be running', 20 * MIN);
    const applyMs = performance.now() - applyStarted;
    times['apply until the image build runs'] = seconds(applyMs);
    timer.record('keelson', 'wizard: apply until the image build runs', applyMs);
    expect(screen).toMatch(/^ ✓ create Podman secret demo-token \(generated\)/m);
    expect(screen).toMatch(/^↑↓ scroll {2}q stop… {2}\? help$/m);
    expect(pidAlive(pid)).toBe(true);
    await tmux.killWindow(W);
    const until = performance.now() + 30_000;
    while (pidAlive(pid) && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pidAlive(pid), `keelson (pid ${pid}) outlived its terminal`).toBe(false);

    // The host's journal: a run that began the build and never ended.
    const runs = await journal(v);
    expect(runs.size).toBe(1);
    const [name, lines] = [...runs.entries()][0] ?? ['', []];
    interruptedRunId = name.replace(/\.jsonl$/, '');
    expect(lines[0]).toMatchObject({ event: 'run-start', runId: interruptedRunId });
    expect(lines.at(-1)).toMatchObject({ event: 'begin', kind: 'podman.image-build' });
    expect(lines.some((l) => l.event === 'run-end')).toBe(false);
  }, SLOW);

  it('keelson again: it finds the unfinished run on the host, resumes it to a successful apply and the Summary', async () => {
    expect(interruptedRunId, 'the first test did not leave an interrupted run').not.toBe('');
    const v = theVm();
    const W = 'resume';
    const resumeStarted = performance.now();
    const { firstFrameMs } = await startWizard(W);
    times['resume: first frame (Welcome)'] = seconds(firstFrameMs);
    let screen = await tmux.capture(W);
    // The wizard kept the operator's place (in HOME, with conf) and offers it.
    expect(screen).toMatch(/^ › Continue where you stopped$/m);
    expect(screen).toMatch(new RegExp(`^ {3}demo on ssh ${esc(dest(v))}, at review \\(saved `, 'm'));

    // Continue: connects to the saved target (its key remembered: no prompt) and reads the host's journal.
    screen = await press(W, 'Enter', /^keelson {2}Unfinished run on the host$/m, 'the unfinished-run screen', 10 * MIN);
    times['resume: Welcome → unfinished run found'] = seconds(performance.now() - resumeStarted - firstFrameMs);
    expect(screen).toContain('! The last keelson run on this host was interrupted.');
    expect(screen).toMatch(new RegExp(`^ {2}stack demo, run ${esc(interruptedRunId)}, started `, 'm'));
    expect(screen).toMatch(new RegExp(`^ {2}\\d+ of ${firstRunActions} actions finished`, 'm'));
    expect(screen).toMatch(/^ {2}stopped at \d+: build image localhost\/keelson-demo:1/m);
    expect(screen).toMatch(/^ › Resume$/m);
    expect(screen).toMatch(/^ {3}Roll back$/m);
    expect(screen).toMatch(/^ {3}Leave it$/m);

    // Resume: the same stack and answers, planned again; what the run finished is found done.
    const planStarted = performance.now();
    screen = await press(W, 'Enter', /^keelson {2}Review$/m, 'the Review of the resumed run', 15 * MIN);
    const resumePlanMs = performance.now() - planStarted;
    times['resume: plan (Resume → Review)'] = seconds(resumePlanMs);
    timer.record('keelson', 'wizard: resume: plan (Resume → Review)', resumePlanMs);
    expect(screen).toContain(`Resuming run ${interruptedRunId}: what it finished is already so and is not planned again.`);
    const left = Number(/^(\d+) actions to apply on ssh /m.exec(screen)?.[1]);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(firstRunActions);
    expect(screen).toMatch(/^1\. Preflight: .*\(nothing to do\)$/m);
    expect(screen).toMatch(/^3\. Identity: .*\(nothing to do\)$/m);

    await press(W, 'Enter', /\? y apply {2}n not yet/, 'the apply confirmation', 30_000);
    const applyStarted = performance.now();
    await press(W, 'y', /^keelson {2}Apply$/m, 'the Apply screen', 30_000);
    screen = await wait(W, /^(✓ Applied in|✗ Apply stopped)/m, 'the resumed apply to end', 25 * MIN);
    const resumeApplyMs = performance.now() - applyStarted;
    times['resume: apply'] = seconds(resumeApplyMs);
    timer.record('keelson', 'wizard: resume: apply', resumeApplyMs);
    expect(screen).toMatch(new RegExp(`^✓ Applied in [\\d.]+ s: ${left} done, 0 already so\\.$`, 'm'));
    expect(screen).toMatch(/^ ✓ build image localhost\/keelson-demo:1/m);
    expect(screen).toMatch(/^ ✓ wait until 4 units are active and api, web healthy/m);
    expect(screen).not.toMatch(/^ ✗ /m);

    screen = await press(W, 'Enter', /^keelson {2}Summary$/m, 'the Summary', 30_000);
    expect(screen).toContain(`✓ demo 1.0.0 is deployed on ssh ${dest(v)}: ${left} done, 0 already so.`);
    expect(screen).toMatch(/^ {2}web port 8080\/tcp → 127\.0\.0\.1:18080; from here: ssh -L 18080:127\.0\.0\.1:18080/m);
    expect(screen).toContain('check: systemctl --user -M keelson-demo@ status demo.target');
    // From inside the VM: the page with our greeting, the units active, both runs in the journal.
    expect(await page(v, 5 * MIN)).toContain(`<h1>${GREETING}</h1>`);
    expect((await sh(v, 'systemctl --user -M keelson-demo@ is-active api.service web.service page.service demo.target')).trim().split('\n')).toEqual(['active', 'active', 'active', 'active']);
    const runs = await journal(v);
    expect([...runs.keys()].sort()[0]).toBe(`${interruptedRunId}.jsonl`);
    expect(runs.size).toBe(2);
    const interrupted = runs.get(`${interruptedRunId}.jsonl`) ?? [];
    expect(interrupted.some((l) => l.event === 'run-end')).toBe(false);
    const completed = [...runs.entries()].find(([n]) => n !== `${interruptedRunId}.jsonl`)?.[1] ?? [];
    expect(completed[0]).toMatchObject({ event: 'run-start' });
    expect(completed.at(-1)).toMatchObject({ event: 'run-end', ok: true });

    deployedFiles = await stateFiles(v);
    expect(deployedFiles.length).toBeGreaterThan(5);
    firstSecret = await secretValue(v);
    expect(firstSecret.length).toBeGreaterThanOrEqual(32);
    // The generated secret is on the host only: not in the answers, the progress, the log or the host-key store.
    expect(workstationText().includes(firstSecret), 'the generated secret is in a file on the workstation').toBe(false);

    // Enter ends the wizard; its last words say where the log is. Last here, so a slow exit fails this test
    // without hiding what the VM shows.
    const quitAt = performance.now();
    await tmux.key(W, 'Enter');
    expect(await tmux.waitExit(W, { timeoutMs: MIN, what: 'keelson to exit after the Summary' })).toBe(0);
    times['resume: enter on the Summary → keelson exited'] = seconds(performance.now() - quitAt);
    screen = await tmux.captureJoined(W);
    const logPath = /^Log of this run: (\S+)$/m.exec(screen)?.[1] ?? '';
    expect(logPath.startsWith(join(home, '.local', 'state', 'keelson', 'logs')), screen).toBe(true);
    expect(readFileSync(logPath, 'utf8')).toContain('apply: finished');
    // A finished apply leaves nothing to continue.
    expect(JSON.parse(readFileSync(join(home, '.config', 'keelson', 'wizard.json'), 'utf8'))).toEqual({});
  }, SLOW);

  it('keelson again on the installed host: it asks what to do; Troubleshoot shows the stopped unit failing first, with its journal excerpt, and changes nothing', async () => {
    expect(deployedFiles.length, 'the second test did not deploy').toBeGreaterThan(0);
    const v = theVm();
    const W = 'troubleshoot';
    const USER_SYSTEMCTL = 'systemctl --user -M keelson-demo@';
    await sh(v, `${USER_SYSTEMCTL} stop web.service`);
    // What the wizard could have touched, read from inside: file contents, and the stack's unit states.
    const fingerprint = [
      'find /etc /home/keelson-demo/.config /var/lib/keelson -xdev -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum',
      `${USER_SYSTEMCTL} show -p Id -p ActiveState -p SubState -p NRestarts api.service web.service page.service demo.target`,
    ].join('; ');
    const before = await sh(v, fingerprint);

    await startWizard(W);
    let screen = await tmux.capture(W);
    // The finished apply left nothing to continue.
    expect(screen).toMatch(/^ › Start$/m);
    await press(W, 'Enter', /^keelson {2}Target$/m, 'the Target screen');
    await press(W, 'Enter', /^› Private key file/m, 'the key field to take the focus', 30_000);
    // The key is remembered (no prompt); no unfinished run; the record names the demo: the wizard asks what to do.
    screen = await press(W, 'Enter', /^keelson {2}On this host$/m, 'the choice for a host with a stack', 5 * MIN);
    expect(screen).toContain('keelson deployed this stack on the host:');
    expect(screen).toMatch(/^ {2}demo 1\.0\.0 \(rootless\)$/m);
    expect(screen).toMatch(/^ › Troubleshoot$/m);
    expect(screen).toMatch(/^ {3}Install \/ Reinstall \/ Repair$/m);

    const doctorStarted = performance.now();
    screen = await press(W, 'Enter', /^✗ \d+ failing, /m, 'the doctor report', 10 * MIN);
    const doctorMs = performance.now() - doctorStarted;
    times['troubleshoot: doctor in the wizard'] = seconds(doctorMs);
    timer.record('keelson', 'wizard: troubleshoot (doctor)', doctorMs);
    expect(screen).toMatch(/^keelson {2}Troubleshoot$/m);
    expect(screen.replace(/\s+/g, ' ')).toContain('in 1 round trip');
    // Failures first: the focused (first) check is a failing one.
    expect(screen).toMatch(/^ › ✗ FAIL {2}/m);
    await focus(W, '✗ FAIL  unit:demo:web.service');
    screen = await press(W, 'Enter', /^keelson {2}Troubleshoot · check$/m, 'the web check in full', 30_000);
    expect(screen).toMatch(/^✗ FAIL unit:demo:web\.service$/m);
    expect(screen).toContain('What doctor saw on the host:');
    expect(screen).toMatch(/^ {4}journal: /m);
    expect(screen).toMatch(new RegExp(`^ {4}${esc(`${USER_SYSTEMCTL} start web.service`)}$`, 'm'));

    await press(W, 'b', /^keelson {2}Troubleshoot$/m, 'the list again', 30_000);
    // The support bundle from here: written where keelson was started, 0600, its map beside it (never inside).
    screen = await press(W, 'w', /^✓ Support bundle:/m, 'the support bundle written', 10 * MIN);
    const bundles = readdirSync(work).filter((f) => /^keelson-support-.*\.tar\.gz$/.test(f));
    expect(bundles).toHaveLength(1);
    const bundle = join(work, bundles[0] ?? '');
    expect(screen.replace(/\s+/g, '')).toContain(bundle.replace(/\s+/g, ''));
    expect([statSync(bundle).mode & 0o777, statSync(bundle.replace(/\.tar\.gz$/, '.map.json')).mode & 0o777]).toEqual([0o600, 0o600]);
    await tmux.key(W, 'q');
    expect(await tmux.waitExit(W, { timeoutMs: MIN, what: 'keelson to exit after q' })).toBe(0);
    // Troubleshoot only read: the host is as it was, web still stopped.
    expect(await sh(v, fingerprint)).toBe(before);
  }, SLOW);

  /** A new wizard in window W, from Welcome (Start, or Start over) through Target to the choice for a host with a stack. */
  const toOnThisHost = async (W: string) => {
    await startWizard(W);
    await wait(W, /^ (›| ) Start( over)?$/m, 'Welcome');
    await focus(W, 'Start');
    await press(W, 'Enter', /^keelson {2}Target$/m, 'the Target screen');
    await press(W, 'Enter', /^› Private key file/m, 'the key field to take the focus', 30_000);
    await press(W, 'Enter', /^keelson {2}On this host$/m, 'the choice for a host with a stack', 5 * MIN);
  };

  /** From Welcome to the Upgrade screen's summary of the manifest at `manifest`; returns that screen. */
  const toUpgradeSummary = async (W: string, manifest: string, answerNew: boolean) => {
    await toOnThisHost(W);
    await focus(W, 'Upgrade');
    await press(W, 'Enter', /^keelson {2}Upgrade · Stack$/m, 'the new version to choose', 30_000);
    await wait(W, /A manifest file or stack archive…/, 'the stack list', MIN);
    await focus(W, 'A manifest file');
    await press(W, 'Enter', /^› Manifest file/m, 'the manifest path field', 30_000);
    await tmux.type(W, manifest);
    if (answerNew) {
      const asked = await press(W, 'Enter', /^keelson {2}Questions · 1 of 1$/m, 'the one new question', 5 * MIN);
      // The record answers the greeting: only the motto 1.1.0 adds is asked, with its default.
      expect(asked).toContain('The motto the status container reports');
      expect(asked).not.toContain('The greeting the demo page shows');
      expect(asked).toMatch(/^ {4}Upgraded in place\s*$/m);
    }
    return press(W, 'Enter', /^Type "yes" and press enter to upgrade demo/m, 'the upgrade summary and the typed confirmation', 10 * MIN);
  };
  const recordOf = async (v: Vm) => (JSON.parse(await sh(v, 'cat /var/lib/keelson/state.json')) as { stacks: Record<string, { version: string; answers: Record<string, string> | null }> }).stacks.demo;

  it('Upgrade from the wizard 1.0.0 → 1.1.0: only the new question, the summary, nothing changed before "yes", then upgraded and healthy', async () => {
    expect(deployedFiles.length, 'the second test did not deploy').toBeGreaterThan(0);
    const v = theVm();
    const W = 'upgrade';
    const summary = await toUpgradeSummary(W, join(root, 'test', 'fixtures', 'stacks', 'demo-1.1.0.yaml'), true);
    expect(summary).toMatch(/^Upgrade demo 1\.0\.0 → 1\.1\.0$/m);
    expect(summary).toMatch(/^ {2}answers: kept greeting; new motto; dropped none$/m);
    // Read, planned, shown: the host has not changed (the record, no rollback plan saved).
    expect((await recordOf(v))?.version).toBe('1.0.0');
    expect((await v.ssh('test -e /var/lib/keelson/upgrades/demo.json')).code).not.toBe(0);
    await tmux.type(W, 'yse');
    await press(W, 'Enter', /"yse" is not "yes": nothing was changed/, 'the wrong word refused', 30_000);
    expect((await recordOf(v))?.version).toBe('1.0.0');
    await tmux.type(W, 'yes');
    const started = performance.now();
    const done = await press(W, 'Enter', /^Upgraded demo 1\.0\.0 → 1\.1\.0: every unit active, every health check healthy\.$/m, 'the upgrade to finish', 25 * MIN);
    times['wizard upgrade 1.0.0 → 1.1.0'] = seconds(performance.now() - started);
    expect(done).toMatch(/^Journal on the host: \/var\/lib\/keelson\/journal\//m);
    await tmux.key(W, 'q');
    expect(await tmux.waitExit(W, { timeoutMs: MIN, what: 'keelson to exit after q' })).toBe(0);
    const record = await recordOf(v);
    expect([record?.version, record?.answers?.greeting, record?.answers?.motto]).toEqual(['1.1.0', GREETING, 'Upgraded in place']);
    expect((await sh(v, 'systemctl --user -M keelson-demo@ is-active web.service page.service status.service demo.target')).trim().split('\n')).toEqual(['active', 'active', 'active', 'active']);
    expect(await sh(v, 'systemctl --user -M keelson-demo@ list-units --all --plain --no-legend api.service')).toBe('');
  }, SLOW);

  it('Upgrade from the wizard to the broken 1.2.0: no question, "yes", the health gate fails, rolled back on its own to 1.1.0, healthy', async () => {
    const v = theVm();
    const W = 'upgrade-broken';
    const summary = await toUpgradeSummary(W, join(root, 'test', 'fixtures', 'stacks', 'demo-1.2.0.yaml'), false);
    expect(summary).toMatch(/^Upgrade demo 1\.1\.0 → 1\.2\.0$/m);
    expect(summary).toMatch(/^ {2}restarts, in this order: web\.service/m);
    await tmux.type(W, 'yes');
    const end = await press(W, 'Enter', /^Rolled back: demo 1\.1\.0 is back and healthy, in [\d.]+ s/m, 'the failed upgrade rolled back', 25 * MIN);
    times['wizard upgrade to 1.2.0: rollback'] = /in ([\d.]+) s/.exec(end)?.[1] ?? '?';
    expect(end).toMatch(/^What failed: /m);
    // The health gate's failure carries the unit's journal lines: on screen under "What failed".
    expect(end).toMatch(/web/);
    expect(end).toContain('(rollback)');
    await tmux.key(W, 'q');
    expect(await tmux.waitExit(W, { timeoutMs: MIN, what: 'keelson to exit after q' })).toBe(0);
    expect((await recordOf(v))?.version).toBe('1.1.0');
    const history = (JSON.parse(await sh(v, 'cat /var/lib/keelson/state.json')) as { stacks: Record<string, { history: { kind: string; from: string; to: string; outcome: string }[] }> }).stacks.demo?.history;
    expect(history?.at(-1)).toMatchObject({ kind: 'upgrade', from: '1.1.0', to: '1.2.0', outcome: 'rolled-back' });
    expect((await sh(v, 'systemctl --user -M keelson-demo@ is-active web.service page.service status.service demo.target')).trim().split('\n')).toEqual(['active', 'active', 'active', 'active']);
    expect(await page(v, MIN)).toContain(GREETING);
  }, SLOW);

  it('Uninstall from the wizard, keeping the data: the typed "yes", then no unit of the stack in the manager, the record without it, the owner kept', async () => {
    expect(deployedFiles.length, 'the second test did not deploy').toBeGreaterThan(0);
    const v = theVm();
    const W = 'uninstall';
    // The upgrades before left 1.1.0 (api gone, status added): every unit either version had must be gone.
    const units = 'api.service web.service page.service status.service demo.target demo-backend-network.service demo-edge-network.service demo-content-volume.service';
    const uid = (await sh(v, 'id -u keelson-demo')).trim();
    // Troubleshoot, quit with q, left its progress (at the target): Start over, or Start when there is none.
    await toOnThisHost(W);
    await focus(W, 'Uninstall');
    await press(W, 'Enter', /Uninstall demo: keep its data, or purge it\?/, 'keep or purge', 5 * MIN);
    await press(W, 'Enter', /Type "yes" and press enter to uninstall demo:/, 'the plan and the typed confirmation', 10 * MIN);
    await tmux.type(W, 'yes');
    const done = await press(W, 'Enter', /Uninstalled demo; its data stays\./, 'the uninstall to finish', 15 * MIN);
    expect(done).toContain('Journal on the host:');
    await tmux.key(W, 'q');
    expect(await tmux.waitExit(W, { timeoutMs: MIN, what: 'keelson to exit after q' })).toBe(0);
    expect(await sh(v, `systemctl --user -M keelson-demo@ list-units --all --plain --no-legend ${units}`)).toBe('');
    expect((JSON.parse(await sh(v, 'cat /var/lib/keelson/state.json')) as { stacks: object }).stacks).toEqual({});
    expect((await sh(v, 'id -u keelson-demo')).trim()).toBe(uid);
  }, SLOW);

  it('the saved answers, replayed headless against a fresh VM, produce the same deployment', async () => {
    expect(answersPath, 'the first test did not save the answers').not.toBe('');
    expect(deployedFiles.length, 'the second test did not deploy').toBeGreaterThan(0);
    // One VM at a time on this shared machine.
    await vm?.stop();
    vm = undefined;
    fresh = await prepareVm('wizard-tmux-replay');
    const v = fresh;
    expect((await v.ssh('getent passwd keelson-demo')).code).not.toBe(0);

    mkdirSync(join(dir, 'replay-home'), { mode: 0o700 });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(dir, 'replay-home') };
    delete env.XDG_CONFIG_HOME;
    delete env.XDG_STATE_HOME;
    const r = await keelsonCli(v, ['apply', '--stack', 'demo', '--answers', answersPath, '--yes'], { env, timer, label: 'headless replay: apply' });
    times['headless replay: apply'] = seconds(r.ms);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);

    expect(await page(v, 5 * MIN)).toContain(`<h1>${GREETING}</h1>`);
    expect((await sh(v, 'systemctl --user -M keelson-demo@ is-active api.service web.service page.service demo.target')).trim().split('\n')).toEqual(['active', 'active', 'active', 'active']);
    // The same files with the same content: the wizard's deployment, reproduced from the answers alone.
    expect(await stateFiles(v)).toEqual(deployedFiles);
    // Generated secrets are per host: a new one here, and neither is in the answers file.
    const secret = await secretValue(v);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(secret === firstSecret, 'both hosts got the same generated secret').toBe(false);
    const answers = readFileSync(answersPath, 'utf8');
    expect(answers.includes(secret) || answers.includes(firstSecret), 'a generated secret is in the answers file').toBe(false);
  }, SLOW);
});
