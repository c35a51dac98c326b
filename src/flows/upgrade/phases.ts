// An upgrade is a plan like any other, ordered into phases: prefetch (images, while the old version still runs) →
// backup (the rollback plan, holding the record and every file that changes, saved on the host before the first
// change; then every volume the summary names exported, checksummed and read back, while the old version still
// runs) → write (files, accounts, secrets; containers leaving the stack stopped) → reload → restart exactly the
// summary's set, dependencies first, then the stack's target (which starts what was added) → health gate → record.
// Pure: the plan's actions are regrouped, never invented, except the restarts the summary decided.
import type { Action, ActionOf } from '../../engine/action.js';
import { planActions, type Plan, type StepPlan } from '../../engine/plan.js';
import type { Manifest } from '../../manifest/schema.js';
import { stackScope } from '../../../steps/quadlet/placement.js';
import { daemonReloadAction, waitHealthyAction } from '../../../steps/quadlet/plan.js';
import { backupRunNote, type UpgradeSummary } from './summary.js';

export const PHASES = [
  ['prefetch', 'Prefetch: every image the new version needs, while the old one still runs'],
  ['backup', 'Backup: the record, every file that changes and the volumes of what restarts, and how to put them back'],
  ['write', 'Write: unit files, accounts, secrets; containers leaving the stack stop'],
  ['reload', 'Reload: Quadlet generates the new units'],
  ['restart', 'Restart: only the units that changed and what requires them'],
  ['health', 'Health gate: every unit active, every health check healthy'],
  ['record', 'Record: the new version in the deployment record'],
] as const;
export type PhaseId = (typeof PHASES)[number][0];

/** Where the upgrade's rollback plan is kept on the host while it runs (and after, for a later look). */
export const rollbackPlanPath = (stack: string): string => `/var/lib/keelson/upgrades/${stack}.json`;

const BY_KIND: Partial<Record<Action['kind'], PhaseId>> = {
  'podman.image-build': 'prefetch',
  'podman.image-load': 'prefetch',
  'podman.image-pull': 'prefetch',
  'probe.image': 'prefetch',
  'systemd.daemon-reload': 'reload',
  'stack.wait-healthy': 'health',
  'state.write': 'record',
};

/** Everything not named above changes the host's files or accounts: the write phase. */
const phaseOf = (a: Action): PhaseId | 'drop' => {
  // The plan's own restarts compare files on the host; the summary's set is the one the operator read.
  if (a.kind === 'systemd.unit') return a.verb === 'stop' ? 'write' : a.verb === 'restart' ? 'drop' : 'restart';
  return BY_KIND[a.kind] ?? 'write';
};

export interface UpgradeActions {
  readonly steps: StepPlan[];
  /** The rollback, made before the first change (saved on the host in the backup phase). */
  readonly rollback: Action[];
}

const restartActions = (m: Manifest, units: readonly string[]): ActionOf<'systemd.unit'>[] =>
  units.map((unit) => ({ kind: 'systemd.unit', description: `restart ${unit} (changed, or requires what changed)`, target: stackScope(m), verb: 'restart', unit, noBlock: true }));

/** The run that saves the rollback plan, and the one whose volume archives it restores (the same, unless resumed). */
export interface UpgradeRuns {
  readonly runId: string;
  readonly backupRunId: string;
}

const backupActions = (m: Manifest, summary: UpgradeSummary, rollback: Action[], runs: UpgradeRuns): Action[] => {
  const saved = { format: 'keelson-rollback/1', stack: m.stack, from: summary.from.version, to: summary.to.version, restarts: summary.restarts, ...runs, rollback };
  const content = `${JSON.stringify(saved, null, 2)}\n`;
  const files = summary.backups.length - 1 - summary.volumes.length;
  const exports = summary.volumes.map((v): Action => ({
    kind: 'podman.volume-export',
    description: `back up volume ${v.volume} to ${v.archive} (sha256 beside it, read back before anything stops${v.restore ? '; restored if the upgrade rolls back' : '; mounted read-only only: kept, never restored'})`,
    target: stackScope(m),
    volume: v.volume,
    file: v.archive,
  }));
  return [{ kind: 'state.write', description: `save the rollback plan (the record and ${files} file${files === 1 ? '' : 's'} as they are now) in ${rollbackPlanPath(m.stack)}`, path: rollbackPlanPath(m.stack), content }, ...exports];
};

/** A record write that adds a history entry, with the run whose directory holds this upgrade's archives. */
const withBackupRun = (a: Action, summary: UpgradeSummary): Action => (a.kind === 'state.write' && a.run !== undefined ? { ...a, run: { ...a.run, ...backupRunNote(summary) } } : a);

export const upgradeActions = (plan: Plan, m: Manifest, summary: UpgradeSummary, rollback: Action[], runs: UpgradeRuns): UpgradeActions => {
  const byPhase = new Map<PhaseId, Action[]>(PHASES.map(([id]) => [id, []]));
  for (const a of planActions(plan)) {
    const p = phaseOf(a);
    if (p !== 'drop') byPhase.get(p)?.push(a);
  }
  // The history keeps which run's directory holds the archives: retention removes old ones by that id, nothing else.
  byPhase.set('record', (byPhase.get('record') ?? []).map((a) => withBackupRun(a, summary)));
  const changes = (byPhase.get('write') ?? []).length > 0;
  const restart = [...restartActions(m, summary.restarts), ...(byPhase.get('restart') ?? [])];
  byPhase.set('restart', restart);
  // Units restart from what Quadlet generated last: every restart follows a reload, also when no file differs now. An
  // interrupted run may have written the files and stopped before its reload (the VM restarted the old web so).
  if (restart.length > 0 && (byPhase.get('reload') ?? []).length === 0) byPhase.set('reload', [daemonReloadAction(stackScope(m))]);
  // An interrupted run may leave units to restart and nothing else to do: the gate still follows every restart.
  if (restart.length > 0 && (byPhase.get('health') ?? []).length === 0) byPhase.set('health', [waitHealthyAction(m)]);
  if (changes || restart.length > 0) byPhase.set('backup', backupActions(m, summary, rollback, runs));
  const steps = PHASES.map(([id, title]): StepPlan => ({ id, title, findings: [], actions: byPhase.get(id) ?? [] }));
  return { steps, rollback };
};
