// A controller with no world behind it: every answer scripted, every call recorded. The screens are pure, so
// this is all they need to be driven from Welcome to Summary.
import type { ApplyEvent } from '../../../src/apply/apply-plan.js';
import { planActions, type Plan } from '../../../src/engine/plan.js';
import { untouchedPhase } from '../../../src/flows/upgrade/prepare.js';
import type {
  ApplyOutcome,
  Connected,
  DoctorReport,
  HostKeyPrompt,
  HostRecord,
  HostRun,
  PlanPhase,
  Planned,
  Reveal,
  RollbackOutcome,
  SavedAnswers,
  StackChoice,
  StackInfo,
  TargetSpec,
  UninstallPlanned,
  UpgradeChecked,
  UpgradeOutcome,
  UpgradePlanned,
  WizardController,
  WizardProgress,
} from '../../../screens/controller.js';
import type { Answers } from '../../../src/engine/step.js';
import { demoStack, makePlan } from './fixtures.js';
import { fakeReadyUpgrade, fakeUpgradeChecked } from './upgrade-fixtures.js';

export interface FakeOptions {
  stacks?: StackChoice[];
  loadStack?: (ref: string) => Promise<StackInfo>;
  hostKey?: HostKeyPrompt;
  connectError?: Error;
  lastRun?: HostRun | null;
  /** The host's deployment record (default: none, a host keelson never deployed to). */
  record?: HostRecord;
  /** Each call of doctor() takes the next report (the last one repeats); an Error is thrown. */
  doctor?: readonly (DoctorReport | Error)[];
  plan?: () => Promise<Plan> | Plan;
  /** Awaited inside each action, between start and end: lets a test hold apply mid-way. */
  gate?: (index: number) => Promise<void>;
  failAt?: number;
  /** Apply itself throws (a lost connection) once this action has started. */
  breakAt?: number;
  progress?: WizardProgress | null;
  keelson?: string;
  /** supportBundle() rejects with it. */
  bundleError?: Error;
  /** What uninstallPlan answers (default: a ready plan, see fakeUninstallPlanned). */
  uninstall?: (stack: string, purge: boolean) => UninstallPlanned;
  /** What upgradeCheck answers (default: asks the one new question, port). */
  upgradeCheck?: (stack: StackInfo) => UpgradeChecked;
  /** What upgradePlan answers (default: the hand-made demo 1.0.0 → 1.1.0, ready). */
  upgradePlan?: (stack: StackInfo, answers: Answers) => UpgradePlanned;
  /** The upgrade's rollback fails at this action (after the upgrade failed at failAt). */
  rollbackFailAt?: number;
  /** The error of the upgrade's failure (default: the apply fake's). */
  upgradeError?: string;
}

export interface FakeController extends WizardController {
  readonly calls: { connect: TargetSpec[]; plan: Answers[]; apply: Plan[]; saveAnswers: { path: string; answers: Answers }[]; rollback: HostRun[]; doctor: number; supportBundle: number; uninstallPlan: { stack: string; purge: boolean }[]; uninstall: UninstallPlanned[]; upgradeCheck: StackInfo[]; upgradePlan: { stack: StackInfo; answers: Answers }[]; upgrade: UpgradePlanned[] };
  readonly logLines: string[];
  readonly progress: { current: WizardProgress | null; saves: number };
  secrets: Readonly<Record<string, string>>;
  hostKeyVerdict: boolean | null;
}

/** The key the fake's LUKS setup "generates" (43 characters, as generateLuksKey makes them). */
export const FAKE_LUKS_KEY = 'k3y-0f-the-fake-luks-volume_aBcDeFgHiJkLmNo';

export const fakeController = (o: FakeOptions = {}): FakeController => {
  const calls: FakeController['calls'] = { connect: [], plan: [], apply: [], saveAnswers: [], rollback: [], doctor: 0, supportBundle: 0, uninstallPlan: [], uninstall: [], upgradeCheck: [], upgradePlan: [], upgrade: [] };
  const logLines: string[] = [];
  const progress = { current: o.progress ?? null, saves: 0 };
  let clock = 1_000_000;
  /** Apply as the fake does it: each action's events, the gate, a failure or a break where asked. */
  const run = async (plan: Plan, onEvent: (e: ApplyEvent) => void, signal: AbortSignal, onReveal?: (r: Reveal) => void, failAt = o.failAt, error = 'apt-get exited with 100: E: Unable to locate package passt'): Promise<ApplyOutcome> => {
    let done = 0;
    for (const [index, action] of planActions(plan).entries()) {
      if (signal.aborted) return { ok: false, stopped: true, runId: 'run-1', journalPath: '/var/lib/keelson/journal/run-1.jsonl', done, skipped: 0 };
      onEvent({ type: 'start', index, action });
      onEvent({ type: 'line', index, line: `output of ${action.kind}` });
      // As the LUKS executor does: the key it made, through the reveal channel only.
      if (action.kind === 'luks.setup') onReveal?.({ message: `The key of ${action.mountPoint} (LUKS ${action.uuid}) is shown ONCE. Keep a copy off this host:`, secret: FAKE_LUKS_KEY });
      await o.gate?.(index);
      if (o.breakAt === index) throw new Error('connection to 192.0.2.10 lost');
      if (failAt === index) {
        onEvent({ type: 'failed', index, error });
        return { ok: false, stopped: false, runId: 'run-1', journalPath: '/var/lib/keelson/journal/run-1.jsonl', done, skipped: 0, failed: { index, description: action.description, error: error.split(':')[0] ?? error } };
      }
      onEvent({ type: 'end', index, result: 'done', ms: 1200 });
      done++;
    }
    return { ok: true, stopped: false, runId: 'run-1', journalPath: '/var/lib/keelson/journal/run-1.jsonl', done, skipped: 0 };
  };
  const c: FakeController = {
    calls,
    logLines,
    progress,
    secrets: {},
    hostKeyVerdict: null,
    logPath: '/home/op/.local/state/keelson/logs/wizard-20250101T000000.log',
    keelson: o.keelson ?? 'keelson',
    now: () => (clock += 100),
    log: (l) => {
      logLines.push(l);
    },
    listStacks: () => Promise.resolve(o.stacks ?? [{ ref: 'demo', name: 'demo', version: '1.0.0', description: 'a web server and its socket directory' }]),
    loadStack: (ref) => (o.loadStack ? o.loadStack(ref) : ref === 'demo' ? Promise.resolve(demoStack) : Promise.reject(new Error(`--stack ${ref}: no such file`))),
    connect: async (target, confirm): Promise<Connected> => {
      calls.connect.push(target);
      if (o.connectError) throw o.connectError;
      if (target.kind === 'ssh' && o.hostKey) {
        c.hostKeyVerdict = await confirm(o.hostKey);
        if (!c.hostKeyVerdict) throw Object.assign(new Error(`${o.hostKey.host}:${o.hostKey.port} is not a known host`), { remedy: 'Check the fingerprint with the host administrator.' });
      }
      return { label: target.kind === 'local' ? 'this machine (root)' : `ssh ${target.destination} (sudo)` };
    },
    readHost: () => Promise.resolve({ run: o.lastRun ?? null, record: o.record ?? { kind: 'none' } }),
    doctor: () => {
      const reports = o.doctor ?? [];
      const r = reports[Math.min(calls.doctor++, reports.length - 1)];
      if (r === undefined) return Promise.reject(new Error('the fake has no doctor report'));
      return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
    },
    supportBundle: () => {
      calls.supportBundle++;
      if (o.bundleError !== undefined) return Promise.reject(o.bundleError);
      return Promise.resolve({ path: '/home/op/keelson-support-demo-20250101T000000Z.tar.gz', mapPath: '/home/op/keelson-support-demo-20250101T000000Z.map.json', bytes: 48213, secrets: 1 });
    },
    commandFor: (args) => [c.keelson, ...args, ...(calls.connect.at(-1)?.kind === 'ssh' ? [`--host ${(calls.connect.at(-1) as { destination: string }).destination}`] : [])].join(' '),
    rollback: (run, onRestored): Promise<RollbackOutcome> => {
      calls.rollback.push(run);
      for (const b of run.backups) onRestored?.(b.path);
      return Promise.resolve({ restored: run.backups.map((b) => b.path), failed: [], leftInPlace: run.created });
    },
    setSecrets: (s) => {
      c.secrets = s;
    },
    plan: async (_stack, answers, onPhase: (p: PlanPhase) => void): Promise<Planned> => {
      calls.plan.push(answers);
      onPhase('gathering');
      const plan = await (o.plan ?? makePlan)();
      onPhase('planning');
      return { plan, gatherMs: 12 };
    },
    apply: (plan, onEvent, signal, onReveal) => {
      calls.apply.push(plan);
      return run(plan, onEvent, signal, onReveal);
    },
    uninstallPlan: (stack, purge) => {
      calls.uninstallPlan.push({ stack, purge });
      return Promise.resolve(o.uninstall?.(stack, purge) ?? fakeUninstallPlanned(stack, purge));
    },
    uninstall: (planned, onEvent, signal) => {
      calls.uninstall.push(planned);
      return run(planned.plan, onEvent, signal);
    },
    upgradeCheck: (stack) => {
      calls.upgradeCheck.push(stack);
      return Promise.resolve(o.upgradeCheck?.(stack) ?? fakeUpgradeChecked(stack));
    },
    upgradePlan: (stack, answers) => {
      calls.upgradePlan.push({ stack, answers });
      return Promise.resolve(o.upgradePlan?.(stack, answers) ?? fakeReadyUpgrade(stack));
    },
    // As runUpgrade walks it: the phases; a failure after the prefetch, the rollback (never stopped), its outcome.
    upgrade: async (planned, onEvent, signal): Promise<UpgradeOutcome> => {
      calls.upgrade.push(planned);
      const p = planned.prepared;
      const error = o.upgradeError ?? 'apt-get exited with 100: E: Unable to locate package passt';
      const f = await run(p.plan, (e) => { onEvent('upgrade', e); }, signal, undefined, o.failAt, error);
      const base = { runId: 'run-1', journalPath: f.journalPath };
      if (f.ok) return { ok: true, ...base };
      if (f.stopped) return { ok: false, ...base, stoppedBefore: f.done };
      const index = f.failed?.index ?? 0;
      const failed = { action: f.failed?.description ?? '', error, index };
      if (untouchedPhase(p, index) !== null) return { ok: false, ...base, failed };
      const back = await run(p.rollback, (e) => { onEvent('rollback', e); }, new AbortController().signal, undefined, o.rollbackFailAt, 'systemctl exited with 1');
      const rollback = { ok: back.ok, runId: 'run-2', journalPath: '/var/lib/keelson/journal/run-2.jsonl', seconds: 4.2, ...(back.failed === undefined ? {} : { error: `${back.failed.description}: systemctl exited with 1` }) };
      return { ok: false, ...base, failed, rollback, ...(back.ok ? {} : { markedFailed: 'the rollback failed too' }) };
    },
    loadProgress: () => progress.current,
    saveProgress: (p) => {
      progress.current = p;
      progress.saves++;
    },
    clearProgress: () => {
      progress.current = null;
    },
    defaultAnswersPath: (stack) => `/work/op/keelson-${stack.manifest.stack}.answers.yaml`,
    saveAnswers: (path, stack, answers): Promise<SavedAnswers> => {
      calls.saveAnswers.push({ path, answers });
      return Promise.resolve({ answersPath: path, secretsPath: `${path.replace(/\.yaml$/, '')}.secrets.yaml`, replay: `${c.keelson} apply --stack ${stack.ref} --answers ${path} --yes` });
    },
    close: () => Promise.resolve(),
  };
  return c;
};

/** A ready uninstall plan: the fixture plan's actions, with text in the shape uninstall-text prints. */
export const fakeUninstallPlanned = (stack: string, purge: boolean): UninstallPlanned => ({
  kind: 'ready',
  stack,
  purge,
  text: [`keelson uninstall${purge ? ' --purge' : ''}: ${stack} 1.0.0`, '', 'Goes:', '  unit web.service', '', 'Stays:', ...(purge ? ['  nothing'] : ['  volume demo-data']), '', 'Later:', `  keelson uninstall --stack ${stack} --purge`].join('\n'),
  confirmWord: purge ? stack : 'yes',
  backupDir: purge ? `/srv/keelson-backups/${stack}-run-1` : null,
  plan: makePlan(),
  runId: 'run-1',
});

/** A promise and its resolver, for holding a fake mid-way. */
export const deferred = <T = void>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};
