// A stack's entry in the record, built from the manifest and the facts, never from a clock: an unchanged host renders
// the same bytes, so a second plan writes nothing. The history and the failed flag are carried over as they are; a
// run's own history entry is added by the executor that writes the record (it knows the run id and the time).
import { RESERVED_PREFIX } from '../engine/answers.js';
import type { Answers, Resolved } from '../engine/step.js';
import type { Manifest } from '../manifest/schema.js';
import { HISTORY_LIMIT, RECORD_FORMAT, type HistoryEntry, type RecordArchive, type StackRecord, type Uninstalled } from './record-schema.js';
import type { RecordFile } from './parse-record.js';
import { sha256 } from '../../steps/quadlet/unit-header.js';
import { secretName } from '../../steps/quadlet/unit-names.js';

/** JSON with every object's keys sorted: the same manifest always gives the same text, and so the same digest. */
export const canonicalJson = (value: unknown, indent?: number): string =>
  JSON.stringify(
    value,
    (_k, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    indent,
  );

export const manifestDigest = (m: Manifest): string => `sha256:${sha256(canonicalJson(m))}`;

/** The stack's own answers: keelson.* options (a LUKS device to format) are one-time requests, never kept. */
export const keptAnswers = (answers: Answers): Record<string, string> =>
  Object.fromEntries(Object.entries(answers).filter(([id]) => !id.startsWith(RESERVED_PREFIX)).sort(([a], [b]) => (a < b ? -1 : 1)));

export interface StackRecordInputs {
  readonly manifest: Manifest;
  readonly answers: Answers;
  readonly resolved: Resolved;
  readonly keelsonVersion: string;
  readonly top: string;
  /** Every file the stack manages, with the content keelson writes. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
  readonly luksUuid: string | null;
  /** The entry there now (its history and failed flag are kept). */
  readonly previous: StackRecord | null;
  /** The verified stack archive the manifest came from, if it did. */
  readonly archive?: RecordArchive;
  /** The image ID of each of the stack's images known now (the rest are added when the record is written). */
  readonly imageIds?: Readonly<Record<string, string>>;
}

/** The stack's image refs, each once, sorted: what the record lists and what it keeps an ID for. */
export const stackImages = (m: Manifest): string[] => [...new Set(m.containers.map((c) => c.image))].sort();

const byName = <T extends { name: string }>(list: T[]): T[] => list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export const stackRecord = (i: StackRecordInputs): StackRecord => {
  const m = i.manifest;
  const userNames = new Set([...(m.mode === 'rootless' && m.owner !== undefined ? [m.owner] : []), ...m.users.map((u) => u.name)]);
  const groupNames = new Set([...m.groups.map((g) => g.name), ...m.users.flatMap((u) => u.groups), ...m.sockets.map((s) => s.group)]);
  return {
    stack: m.stack,
    version: m.version,
    mode: m.mode,
    owner: m.mode === 'rootless' ? (m.owner ?? null) : null,
    keelson: i.keelsonVersion,
    dataMount: { path: m.dataMount, luksUuid: i.luksUuid },
    top: i.top,
    manifest: JSON.parse(canonicalJson(m)) as unknown,
    manifestDigest: manifestDigest(m),
    answers: keptAnswers(i.answers),
    files: [...i.files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => ({ path: f.path, sha256: sha256(f.content) })),
    users: byName([...userNames].flatMap((name) => {
      const u = i.resolved.users[name];
      return u === undefined ? [] : [{ name, uid: u.uid, gid: u.gid, home: u.home }];
    })),
    groups: byName([...groupNames].flatMap((name) => {
      const gid = i.resolved.groups[name];
      return gid === undefined ? [] : [{ name, gid }];
    })),
    // Names only: a value never leaves Podman's secret store.
    secrets: m.secrets.map((s) => secretName(m.stack, s.name)).sort(),
    images: stackImages(m),
    imageIds: Object.fromEntries(stackImages(m).flatMap((ref) => (i.imageIds?.[ref] === undefined ? [] : [[ref, i.imageIds[ref]]]))),
    history: i.previous?.history ?? [],
    failed: i.previous?.failed ?? null,
    ...(i.archive === undefined ? {} : { archive: { sumsSha256: i.archive.sumsSha256, signedBy: i.archive.signedBy, trustedComment: i.archive.trustedComment } }),
  };
};

// Keys sorted at every level: a record read back (the schema orders keys its own way) renders the same bytes.
const render = (stacks: Record<string, unknown>, uninstalled: Record<string, Uninstalled>): string =>
  `${canonicalJson({ format: RECORD_FORMAT, stacks, ...(Object.keys(uninstalled).length > 0 ? { uninstalled } : {}) }, 2)}\n`;

/** The run names a directory of volume archives that no later upgrade has removed. */
export const namesLiveBackup = (e: HistoryEntry): e is HistoryEntry & { backupRunId: string } => e.backupRunId !== undefined && e.backupPruned === undefined;

/**
 * The newest HISTORY_LIMIT runs, and any older one that names an upgrade backup still on the data mount: that entry
 * is how retention (src/flows/upgrade/backup-retention.ts) knows the directory is keelson's to remove, and how an
 * operator learns why it is there. Live backups are few (the newest kept plus those of failed runs).
 */
export const trimHistory = (history: readonly HistoryEntry[]): HistoryEntry[] => {
  const cut = history.length - HISTORY_LIMIT;
  return history.filter((e, i) => i >= cut || namesLiveBackup(e));
};

const uninstalledOf = (current: RecordFile): Record<string, Uninstalled> => (current.kind === 'present' ? { ...(current.record.uninstalled ?? {}) } : {});

/**
 * The whole file with this stack's entry put in; other stacks' entries are kept as they are. Stable key order. A stack
 * installed again after an uninstall takes its old history back (the uninstall is its last entry).
 */
export const renderRecord = (current: RecordFile, entry: StackRecord): string => {
  const others = current.kind === 'present' ? current.record.stacks : {};
  const before = uninstalledOf(current)[entry.stack];
  const uninstalled = Object.fromEntries(Object.entries(uninstalledOf(current)).filter(([name]) => name !== entry.stack));
  const put = before === undefined ? entry : { ...entry, history: trimHistory([...before.history, ...entry.history]) };
  const stacks: Record<string, unknown> = {};
  for (const name of [...new Set([...Object.keys(others), entry.stack])].sort()) stacks[name] = name === entry.stack ? put : others[name];
  return render(stacks, uninstalled);
};

/** The whole file without this stack's entry: its history, ending with the uninstall run, kept under `uninstalled`. */
export const renderWithout = (current: RecordFile, stack: string, run: { readonly runId: string; readonly at: string; readonly purged: boolean }): string | null => {
  if (current.kind !== 'present') return null;
  const entry = current.record.stacks[stack];
  if (entry === undefined) return null;
  const stacks: Record<string, unknown> = Object.fromEntries(Object.entries(current.record.stacks).filter(([name]) => name !== stack));
  const last: HistoryEntry = { runId: run.runId, kind: 'uninstall', from: entry.version, to: run.purged ? 'purged' : 'uninstalled', outcome: 'ok', at: run.at };
  const uninstalled = uninstalledOf(current);
  uninstalled[stack] = { stack, version: entry.version, purged: run.purged, history: trimHistory([...entry.history, last]) };
  return render(stacks, uninstalled);
};

/** What a run adds to its stack's history when it writes the record (kind, from → to; the rest at apply time). */
export interface RunNote {
  readonly stack: string;
  readonly kind: HistoryEntry['kind'];
  readonly from: string | null;
  readonly to: string;
  readonly outcome?: HistoryEntry['outcome'];
  /** The failed mark this run clears (its reason and time); the written record has failed: null. */
  readonly cleared?: string;
  /** The run whose directory on the data mount holds this run's volume archives. */
  readonly backupRunId?: string;
}

/** The record text with one more history entry (oldest dropped past HISTORY_LIMIT, see trimHistory) and, optionally, the failed flag set. */
export const withRun = (current: RecordFile, note: RunNote, runId: string, at: string, failed?: string): string | null => {
  if (current.kind !== 'present') return null;
  const entry = current.record.stacks[note.stack];
  if (entry === undefined) return null;
  const cleared = note.cleared === undefined ? {} : { cleared: note.cleared };
  const backup = note.backupRunId === undefined ? {} : { backupRunId: note.backupRunId };
  const history = trimHistory([...entry.history, { runId, kind: note.kind, from: note.from, to: note.to, outcome: note.outcome ?? 'ok', at, ...cleared, ...backup }]);
  const updated: StackRecord = { ...entry, history, ...(failed === undefined ? {} : { failed: { reason: failed, at, runId } }) };
  return renderRecord(current, updated);
};

/** How a run that writes this entry counts: the first install, an upgrade (the version moves), or a converging apply. */
export const runKindFor = (previous: StackRecord | null, version: string): 'install' | 'upgrade' | 'apply' =>
  previous === null ? 'install' : previous.version !== version ? 'upgrade' : 'apply';

/**
 * The record text with the image IDs it lacks for `stack` filled in from `ids` (ref → ID, as Podman lists them now):
 * the images this run built, loaded or pulled, which no plan could know. An ID the plan wrote is kept as it is.
 */
export const withImageIds = (current: RecordFile, stack: string, ids: ReadonlyMap<string, string>): string | null => {
  if (current.kind !== 'present') return null;
  const entry = current.record.stacks[stack];
  if (entry === undefined) return null;
  const known = entry.imageIds ?? {};
  const found = entry.images.flatMap((ref) => {
    const id = known[ref] ?? ids.get(ref);
    return id === undefined ? [] : [[ref, id] as const];
  });
  return renderRecord(current, { ...entry, imageIds: Object.fromEntries(found) });
};
