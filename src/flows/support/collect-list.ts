// What a support bundle collects, and from where: ONE allowlist made from the deployment record. `--list` prints it,
// the probe runs it (every item a fact of one round trip), the bundle's files are its answers. Nothing is collected
// that is not named here. Items with `ship: false` are read only to redact the bundle (secret values, host and user
// names) and never written anywhere. Pure.
import type { Fact, ProbeOutput } from '../../facts/fact.js';
import type { Scope } from '../../engine/action.js';
import { ownerScope, runAs, systemctlCall } from '../../engine/scope.js';
import { RECORD_PATH, stackUnits, type RecordView, type StackView } from '../doctor/record-view.js';
import { journalctlArgv } from '../logs/logs-target.js';

/** Journal bounds per unit: a week, at most this many lines (container logs unbounded were sos's complaint #4449). */
export const JOURNAL_SINCE = '-7d';
export const JOURNAL_LINES = 1000;

export interface CollectItem {
  /** Where its answer goes in the bundle; for an item not shipped, what it is for. */
  readonly file: string;
  /** The command or file on the host, as --list shows it. */
  readonly from: string;
  readonly ship: boolean;
  /** Podman's inspect: only the allowlisted fields are kept (bundle-files.ts). */
  readonly inspect?: boolean;
  /** A secret's value: the name it is redacted as. */
  readonly secret?: string;
  readonly fact: Fact<ProbeOutput>;
}

const raw = (o: ProbeOutput): ProbeOutput => o;

// A fact id travels in the probe's frames, which carry printable ASCII without spaces: shipped items are keyed by
// their path in the bundle, the items read only to redact by a key of their own (their label is words).
const item = (file: string, argv: readonly string[], extra: { ship?: boolean; asUser?: string; inspect?: boolean; secret?: string; key?: string } = {}): CollectItem => ({
  file,
  from: `${extra.asUser === undefined ? '' : `(as ${extra.asUser}) `}${argv.join(' ')}`,
  ship: extra.ship ?? true,
  ...(extra.inspect === true ? { inspect: true } : {}),
  ...(extra.secret === undefined ? {} : { secret: extra.secret }),
  fact: { id: `bundle:${extra.key ?? file}`, probe: { argv, ...(extra.asUser === undefined ? {} : { asUser: extra.asUser }) }, parse: raw, volatile: true },
});
const systemctlItem = (file: string, sc: Scope, args: readonly string[]): CollectItem => {
  const { argv, ...as } = systemctlCall(sc, args);
  return item(file, argv, as);
};

// A constant script; the directory arrives as "$1". Each drop-in file with a header line naming it.
const DROPINS_SH = 'for f in "$1"/*; do [ -f "$f" ] && { printf "# %s\\n" "$f"; cat -- "$f"; }; done; exit 0';
const INSPECT_SH = 'ids=$(podman ps -aq); [ -z "$ids" ] || exec podman inspect $ids';

const scopeOf = (s: StackView): Scope => ownerScope(s.owner);
const scopeName = (sc: Scope): string => (sc.scope === 'system' ? 'system' : `user-${sc.user}`);
const QUADLET = /\.(container|network|volume|pod|kube|image|build)$/;

const stackItems = (s: StackView): CollectItem[] => {
  const sc = scopeOf(s);
  const uid = s.owner === null ? null : (s.users.find((u) => u.name === s.owner)?.uid ?? null);
  const files = s.files.flatMap((f) => {
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    const own = item(`stacks/${s.name}/files/${base}`, ['cat', '--', f.path]);
    return QUADLET.test(f.path) ? [own, { ...item(`stacks/${s.name}/files/${base}.d`, ['sh', '-c', DROPINS_SH, 'keelson-dropins', `${f.path}.d`]) }] : [own];
  });
  const units = stackUnits(s).flatMap((unit) => [
    systemctlItem(`stacks/${s.name}/units/${unit}.show`, sc, ['show', '--', unit]),
    systemctlItem(`stacks/${s.name}/units/${unit}.status`, sc, ['status', '--no-pager', '--full', '--lines', '0', '--', unit]),
    ...(s.owner !== null && uid === null ? [] : [item(`stacks/${s.name}/journal/${unit}.log`, journalctlArgv([{ stack: s.name, unit, uid }], { lines: JOURNAL_LINES, since: JOURNAL_SINCE }))]),
  ]);
  const secrets = s.secrets.map((name) =>
    item(`secret ${name} of ${s.name}: its value, read only to redact it`, ['podman', 'secret', 'inspect', '--showsecret', '--format', '{{.SecretData}}', '--', name], { ship: false, secret: name, key: `redact/secret/${s.name}/${name}`, ...runAs(sc) }));
  return [...files, ...units, ...secrets];
};

const scopeItems = (sc: Scope): CollectItem[] => [
  item(`podman/${scopeName(sc)}/ps.json`, ['podman', 'ps', '-a', '--format', 'json'], runAs(sc)),
  item(`podman/${scopeName(sc)}/inspect.json`, ['sh', '-c', INSPECT_SH], { ...runAs(sc), inspect: true }),
  item(`podman/${scopeName(sc)}/images.json`, ['podman', 'images', '--format', 'json'], runAs(sc)),
];

const hostItems: CollectItem[] = [
  item('host/os-release', ['cat', '/etc/os-release']),
  item('host/kernel', ['uname', '-srvmo']),
  item('host/systemd-version', ['systemctl', '--version']),
  item('host/podman-version.json', ['podman', 'version', '--format', 'json']),
  item('host names: replaced by pseudonyms', ['sh', '-c', 'hostname; hostname -f; cat /etc/hostname'], { ship: false, key: 'redact/hostnames' }),
  item('user names: accounts in the human range replaced by pseudonyms', ['getent', 'passwd'], { ship: false, key: 'redact/passwd' }),
];

/** Every item, in the order the size cap keeps them: the host, then each stack, then each manager's containers. */
export const collectList = (record: RecordView): CollectItem[] => {
  const stacks = record.kind === 'present' ? record.stacks : [];
  const scopes = [...new Map(stacks.map((s) => [scopeName(scopeOf(s)), scopeOf(s)])).values()];
  return [...hostItems, ...stacks.flatMap(stackItems), ...scopes.flatMap(scopeItems)];
};

/** The lines --list prints: each file and where it comes from; the items read only for redaction last. */
export const collectListText = (items: readonly CollectItem[]): string => {
  const shipped = items.filter((i) => i.ship);
  const redaction = items.filter((i) => !i.ship);
  return [
    'In the bundle:',
    '  doctor.json  ←  keelson doctor --json (the same round trip)',
    `  record.json  ←  ${RECORD_PATH}`,
    ...shipped.map((i) => `  ${i.file}  ←  ${i.from}`),
    '  README.txt  ←  what was collected, redacted and left out',
    'Read only to redact, never written:',
    ...redaction.map((i) => `  ${i.file}  ←  ${i.from}`),
    '',
  ].join('\n');
};
