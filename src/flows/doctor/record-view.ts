// The deployment record as doctor reads it: the ONE place doctor touches the record, through src/state (which also
// reads a keelson-state/1 record, migrated in memory).
import { parseRecord, RECORD_PATH as STATE_PATH, type RecordArchive, type StackRecord as StackState } from '../../state/index.js';
import { generatedUnit } from '../../../steps/quadlet/unit-names.js';

export const RECORD_PATH = STATE_PATH;

export interface ManagedFile {
  readonly path: string;
  readonly sha256: string;
}

export interface StackView {
  readonly name: string;
  readonly version: string;
  readonly mode: 'rootless' | 'rootful';
  /** The rootless owner; null for a rootful stack. */
  readonly owner: string | null;
  readonly dataMount: string;
  readonly luksUuid: string | null;
  readonly top: string;
  readonly files: readonly ManagedFile[];
  readonly users: readonly { readonly name: string; readonly uid: number }[];
  readonly groups: readonly { readonly name: string; readonly gid: number }[];
  readonly secrets: readonly string[];
  readonly images: readonly string[];
  /** The image ID each image was when the record was written; empty for a record from before keelson kept them. */
  readonly imageIds: Readonly<Record<string, string>>;
  /** Set when a rollback itself failed: why, and when. */
  readonly failed: { readonly reason: string; readonly at: string } | null;
  /** The stack archive it was installed from (who signed it); null: a manifest file or a bundled stack. */
  readonly archive: RecordArchive | null;
}

export type RecordView =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly why: string }
  | { readonly kind: 'present'; readonly stacks: readonly StackView[] };

export const stackView = (s: StackState): StackView => ({
  name: s.stack,
  version: s.version,
  mode: s.mode,
  owner: s.mode === 'rootless' ? s.owner : null,
  dataMount: s.dataMount.path,
  luksUuid: s.dataMount.luksUuid,
  top: s.top,
  files: s.files.map((f) => ({ path: f.path, sha256: f.sha256 })),
  users: s.users.map((u) => ({ name: u.name, uid: u.uid })),
  groups: s.groups.map((g) => ({ name: g.name, gid: g.gid })),
  secrets: [...s.secrets],
  images: [...s.images],
  imageIds: { ...(s.imageIds ?? {}) },
  failed: s.failed === null ? null : { reason: s.failed.reason, at: s.failed.at },
  archive: s.archive ?? null,
});

/** The record file's text (null: no file) → what doctor can use of it. */
export const readRecord = (text: string | null): RecordView => {
  const r = parseRecord(text);
  if (r.kind === 'absent') return { kind: 'absent' };
  if (r.kind === 'unreadable' || r.kind === 'newer') return { kind: 'unreadable', why: r.why };
  return { kind: 'present', stacks: Object.values(r.record.stacks).map(stackView) };
};

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The units a stack runs, from its managed files: one service per .container, and its .target units. */
export const stackUnits = (s: StackView): string[] =>
  s.files.map((f) => baseName(f.path)).filter((n) => n.endsWith('.container') || n.endsWith('.target')).map(generatedUnit);

/**
 * Every unit the stack puts into its manager: the services and target above, and the oneshot services Quadlet makes
 * of its networks and volumes (x.network → x-network.service). Those stay "active (exited)" after they ran; one left
 * active when its file goes is not run again when the file comes back, so its network is never made again.
 */
export const allStackUnits = (s: StackView): string[] =>
  s.files.map((f) => baseName(f.path)).filter((n) => /\.(container|target|network|volume|pod|image|build|kube)$/.test(n)).map(generatedUnit);

/** The managed file a unit comes from. */
export const unitSource = (s: StackView, unit: string): ManagedFile | undefined => s.files.find((f) => generatedUnit(baseName(f.path)) === unit);

/** "system" or "user:OWNER": which manager runs the stack (the doctor script's section names use the same words). */
export const scopeKey = (s: StackView): string => (s.owner === null ? 'system' : `user:${s.owner}`);
