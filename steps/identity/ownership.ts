// What is not the stack's to take: an existing group or account keelson did not create for this stack is used only
// when the manifest adopts it explicitly (adopt: true); a group with GID 0 never. Privileged groups by name are
// refused at load (src/manifest/reserved.ts); this is the part that needs the host's facts.
import { blocker, type Finding } from '../../src/engine/finding.js';
import type { Manifest } from '../../src/manifest/schema.js';
import type { GroupEntry, PasswdEntry } from './account-facts.js';
import { creatorOf, recordedAccounts, type CreatedAccount } from './created-accounts.js';
import { stackUsers } from './stack-users.js';
import type { TextFile } from '../storage/facts.js';

export interface OwnershipFacts {
  readonly passwd: readonly PasswdEntry[];
  readonly groups: readonly GroupEntry[];
  readonly created: readonly CreatedAccount[];
  readonly state: TextFile;
}

const notOurs = (by: string | undefined, stack: string) =>
  by === undefined ? 'keelson did not create it' : `keelson created it for stack ${by}, not ${stack}`;

export const ownershipFindings = (facts: OwnershipFacts, m: Manifest): Finding[] => {
  const created = [...facts.created, ...recordedAccounts(facts.state.kind === 'present' ? facts.state.content : null)];
  const group = new Map(facts.groups.map((g) => [g.name, g]));
  const passwd = new Map(facts.passwd.map((p) => [p.name, p]));
  const findings: Finding[] = [];
  m.groups.forEach((g, i) => {
    const existing = group.get(g.name);
    if (existing === undefined) return;
    if (existing.gid === 0) {
      findings.push(blocker('group-is-root', `Group ${g.name} (groups[${i}]) has GID 0 on this host: its members own what root's group owns.`, 'Give the stack a group of its own (a new name; keelson creates it).'));
      return;
    }
    const by = creatorOf(created, 'group', g.name, m.stack);
    if (by === m.stack || g.adopt === true) return;
    const members = existing.members.length > 0 ? `, members ${existing.members.join(', ')}` : '';
    findings.push(blocker('group-not-ours', `Group ${g.name} (groups[${i}]) already exists on this host (GID ${existing.gid}${members}) and ${notOurs(by, m.stack)}: the stack would share whatever that group may reach.`,
      `If the stack is meant to share it, adopt it explicitly (groups[${i}]: { name: ${g.name}, adopt: true }); otherwise name a group of the stack's own.`));
  });
  const declared = new Set(m.groups.map((g) => g.name));
  for (const u of stackUsers(m)) {
    const existing = passwd.get(u.name);
    const adopted = m.users.find((x) => x.name === u.name)?.adopt === true;
    const by = creatorOf(created, 'user', u.name, m.stack);
    if (existing !== undefined) {
      if (by === m.stack || adopted || existing.uid === 0) continue; // UID 0 has its own blocker
      findings.push(blocker('account-not-ours', `${u.name} already exists on this host (UID ${existing.uid}, home ${existing.home || '?'}, shell ${existing.shell || 'default'}) and ${notOurs(by, m.stack)}: the stack would run as that account and own what it owns.`,
        `If the stack is meant to run as it, adopt it explicitly (users: [{ name: ${u.name}, adopt: true }]); otherwise name a new account for the stack (keelson creates it).`));
      continue;
    }
    // A new account takes the group of its own name as its primary group: that group must be the stack's too.
    const same = group.get(u.name);
    const groupBy = creatorOf(created, 'group', u.name, m.stack);
    if (same !== undefined && !declared.has(u.name) && groupBy !== m.stack && !adopted) {
      findings.push(blocker('user-group-not-ours', `Group ${u.name} already exists (GID ${same.gid}) without a user of that name, and ${notOurs(groupBy, m.stack)}: the new user ${u.name} would take it as its primary group.`,
        `Name the stack's user differently, or adopt the group explicitly (groups: [{ name: ${u.name}, adopt: true }]).`));
    }
  }
  return findings;
};
