// What an upgrade will do, for the operator to read before anything changes: from → to, who signed it against who
// signed the installed version, each changed file as a unified diff, the containers added / removed / changed, the
// images to fetch, the exact units that restart, the migrations that run, what is backed up (the record, the files
// and the volumes) and which volumes a rollback restores. From the record (what is deployed) and the plan of the new
// version on this host. Pure.
import type { Action } from '../../engine/action.js';
import { planActions, type Plan } from '../../engine/plan.js';
import { fileDiff } from '../../engine/render-plan.js';
import { manifestSchema, type Manifest } from '../../manifest/schema.js';
import { RECORD_PATH, type StackRecord } from '../../state/record-schema.js';
import { bodyChanged } from '../../../steps/quadlet/desired.js';
import { serviceUnit } from '../../../steps/quadlet/unit-names.js';
import { restartSet } from './restart-set.js';
import { backupsToPrune, type PrunedBackup } from './backup-retention.js';
import { signerChange, type SignerChange } from './signer-change.js';
import { migrationsOf, volumeBackups, type VolumeBackup } from './volume-backups.js';

export interface FileChange {
  readonly path: string;
  readonly change: 'add' | 'change' | 'remove';
  readonly diff: string;
}

export interface UpgradeSummary {
  readonly stack: string;
  readonly from: { readonly version: string };
  readonly to: { readonly version: string };
  /** Who signed the installed version and who signed this one (the plan's stack archive), and what that change is. */
  readonly signer: SignerChange;
  readonly files: readonly FileChange[];
  readonly containers: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] };
  readonly images: readonly string[];
  /** Units restarted, in this order (changed containers and what requires them). */
  readonly restarts: readonly string[];
  /** Units stopped for good (their container left the stack). */
  readonly stops: readonly string[];
  /** Run-once jobs marked migration that run again (the version changes), before what requires them restarts. */
  readonly migrations: readonly string[];
  /** Volumes exported before anything stops, and whether the rollback restores each. */
  readonly volumes: readonly VolumeBackup[];
  /** Saved before the first change: the record, every file that changes, every volume archive. */
  readonly backups: readonly string[];
  /** The run whose directory holds the volume archives (the history keeps it); null: no volume is exported. */
  readonly backupRunId: string | null;
  /** Older upgrade backups removed once the new version is healthy (backup-retention.ts). */
  readonly prunes: readonly PrunedBackup[];
  /** Nothing to do at all (same version, nothing differs on the host). */
  readonly upToDate: boolean;
}

/** The deployed manifest from the record; null for a record brought forward from format 1 (it had none). */
/** The part of a history note that says which run's directory holds this upgrade's volume archives (none: nothing exported). */
export const backupRunNote = (s: Pick<UpgradeSummary, 'backupRunId'>): { backupRunId?: string } => (s.backupRunId === null ? {} : { backupRunId: s.backupRunId });

export const recordedManifest = (previous: StackRecord): Manifest | null => {
  const r = manifestSchema.safeParse(previous.manifest);
  return r.success ? r.data : null;
};

const containerOf = (path: string): string | null => /\/([a-z][a-z0-9-]*)\.container$/.exec(path)?.[1] ?? null;

const fileChanges = (actions: readonly Action[]): FileChange[] =>
  actions.flatMap((a): FileChange[] => {
    const diff = fileDiff(a) ?? '';
    if (a.kind === 'file.write') return [{ path: a.path, change: a.before === null ? 'add' : 'change', diff }];
    return a.kind === 'file.remove' ? [{ path: a.path, change: 'remove', diff }] : [];
  });

const deployedContainers = (previous: StackRecord): string[] => {
  const m = recordedManifest(previous);
  return m !== null ? m.containers.map((c) => c.name) : previous.files.flatMap((f) => containerOf(f.path) ?? []);
};

const imagesOf = (actions: readonly Action[]): string[] =>
  actions.flatMap((a) => (a.kind === 'podman.image-build' || a.kind === 'podman.image-pull' || a.kind === 'podman.image-load' ? [a.image] : []));

export interface SummaryOptions {
  /** The upgrade's run id, chosen before the plan is shown: it names the volume archives' directory. */
  readonly runId: string;
  /** Containers whose unit an interrupted run already rewrote (so this plan sees no difference). */
  readonly extraChanged?: readonly string[];
}

export const upgradeSummary = (previous: StackRecord, m: Manifest, plan: Plan, o: SummaryOptions): UpgradeSummary => {
  const actions = planActions(plan);
  const before = new Set(deployedContainers(previous));
  const now = new Set(m.containers.map((c) => c.name));
  // A migration re-runs once per upgrade to another version: it is changed, so what requires it restarts after it.
  const migrations = previous.version === m.version ? [] : migrationsOf(m);
  const changed = new Set([...(o.extraChanged ?? []), ...migrations].filter((c) => now.has(c) && before.has(c)));
  for (const a of actions) {
    const c = a.kind === 'file.write' ? containerOf(a.path) : null;
    if (a.kind === 'file.write' && c !== null && a.before !== null && before.has(c) && bodyChanged(a.before, a.content)) changed.add(c);
  }
  const files = fileChanges(actions);
  const removed = [...before].filter((c) => !now.has(c)).sort();
  const added = [...now].filter((c) => !before.has(c)).sort();
  const restarts = restartSet(m, changed);
  const volumes = volumeBackups({ previous, next: m, deployed: recordedManifest(previous), writers: [...new Set([...restarts, ...migrations, ...added])], removed, runId: o.runId });
  const backupRunId = volumes.length > 0 ? o.runId : null;
  const upToDate = actions.length === 0 && previous.version === m.version;
  return {
    stack: m.stack,
    from: { version: previous.version },
    to: { version: m.version },
    signer: signerChange(previous.archive, plan.archive),
    files,
    containers: { added, removed, changed: [...changed].sort() },
    images: imagesOf(actions),
    restarts: restarts.map(serviceUnit),
    stops: removed.map(serviceUnit),
    migrations,
    volumes,
    backups: [RECORD_PATH, ...files.filter((f) => f.change !== 'add').map((f) => f.path), ...volumes.map((v) => v.archive)],
    backupRunId,
    prunes: upToDate ? [] : backupsToPrune(previous, backupRunId),
    upToDate,
  };
};
