// The wizard's real controller: the screens ask, this does the I/O through the engine — openHost, loadStack,
// planHost, applyPlan, the journal — and writes every step to the run's log with secrets redacted.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Host } from '../host/host.js';
import { applyChannels } from './wizard-apply-channels.js';
import { planActions, planBlockers } from '../engine/plan-queries.js';
import type { AnyStep } from '../engine/step.js';
import type { ApplyOutcome, StackInfo, TargetSpec, WizardController } from '../../screens/controller.js';
import type { ApplyResult } from '../apply/apply-plan.js';
import { WIZARD_INPUTS } from '../../screens/target/target-state.js';
import { isLuksAnswer } from '../../steps/storage/setup-request.js';
import { isStackName } from '../manifest/resolve-stack.js';
import { shellWord } from './keelson-command.js';
import { isArchivePath } from '../manifest/archive/archive-layout.js';
import { archiveText } from '../engine/signer-text.js';
import { wizardArchives } from './wizard-archives.js';
import type { HostFlags, OpenHostHooks } from './open-host.js';
import type { WizardLog } from './wizard-log.js';
import { upgradeMethods } from './wizard-upgrade.js';
import type { ProgressStore } from './wizard-progress-store.js';
import type { Redactor } from './wizard-redactor.js';

// The engine is loaded on first use, after the first frame (the screens only ask for it once the operator acts).
const engine = () => import('./wizard-engine.js');

export interface WizardControllerOptions {
  /** Flags given on the command line that still matter once a target is chosen (--known-hosts, --host-key). */
  readonly flags: HostFlags;
  readonly log: WizardLog;
  readonly redactor: Redactor;
  readonly progress: ProgressStore;
  /** Where relative paths typed in the wizard are resolved (the directory keelson was started in). */
  readonly cwd: string;
  /** How the operator starts keelson from there (keelsonCommand), for the commands keelson prints. */
  readonly keelson?: string;
  readonly home?: string;
  readonly now?: () => number;
  readonly steps?: readonly AnyStep[];
  readonly openHost?: (flags: HostFlags, hooks: OpenHostHooks) => Promise<Host>;
  /**
   * `keelson wizard --trust PUBKEY`: the key a stack archive must be signed by (absent: the workstation's configured
   * key, ~/.config/keelson/trusted.pub). The wizard never skips a signature: --allow-unsigned is headless only.
   */
  readonly trust?: string;
}

const expandHome = (path: string, home: string): string => (path === '~' ? home : path.startsWith('~/') ? resolve(home, path.slice(2)) : path);

/** What apply reported, as the screens take it; logged under `what` (apply, uninstall). */
const outcomeOf = (what: string, r: ApplyResult, total: number, log: (line: string) => void): ApplyOutcome => {
  if (r.stoppedBefore !== undefined) {
    log(`${what}: stopped by the operator after ${r.done + r.skipped} of ${total}; journal ${r.journalPath}`);
    return { ok: false, stopped: true, runId: r.runId, journalPath: r.journalPath, done: r.done, skipped: r.skipped };
  }
  log(`${what}: ${r.ok ? 'finished' : 'stopped at a failure'}: ${r.done} done, ${r.skipped} already so; journal ${r.journalPath}`);
  return {
    ok: r.ok,
    stopped: false,
    runId: r.runId,
    journalPath: r.journalPath,
    done: r.done,
    skipped: r.skipped,
    ...(r.failed === undefined ? {} : { failed: { index: r.failed.index, description: r.failed.action.description, error: r.failed.error } }),
  };
};

export const createWizardController = (o: WizardControllerOptions): WizardController => {
  const now = o.now ?? Date.now;
  const home = o.home ?? homedir();
  const open = o.openHost ?? (async (flags: HostFlags, hooks: OpenHostHooks) => (await engine()).openHost(flags, hooks));
  const steps = async () => o.steps ?? (await engine()).allSteps;
  let host: Host | null = null;
  let target: TargetSpec | null = null;
  let secrets: Readonly<Record<string, string>> = {};
  const archives = wizardArchives();
  const log = (line: string) => {
    o.log.write(line);
  };
  const connected = (): Host => {
    if (host === null) throw new Error('not connected: choose a target first');
    return host;
  };
  const path = (p: string) => resolve(o.cwd, expandHome(p, home));

  const keelson = o.keelson ?? 'keelson';
  /** The headless command for this target, for the operator to copy. */
  const headless = (args: readonly string[]): string =>
    [
      keelson,
      ...args,
      ...(target?.kind === 'ssh' ? [`--host ${shellWord(target.destination)}`, ...(target.identity === undefined ? [] : [`--identity ${shellWord(path(target.identity))}`])] : []),
    ].join(' ');
  return {
    logPath: o.log.path,
    keelson,
    now,
    log,

    listStacks: async () => (await engine()).listBundledStacks((name, why) => { log(`stacks: bundled stack ${name} left out: ${why}`); }),

    loadStack: async (ref) => {
      // A bundled name stays a name (what --stack takes); a file becomes an absolute path, valid from anywhere. An
      // archive is verified whole here (signature, every checksum, the trusted comment), before any host sees it.
      const { bundledStacks, loadStack } = await engine();
      const loaded = await loadStack(expandHome(ref, home), o.cwd, isArchivePath(ref) && o.trust !== undefined ? { trust: path(o.trust) } : {});
      const bundled = isStackName(ref) && (await bundledStacks()).includes(ref);
      const stack = { ref: bundled ? ref : loaded.source, source: loaded.source, manifest: loaded.manifest };
      if (loaded.archive === undefined) return stack;
      const a = loaded.archive.archive;
      archives.remember(loaded.archive);
      log(`stack: ${archiveText(a)}`);
      // loadStack names an archive as given; its file is the absolute path.
      return { ...stack, ref: a.file, source: a.file, archive: a };
    },

    connect: async (spec, confirmHostKey) => {
      await host?.close().catch(() => undefined);
      host = null;
      const flags: HostFlags =
        spec.kind === 'local'
          ? {}
          : {
              host: spec.destination,
              ...(spec.identity === undefined ? {} : { identity: path(spec.identity) }),
              ...(o.flags.knownHosts === undefined ? {} : { knownHosts: o.flags.knownHosts }),
              ...(o.flags.connectTimeout === undefined ? {} : { connectTimeout: o.flags.connectTimeout }),
              // A pinned key belongs to the host it was given for.
              ...(o.flags.hostKey !== undefined && o.flags.host === spec.destination ? { hostKey: o.flags.hostKey } : {}),
            };
      host = await open(flags, { confirmNewHostKey: confirmHostKey, inputs: WIZARD_INPUTS });
      target = spec;
      log(`target: connected: ${host.label}`);
      return { label: host.label };
    },

    readHost: async () => {
      const { readLastRunAndFile, hostRecordOf, RECORD_PATH } = await engine();
      const { run, file } = await readLastRunAndFile(connected(), RECORD_PATH);
      const record = hostRecordOf(file);
      log(`record: ${record.kind === 'stacks' ? record.stacks.map((x) => `${x.name} ${x.version}${x.failed === null ? '' : ' (marked failed)'}`).join(', ') : record.kind === 'unreadable' ? `unreadable: ${record.why}` : 'no stack deployed'}`);
      if (run === null) return { run: null, record };
      log(`journal: last run ${run.runId} of ${run.stack}: ${run.state}${run.rolledBack ? ' (rolled back)' : ''} (${run.journalPath})`);
      if (run.state === 'ok' || run.rolledBack) return { run: null, record };
      return { run: { ...run, state: run.state }, record };
    },

    doctor: async () => {
      const report = await (await engine()).runDoctor(connected());
      const { ok, warn, fail } = report.counts;
      log(`doctor: ${fail} failing, ${warn} warning, ${ok} ok in ${report.roundTrips} round trip(s)${report.checks.filter((c) => c.status !== 'ok').map((c) => `; ${c.status} ${c.id}`).join('')}`);
      return report;
    },

    supportBundle: async () => {
      const written = await (await engine()).writeSupportBundle(connected(), { dir: o.cwd, destination: target?.kind === 'ssh' ? target.destination : null });
      log(`support-bundle: ${written.path} (${written.bytes} bytes, ${written.secrets} secret(s) redacted by value); map ${written.mapPath}`);
      return written;
    },

    commandFor: headless,

    rollback: async (run, onRestored) => {
      log(`rollback: run ${run.runId}: restoring ${run.backups.length} files`);
      const result = await (await engine()).rollbackRun(connected(), run, {
        onRestored: (p) => {
          log(`rollback: restored ${p}`);
          onRestored?.(p);
        },
        now: new Date(now()),
      });
      for (const f of result.failed) log(`rollback: FAILED ${f.path}: ${f.error}`);
      return result;
    },

    setSecrets: (s) => {
      secrets = { ...s };
      o.redactor.remember(secrets);
    },

    plan: async (stack, answers, onPhase) => {
      onPhase('gathering');
      const { planHost, renderPlanText, blockedWhileFailed, recordTextOf, withSignerFinding } = await engine();
      const made = await planHost(connected(), await steps(), stack.manifest, answers, new Date(now()), stack.archive);
      // The record came with the facts: a stack marked failed, or installed from a signed archive, gets a blocker, so
      // the Review cannot start it again (the wizard has no --clear-failed, --allow-new-signer, --allow-unsigned).
      const record = recordTextOf(made.raw);
      const command = headless(['apply', '--stack', shellWord(stack.ref), ...(stack.archive !== undefined && o.trust !== undefined ? ['--trust', shellWord(path(o.trust))] : [])]);
      const plan = withSignerFinding(record, blockedWhileFailed(record, made.plan, command), {}, command);
      const gatherMs = made.gatherMs;
      onPhase('planning');
      log(`plan: facts in ${Math.round(gatherMs)} ms, ${plan.roundTrips} round trip(s); ${planBlockers(plan).length} blockers, ${planActions(plan).length} actions`);
      log(renderPlanText(plan).trimEnd());
      return { plan, gatherMs };
    },

    apply: async (plan, onEvent, signal, onReveal) => {
      const h = connected();
      const { applyPlan, newRunId } = await engine();
      const total = planActions(plan).length;
      const runId = newRunId(new Date(now()));
      const { forward, reveal } = applyChannels({ log, redactor: o.redactor, total, onEvent, ...(onReveal === undefined ? {} : { onReveal }) });
      const packed = archives.forPlan(plan.archive);
      const r = await applyPlan(h, plan, { secretAnswers: secrets, onEvent: forward, runId, signal, ...packed, ...(onReveal === undefined ? {} : { onReveal: reveal }) });
      return outcomeOf('apply', r, total, log);
    },

    uninstallPlan: async (stack, purge) => {
      const { prepareUninstall, nothingToUninstallText, uninstallConfirmWord, uninstallText } = await engine();
      const made = await prepareUninstall(connected(), { stack, purge, backup: true });
      if ('refused' in made) {
        log(`uninstall: refused: ${made.refused}`);
        return { kind: 'refused', why: made.refused };
      }
      if ('nothing' in made) {
        const message = nothingToUninstallText(stack, connected().label);
        log(`uninstall: ${message}`);
        return { kind: 'nothing', message };
      }
      const { p, plan, runId } = made;
      log(`uninstall: plan for ${p.stack}${p.purge ? ' (purge)' : ''}: ${planActions(plan).length} actions, ${plan.roundTrips} round trip(s)`);
      return { kind: 'ready', stack: p.stack, purge: p.purge, text: uninstallText(p), confirmWord: uninstallConfirmWord(p), backupDir: p.backupDir, plan, runId };
    },

    uninstall: async (planned, onEvent, signal) => {
      const h = connected();
      const { applyPlan } = await engine();
      const total = planActions(planned.plan).length;
      const { forward } = applyChannels({ log, redactor: o.redactor, total, onEvent });
      const r = await applyPlan(h, planned.plan, { runId: planned.runId, signal, onEvent: forward });
      return outcomeOf('uninstall', r, total, log);
    },

    ...upgradeMethods({ connected, log, redactor: o.redactor, secrets: () => secrets, archiveOf: (source) => archives.bySource(source), commandFor: headless }),

    loadProgress: () => o.progress.load(),
    saveProgress: (p) => {
      o.progress.save(p);
    },
    clearProgress: () => {
      o.progress.clear();
    },

    defaultAnswersPath: (stack: StackInfo) => resolve(o.cwd, `keelson-${stack.manifest.stack}.answers.yaml`),

    saveAnswers: async (file, stack, answers) => {
      const asked = new Set(stack.manifest.secrets.filter((s) => s.ask !== undefined).map((s) => s.name));
      const stackSecrets = Object.fromEntries(Object.entries(secrets).filter(([name]) => asked.has(name)));
      // A LUKS setup is asked for per host, typed twice: never replayed from a file onto another host's disk.
      const replayable = Object.fromEntries(Object.entries(answers).filter(([id]) => !isLuksAnswer(id)));
      const saved = await (await engine()).writeAnswersFiles({
        keelson,
        answersPath: path(file),
        stackRef: stack.ref,
        stackName: stack.manifest.stack,
        answers: replayable,
        secrets: stackSecrets,
        ...(target?.kind === 'ssh' ? { host: target.destination, ...(target.identity === undefined ? {} : { identity: path(target.identity) }) } : {}),
      });
      log(`answers: saved to ${saved.answersPath}${saved.secretsPath === null ? '' : `, secrets to ${saved.secretsPath} (0600)`}`);
      return saved;
    },

    close: async () => {
      await host?.close().catch(() => undefined);
      host = null;
      o.log.close();
    },
  };
};
