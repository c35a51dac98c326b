// The real controller on this machine: connect, plan, apply (stopped part-way), find the interrupted run in the
// journal, roll it back, apply again, save the answers — with a log that never holds the secret. The host's
// state directory (/var/lib/keelson) is moved into a temp directory so the test leaves this machine alone.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWizardController } from '../../src/cli/wizard-controller.js';
import type { HostFlags, OpenHostHooks } from '../../src/cli/open-host.js';
import { openWizardLog } from '../../src/cli/wizard-log.js';
import { fileProgressStore, wizardSettingsFile } from '../../src/cli/wizard-progress-store.js';
import { createRedactor } from '../../src/cli/wizard-redactor.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { relocated, relocatedFact } from '../support/relocated-host.js';
import { fileFact as recordFileFact, type TextFile } from '../../steps/storage/facts.js';
import { RECORD_PATH } from '../../src/state/record-schema.js';
import { withoutFailedMark } from '../../src/flows/failed-mark.js';
import { failedHost, REASON } from '../flows/failed-host.js';
import { KEELSON_STATE_DIR as STATE } from '../../src/apply/journal.js';
import { defineStep } from '../../src/engine/step.js';
import type { Fact } from '../../src/facts/fact.js';
import type { ApplyEvent } from '../../src/apply/apply-plan.js';
import { demoStack, makePlan } from './helpers/fixtures.js';
import { recordedHost } from '../support/recorded-host.js';
import { action as luksAction, scriptedHost } from '../steps/storage/luks-scripted-host.js';
import type { Reveal } from '../../screens/controller.js';

const fileFact = (path: string): Fact<string | null> => ({ id: `file:${path}`, probe: { argv: ['cat', '--', path] }, parse: (o) => (o.exitCode === 0 ? o.stdout : null) });

const filesStep = (dir: string) =>
  defineStep<{ app: string | null; extra: string | null }>({
    id: 'files',
    title: 'Two files',
    facts: () => ({ app: fileFact(join(dir, 'app.conf')), extra: fileFact(join(dir, 'extra.conf')) }),
    check: () => [],
    plan: (f) => [
      ...(f.app === 'new\n' ? [] : [{ kind: 'file.write' as const, description: 'replace app.conf', path: join(dir, 'app.conf'), content: 'new\n', mode: '0644', owner: 'root', group: 'root', before: f.app }]),
      ...(f.extra === 'extra\n' ? [] : [{ kind: 'file.write' as const, description: 'create extra.conf', path: join(dir, 'extra.conf'), content: 'extra\n', mode: '0644', owner: 'root', group: 'root', before: f.extra }]),
    ],
  });

describe('createWizardController', () => {
  it('plans, applies, stops, finds the run, rolls it back and applies again on this machine', { timeout: 120_000 }, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'keelson-controller-'));
    const dir = join(tmp, 'etc');
    const root = join(tmp, 'host');
    await createLocalHost().run(['mkdir', '-p', dir, `${root}${STATE}`]);
    writeFileSync(join(dir, 'app.conf'), 'old\n');
    const redactor = createRedactor();
    const log = openWizardLog(join(tmp, 'logs'), redactor);
    const controller = createWizardController({
      flags: {},
      log,
      redactor,
      progress: fileProgressStore(wizardSettingsFile(join(tmp, 'conf'))),
      cwd: tmp,
      keelson: 'npm --prefix /opt/keelson run keelson --',
      steps: [filesStep(dir)],
      openHost: () => Promise.resolve(relocated(createLocalHost(), root)),
    });

    expect(await controller.connect({ kind: 'local' }, () => Promise.resolve(false))).toEqual({ label: 'this machine (root)' });
    expect(await controller.readHost()).toEqual({ run: null, record: { kind: 'none' } });
    controller.setSecrets({ 'admin-token': 'tok-SECRET-42' });
    controller.log('the operator typed tok-SECRET-42 somewhere it should not be');

    const phases: string[] = [];
    const { plan } = await controller.plan(demoStack, { domain: 'd.example', port: '8080' }, (p) => phases.push(p));
    expect(phases).toEqual(['gathering', 'planning']);
    expect(plan.steps[0]?.actions.map((a) => a.description)).toEqual(['replace app.conf', 'create extra.conf']);

    // Stop after the first action: the journal on the host says the run was interrupted.
    const stop = new AbortController();
    const events: ApplyEvent['type'][] = [];
    const stopped = await controller.apply(plan, (e) => {
      events.push(e.type);
      if (e.type === 'end') stop.abort();
    }, stop.signal);
    expect(stopped).toMatchObject({ ok: false, stopped: true, done: 1 });
    expect(events).toEqual(['start', 'end']);
    expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe('new\n');

    const { run } = await controller.readHost();
    if (run === null) throw new Error('the interrupted run was not found in the journal');
    expect(run).toMatchObject({ state: 'interrupted', actions: 2, finished: 1, backups: [{ path: join(dir, 'app.conf') }] });

    const restored: string[] = [];
    const rolled = await controller.rollback(run, (p) => restored.push(p));
    expect(rolled).toEqual({ restored: [join(dir, 'app.conf')], failed: [], leftInPlace: [] });
    expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe('old\n');
    expect((await controller.readHost()).run).toBeNull(); // rolled back: not offered again

    const again = await controller.plan(demoStack, { domain: 'd.example', port: '8080' }, () => undefined);
    const done = await controller.apply(again.plan, () => undefined, new AbortController().signal);
    expect(done).toMatchObject({ ok: true, stopped: false, done: 2 });
    expect((await controller.readHost()).run).toBeNull();

    const saved = await controller.saveAnswers('answers.yaml', demoStack, { domain: 'd.example', port: '8080' });
    expect(saved).toMatchObject({ answersPath: join(tmp, 'answers.yaml'), secretsPath: join(tmp, 'answers.secrets.yaml') });
    // A command that runs from where the operator is, not a "keelson" their shell may not know.
    expect(saved.replay.startsWith(`npm --prefix /opt/keelson run keelson -- apply --stack demo --answers ${join(tmp, 'answers.yaml')}`)).toBe(true);
    expect(readFileSync(join(tmp, 'answers.secrets.yaml'), 'utf8')).toContain('tok-SECRET-42');

    await controller.close();
    const text = readFileSync(controller.logPath, 'utf8');
    expect(text).toContain('<secret:admin-token>');
    expect(text).not.toContain('tok-SECRET-42');
    expect(text).toContain('apply: stopped by the operator after 1 of 2');
    expect(text).toContain('rollback: restored');
  });
});

describe('createWizardController connect', () => {
  it('asks the host layer for remedies in the wizard\'s words, and passes --connect-timeout on', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'keelson-controller-'));
    const redactor = createRedactor();
    const seen: { flags: HostFlags; hooks: OpenHostHooks }[] = [];
    const controller = createWizardController({
      flags: { connectTimeout: '90' },
      log: openWizardLog(join(tmp, 'logs'), redactor),
      redactor,
      progress: fileProgressStore(wizardSettingsFile(join(tmp, 'conf'))),
      cwd: tmp,
      openHost: (flags, hooks) => {
        seen.push({ flags, hooks });
        return Promise.resolve(createLocalHost());
      },
    });
    await controller.connect({ kind: 'ssh', destination: 'admin@192.0.2.10', identity: 'id' }, () => Promise.resolve(false));
    await controller.close();
    expect(seen[0]?.flags).toMatchObject({ host: 'admin@192.0.2.10', identity: join(tmp, 'id'), connectTimeout: '90' });
    expect(seen[0]?.hooks.inputs?.keyFile).toBe('the "Private key file" field');
  });
});

describe('createWizardController apply with a LUKS setup', () => {
  it('hands the generated key to the screen once, apart from the events, and never writes it to the log', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'keelson-controller-'));
    const redactor = createRedactor();
    const log = openWizardLog(join(tmp, 'logs'), redactor);
    const { host, writes } = scriptedHost({ luksUuid: null, signature: null, keyFile: null, mapperOpen: false, fs: '', mountedAt: [] });
    const controller = createWizardController({ flags: {}, log, redactor, progress: fileProgressStore(wizardSettingsFile(join(tmp, 'conf'))), cwd: tmp, openHost: () => Promise.resolve(host) });
    await controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const plan = makePlan({ preflight: { actions: [] }, accounts: { actions: [luksAction] }, units: { actions: [] } });
    const reveals: Reveal[] = [];
    const events: string[] = [];
    const outcome = await controller.apply(plan, (e) => events.push(JSON.stringify(e)), new AbortController().signal, (r) => reveals.push(r));
    // The request is per host: saved answers replayed elsewhere must not format that host's disk.
    const saved = await controller.saveAnswers('a.yaml', demoStack, { domain: 'd.example', port: '8080', 'keelson.luks-device': '/dev/vdb' });
    await controller.close();
    expect(readFileSync(saved.answersPath, 'utf8')).not.toContain('luks');

    expect(outcome).toMatchObject({ ok: true, done: 1 });
    const key = writes.find((w) => w.path === luksAction.keyFile)?.content ?? '';
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(reveals).toEqual([{ message: expect.stringContaining('is shown ONCE') as unknown, secret: key }]);
    expect(events.join('\n')).not.toContain(key);
    const text = readFileSync(controller.logPath, 'utf8');
    expect(text).toContain('shown on the screen only, not in this log');
    expect(text).not.toContain(key);
  });
});

describe('createWizardController on a host keelson deployed to', () => {
  const setup = () => {
    const tmp = mkdtempSync(join(tmpdir(), 'keelson-controller-'));
    const root = join(tmp, 'host');
    const redactor = createRedactor();
    const inner = createLocalHost();
    const controller = createWizardController({
      flags: {},
      log: openWizardLog(join(tmp, 'logs'), redactor),
      redactor,
      progress: fileProgressStore(wizardSettingsFile(join(tmp, 'conf'))),
      cwd: tmp,
      keelson: 'npm run keelson --',
      openHost: () => Promise.resolve(relocated(inner, root)),
    });
    return { tmp, root, inner, controller };
  };

  it('reads the record with the journal in one round trip, as the VM recorded it after the demo install', async () => {
    const { root, inner, controller } = setup();
    await createLocalHost().run(['mkdir', '-p', `${root}${STATE}/journal`]);
    // A run that began one of its three actions and never ended, beside the record.
    writeFileSync(`${root}${STATE}/journal/r1.jsonl`, `${JSON.stringify({ event: 'run-start', runId: 'r1', stack: 'demo', actions: 3, at: '2026-12-02T03:00:00Z' })}\n${JSON.stringify({ event: 'begin', index: 0, description: 'replace web.container', at: '2026-12-02T03:00:01Z' })}\n`);
    // The record the test VM held after installing the demo, rootless and rootful.
    writeFileSync(`${root}${STATE}/state.json`, recordedHost('demo-installed').raw.get(`file:${STATE}/state.json`)?.stdout ?? '');
    await controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const before = inner.roundTrips;
    const found = await controller.readHost();
    expect(inner.roundTrips - before).toBe(1);
    expect(found.run).toMatchObject({ runId: 'r1', state: 'interrupted', actions: 3, finished: 0, stoppedAt: { index: 0, description: 'replace web.container' } });
    expect(found.record).toEqual({
      kind: 'stacks',
      stacks: [
        { name: 'demo', version: '1.0.0', mode: 'rootless', failed: null },
        { name: 'demo-rootful', version: '1.0.0', mode: 'rootful', failed: null },
      ],
    });
    writeFileSync(`${root}${STATE}/state.json`, '{"format": "keelson-state/2", "stacks": ');
    expect((await controller.readHost()).record).toMatchObject({ kind: 'unreadable', why: expect.stringContaining(`${STATE}/state.json`) as unknown });
    await controller.close();
  });

  it('plans an uninstall: nothing to do without the stack; with the record, the plan keelson uninstall prints, read-only', { timeout: 60_000 }, async () => {
    const { root, controller } = setup();
    await createLocalHost().run(['mkdir', '-p', `${root}${STATE}`]);
    await controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    expect(await controller.uninstallPlan('demo', false)).toEqual({ kind: 'nothing', message: expect.stringMatching(/^Nothing to do: stack demo is not installed by keelson on /) as unknown });
    const record = recordedHost('demo-installed').raw.get(`file:${STATE}/state.json`)?.stdout ?? '';
    writeFileSync(`${root}${STATE}/state.json`, record);
    const keep = await controller.uninstallPlan('demo', false);
    if (keep.kind !== 'ready') throw new Error(`expected a plan, got ${JSON.stringify(keep)}`);
    expect(keep).toMatchObject({ stack: 'demo', purge: false, confirmWord: 'yes', backupDir: null });
    expect(keep.text).toMatch(/^keelson uninstall: demo 1.0.0\n\nGoes:\n[^]*\nStays:\n[^]*\nLater:\n/);
    const purge = await controller.uninstallPlan('demo', true);
    expect(purge).toMatchObject({ kind: 'ready', purge: true, confirmWord: 'demo' });
    // Planning changed nothing: the record is as it was, and no journal was started.
    expect(readFileSync(`${root}${STATE}/state.json`, 'utf8')).toBe(record);
    expect(existsSync(`${root}${STATE}/journal`)).toBe(false);
    await controller.close();
  });

  it('checks and plans an upgrade with keelson upgrade\'s rules: not installed, a downgrade, only the new question; read-only', { timeout: 90_000 }, async () => {
    const { root, controller } = setup();
    await createLocalHost().run(['mkdir', '-p', `${root}${STATE}`]);
    await controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const demo = await controller.loadStack('demo');
    expect(await controller.upgradeCheck(demo)).toMatchObject({ kind: 'refused', refusal: { code: 'not-installed' } });
    const record = recordedHost('demo-installed').raw.get(`file:${STATE}/state.json`)?.stdout ?? '';
    writeFileSync(`${root}${STATE}/state.json`, record);
    const older = { ...demo, manifest: { ...demo.manifest, version: '0.9.0' } };
    expect(await controller.upgradeCheck(older)).toMatchObject({ kind: 'refused', refusal: { code: 'downgrade', remedy: expect.stringContaining('--allow-downgrade') as unknown } });
    const motd = { id: 'motd', prompt: 'Message of the day', default: 'hello' };
    const next = { ...demo, manifest: { ...demo.manifest, version: '1.1.0', questions: [...demo.manifest.questions, motd] } };
    const checked = await controller.upgradeCheck(next);
    if (checked.kind !== 'ask') throw new Error(`expected the questions, got ${JSON.stringify(checked)}`);
    // The record answers the install's questions: only the new one is asked.
    expect(checked).toMatchObject({ from: '1.0.0', asks: { manifest: { questions: [motd] } } });
    const planned = await controller.upgradePlan(next, { motd: 'hi there' });
    if (planned.kind !== 'ready' && planned.kind !== 'blocked') throw new Error(`expected a summary, got ${JSON.stringify(planned)}`);
    expect(planned.text).toMatch(/^Upgrade demo 1\.0\.0 → 1\.1\.0\n/);
    expect(planned.text).toContain('; new motd;');
    // Planning changed nothing: the record is as it was, no journal, no rollback plan saved.
    expect(readFileSync(`${root}${STATE}/state.json`, 'utf8')).toBe(record);
    expect(existsSync(`${root}${STATE}/journal`)).toBe(false);
    expect(existsSync(`${root}${STATE}/upgrades`)).toBe(false);
    await controller.close();
  });

  it('a stack the record marks failed: its plan is blocked, with the headless command that clears the mark', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'keelson-controller-'));
    const root = join(tmp, 'host');
    await createLocalHost().run(['mkdir', '-p', `${root}${STATE}`]);
    writeFileSync(`${root}${STATE}/state.json`, failedHost().recordText);
    const recordStep = defineStep<{ state: TextFile }>({
      id: 'record',
      title: 'The record',
      facts: () => ({ state: relocatedFact(recordFileFact(RECORD_PATH), root) }),
      check: () => [],
      plan: () => [{ kind: 'file.write' as const, description: 'write app.conf', path: join(tmp, 'app.conf'), content: 'x\n', mode: '0644', owner: 'root', group: 'root', before: null }],
    });
    const redactor = createRedactor();
    const controller = createWizardController({
      flags: {}, log: openWizardLog(join(tmp, 'logs'), redactor), redactor, progress: fileProgressStore(wizardSettingsFile(join(tmp, 'conf'))),
      cwd: tmp, keelson: 'npm run keelson --', steps: [recordStep], openHost: () => Promise.resolve(relocated(createLocalHost(), root)),
    });
    await controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const { plan } = await controller.plan(demoStack, { domain: 'd.example', port: '8080' }, () => undefined);
    expect(plan.blocked).toBe(true);
    expect(plan.steps[0]?.findings[0]).toMatchObject({ severity: 'blocker', code: 'stack-failed', message: expect.stringContaining(REASON) as unknown });
    expect(plan.steps[0]?.findings[0]?.remedy).toContain('then run npm run keelson -- apply --stack demo again with --clear-failed');
    writeFileSync(`${root}${STATE}/state.json`, withoutFailedMark(failedHost().recordText, 'demo'));
    expect((await controller.plan(demoStack, { domain: 'd.example', port: '8080' }, () => undefined)).plan.blocked).toBe(false);
    await controller.close();
  });

  it('writes the support bundle in the directory keelson started in, 0600, its pseudonym map beside it', { timeout: 120_000 }, async () => {
    const { tmp, controller } = setup();
    await controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const b = await controller.supportBundle();
    expect(b.path.startsWith(`${tmp}/keelson-support-`) && b.path.endsWith('.tar.gz')).toBe(true);
    expect(b.mapPath).toBe(b.path.replace(/\.tar\.gz$/, '.map.json'));
    expect([statSync(b.path).mode & 0o777, statSync(b.mapPath).mode & 0o777, statSync(b.path).size]).toEqual([0o600, 0o600, b.bytes]);
    expect(readFileSync(controller.logPath, 'utf8')).toContain(`support-bundle: ${b.path}`);
    await controller.close();
  });

  it('gives the headless command for the connected target, its key file absolute', async () => {
    const { tmp, controller } = setup();
    await controller.connect({ kind: 'ssh', destination: 'admin@192.0.2.10:2222', identity: 'keys/id ed' }, () => Promise.resolve(false));
    expect(controller.commandFor(['uninstall', '--stack', 'demo'])).toBe(`npm run keelson -- uninstall --stack demo --host admin@192.0.2.10:2222 --identity '${join(tmp, 'keys/id ed')}'`);
    await controller.close();
  });
});
