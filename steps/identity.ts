// Identity: the stack's groups and users, with IDs picked from the facts before anything runs; for a rootless stack
// also the owner's subordinate IDs, linger (its units start at boot) and a running user manager that holds its groups.
// Existing accounts are adopted as they are: keelson adds missing group memberships and never renumbers or deletes.
import type { Action } from '../src/engine/action.js';
import { defineStep, type Resolved, type StepContext } from '../src/engine/step.js';
import type { Finding } from '../src/engine/finding.js';
import {
  groupFact,
  lingerFact,
  loginDefsFact,
  passwdFact,
  subgidFact,
  subuidFact,
  userManagersFact,
} from './identity/account-facts.js';
import { createdAccountsFact } from './identity/created-accounts.js';
import { RECORD_PATH } from '../src/state/record-schema.js';
import { fileFact } from './storage/facts.js';
import { analyzeIdentity, type GroupDecision, type IdentityFacts } from './identity/identity-model.js';

export type { IdentityFacts } from './identity/identity-model.js';

export const checkIdentity = (facts: IdentityFacts, ctx: StepContext): Finding[] => [...analyzeIdentity(facts, ctx.manifest).findings];

const groupCreate = (g: GroupDecision, why: string): Action[] =>
  g.create && g.gid !== null
    ? [{ kind: 'group.create', description: `group ${g.name} (GID ${g.gid}, ${why})`, name: g.name, gid: g.gid, system: g.system }]
    : [];

export const planIdentity = (facts: IdentityFacts, ctx: StepContext): Action[] => {
  const model = analyzeIdentity(facts, ctx.manifest);
  const actions: Action[] = [];
  // Client groups first: users join them as they are created.
  for (const g of model.groups) actions.push(...groupCreate(g, 'client group'));
  for (const u of model.users) {
    if (u.create && u.uid !== null && u.gid !== null) {
      if (u.privateGroup !== null) actions.push(...groupCreate(u.privateGroup, `${u.name}'s own group`));
      const what = u.role === 'owner' ? 'owner of the rootless stack' : 'system user the containers run as';
      const joins = u.joinAtCreate.length > 0 ? `, in ${u.joinAtCreate.join(', ')}` : '';
      actions.push({
        kind: 'user.create',
        description: `user ${u.name} (UID ${u.uid}, GID ${u.gid}, ${what}, home ${u.home}, no login${joins})`,
        name: u.name, uid: u.uid, gid: u.gid, home: u.home, shell: u.shell, groups: [...u.joinAtCreate], system: u.system,
      });
    }
    if (u.addGroups.length > 0) {
      actions.push({ kind: 'user.add-groups', description: `add ${u.name} to ${u.addGroups.join(', ')}`, name: u.name, groups: [...u.addGroups] });
    }
  }
  const o = model.owner;
  if (o !== null) {
    if (o.assignSubids !== null) {
      const { start, end } = o.assignSubids;
      actions.push({ kind: 'subid.assign', description: `subordinate UIDs and GIDs ${start}-${end} for ${o.name} (its containers' users)`, user: o.name, start, count: end - start + 1 });
    }
    if (o.enableLinger) actions.push({ kind: 'linger.enable', description: `linger for ${o.name}: its user manager, and the stack, start at boot without a login`, user: o.name });
    if (o.manager !== null && o.uid !== null) {
      const why = o.manager === 'start' ? 'so the stack has a manager to run under' : 'so it holds the groups it was given';
      actions.push({ kind: 'systemd.unit', description: `${o.manager} ${o.name}'s user manager (user@${o.uid}.service) ${why}`, target: { scope: 'system' }, verb: o.manager, unit: `user@${o.uid}.service` });
    }
  }
  return actions;
};

/** The IDs later steps render: rootful User=UID:GID and GroupAdd=GIDs, the owner's home for its Quadlet directory. */
export const resolveIdentity = (facts: IdentityFacts, ctx: StepContext): Partial<Resolved> => {
  const model = analyzeIdentity(facts, ctx.manifest);
  const users: Record<string, { uid: number; gid: number; home: string }> = {};
  const groups: Record<string, number> = { ...model.hostGroups };
  for (const g of model.groups) if (g.gid !== null) groups[g.name] = g.gid;
  for (const u of model.users) {
    if (u.uid === null || u.gid === null) continue;
    users[u.name] = { uid: u.uid, gid: u.gid, home: u.home };
  }
  return { users, groups };
};

export const identityStep = defineStep<IdentityFacts>({
  id: 'identity',
  title: 'Identity: users, groups, subordinate IDs and linger',
  facts: () => ({
    created: createdAccountsFact,
    state: fileFact(RECORD_PATH),
    passwd: passwdFact,
    groups: groupFact,
    subuid: subuidFact,
    subgid: subgidFact,
    loginDefs: loginDefsFact,
    linger: lingerFact,
    managers: userManagersFact,
  }),
  check: checkIdentity,
  plan: planIdentity,
  resolve: resolveIdentity,
});
