// What an upgrade will do, for the operator to read before anything changes: from → to, who signed it against who
// signed the installed version, each changed file as a unified diff, the containers added / removed / changed, the
// images to fetch, the exact units that restart, what is backed up. From the record (what is deployed) and the plan of
// the new version on this host. Pure.
import type { Action } from '../../engine/action.js';
import { planActions, type Plan } from '../../engine/plan.js';
import { fileDiff } from '../../engine/render-plan.js';
import { manifestSchema, type Manifest } from '../../manifest/schema.js';
import { RECORD_PATH, type StackRecord } from '../../state/record-schema.js';
import { bodyChanged } from '../../../steps/quadlet/desired.js';
import { serviceUnit } from '../../../steps/quadlet/unit-names.js';
import { restartSet } from './restart-set.js';
import { signerChange, type SignerChange } from './signer-change.js';

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
  /** Saved before the first change: the record and every file that changes. */
  readonly backups: readonly string[];
  /** Nothing to do at all (same version, nothing differs on the host). */
  readonly upToDate: boolean;
}

/** The deployed manifest from the record; null for a record brought forward from format 1 (it had none). */
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

/** `extraChanged`: containers whose unit an interrupted run already rewrote (so this plan sees no difference). */
export const upgradeSummary = (previous: StackRecord, m: Manifest, plan: Plan, extraChanged: readonly string[] = []): UpgradeSummary => {
  const actions = planActions(plan);
  const before = new Set(deployedContainers(previous));
  const now = new Set(m.containers.map((c) => c.name));
  const changed = new Set(extraChanged.filter((c) => now.has(c) && before.has(c)));
  for (const a of actions) {
    const c = a.kind === 'file.write' ? containerOf(a.path) : null;
    if (a.kind === 'file.write' && c !== null && a.before !== null && before.has(c) && bodyChanged(a.before, a.content)) changed.add(c);
  }
  const files = fileChanges(actions);
  const removed = [...before].filter((c) => !now.has(c)).sort();
  return {
    stack: m.stack,
    from: { version: previous.version },
    to: { version: m.version },
    signer: signerChange(previous.archive, plan.archive),
    files,
    containers: { added: [...now].filter((c) => !before.has(c)).sort(), removed, changed: [...changed].sort() },
    images: imagesOf(actions),
    restarts: restartSet(m, changed).map(serviceUnit),
    stops: removed.map(serviceUnit),
    backups: [RECORD_PATH, ...files.filter((f) => f.change !== 'add').map((f) => f.path)],
    upToDate: actions.length === 0 && previous.version === m.version,
  };
};
