// What an uninstall reads of the host, asked about exactly what the stack's record names: its managed files, its
// units' states, its Podman resources in its scope, the accounts, subordinate IDs, linger and keelson's markers of
// the accounts it created. One round trip (after the record's own); nothing here changes the host.
import type { Fact, ProbeOutput } from '../../facts/fact.js';
import { ownerScope, systemctlCall } from '../../engine/scope.js';
import { parseShowBlocks } from '../../facts/unit-states.js';
import type { StackRecord } from '../../state/record-schema.js';
import { fileFact, type TextFile } from '../../../steps/storage/facts.js';
import { groupFact, lingerFact, passwdFact, subgidFact, subuidFact, type GroupEntry, type PasswdEntry, type SubidRange } from '../../../steps/identity/account-facts.js';
import { createdAccountsFact, type CreatedAccount } from '../../../steps/identity/created-accounts.js';
import { allStackUnits, stackView } from '../doctor/record-view.js';

export type PodmanResource = 'volume' | 'secret' | 'network' | 'image';

export interface UninstallFacts {
  readonly files: ReadonlyMap<string, TextFile>;
  /** Unit → its properties (LoadState, ActiveState, UnitFileState); empty when the manager did not answer. */
  readonly units: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** What Podman lists in the stack's scope; empty when it cannot be asked (the owner is gone). */
  readonly podman: Readonly<Record<PodmanResource, readonly string[]>>;
  readonly passwd: readonly PasswdEntry[];
  readonly groups: readonly GroupEntry[];
  readonly subuid: readonly SubidRange[];
  readonly subgid: readonly SubidRange[];
  readonly linger: readonly string[];
  readonly created: readonly CreatedAccount[];
  /** The socket directories of the stack that exist. */
  readonly socketDirs: readonly string[];
}

/** The socket directories the deployed manifest declared (the record keeps it canonical; format 1 did not). */
export const socketDirsOf = (entry: StackRecord): string[] => {
  const sockets = (entry.manifest as { sockets?: unknown } | null)?.sockets;
  return Array.isArray(sockets) ? sockets.flatMap((s) => (typeof (s as { dir?: unknown }).dir === 'string' ? [(s as { dir: string }).dir] : [])) : [];
};

const lines = (o: ProbeOutput): string[] => (o.exitCode === 0 ? o.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== '<none>:<none>') : []);

const LIST: Readonly<Record<PodmanResource, readonly string[]>> = {
  volume: ['podman', 'volume', 'ls', '--format', '{{.Name}}'],
  secret: ['podman', 'secret', 'ls', '--format', '{{.Name}}'],
  network: ['podman', 'network', 'ls', '--format', '{{.Name}}'],
  image: ['podman', 'images', '--format', '{{.Repository}}:{{.Tag}}'],
};

const RESOURCES = Object.keys(LIST) as PodmanResource[];

/** The facts for one stack's entry, and the parse of their answers. */
export const uninstallFacts = (entry: StackRecord): { readonly facts: readonly Fact<unknown>[]; readonly parse: (raw: ReadonlyMap<string, ProbeOutput>) => UninstallFacts } => {
  const view = stackView(entry);
  const owner = view.owner;
  const units = allStackUnits(view);
  const unitsFact: Fact<ReadonlyMap<string, ReadonlyMap<string, string>>> = {
    id: 'uninstall-units',
    probe: systemctlCall(ownerScope(owner), ['show', '-p', 'Id', '-p', 'LoadState', '-p', 'ActiveState', '-p', 'UnitFileState', '--', ...units]),
    parse: (o) => new Map(o.exitCode === 0 ? parseShowBlocks(o.stdout).flatMap((p) => (p.get('Id') === undefined ? [] : [[p.get('Id') ?? '', p] as const])) : []),
    volatile: true,
  };
  const podman = RESOURCES.map((r): Fact<string[]> => ({ id: `uninstall-podman-${r}`, probe: { argv: LIST[r], ...(owner === null ? {} : { asUser: owner }) }, parse: lines }));
  const dirs: Fact<string[]> = { id: 'uninstall-socket-dirs', probe: { sh: 'for d; do [ -d "$d" ] && printf "%s\\n" "$d"; done; exit 0', args: socketDirsOf(entry) }, parse: lines };
  const files = entry.files.map((f) => fileFact(f.path));
  const facts: Fact<unknown>[] = [...files, unitsFact, ...podman, dirs, passwdFact, groupFact, subuidFact, subgidFact, lingerFact, createdAccountsFact];
  const parse = (raw: ReadonlyMap<string, ProbeOutput>): UninstallFacts => {
    const of = <T>(f: Fact<T>): T => f.parse(raw.get(f.id) ?? { stdout: '', stderr: 'no answer', exitCode: 1 });
    return {
      files: new Map(files.map((f, i) => [entry.files[i]?.path ?? '', of(f)])),
      units: of(unitsFact),
      podman: Object.fromEntries(RESOURCES.map((r, i) => [r, podman[i] === undefined ? [] : of(podman[i])])) as Record<PodmanResource, string[]>,
      passwd: of(passwdFact),
      groups: of(groupFact),
      subuid: of(subuidFact),
      subgid: of(subgidFact),
      linger: of(lingerFact),
      created: of(createdAccountsFact),
      socketDirs: of(dirs),
    };
  };
  return { facts, parse };
};
