// The whole upgrade, decided before anything changes: (record, the new version's plan on this host, manifest,
// answers) → the summary the operator reads, the phased plan apply walks, and the rollback made up front. Pure.
import type { Action } from '../../engine/action.js';
import { planVerdict, type Plan } from '../../engine/plan.js';
import type { Manifest } from '../../manifest/schema.js';
import type { StackRecord } from '../../state/record-schema.js';
import { clearedNote, clearingFailed, withoutFailedMark } from '../failed-mark.js';
import type { UpgradeAnswers } from './answers.js';
import { upgradeActions } from './phases.js';
import { rollbackActions } from './rollback-plan.js';
import { recordedManifest, upgradeSummary, type UpgradeSummary } from './summary.js';

export interface PreparedUpgrade {
  /** The forward run's id: it names the volume archives' directory, so the walk must use this one. */
  readonly runId: string;
  readonly summary: UpgradeSummary;
  readonly answers: UpgradeAnswers;
  /** The phased plan (steps = phases) to apply; its findings are the new version's plan's. */
  readonly plan: Plan;
  /** The rollback plan, for a failure after the first change. */
  readonly rollback: Plan;
  /** Actions of the prefetch phase: a failure among them changed nothing that runs, so nothing is rolled back. */
  readonly prefetchCount: number;
  /** Actions of the prefetch and backup phases: a failure among them (an export) changed nothing that runs either. */
  readonly untouchedCount: number;
}

export interface PrepareInputs {
  readonly previous: StackRecord;
  readonly recordText: string;
  readonly manifest: Manifest;
  readonly answers: UpgradeAnswers;
  /** planHost's plan of the new version with those answers. */
  readonly plan: Plan;
  /** Chosen before the plan is shown (newRunId): the forward run's id, naming the volume archives' directory. */
  readonly runId: string;
  /** An interrupted run of this upgrade made its archives under this id (resume.ts): they are kept. */
  readonly backupRunId?: string;
  /** Containers an interrupted upgrade to the same version already rewrote (from its saved rollback plan). */
  readonly resumedRestarts?: readonly string[];
  /** --clear-failed: the record writes (forward and rollback) clear the stack's failed mark. */
  readonly clearFailed?: boolean;
}

const asPlan = (base: Plan, steps: Plan['steps']): Plan => ({ ...base, ...planVerdict(steps), steps });

export const prepareUpgrade = (i: PrepareInputs): PreparedUpgrade => {
  const cleared = i.clearFailed === true ? clearedNote(i.previous) : undefined;
  const plan = cleared === undefined ? i.plan : clearingFailed(i.plan, i.recordText, i.previous);
  const recordText = cleared === undefined ? i.recordText : withoutFailedMark(i.recordText, i.previous.stack);
  const backupRunId = i.backupRunId ?? i.runId;
  const planned = upgradeSummary(i.previous, i.manifest, plan, { runId: backupRunId, extraChanged: i.resumedRestarts ?? [] });
  const rollback: Action[] = rollbackActions({ plan, summary: planned, next: i.manifest, deployed: recordedManifest(i.previous), recordText, ...(cleared === undefined ? {} : { cleared }) });
  const { steps } = upgradeActions(plan, i.manifest, planned, rollback, { runId: i.runId, backupRunId });
  const count = (id: string): number => steps.find((s) => s.id === id)?.actions.length ?? 0;
  // Old backups go only after a health gate has passed: an upgrade that restarts nothing proves nothing healthy.
  const summary = count('health') > 0 ? planned : { ...planned, prunes: [] };
  // The new version's findings (blockers above all) stay with the plan: a blocked upgrade applies nothing.
  const findings = plan.steps.flatMap((s) => s.findings);
  const phased = [{ id: 'checks', title: `Checks: ${i.manifest.stack} ${i.manifest.version} on this host`, findings, actions: [] }, ...steps];
  return {
    runId: i.runId,
    summary,
    answers: i.answers,
    plan: asPlan(plan, phased),
    rollback: asPlan(plan, [{ id: 'rollback', title: `Rollback: ${i.manifest.stack} back to ${summary.from.version}`, findings: [], actions: rollback }]),
    prefetchCount: count('prefetch'),
    untouchedCount: count('prefetch') + count('backup'),
  };
};

/** What the upgrade was doing when its action `index` failed, or null once something that runs had changed (a rollback's case). */
export const untouchedPhase = (p: Pick<PreparedUpgrade, 'prefetchCount' | 'untouchedCount'>, index: number): string | null => {
  if (index >= p.untouchedCount) return null;
  return index < p.prefetchCount ? 'fetching images' : 'backing up (an archive could not be made or read back)';
};
