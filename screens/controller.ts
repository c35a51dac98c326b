// Everything the screens may ask of the world, as one interface. The screens hold no I/O: the real
// controller (src/cli/wizard-controller.ts) talks to hosts and files; tests hand the screens a fake one.
import { createContext, useContext } from 'react';
import type { ApplyEvent } from '../src/apply/apply-plan.js';
import type { Check, CheckStatus } from '../src/flows/doctor/check.js';
import type { DoctorReport } from '../src/flows/doctor/run-doctor.js';
import type { Plan, PlanArchive } from '../src/engine/plan.js';
import type { Answers } from '../src/engine/step.js';
import type { Manifest } from '../src/manifest/schema.js';
import type { PreparedUpgrade } from '../src/flows/upgrade/prepare.js';
import type { Refusal } from '../src/flows/upgrade/refusals.js';
import type { UpgradeOutcome } from '../src/cli/upgrade-run.js';

/** Where the stack goes: this machine, or a host over SSH ("user@host[:port]" and an optional key file). */
export type TargetSpec = { readonly kind: 'local' } | { readonly kind: 'ssh'; readonly destination: string; readonly identity?: string };

/** A host key seen for the first time: the operator compares the fingerprint out of band before trusting it. */
export interface HostKeyPrompt {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  /** "SHA256:…", as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
}

export interface Connected {
  /** For people: "this machine (sudo)", "ssh admin@203.0.113.7:22 (sudo)". */
  readonly label: string;
}

/** A stack bundled with keelson, for the Stack screen's list. */
export interface StackChoice {
  readonly ref: string;
  readonly name: string;
  readonly version: string;
  readonly description?: string;
}

export interface StackInfo {
  /** What `--stack` takes to find it again: a bundled name, a manifest file path, or a stack archive's path. */
  readonly ref: string;
  /** Where it was read from (a path), for people. */
  readonly source: string;
  readonly manifest: Manifest;
  /** A stack archive (FILE.keelson), verified whole against the trusted key: which one and who signed it. */
  readonly archive?: PlanArchive;
}

export type PlanPhase = 'gathering' | 'planning';

export interface Planned {
  readonly plan: Plan;
  readonly gatherMs: number;
}

/** What apply reported, plus whether it ended because the operator asked it to stop. */
export interface ApplyOutcome {
  readonly ok: boolean;
  readonly stopped: boolean;
  readonly runId: string;
  readonly journalPath: string;
  readonly done: number;
  readonly skipped: number;
  readonly failed?: { readonly index: number; readonly description: string; readonly error: string };
}

/** The last keelson run journaled on the host, when it did not end well: the wizard offers resume or roll back. */
export interface HostRun {
  readonly runId: string;
  readonly journalPath: string;
  readonly stack: string;
  readonly startedAt: string;
  readonly state: 'interrupted' | 'failed';
  readonly actions: number;
  /** Actions that finished (done or already so). */
  readonly finished: number;
  /** The action that was running or failed, if the journal says. */
  readonly stoppedAt?: { readonly index: number; readonly description: string; readonly error?: string };
  /** Files replaced during the run, with where their previous content was kept. */
  readonly backups: readonly { readonly path: string; readonly backup: string }[];
  /** Actions that created something new (no backup to restore): a roll back leaves these in place. */
  readonly created: readonly string[];
}

/** A stack keelson's deployment record on the host names. */
export interface DeployedStack {
  readonly name: string;
  readonly version: string;
  readonly mode: 'rootless' | 'rootful';
  /** The failed mark (a rollback that failed): why, and since when. */
  readonly failed: { readonly reason: string; readonly at: string } | null;
}

/** What the deployment record on the connected host says: no stack, the stacks it names, or a record that cannot be read. */
export type HostRecord =
  | { readonly kind: 'none' }
  | { readonly kind: 'stacks'; readonly stacks: readonly DeployedStack[] }
  | { readonly kind: 'unreadable'; readonly why: string };

/** What the wizard learns right after connecting, in one round trip. */
export interface HostFindings {
  /** The last run, if it was interrupted or failed and was not rolled back. */
  readonly run: HostRun | null;
  readonly record: HostRecord;
}

export interface RollbackOutcome {
  readonly restored: readonly string[];
  readonly failed: readonly { readonly path: string; readonly error: string }[];
  /** What the run created and a roll back does not remove (users, new files, units). */
  readonly leftInPlace: readonly string[];
}

export type ProgressScreen = 'target' | 'stack' | 'questions' | 'step' | 'review';

/** The operator's place in an unfinished wizard, kept with conf. Never holds a secret. */
export interface WizardProgress {
  readonly target: TargetSpec | null;
  readonly stackRef: string | null;
  readonly answers: Answers;
  readonly screen: ProgressScreen;
  readonly stepIndex: number;
  readonly skipped: readonly string[];
  readonly savedAt: string;
}

export interface SavedAnswers {
  readonly answersPath: string;
  /** The 0600 file with the asked secrets, or null when the stack asks none. */
  readonly secretsPath: string | null;
  /** The headless command that replays these answers. */
  readonly replay: string;
}

/** A secret shown to the operator once, with what it is (e.g. the key of the new LUKS volume). */
export interface Reveal {
  readonly message: string;
  readonly secret: string;
}

/** Where Troubleshoot's support bundle went: the bundle to send, and the map of pseudonyms to keep. */
export interface BundleWritten {
  readonly path: string;
  readonly mapPath: string;
  readonly bytes: number;
  readonly secrets: number;
}

/** What uninstalling a stack would do, planned from the host's record; nothing has changed on the host yet. */
export type UninstallPlanned =
  | { readonly kind: 'nothing'; readonly message: string }
  | { readonly kind: 'refused'; readonly why: string }
  | {
      readonly kind: 'ready';
      readonly stack: string;
      readonly purge: boolean;
      /** What goes, what stays and the commands for later, exactly as `keelson uninstall` prints it. */
      readonly text: string;
      /** What the operator types to go on: "yes", or the stack's name for a purge. */
      readonly confirmWord: string;
      /** Where a purge puts the volume archives first (null: no purge, or no backup). */
      readonly backupDir: string | null;
      readonly plan: Plan;
      readonly runId: string;
    };

/** Whether a stack may be upgraded to the chosen version, and what the operator must answer first. Read-only. */
export type UpgradeChecked =
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | {
      readonly kind: 'ask';
      readonly stack: StackInfo;
      /** The deployed version (the record's). */
      readonly from: string;
      /** The stack with only what the upgrade asks: new questions (or kept answers this version refuses), new asked secrets. */
      readonly asks: StackInfo;
    };

/** The upgrade as keelson upgrade plans it on the connected host; nothing has changed yet. */
export type UpgradePlanned =
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | { readonly kind: 'up-to-date'; readonly text: string }
  /** The summary, and the new version's blockers (each with what to do): nothing can be upgraded until they are gone. */
  | { readonly kind: 'blocked'; readonly text: string; readonly blockers: string }
  | {
      readonly kind: 'ready';
      readonly stack: StackInfo;
      /** The summary exactly as `keelson upgrade` prints it before it asks. */
      readonly text: string;
      readonly prepared: PreparedUpgrade;
      /** The same upgrade as a headless command for this target, the stack's path quoted for a shell. */
      readonly again: string;
    };

export type ReadyUpgrade = Extract<UpgradePlanned, { kind: 'ready' }>;

export interface WizardController {
  /** The log file of this run (secrets redacted), shown at the end. */
  readonly logPath: string;
  /** The words that start keelson from where the operator is ("keelson", "npm run keelson --"), for printed commands. */
  readonly keelson: string;
  /** Milliseconds from a monotonic-enough clock: elapsed times on screen. Injected so tests control it. */
  readonly now: () => number;
  /** Writes one line to the log (the controller redacts secrets). */
  log(line: string): void;

  listStacks(): Promise<StackChoice[]>;
  /** Throws an Error whose message says what to fix (manifest errors with line numbers). */
  loadStack(ref: string): Promise<StackInfo>;

  /** Opens the target; for a host never seen before it awaits the operator's verdict on its key first. */
  connect(target: TargetSpec, confirmHostKey: (key: HostKeyPrompt) => Promise<boolean>): Promise<Connected>;
  /** The last unfinished run and the deployment record of the connected host, read together (one round trip). */
  readHost(): Promise<HostFindings>;
  /** keelson doctor on the connected host: one round trip of facts, pure checks. Nothing on the host changes. */
  doctor(): Promise<DoctorReport>;
  /**
   * A redacted support bundle of the connected host, written on this workstation in the directory keelson started in
   * (0600), with its pseudonym map beside it; reads only, as doctor does.
   */
  supportBundle(): Promise<BundleWritten>;
  /** A headless command for the connected target, as the operator can paste it: keelson's words, `args`, --host. */
  commandFor(args: readonly string[]): string;
  rollback(run: HostRun, onRestored?: (path: string) => void): Promise<RollbackOutcome>;

  /** The secret answers typed in this session: kept in memory, redacted from the log. */
  setSecrets(secrets: Readonly<Record<string, string>>): void;
  /** Facts in one round trip, then the pure planner. Nothing changes on the host. */
  plan(stack: StackInfo, answers: Answers, onPhase: (phase: PlanPhase) => void): Promise<Planned>;
  /**
   * The only call that changes the host. `signal` asks it to stop after the running action. `onReveal` gets a secret
   * the operator must see once (a LUKS key keelson generated): apart from the events, and never logged.
   */
  apply(plan: Plan, onEvent: (event: ApplyEvent) => void, signal: AbortSignal, onReveal?: (reveal: Reveal) => void): Promise<ApplyOutcome>;

  /** keelson uninstall's plan for one stack of the connected host (purge: volumes, secrets, images, accounts too). Read-only. */
  uninstallPlan(stack: string, purge: boolean): Promise<UninstallPlanned>;
  /** Runs that plan through apply's executors and journal; `signal` stops it after the running action. */
  uninstall(planned: Extract<UninstallPlanned, { kind: 'ready' }>, onEvent: (event: ApplyEvent) => void, signal: AbortSignal): Promise<ApplyOutcome>;

  /** Reads the record: may this stack be upgraded to `stack`'s version, and what does it ask that the record lacks. */
  upgradeCheck(stack: StackInfo): Promise<UpgradeChecked>;
  /** keelson upgrade's plan with the recorded answers plus `answers` (the new ones); the secrets set before. Read-only. */
  upgradePlan(stack: StackInfo, answers: Answers): Promise<UpgradePlanned>;
  /**
   * keelson upgrade's runner: the phases, then on a failure after the first change the automatic rollback. `signal`
   * stops the upgrade after the running action; a rollback, once started, is never stopped part-way.
   */
  upgrade(planned: ReadyUpgrade, onEvent: (walk: 'upgrade' | 'rollback', event: ApplyEvent) => void, signal: AbortSignal): Promise<UpgradeOutcome>;

  loadProgress(): WizardProgress | null;
  saveProgress(progress: WizardProgress): void;
  clearProgress(): void;

  defaultAnswersPath(stack: StackInfo): string;
  /** Answers as YAML (`stack:` + `answers:`), asked secrets apart in a 0600 file. */
  saveAnswers(path: string, stack: StackInfo, answers: Answers): Promise<SavedAnswers>;

  close(): Promise<void>;
}

export const ControllerContext = createContext<WizardController | null>(null);

export const useController = (): WizardController => {
  const controller = useContext(ControllerContext);
  if (controller === null) throw new Error('screens need a WizardController: wrap them in <ControllerContext.Provider>');
  return controller;
};

export type { ApplyEvent, Plan, Answers, Manifest, Check, CheckStatus, DoctorReport, PreparedUpgrade, Refusal, UpgradeOutcome };
