// What the Quadlet step reads from the host: the files now in its two unit directories (one probe, every file
// framed in base64), whether the top target is enabled, and which Podman secrets and images exist in
// the stack's scope. Podman's version comes from the preflight step's fact (same id, same probe).
import { z } from 'zod';
import { runAs, systemctlCall } from '../../src/engine/scope.js';
import { FactParseError, type Fact, type ProbeOutput } from '../../src/facts/fact.js';
import { filesBlobSh, splitFilesBlob } from '../../src/facts/files-blob.js';
import { parseUnitStates } from '../../src/facts/unit-states.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { bootTargetFor, stackScope, unitPaths, type UnitDir } from './placement.js';
import { serviceUnit, targetUnit, topTargetName } from './unit-names.js';

export interface UnitFileOnHost {
  readonly dir: UnitDir;
  readonly name: string;
  /** null: a symbolic link (never ours: keelson writes regular files). */
  readonly content: string | null;
}

export interface UnitDirsState {
  /** Rootless: the owner's home from the passwd database; null when the owner does not exist yet. Rootful: null. */
  readonly home: string | null;
  readonly existingDirs: readonly string[];
  readonly files: readonly UnitFileOnHost[];
  /** The top target has its WantedBy= symlink (systemctl enable ran). */
  readonly enabled: boolean;
}

// $1 mode, $2 owner, $3 boot target, $4 top unit, $5 the Quadlet directory, $6 the systemd directory, then the
// directories that lead to them (placement.ts's unitPaths; rootless ones relative to the owner's home, which only the
// host knows). Lines: "home W|-", "dir W", "enabled yes|no", "part DIR W", "file DIR W B64CONTENT", "link DIR W",
// then "size N" for each part and "blob B64" (the parts' contents, one after another). A word W is "=word" when it is
// plainly safe and base64 otherwise: a name keelson writes costs no process (each fork and base64 took most of this
// probe's 4.4 s on the emulated test VM). A file whose path is plainly safe is a part: one wc and one base64 for all of
// them; any other path (a space, a newline: wc's lines could not carry it) keeps its content on its own line. Only
// names Quadlet or keelson could own are read.
const UNIT_DIRS_SCRIPT = `
set -u
safe() { case "$1" in ''|*[!A-Za-z0-9@._/+-]*) return 1 ;; esac; }
w() { if safe "$1"; then printf '=%s' "$1"; else printf '%s' "$1" | base64 -w 0; fi; }
home=
if [ "$1" = rootless ]; then
  home=$(getent passwd "$2" | cut -d: -f6)
  if [ -z "$home" ]; then echo 'home -'; exit 0; fi
  printf 'home '; w "$home"; echo
fi
boot=$3; top=$4; q=$home$5; s=$home$6; shift 6
for d in "$@"; do [ -d "$home$d" ] && { printf 'dir '; w "$home$d"; echo; }; done
if [ -L "$s/$boot.wants/$top" ]; then echo 'enabled yes'; else echo 'enabled no'; fi
set --
for pair in "quadlet:$q" "systemd:$s"; do
  which=\${pair%%:*}; d=\${pair#*:}
  for f in "$d"/*; do
    n=\${f##*/}
    case "$n" in *.container|*.network|*.volume|*.pod|*.image|*.build|*.kube|*.target) ;; *) continue ;; esac
    if [ -L "$f" ]; then printf 'link %s ' "$which"; w "$n"; echo
    elif [ -f "$f" ] && safe "$f"; then printf 'part %s =%s\\n' "$which" "$n"; set -- "$@" "$f"
    elif [ -f "$f" ]; then printf 'file %s ' "$which"; w "$n"; printf ' '; base64 -w 0 <"$f"; echo
    fi
  done
done
if [ $# -gt 0 ]; then
${filesBlobSh("'size '", "'blob '")}
fi
exit 0`;

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
/** A word of the probe's answer: "=word" as it is, anything else base64. */
const word = (w: string): string => (w.startsWith('=') ? w.slice(1) : decode(w));
const isUnitDir = (d: string | undefined): d is UnitDir => d === 'quadlet' || d === 'systemd';

export const parseUnitDirs = (o: ProbeOutput): UnitDirsState => {
  let home: string | null = null;
  let enabled = false;
  const existingDirs: string[] = [];
  const files: UnitFileOnHost[] = [];
  const parts: number[] = [];
  const sizes: number[] = [];
  let blob = '';
  for (const line of o.stdout.split('\n')) {
    const [kind, a = '', b = '', c = ''] = line.split(' ');
    if (kind === 'home') home = a === '-' ? null : word(a);
    else if (kind === 'dir') existingDirs.push(word(a));
    else if (kind === 'enabled') enabled = a === 'yes';
    else if (kind === 'file' && isUnitDir(a)) files.push({ dir: a, name: word(b), content: decode(c) });
    else if (kind === 'part' && isUnitDir(a)) parts.push(files.push({ dir: a, name: word(b), content: '' }) - 1);
    else if (kind === 'link' && isUnitDir(a)) files.push({ dir: a, name: word(b), content: null });
    else if (kind === 'size' && /^[0-9]+$/.test(a)) sizes.push(Number(a));
    else if (kind === 'blob') blob = a;
  }
  const contents = sizes.length === parts.length ? splitFilesBlob(sizes, blob) : null;
  if (contents === null) {
    throw new FactParseError('quadlet-units', `the unit files' contents are not all there (${parts.length} files, ${sizes.length} sizes, ${Buffer.from(blob, 'base64').length} bytes)`);
  }
  parts.forEach((i, k) => {
    const f = files[i];
    if (f !== undefined) files[i] = { ...f, content: contents[k] ?? '' };
  });
  return { home, existingDirs, files, enabled };
};

export const unitDirsFact = (m: Manifest): Fact<UnitDirsState> => {
  const { dirs, chain } = unitPaths(m.mode, '');
  return {
    id: `quadlet-units:${m.mode}:${m.owner ?? 'root'}:${m.stack}`,
    probe: { sh: UNIT_DIRS_SCRIPT, args: [m.mode, m.owner ?? '', bootTargetFor(m.mode), targetUnit(topTargetName(m)), dirs.quadlet, dirs.systemd, ...chain] },
    parse: parseUnitDirs,
  };
};

/** A list Podman gave, or why it could not (the owner does not exist yet, Podman is missing…). */
export type PodmanList =
  | {
      readonly ok: true;
      readonly names: readonly string[];
      /** Images only: the image ID each name is, now (`podman images` Id, 64 hex digits). */
      readonly ids?: ReadonlyMap<string, string>;
    }
  | { readonly ok: false; readonly detail: string };

const failed = (o: ProbeOutput): PodmanList => ({
  ok: false,
  detail: (o.stderr.trim().split('\n')[0] ?? '') || `exit code ${o.exitCode}`,
});

const imageList = z.array(z.looseObject({ Names: z.array(z.string()).nullish(), Id: z.string().optional() }));

const parseJson = <T>(o: ProbeOutput, schema: z.ZodType<T>, names: (v: T) => string[], ids?: (v: T) => Map<string, string>): PodmanList => {
  if (o.exitCode !== 0) return failed(o);
  let json: unknown;
  try {
    json = JSON.parse(o.stdout.trim() === '' ? '[]' : o.stdout);
  } catch {
    return { ok: false, detail: 'podman printed something that is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, detail: 'podman printed JSON of an unexpected shape' };
  return { ok: true, names: names(parsed.data), ...(ids === undefined ? {} : { ids: ids(parsed.data) }) };
};

const scopeId = (m: Manifest): string => {
  const scope = stackScope(m);
  return scope.scope === 'user' ? `user:${scope.user}` : 'system';
};

// `podman secret ls --format json` prints the word "json" once per secret (Podman 5.4.2): a Go template, one name a line.
const NAME_LINE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const podmanSecretsFact = (m: Manifest): Fact<PodmanList> => ({
  id: `podman-secrets:${scopeId(m)}`,
  probe: { argv: ['podman', 'secret', 'ls', '--noheading', '--format', '{{.Name}}'], ...runAs(stackScope(m)) },
  parse: (o) => {
    if (o.exitCode !== 0) return failed(o);
    const names = o.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const odd = names.find((n) => !NAME_LINE.test(n));
    return odd === undefined ? { ok: true, names } : { ok: false, detail: `podman printed "${odd}" where a secret name belongs` };
  },
});

/** Every image in a scope's storage, as JSON: the Quadlet step's fact, and the record's image IDs at apply time. */
export const PODMAN_IMAGES_ARGV = ['podman', 'images', '--format', 'json'] as const;

/** `podman images --format json` → its names (and IDs: an image loaded from a stack archive is named by its ID). */
export const parsePodmanImages = (o: ProbeOutput): PodmanList =>
  parseJson(
    o,
    imageList,
    (list) => list.flatMap((i) => [...(i.Names ?? []), ...(i.Id === undefined ? [] : [i.Id])]),
    (list) => new Map(list.flatMap((i) => (i.Id === undefined ? [] : (i.Names ?? []).map((n) => [n, i.Id ?? ''] as const)))),
  );

export const podmanImagesFact = (m: Manifest): Fact<PodmanList> => ({
  id: `podman-images:${scopeId(m)}`,
  probe: { argv: [...PODMAN_IMAGES_ARGV], ...runAs(stackScope(m)) },
  parse: parsePodmanImages,
});

/** The stack's units as systemd sees them now; empty when the manager cannot be asked (no owner, no linger yet). */
export type StackUnitStates = ReadonlyMap<string, string>;

/** Every unit the stack runs: one service per container, its targets and the top target. */
export const stackUnits = (m: Manifest): string[] => [
  ...m.containers.map((c) => serviceUnit(c.name)),
  ...[...new Set([...m.targets.map((t) => t.name), topTargetName(m)])].map(targetUnit),
];

export const unitStatesFact = (m: Manifest): Fact<StackUnitStates> => ({
  id: `quadlet-unit-states:${scopeId(m)}:${m.stack}`,
  probe: systemctlCall(stackScope(m), ['show', '-p', 'Id', '-p', 'ActiveState', '--', ...stackUnits(m)]),
  parse: (o) => new Map(o.exitCode === 0 ? parseUnitStates(o.stdout).map((u) => [u.id, u.active]) : []),
  // Units stop and start on their own: not a reason to refuse a saved plan.
  volatile: true,
});
