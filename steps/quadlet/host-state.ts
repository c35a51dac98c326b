// What keelson deployed, kept on the host (/var/lib/keelson/state.json) so any workstation can upgrade or diagnose
// it: per stack, its version and mode, each managed file with its sha256, the users and groups, the secrets' NAMES,
// the images, the data mount's LUKS UUID and the keelson that wrote it. Everything here follows from the manifest
// and the facts, never from a clock: an unchanged host renders the same bytes, so a second plan writes nothing.
// When it was deployed is in the apply journal.
import { z } from 'zod';
import type { Manifest } from '../../src/manifest/schema.js';
import type { Resolved } from '../../src/engine/step.js';
import { sha256 } from './unit-header.js';
import { secretName } from './unit-names.js';

export const STATE_PATH = '/var/lib/keelson/state.json';
export const STATE_FORMAT = 'keelson-state/1';

const stackStateSchema = z.looseObject({
  stack: z.string(),
  version: z.string(),
  mode: z.enum(['rootless', 'rootful']),
  owner: z.string().nullable(),
  keelson: z.string(),
  dataMount: z.looseObject({ path: z.string(), luksUuid: z.string().nullable() }),
  top: z.string(),
  files: z.array(z.looseObject({ path: z.string(), sha256: z.string() })),
  users: z.array(z.looseObject({ name: z.string(), uid: z.number(), gid: z.number(), home: z.string() })),
  groups: z.array(z.looseObject({ name: z.string(), gid: z.number() })),
  secrets: z.array(z.string()),
  images: z.array(z.string()),
});

export const hostStateSchema = z.looseObject({
  format: z.literal(STATE_FORMAT),
  stacks: z.record(z.string(), stackStateSchema),
});

export type StackState = z.infer<typeof stackStateSchema>;
export type HostState = z.infer<typeof hostStateSchema>;

export type StateFile = { readonly kind: 'absent' } | { readonly kind: 'present'; readonly state: HostState } | { readonly kind: 'unreadable'; readonly why: string };

/** The file's text → what keelson can use of it. */
export const parseStateFile = (text: string | null): StateFile => {
  if (text === null) return { kind: 'absent' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', why: 'it is not JSON' };
  }
  const r = hostStateSchema.safeParse(doc);
  return r.success ? { kind: 'present', state: r.data } : { kind: 'unreadable', why: `it is not a ${STATE_FORMAT} file (${r.error.issues[0]?.message ?? 'invalid'})` };
};

export interface StateInputs {
  readonly manifest: Manifest;
  readonly resolved: Resolved;
  readonly keelsonVersion: string;
  readonly top: string;
  /** Every file the stack manages, with the content keelson writes. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
  readonly luksUuid: string | null;
}

const byName = <T extends { name: string }>(list: T[]): T[] => list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export const stackState = (i: StateInputs): StackState => {
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
    images: [...new Set(m.containers.map((c) => c.image))].sort(),
  };
};

/** The whole file with this stack's entry put in; other stacks' entries are kept as they are. Stable key order. */
export const renderHostState = (current: StateFile, entry: StackState): string => {
  const others = current.kind === 'present' ? current.state.stacks : {};
  const stacks: Record<string, unknown> = {};
  for (const name of [...new Set([...Object.keys(others), entry.stack])].sort()) stacks[name] = name === entry.stack ? entry : others[name];
  return `${JSON.stringify({ format: STATE_FORMAT, stacks }, null, 2)}\n`;
};
