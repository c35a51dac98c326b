// Which probes prove the socket directories: one per distinct way a container of the stack runs (its user and the
// groups it gets), over the directories those containers mount, described exactly as the Quadlet units will run them:
//  rootless: the container's own user inside, --group-add keep-groups, in the owner's user manager;
//  rootful:  --user UID:GID of the service user, --group-add the GIDs of that user's client groups (ADR-005).
import type { Scope } from '../../src/engine/action.js';
import type { Resolved } from '../../src/engine/step.js';
import { isRootUser } from '../../src/manifest/container-user.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { namedContainerUser, stackUsers } from '../identity/stack-users.js';
import { stackScope } from '../quadlet/placement.js';
import { probeRecordDir, type SelinuxMode } from './socket-facts.js';
import { fourDigitMode } from './tmpfiles.js';

export const PROBE_IMAGE = 'localhost/keelson-probe:1';

export interface ProbeDir {
  readonly dir: string;
  readonly uid: number | null;
  readonly gid: number | null;
  readonly owner: string;
  readonly group: string;
  readonly mode: string;
}

export interface ProbeSpec {
  /** File name of its record: the identity, e.g. "1000-1000-kg" or "997-997-g999.998". */
  readonly key: string;
  readonly record: string;
  readonly containers: readonly string[];
  readonly who: string;
  readonly target: Scope;
  readonly user: string;
  readonly groupAdd: 'keep-groups' | readonly number[];
  readonly dirs: readonly ProbeDir[];
  /** What the host will hold for this identity: the UID that counts as owner (if any) and its GIDs. */
  readonly hostUid: number | null;
  readonly hostGids: readonly number[];
  /** Canonical JSON of everything the outcome depends on; a record with other inputs says nothing about this one. */
  readonly inputs: string;
}

const NUMERIC = /^([0-9]+)(?::([0-9]+))?$/;

interface Identity {
  /** The host account whose rights count, for messages: the owner, the service user, or "UID n". */
  readonly who: string;
  readonly user: string;
  readonly groupAdd: 'keep-groups' | readonly number[];
  readonly hostUid: number | null;
  readonly hostGids: readonly number[];
}

const rootlessIdentity = (containerUser: string, owner: { name: string; uid: number; gid: number }, ownerGids: readonly number[]): Identity => {
  // A user named inside the image: any non-root user inside maps to a subordinate UID, so only the owner's groups
  // (keep-groups) can reach the directories, whatever its number; 1000 stands for it.
  const user = isRootUser(containerUser) ? '0:0' : NUMERIC.test(containerUser) ? containerUser : '1000:1000';
  const [uid = '', gid = '0'] = user.split(':');
  return {
    who: owner.name,
    user,
    groupAdd: 'keep-groups',
    // Inside UID 0 is the owner itself; inside GID 0 is the owner's primary group. Everything else is subordinate.
    hostUid: Number(uid) === 0 ? owner.uid : null,
    hostGids: [...new Set([...ownerGids, ...(Number(gid) === 0 ? [owner.gid] : [])])].sort((a, b) => a - b),
  };
};

const rootfulIdentity = (m: Manifest, containerUser: string, resolved: Resolved): Identity | null => {
  const name = namedContainerUser(containerUser);
  if (name === null) {
    const [, uid = '0', gid] = NUMERIC.exec(containerUser) ?? [];
    return { who: `UID ${uid}`, user: containerUser, groupAdd: [], hostUid: Number(uid), hostGids: gid === undefined ? [0] : [Number(gid)] };
  }
  const u = resolved.users[name];
  if (u === undefined) return null;
  const groups = stackUsers(m).find((x) => x.name === name)?.groups ?? [];
  const gids = [...new Set(groups.flatMap((g) => (resolved.groups[g] === undefined ? [] : [resolved.groups[g]])))].sort((a, b) => a - b);
  return { who: name, user: `${u.uid}:${u.gid}`, groupAdd: gids, hostUid: u.uid, hostGids: [...new Set([u.gid, ...gids])].sort((a, b) => a - b) };
};

const keyOf = (id: Identity) =>
  `${id.user.replace(':', '-')}${id.groupAdd === 'keep-groups' ? '-kg' : id.groupAdd.length > 0 ? `-g${id.groupAdd.join('.')}` : ''}`;

export const probeSpecs = (m: Manifest, resolved: Resolved, selinux: SelinuxMode): ProbeSpec[] => {
  const target = stackScope(m);
  const ownerIds = m.owner === undefined ? undefined : resolved.users[m.owner];
  const owner = m.owner === undefined || ownerIds === undefined ? undefined : { name: m.owner, ...ownerIds };
  const ownerGroups = m.owner === undefined ? [] : (stackUsers(m).find((u) => u.name === m.owner)?.groups ?? []);
  const ownerGids = ownerGroups.flatMap((g) => (resolved.groups[g] === undefined ? [] : [resolved.groups[g]]));
  const byKey = new Map<string, { id: Identity; containers: string[]; dirs: Set<string> }>();
  for (const c of m.containers) {
    if (c.sockets.length === 0) continue;
    const id = m.mode === 'rootless' ? (owner === undefined ? null : rootlessIdentity(c.user, owner, ownerGids)) : rootfulIdentity(m, c.user, resolved);
    if (id === null) continue; // the identity step reports the missing user
    const key = keyOf(id);
    const entry = byKey.get(key) ?? { id, containers: [], dirs: new Set<string>() };
    entry.containers.push(c.name);
    c.sockets.forEach((d) => entry.dirs.add(d));
    byKey.set(key, entry);
  }
  return [...byKey.entries()].map(([key, { id, containers, dirs }]) => {
    const probeDirs: ProbeDir[] = [...dirs].sort().flatMap((dir) => {
      const s = m.sockets.find((x) => x.dir === dir);
      if (s === undefined) return [];
      return [{ dir, owner: s.owner, group: s.group, uid: resolved.users[s.owner]?.uid ?? null, gid: resolved.groups[s.group] ?? null, mode: fourDigitMode(s.mode) }];
    });
    const inputs = JSON.stringify({
      v: 1,
      mode: m.mode,
      image: PROBE_IMAGE,
      user: id.user,
      groupAdd: id.groupAdd,
      hostUid: id.hostUid,
      hostGids: id.hostGids,
      dirs: probeDirs.map((d) => ({ dir: d.dir, uid: d.uid, gid: d.gid, mode: d.mode })),
      selinux,
    });
    return { key, record: `${probeRecordDir(m.stack)}/${key}.json`, containers, who: id.who, target, user: id.user, groupAdd: id.groupAdd, dirs: probeDirs, hostUid: id.hostUid, hostGids: id.hostGids, inputs };
  });
};

/** Classic permission check: the first class that matches (owner, then group, then other) decides; creating needs w and x. */
/** Why mayCreateIn said no, in the operator's terms: the missing membership, or the mode that withholds write. */
export const deniedBecause = (spec: Pick<ProbeSpec, 'hostUid' | 'hostGids' | 'who'>, d: ProbeDir): string => {
  if (spec.hostUid !== null && spec.hostUid === d.uid) return `${spec.who} owns it, but mode ${d.mode} gives the owner no write access`;
  if (d.gid !== null && spec.hostGids.includes(d.gid)) return `${spec.who} is in group ${d.group}, but mode ${d.mode} gives the group no write access`;
  return `${spec.who} is neither its owner nor in group ${d.group}`;
};

export const mayCreateIn = (spec: Pick<ProbeSpec, 'hostUid' | 'hostGids' | 'groupAdd'>, d: ProbeDir): boolean => {
  // Rootful root inside is root on the host, with CAP_DAC_OVERRIDE.
  if (spec.hostUid === 0 && spec.groupAdd !== 'keep-groups') return true;
  const bits = parseInt(d.mode, 8);
  const cls = spec.hostUid !== null && spec.hostUid === d.uid ? (bits >> 6) & 7 : d.gid !== null && spec.hostGids.includes(d.gid) ? (bits >> 3) & 7 : bits & 7;
  return (cls & 3) === 3;
};
