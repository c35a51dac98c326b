// The uninstall's plan, from the stack's record and what the host has of it. Pure. Only what the record names is
// touched (never a prune): its units stopped, its unit and tmpfiles files removed, its networks and socket
// directories; the record's entry last (its history kept under `uninstalled`). The data stays — volumes, secrets,
// images, accounts, subordinate IDs, linger — unless purge, which first exports every volume (checksummed, onto
// the data mount) and removes only the accounts keelson itself created for this stack and no other stack uses.
import type { Action } from '../../engine/action.js';
import type { StepPlan } from '../../engine/plan.js';
import type { Scope } from '../../engine/action.js';
import { ownerScope } from '../../engine/scope.js';
import { parseRecord } from '../../state/parse-record.js';
import { RECORD_PATH, type StackRecord } from '../../state/record-schema.js';
import { renderWithout } from '../../state/stack-record.js';
import { sha256 } from '../../../steps/quadlet/unit-header.js';
import { createdAccountPath } from '../../../steps/identity/created-accounts.js';
import { PROBE_IMAGE } from '../../../steps/sockets/probe-specs.js';
import { allStackUnits, stackView } from '../doctor/record-view.js';
import { socketDirsOf, type PodmanResource, type UninstallFacts } from './uninstall-facts.js';
import { backupDirFor, volumeArchive } from '../volume-archive.js';

export interface UninstallInputs {
  readonly entry: StackRecord;
  /** The record's text as it is now: written back without the entry. */
  readonly recordText: string;
  readonly facts: UninstallFacts;
  readonly purge: boolean;
  /** With purge: export every volume first (false: --no-backup, the operator has their own). */
  readonly backup?: boolean;
  /** Chosen before the plan is shown: the run's id names the backup directory and the record's history entry. */
  readonly runId: string;
  readonly at: string;
}

export interface UninstallPlan {
  readonly stack: string;
  readonly version: string;
  readonly purge: boolean;
  /** What goes, in words; what stays, in words; the commands to purge or reinstall later. */
  readonly goes: readonly string[];
  readonly stays: readonly string[];
  readonly later: readonly string[];
  /** Where the purge's volume archives go (null: no purge, or no volume). */
  readonly backupDir: string | null;
  readonly steps: StepPlan[];
}

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const namesOf = (entry: StackRecord, ext: string): string[] => entry.files.map((f) => base(f.path)).filter((n) => n.endsWith(ext)).map((n) => n.slice(0, -ext.length));
const scopeOf = (entry: StackRecord): Scope => ownerScope(entry.mode === 'rootless' ? entry.owner : null);
const where = (s: Scope): string => (s.scope === 'user' ? ` (${s.user}'s Podman)` : '');

const stopUnits = (i: UninstallInputs, scope: Scope): Action[] => {
  const units = allStackUnits(stackView(i.entry));
  // The target first, the containers, then the networks and volumes the containers need.
  const resource = (u: string): boolean => /-(network|volume)\.service$/.test(u);
  const ordered = [...units.filter((u) => u === i.entry.top), ...units.filter((u) => u !== i.entry.top && !resource(u)), ...units.filter(resource)];
  const running = ordered.filter((u) => !['inactive', '', undefined].includes(i.facts.units.get(u)?.get('ActiveState')) && i.facts.units.get(u)?.get('LoadState') === 'loaded');
  const stops = running.map((unit): Action => ({ kind: 'systemd.unit', description: `stop ${unit}`, target: scope, verb: 'stop', unit }));
  const enabled = i.facts.units.get(i.entry.top)?.get('UnitFileState') === 'enabled';
  return [...stops, ...(enabled ? [{ kind: 'systemd.unit', description: `disable ${i.entry.top} (it no longer starts at boot)`, target: scope, verb: 'disable', unit: i.entry.top } as const] : [])];
};

const fileRemovals = (i: UninstallInputs): Action[] =>
  i.entry.files.flatMap((f): Action[] => {
    const now = i.facts.files.get(f.path);
    if (now?.kind !== 'present') return [];
    const edited = sha256(now.content) !== f.sha256 ? ' (edited since keelson wrote it: backed up first, like every removed file)' : '';
    return [{ kind: 'file.remove', description: `remove ${f.path}${edited}`, path: f.path, before: now.content }];
  });

const podmanRemovals = (i: UninstallInputs, scope: Scope, resource: PodmanResource, names: readonly string[]): Action[] =>
  names.filter((n) => i.facts.podman[resource].includes(n)).map((name): Action => ({ kind: 'podman.remove', description: `remove Podman ${resource} ${name}${where(scope)}`, target: scope, resource, name }));

/** The accounts a purge removes: created by keelson for this stack (its marker), not adopted, used by no other stack. */
export const removableAccounts = (i: UninstallInputs, others: readonly StackRecord[]) => {
  const mine = (kind: 'user' | 'group', name: string) => i.facts.created.some((c) => c.kind === kind && c.name === name && c.stack === i.entry.stack);
  const usedElsewhere = (kind: 'user' | 'group', name: string) => others.some((s) => (kind === 'user' ? s.users : s.groups).some((a) => a.name === name));
  const users = i.entry.users.filter((u) => mine('user', u.name) && !usedElsewhere('user', u.name));
  // A removed user's primary group, when keelson made it for this stack (the record lists only the stack's own groups).
  const primary = users.flatMap((u) => i.facts.groups.filter((g) => g.gid === u.gid).map((g) => ({ name: g.name, gid: g.gid })));
  const named = [...i.entry.groups, ...primary.filter((p) => !i.entry.groups.some((g) => g.name === p.name))];
  return { users, groups: named.filter((g) => mine('group', g.name) && !usedElsewhere('group', g.name)) };
};

const accountRemovals = (i: UninstallInputs, others: readonly StackRecord[]): Action[] => {
  const { users, groups } = removableAccounts(i, others);
  const userActions = users.flatMap((u): Action[] => {
    const exists = i.facts.passwd.some((p) => p.name === u.name);
    const subids = (['subuid', 'subgid'] as const).flatMap((file) =>
      (file === 'subuid' ? i.facts.subuid : i.facts.subgid)
        .filter((r) => r.owner === u.name || r.owner === String(u.uid))
        .map((r): Action => ({ kind: 'subid.remove', description: `remove ${u.name}'s /etc/${file} range ${r.start}:${r.count}`, user: u.name, file, start: r.start, count: r.count })),
    );
    // The user goes before its subordinate IDs: usermod will not touch an account whose manager still runs (the VM
    // said so), and userdel takes the ranges with it, so those actions then find nothing left (or remove a leftover).
    return [
      ...(i.facts.linger.includes(u.name) ? [{ kind: 'linger.disable', description: `disable linger for ${u.name}`, user: u.name } as const] : []),
      ...(exists ? [{ kind: 'user.remove', description: `delete user ${u.name} (UID ${u.uid}, created by keelson) with its home ${u.home} and the Podman storage in it; its processes are stopped first`, name: u.name, uid: u.uid } as const] : []),
      ...subids,
    ];
  });
  const groupActions = groups.filter((g) => i.facts.groups.some((e) => e.name === g.name)).map((g): Action => ({ kind: 'group.remove', description: `delete group ${g.name} (GID ${g.gid}, created by keelson)`, name: g.name, gid: g.gid }));
  const markers = [...users.map((u) => ['user', u.name] as const), ...groups.map((g) => ['group', g.name] as const)]
    .filter(([kind, name]) => i.facts.created.some((c) => c.kind === kind && c.name === name && c.stack === i.entry.stack))
    .map(([kind, name]): Action => ({ kind: 'file.remove', description: `forget that keelson created ${kind} ${name}`, path: createdAccountPath(kind, name), before: `${i.entry.stack}\n` }));
  return [...userActions, ...groupActions, ...markers];
};

/**
 * The images a purge removes: the stack's own that no other stack of the same Podman uses, and keelson's socket probe
 * image once no other stack of that Podman is left (rootless, it goes with the owner's home anyway; rootful, root's
 * Podman would keep it for ever).
 */
export const purgedImages = (i: Pick<UninstallInputs, 'entry'>, others: readonly StackRecord[]): string[] => {
  const samePodman = others.filter((s) => s.owner === i.entry.owner && s.mode === i.entry.mode);
  const shared = new Set(samePodman.flatMap((s) => s.images));
  const own = i.entry.images.filter((im) => !shared.has(im));
  return samePodman.length === 0 && !own.includes(PROBE_IMAGE) ? [...own, PROBE_IMAGE] : own;
};

const purgeActions = (i: UninstallInputs, scope: Scope, others: readonly StackRecord[]): Action[] => {
  const volumes = namesOf(i.entry, '.volume').filter((v) => i.facts.podman.volume.includes(v));
  const exports = i.backup === false ? [] : volumes.map((volume): Action => {
    const file = volumeArchive(i.entry, i.runId, volume);
    return { kind: 'podman.volume-export', description: `back up volume ${volume} to ${file} (sha256 beside it)`, target: scope, volume, file };
  });
  return [
    ...exports,
    ...podmanRemovals(i, scope, 'volume', volumes),
    ...podmanRemovals(i, scope, 'secret', i.entry.secrets),
    ...podmanRemovals(i, scope, 'image', purgedImages(i, others)),
    ...accountRemovals(i, others),
  ];
};

export const uninstallPlan = (i: UninstallInputs): UninstallPlan => {
  const scope = scopeOf(i.entry);
  const record = parseRecord(i.recordText);
  const others = record.kind === 'present' ? Object.values(record.record.stacks).filter((s) => s.stack !== i.entry.stack) : [];
  const files = fileRemovals(i);
  const reachable = i.facts.units.size > 0;
  const steps: StepPlan[] = [
    { id: 'stop', title: 'Stop: the stack\'s units, and its target no longer starts at boot', findings: [], actions: stopUnits(i, scope) },
    { id: 'files', title: 'Files: the unit files and tmpfiles entry the record names', findings: [], actions: [...files, ...(files.length > 0 && reachable ? [{ kind: 'systemd.daemon-reload', description: 'let Quadlet forget the units', target: scope } as const] : [])] },
    { id: 'runtime', title: 'Runtime: the stack\'s networks and socket directories', findings: [], actions: [...podmanRemovals(i, scope, 'network', namesOf(i.entry, '.network')), ...i.facts.socketDirs.filter((d) => socketDirsOf(i.entry).includes(d)).map((path): Action => ({ kind: 'dir.remove', description: `remove socket directory ${path}`, path }))] },
    { id: 'purge', title: 'Purge: volumes (exported first), secrets, images and the accounts keelson created', findings: [], actions: i.purge ? purgeActions(i, scope, others) : [] },
    { id: 'record', title: 'Record: the stack leaves the deployment record (its history is kept)', findings: [], actions: [{ kind: 'state.write', description: `remove ${i.entry.stack} from ${RECORD_PATH} (its history kept under "uninstalled")`, path: RECORD_PATH, content: renderWithout(record, i.entry.stack, { runId: i.runId, at: i.at, purged: i.purge }) ?? i.recordText }] },
  ];
  const volumes = namesOf(i.entry, '.volume');
  return { stack: i.entry.stack, version: i.entry.version, purge: i.purge, ...summaryOf(i, others), backupDir: i.purge && i.backup !== false && volumes.some((v) => i.facts.podman.volume.includes(v)) ? backupDirFor(i.entry, i.runId) : null, steps };
};

const summaryOf = (i: UninstallInputs, others: readonly StackRecord[]): Pick<UninstallPlan, 'goes' | 'stays' | 'later'> => {
  const e = i.entry;
  const units = allStackUnits(stackView(e));
  const { users, groups } = removableAccounts(i, others);
  const volumes = namesOf(e, '.volume');
  const goes = [
    `units: ${units.join(', ')} (stopped; ${e.top} disabled)`,
    `files: ${e.files.map((f) => f.path).join(', ')}`,
    `networks: ${namesOf(e, '.network').join(', ') || 'none'}`,
    `socket directories: ${socketDirsOf(e).join(', ') || 'none'}`,
    `the record's entry for ${e.stack} (its history stays under "uninstalled")`,
    ...(i.purge
      ? [
          `volumes: ${volumes.join(', ') || 'none'} (${i.backup === false ? 'NOT backed up first: --no-backup' : `exported first to ${backupDirFor(e, i.runId)}`})`,
          `Podman secrets: ${e.secrets.join(', ') || 'none'}`,
          `images: ${purgedImages(i, others).filter((im) => i.facts.podman.image.includes(im)).join(', ') || 'none'}`,
          `users keelson created: ${users.map((u) => `${u.name} (UID ${u.uid}, home ${u.home}, subordinate IDs, linger)`).join(', ') || 'none'}`,
          `groups keelson created: ${groups.map((g) => `${g.name} (GID ${g.gid})`).join(', ') || 'none'}`,
        ]
      : []),
  ];
  const keptUsers = e.users.filter((u) => !i.purge || !users.includes(u));
  const keptGroups = e.groups.filter((g) => !i.purge || !groups.includes(g));
  const why = (kind: 'user' | 'group', name: string): string =>
    others.some((s) => (kind === 'user' ? s.users : s.groups).some((a) => a.name === name)) ? 'used by another stack' : i.facts.created.some((c) => c.kind === kind && c.name === name && c.stack === e.stack) ? 'created by keelson' : 'existed before keelson: adopted, never removed';
  const stays = [
    ...(i.purge ? [] : [`volumes and the data in them: ${volumes.join(', ') || 'none'}`, `Podman secrets: ${e.secrets.join(', ') || 'none'}`, `images: ${e.images.join(', ') || 'none'}`]),
    ...keptUsers.map((u) => `user ${u.name} (UID ${u.uid}, home ${u.home}; ${why('user', u.name)})${i.purge ? '' : ', its subordinate IDs and linger'}`),
    ...keptGroups.map((g) => `group ${g.name} (GID ${g.gid}; ${why('group', g.name)})`),
    'keelson\'s journals and backups under /var/lib/keelson',
    ...(i.purge && i.backup !== false && volumes.length > 0 ? [`the volume archives in ${backupDirFor(e, i.runId)}`] : []),
  ];
  const later = i.purge
    ? [`keelson apply --stack MANIFEST installs ${e.stack} again, new and empty (the archives restore with: podman volume import VOLUME FILE.tar)`]
    : [`keelson uninstall --purge --confirm-stack ${e.stack} --yes   removes the data too (volumes exported first)`, `keelson apply --stack MANIFEST --yes   installs ${e.stack} again and takes the kept data back (same owner, same UIDs)`];
  return { goes, stays, later };
};
