// The rootless owner: linger (its manager runs without a login and comes back at boot), the manager running,
// and subordinate ID ranges in both files that overlap nobody else's.
import { ownsRange, subidConflicts } from '../../../steps/identity/subids.js';
import { check, type Check } from './check.js';
import type { DoctorFacts } from './doctor-facts.js';
import type { StackView } from './record-view.js';
import type { StackSections } from './stack-probe.js';

const subidCheck = (owner: string, uid: number | null, facts: DoctorFacts): Check => {
  const id = `identity:${owner}:subids`;
  const problems: string[] = [];
  const evidence: string[] = [];
  for (const [file, ranges] of [['/etc/subuid', facts.subuid], ['/etc/subgid', facts.subgid]] as const) {
    const mine = ranges.filter((r) => ownsRange(r, owner, uid));
    const others = ranges.filter((r) => !ownsRange(r, owner, uid));
    evidence.push(`${file}: ${mine.map((r) => `${r.start}:${r.count}`).join(', ') || 'none'}`);
    if (mine.length === 0) problems.push(`${file} has no range for ${owner}`);
    for (const c of subidConflicts(mine, others, [])) problems.push(`${file}: ${c.mine.start}-${c.mine.end} overlaps ${c.other}`);
  }
  if (problems.length === 0) return check(id, 'ok', `${owner} has its own subordinate ID ranges`, evidence);
  return check(id, 'fail', `${owner}'s subordinate IDs are missing or shared`, [...problems, ...evidence], [
    `give ${owner} a free range in both files (usermod --add-subuids FROM-TO --add-subgids FROM-TO ${owner}), then podman system migrate as ${owner}`,
  ]);
};

const ownerChecks = (owner: string, uid: number | null, s: StackSections, facts: DoctorFacts): Check[] => {
  if (s.has(`no-user:${owner}`)) return [check(`identity:${owner}:account`, 'fail', `the owner ${owner} does not exist`, [], ['keelson apply --stack MANIFEST creates it again'])];
  const manager = new Map((s.get(`manager:${owner}`)?.stdout ?? '').split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  const active = manager.get('ActiveState') === 'active';
  const lingers = facts.linger.includes(owner);
  const unit = uid === null ? `user@$(id -u ${owner}).service` : `user@${uid}.service`;
  return [
    lingers ? check(`identity:${owner}:linger`, 'ok', `${owner} lingers: its manager runs without a login and starts at boot`) : check(`identity:${owner}:linger`, 'fail', `${owner} has no linger: its units stop at logout and do not start at boot`, [`/var/lib/systemd/linger/${owner} is missing`], [`loginctl enable-linger ${owner}`]),
    active ? check(`identity:${owner}:user-manager`, 'ok', `${unit} is active`) : check(`identity:${owner}:user-manager`, 'fail', `${owner}'s user manager is ${manager.get('ActiveState') ?? 'unknown'}`, [`${unit}: ActiveState=${manager.get('ActiveState') ?? '?'} SubState=${manager.get('SubState') ?? '?'}`], [lingers ? `systemctl start ${unit}` : `loginctl enable-linger ${owner}  (starts ${unit})`]),
    subidCheck(owner, uid, facts),
  ];
};

export const identityChecks = (stacks: readonly StackView[], s: StackSections, facts: DoctorFacts): Check[] => {
  const owners = [...new Set(stacks.flatMap((x) => (x.owner === null ? [] : [x.owner])))].sort();
  return owners.flatMap((o) => ownerChecks(o, stacks.flatMap((x) => x.users).find((u) => u.name === o)?.uid ?? null, s, facts));
};
