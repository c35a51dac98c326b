// The identity step's one decision: facts + manifest → which groups and users exist after apply, with which IDs,
// what must be created or changed to get there, and what the operator must hear about. check, plan and resolve all
// read this model, so nothing is decided twice.
import { blocker, info, warning, type Finding } from '../../src/engine/finding.js';
import type { Manifest } from '../../src/manifest/schema.js';
import type { GroupEntry, LoginDefs, PasswdEntry, SubidRange, UserManager } from './account-facts.js';
import { allocateGid, allocateUser, type IdPool } from './allocate-ids.js';
import type { CreatedAccount } from './created-accounts.js';
import { ownershipFindings } from './ownership.js';
import type { TextFile } from '../storage/facts.js';
import { namedContainerUser, NO_LOGIN_SHELLS, NOLOGIN, stackUsers, type UserRole } from './stack-users.js';
import { allocateSubids, ownsRange, SUBID_COUNT, subidConflicts, type Span } from './subids.js';

export interface IdentityFacts {
  /** Accounts keelson created, and for which stack (records and the deployment record). */
  readonly created: readonly CreatedAccount[];
  readonly state: TextFile;
  readonly passwd: readonly PasswdEntry[];
  readonly groups: readonly GroupEntry[];
  readonly subuid: readonly SubidRange[];
  readonly subgid: readonly SubidRange[];
  readonly loginDefs: LoginDefs;
  readonly linger: readonly string[];
  readonly managers: readonly UserManager[];
}

export interface GroupDecision {
  readonly name: string;
  /** null: no free GID (a blocker says so). */
  readonly gid: number | null;
  readonly create: boolean;
  readonly system: boolean;
}

export interface UserDecision {
  readonly name: string;
  readonly role: UserRole;
  readonly uid: number | null;
  readonly gid: number | null;
  readonly home: string;
  readonly shell: string;
  readonly create: boolean;
  readonly system: boolean;
  /** A new user's private group, created just before it. */
  readonly privateGroup: GroupDecision | null;
  /** Client groups: joined at creation (new user) or added (existing user lacking them). */
  readonly joinAtCreate: readonly string[];
  readonly addGroups: readonly string[];
  /** GIDs of every group the manifest gives it, as they will be after apply. */
  readonly groupGids: readonly number[];
}

export interface OwnerDecision {
  readonly name: string;
  readonly uid: number | null;
  readonly assignSubids: Span | null;
  readonly enableLinger: boolean;
  readonly manager: 'start' | 'restart' | null;
}

export interface IdentityModel {
  /** Client groups from the manifest, in manifest order. */
  readonly groups: readonly GroupDecision[];
  readonly users: readonly UserDecision[];
  readonly owner: OwnerDecision | null;
  /** Every group a stack user joins that the host already has but the manifest does not declare (rick-infra's facts). */
  readonly hostGroups: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
}

const under = (path: string, mount: string) => mount === '/' || path === mount || path.startsWith(`${mount}/`);

export const analyzeIdentity = (facts: IdentityFacts, m: Manifest): IdentityModel => {
  const findings: Finding[] = [...ownershipFindings(facts, m)];
  const defs = facts.loginDefs;
  const passwdByName = new Map(facts.passwd.map((p) => [p.name, p]));
  const groupByName = new Map(facts.groups.map((g) => [g.name, g]));
  const groupByGid = new Map(facts.groups.map((g) => [g.gid, g]));
  const pool: IdPool = {
    uids: new Set(facts.passwd.map((p) => p.uid)),
    // GIDs the manifest pins are reserved before anything is allocated.
    gids: new Set([...facts.groups.map((g) => g.gid), ...m.groups.flatMap((g) => (g.gid === undefined ? [] : [g.gid]))]),
  };
  const sysUids = { min: defs.sysUidMin, max: defs.sysUidMax };
  const sysGids = { min: defs.sysGidMin, max: defs.sysGidMax };
  const regUids = { min: defs.uidMin, max: defs.uidMax };
  const regGids = { min: defs.gidMin, max: defs.gidMax };

  // 1. Client groups: adopt an existing one by name, else create (with the manifest's GID or a free system GID).
  const groups: GroupDecision[] = m.groups.map((g) => {
    const existing = groupByName.get(g.name);
    if (existing !== undefined) {
      if (g.gid !== undefined && g.gid !== existing.gid) {
        findings.push(blocker('group-gid-differs', `Group ${g.name} exists with GID ${existing.gid}, but the manifest pins GID ${g.gid}; keelson does not renumber groups (files and running services hold the old GID).`, `Drop "gid: ${g.gid}" from groups[${g.name}] to adopt GID ${existing.gid}, or renumber it yourself: groupmod --gid ${g.gid} ${g.name}`));
      }
      return { name: g.name, gid: existing.gid, create: false, system: true };
    }
    if (g.gid !== undefined) {
      const holder = groupByGid.get(g.gid);
      if (holder !== undefined) {
        findings.push(blocker('gid-taken', `The manifest pins GID ${g.gid} for group ${g.name}, but GID ${g.gid} already belongs to group ${holder.name}.`, `Drop "gid: ${g.gid}" from groups[${g.name}] so keelson picks a free system GID, or pin a free one (getent group ${g.gid} prints nothing for a free GID).`));
        return { name: g.name, gid: null, create: false, system: true };
      }
      return { name: g.name, gid: g.gid, create: true, system: true };
    }
    const gid = allocateGid(pool, 'system', sysGids);
    if (gid === null) findings.push(blocker('no-free-gid', `No free GID is left in the system range ${sysGids.min}-${sysGids.max} for group ${g.name}.`, 'Pin a free GID for it in the manifest (groups[].gid), or widen SYS_GID_MIN/SYS_GID_MAX in /etc/login.defs.'));
    return { name: g.name, gid, create: gid !== null, system: true };
  });
  const manifestGroups = new Map(groups.map((g) => [g.name, g]));

  // 2. Groups a user joins must be the manifest's or already on the host (the infrastructure fact pattern).
  const hostGroups: Record<string, number> = {};
  const gidOf = (name: string): number | null => manifestGroups.get(name)?.gid ?? groupByName.get(name)?.gid ?? null;
  const wanted = stackUsers(m);
  for (const u of wanted) {
    for (const g of u.groups) {
      if (manifestGroups.has(g)) continue;
      const host = groupByName.get(g);
      if (host === undefined) {
        findings.push(blocker('group-unknown', `User ${u.name} should join group ${g}, which is neither declared under groups nor present on this host.`, `Declare it (groups: [{ name: ${g} }]) so keelson creates it, or install the service that owns it first.`));
      } else {
        hostGroups[g] = host.gid;
        // Joining a group keelson did not create is a grant the manifest must make explicitly (ownership.ts).
        findings.push(blocker('group-not-declared', `User ${u.name} should join the host's existing group ${g} (GID ${host.gid}), which the manifest does not declare.`, `If the stack is meant to join it, declare and adopt it explicitly: groups: [{ name: ${g}, adopt: true }].`));
      }
    }
  }

  // 3. Users.
  const users: UserDecision[] = wanted.map((u) => {
    const existing = passwdByName.get(u.name);
    const joinable = u.groups.filter((g) => gidOf(g) !== null);
    const groupGids = joinable.map((g) => gidOf(g) ?? 0);
    const system = u.role === 'service';
    if (existing !== undefined) {
      if (existing.uid === 0) {
        findings.push(blocker('user-is-root', `${u.name} has UID 0: containers must run as a dedicated unprivileged user.`, `Name another user in the manifest (e.g. "${m.stack}"); keelson creates it.`));
      }
      if (!NO_LOGIN_SHELLS.has(existing.shell)) {
        findings.push(warning('user-login-shell', `${u.name} already exists and can log in (shell ${existing.shell || 'default'}); keelson leaves existing accounts as they are.`, `If ${u.name} only runs the stack: usermod --shell ${NOLOGIN} ${u.name}`));
      }
      const declaredHome = m.users.find((x) => x.name === u.name)?.home;
      if (declaredHome !== undefined && declaredHome !== existing.home) {
        findings.push(warning('home-differs', `${u.name} already exists with home ${existing.home}, not ${declaredHome} as the manifest says; keelson keeps ${existing.home}.`, `Move it yourself if it matters: usermod --move-home --home ${declaredHome} ${u.name}`));
      }
      if (u.role === 'owner' && !under(existing.home, m.dataMount)) {
        findings.push(blocker('owner-home-unencrypted', `${u.name}'s home ${existing.home} is not on the data mount ${m.dataMount}: rootless Podman keeps the stack's images and volumes there, outside the encrypted disk.`, `Move the home onto the data mount while nothing runs as ${u.name}: usermod --move-home --home ${m.dataMount}/${u.name} ${u.name}`));
      }
      const member = (g: string) => {
        const entry = groupByName.get(g);
        return entry !== undefined && (entry.members.includes(u.name) || entry.gid === existing.gid);
      };
      // A group still to be created has no members yet.
      const addGroups = joinable.filter((g) => !member(g));
      return { name: u.name, role: u.role, uid: existing.uid, gid: existing.gid, home: existing.home, shell: existing.shell, create: false, system, privateGroup: null, joinAtCreate: [], addGroups, groupGids };
    }
    // New user: its primary group is the group of its own name (the manifest's, the host's, or a new private one).
    const sameName = manifestGroups.get(u.name) ?? groupByName.get(u.name);
    const ids = allocateUser(pool, system ? 'system' : 'regular', system ? sysUids : regUids, system ? sysGids : regGids, sameName === undefined);
    if (ids === null) {
      const range = system ? sysUids : regUids;
      findings.push(blocker('no-free-uid', `No free UID is left in the ${system ? 'system' : 'regular'} range ${range.min}-${range.max} for ${u.name}.`, 'Remove unused accounts, or widen the range in /etc/login.defs.'));
    }
    const gid = sameName?.gid ?? ids?.gid ?? null;
    const privateGroup = sameName === undefined && ids?.gid != null ? { name: u.name, gid: ids.gid, create: true, system } : null;
    return {
      name: u.name, role: u.role, uid: ids?.uid ?? null, gid, home: u.home, shell: NOLOGIN, create: ids !== null && gid !== null,
      system, privateGroup, joinAtCreate: joinable.filter((g) => g !== u.name), addGroups: [], groupGids,
    };
  });

  // 4. Rootful containers run as a declared service user (or a numeric UID:GID), so keelson knows its groups.
  if (m.mode === 'rootful') {
    const known = new Set(wanted.map((u) => u.name));
    m.containers.forEach((c) => {
      const name = namedContainerUser(c.user);
      if (name !== null && !known.has(name)) {
        findings.push(blocker('container-user-undeclared', `Container ${c.name} runs as ${name}, which the manifest does not declare under users.`, `Add users: [{ name: ${name}, groups: [...] }] (an existing account is adopted as it is).`));
      }
    });
  }

  const owner = m.mode === 'rootless' ? ownerDecision(facts, m, users, findings) : null;
  return { groups, users, owner, hostGroups, findings };
};

// 5. The rootless owner: subordinate IDs, linger (units start at boot without a login), a user manager holding the
// groups the stack needs.
const ownerDecision = (facts: IdentityFacts, m: Manifest, users: readonly UserDecision[], findings: Finding[]): OwnerDecision | null => {
  const user = users.find((u) => u.role === 'owner');
  if (user === undefined) return null;
  const uid = user.uid;
  const mine = (r: SubidRange) => ownsRange(r, user.name, uid);
  const realIds = [
    ...facts.passwd.map((p) => ({ id: p.uid, what: `UID ${p.uid} (${p.name})` })),
    ...facts.groups.map((g) => ({ id: g.gid, what: `GID ${g.gid} (${g.name})` })),
  ];
  let assignSubids: Span | null = null;
  const ownUid = facts.subuid.filter(mine);
  const ownGid = facts.subgid.filter(mine);
  const conflicts = [
    ...subidConflicts(ownUid, facts.subuid.filter((r) => !mine(r)), realIds.filter((r) => r.what.startsWith('UID'))),
    ...subidConflicts(ownGid, facts.subgid.filter((r) => !mine(r)), realIds.filter((r) => r.what.startsWith('GID'))),
  ];
  for (const c of conflicts) {
    findings.push(blocker('subid-overlap', `${user.name}'s subordinate range ${c.mine.start}-${c.mine.end} overlaps ${c.other}: a container of ${user.name} could own that account's files.`, `Give ${user.name} a range of its own: usermod --del-subuids ${c.mine.start}-${c.mine.end} --del-subgids ${c.mine.start}-${c.mine.end} ${user.name}, then run keelson plan again (it picks a free range).`));
  }
  const total = (rs: readonly SubidRange[]) => rs.reduce((n, r) => n + r.count, 0);
  if (conflicts.length === 0 && (total(ownUid) < SUBID_COUNT || total(ownGid) < SUBID_COUNT)) {
    const defs = facts.loginDefs;
    assignSubids = allocateSubids(
      [...facts.subuid, ...facts.subgid],
      [...realIds.map((r) => r.id), ...users.flatMap((u) => [u.uid, u.gid, u.privateGroup?.gid ?? null]).filter((x): x is number => x !== null)],
      Math.max(defs.subUidMin, defs.subGidMin),
      Math.min(defs.subUidMax, defs.subGidMax),
    );
    if (assignSubids === null) {
      findings.push(blocker('no-free-subids', `No free range of ${SUBID_COUNT} subordinate IDs is left for ${user.name} between SUB_UID_MIN and SUB_UID_MAX.`, 'Remove ranges of deleted users from /etc/subuid and /etc/subgid, or raise SUB_UID_MAX/SUB_GID_MAX in /etc/login.defs.'));
    } else if (total(ownUid) > 0 || total(ownGid) > 0) {
      findings.push(info('subids-added', `${user.name} has fewer than ${SUBID_COUNT} subordinate IDs; a full range is added.`));
    }
  }
  const enableLinger = !facts.linger.includes(user.name);
  const running = uid === null ? undefined : facts.managers.find((mg) => mg.uid === uid);
  let manager: OwnerDecision['manager'] = null;
  if (running === undefined) manager = 'start';
  else {
    const missing = user.groupGids.filter((g) => !running.groups.includes(g));
    if (missing.length > 0) {
      manager = 'restart';
      findings.push(warning('user-manager-stale', `${user.name}'s systemd user manager started before it held GID ${missing.join(', ')}; the stack's containers inherit its groups and would not reach the socket directories.`, `keelson restarts user@${uid ?? '?'}.service, which stops and restarts everything ${user.name} runs (a few seconds).`));
    }
  }
  if (m.mode === 'rootless' && user.uid !== null && user.uid < facts.loginDefs.uidMin) {
    findings.push(info('owner-system-account', `${user.name} is a system account (UID ${user.uid}); its units log to the system journal, not a journal of its own.`));
  }
  return { name: user.name, uid, assignSubids, enableLinger, manager };
};
