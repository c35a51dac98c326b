// Validation before anything is written: the unit directories as they will be after the apply (what is there now,
// with the planned writes and removals) are staged in a temporary directory on the target, the real Quadlet
// generator runs over them (-dryrun, which logs to stderr; it can exit 0 while rejecting a file), then
// `systemd-analyze verify` over what it generated for this stack. Its words become the blockers.
import type { Action } from '../../src/engine/action.js';
import { blocker, info, warning, type Finding } from '../../src/engine/finding.js';
import type { StepContext } from '../../src/engine/step.js';
import type { Fact, ProbeOutput } from '../../src/facts/fact.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { homeOfQuadletDir, placementFor, type UnitDir } from './placement.js';
import { containerFile, generatedUnit, networkFile, targetUnit, topTargetName, volumeFile } from './unit-names.js';

export const GENERATOR = '/usr/libexec/podman/quadlet';

// $1 the generator, $2 mode, $3 the Quadlet directory, $4 the systemd directory, then one word per file:
//   w:DIR:NAME:BASE64  planned content     r:DIR:NAME  planned removal     o:DIR:NAME:UNIT  this stack's file and
//   the unit it becomes (unit-names.ts's generatedUnit: the script names no unit itself)
// (DIR is "quadlet" or "systemd"; names are the manifest's, letters, digits, "." and "-"). Output, one per line:
//   stage PATH | no-generator | generator-exit N | generator LINE | produced NAME yes|no | verify-exit N | verify LINE
export const VALIDATE_SCRIPT = `set -u
gen=$1; mode=$2; qdir=$3; sdir=$4; shift 4
if [ ! -x "$gen" ]; then echo no-generator; exit 0; fi
w=$(mktemp -d) || exit 70
trap 'rm -rf "$w"' EXIT
mkdir "$w/quadlet" "$w/systemd" "$w/units" "$w/runtime" || exit 70
chmod 0700 "$w/runtime"
echo "stage $w"
# What Quadlet reads today (another stack's files too: a unit may name them), and the operator's drop-ins.
for f in "$qdir"/*; do
  n=\${f##*/}
  case "$n" in
    *.container|*.network|*.volume|*.pod|*.image|*.build|*.kube) [ -f "$f" ] && cp -- "$f" "$w/quadlet/$n" ;;
    *.d) [ -d "$f" ] && cp -R -- "$f" "$w/quadlet/$n" ;;
  esac
done
ours=
for a in "$@"; do
  op=\${a%%:*}; r=\${a#*:}; k=\${r%%:*}; r=\${r#*:}; n=\${r%%:*}; b=\${r#*:}
  case "$k" in quadlet|systemd) ;; *) exit 64 ;; esac
  case "$n" in ''|*/*|.*) exit 64 ;; esac
  case "$op" in
    w) printf '%s' "$b" | base64 -d >"$w/$k/$n" || exit 71 ;;
    r) rm -f -- "$w/$k/$n" ;;
    o) ours="$ours $k/$n/$b" ;;
  esac
done
flag=; user=
if [ "$mode" = rootless ]; then flag=-user; user=--user; export XDG_RUNTIME_DIR="$w/runtime"; fi
QUADLET_UNIT_DIRS="$w/quadlet" "$gen" -dryrun $flag >"$w/gen.out" 2>"$w/gen.err"
echo "generator-exit $?"
while IFS= read -r l; do printf 'generator %s\\n' "$l"; done <"$w/gen.err"
# -dryrun prints each unit after a "---NAME---" line.
awk -v dir="$w/units" '/^---.*---$/ { n = $0; gsub(/^---|---$/, "", n); k = split(n, p, "/"); out = dir "/" p[k]; next } out != "" { print > out }' "$w/gen.out"
set --
for o in $ours; do
  k=\${o%%/*}; r=\${o#*/}; n=\${r%%/*}; u=\${r#*/}
  case "$u" in ''|*/*|.*) exit 64 ;; esac
  if [ "$k" = systemd ]; then [ -f "$w/$k/$n" ] || cp -- "$sdir/$n" "$w/$k/$n" 2>/dev/null; cp -- "$w/$k/$n" "$w/units/$n" 2>/dev/null; fi
  if [ -s "$w/units/$u" ]; then echo "produced $n yes"; set -- "$@" "$w/units/$u"; else echo "produced $n no"; fi
done
[ $# -gt 0 ] || exit 0
# The trailing ":" keeps the default unit path, so the units they name (network-online.target…) resolve.
SYSTEMD_UNIT_PATH="$w/units:" systemd-analyze $user verify --man=no -- "$@" >"$w/verify" 2>&1
echo "verify-exit $?"
while IFS= read -r l; do printf 'verify %s\\n' "$l"; done <"$w/verify"
exit 0`;

const QUADLET_EXT = /\.(container|network|volume|pod|image|build|kube)$/;

/** This stack's files, as the manifest names them (whatever changes or not). */
export const stackFileNames = (m: Manifest): { dir: UnitDir; name: string }[] => [
  ...m.containers.map((c) => ({ dir: 'quadlet' as const, name: containerFile(c.name) })),
  ...m.networks.map((n) => ({ dir: 'quadlet' as const, name: networkFile(m.stack, n.name) })),
  ...m.volumes.map((v) => ({ dir: 'quadlet' as const, name: volumeFile(m.stack, v.name) })),
  ...[...new Set([...m.targets.map((t) => t.name), topTargetName(m)])].map((t) => ({ dir: 'systemd' as const, name: targetUnit(t) })),
];

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const dirname = (p: string) => p.slice(0, p.lastIndexOf('/'));

export interface ValidateArgs {
  readonly dirs: Readonly<Record<UnitDir, string>>;
  readonly args: string[];
}

/** The script's arguments: where the units go, the planned writes and removals there, and the stack's own files. */
export const validateArgs = (actions: readonly Action[], ctx: StepContext): ValidateArgs | null => {
  const m = ctx.manifest;
  const writes = actions.filter((a): a is Extract<Action, { kind: 'file.write' }> => a.kind === 'file.write');
  // Nothing of the stack changes: what is on the host was checked when it was written.
  if (writes.length === 0 && !actions.some((a) => a.kind === 'file.remove')) return null;
  const owner = m.owner ?? '';
  // The owner's home: the planned paths say it (placement.ts knows where rootless Quadlet files live below it).
  const anyQuadlet = writes.find((a) => QUADLET_EXT.test(a.path))?.path;
  const home = m.mode === 'rootful' ? '' : (ctx.resolved.users[owner]?.home ?? (anyQuadlet === undefined ? null : homeOfQuadletDir(dirname(anyQuadlet))));
  if (home === null) return null;
  const { dirs } = placementFor(m, home, owner);
  const dirOf = (path: string): UnitDir | null => (dirname(path) === dirs.quadlet ? 'quadlet' : dirname(path) === dirs.systemd ? 'systemd' : null);
  const args: string[] = [];
  for (const a of actions) {
    if (a.kind !== 'file.write' && a.kind !== 'file.remove') continue;
    const dir = dirOf(a.path);
    if (dir === null) continue;
    args.push(a.kind === 'file.write' ? `w:${dir}:${basename(a.path)}:${Buffer.from(a.content, 'utf8').toString('base64')}` : `r:${dir}:${basename(a.path)}`);
  }
  for (const f of stackFileNames(m)) args.push(`o:${f.dir}:${f.name}:${f.dir === 'quadlet' ? generatedUnit(f.name) : f.name}`);
  return { dirs, args: [GENERATOR, m.mode, dirs.quadlet, dirs.systemd, ...args] };
};

// -dryrun's own debug lines, not complaints.
const GENERATOR_NOISE = /Loading source unit file|^\s*$/;
const PREFIX = /^quadlet-generator\[\d+\]:\s*/;

/** A line the generator logged → its complaint without the "quadlet-generator[PID]:" prefix, or null for noise. */
export const generatorComplaint = (line: string): string | null => (GENERATOR_NOISE.test(line) ? null : line.replace(PREFIX, ''));

export interface ValidationReport {
  readonly generator: boolean;
  readonly generatorExit: number | null;
  /** Complaints, staging paths replaced by the real ones. */
  readonly complaints: readonly string[];
  readonly notProduced: readonly string[];
  readonly verifyExit: number | null;
  readonly verify: readonly string[];
}

/** Reads the script's output back; staging paths become the paths the files will have. */
export const parseValidation = (o: ProbeOutput, dirs: Readonly<Record<UnitDir, string>>): ValidationReport => {
  let stage: string | null = null;
  let generator = true;
  let generatorExit: number | null = null;
  let verifyExit: number | null = null;
  const complaints: string[] = [];
  const notProduced: string[] = [];
  const verify: string[] = [];
  const real = (line: string) =>
    stage === null
      ? line
      : line
          .replaceAll(`${stage}/quadlet`, dirs.quadlet)
          .replaceAll(`${stage}/systemd`, dirs.systemd)
          .replaceAll(`${stage}/units/`, '')
          .replaceAll(stage, '(staging)');
  for (const line of o.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    const tag = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    if (tag === 'stage') stage = rest;
    else if (tag === 'no-generator') generator = false;
    else if (tag === 'generator-exit') generatorExit = Number(rest);
    else if (tag === 'generator' && generatorComplaint(rest) !== null) complaints.push(real(generatorComplaint(rest) ?? ''));
    else if (tag === 'produced' && rest.endsWith(' no')) notProduced.push(rest.slice(0, -3));
    else if (tag === 'verify-exit') verifyExit = Number(rest);
    else if (tag === 'verify' && rest.trim() !== '') verify.push(real(rest));
  }
  return { generator, generatorExit, complaints, notProduced, verifyExit, verify };
};

/** Which manifest entry a unit file comes from, for the remedy. */
const manifestEntry = (m: Manifest, file: string): string => {
  const c = m.containers.find((x) => containerFile(x.name) === file);
  if (c !== undefined) return `containers.${c.name}`;
  const n = m.networks.find((x) => networkFile(m.stack, x.name) === file);
  if (n !== undefined) return `networks.${n.name}`;
  const v = m.volumes.find((x) => volumeFile(m.stack, x.name) === file);
  if (v !== undefined) return `volumes.${v.name}`;
  const t = [...m.targets.map((x) => x.name), topTargetName(m)].find((x) => targetUnit(x) === file);
  return t !== undefined ? `targets.${t}` : file;
};

const MAX_LINES = 12;
const quote = (lines: readonly string[]): string =>
  (lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines`] : lines).join(' | ');

const FIX = 'then plan again; nothing has been written to the host';

export const validationFindings = (r: ValidationReport, m: Manifest, dirs: Readonly<Record<UnitDir, string>>): Finding[] => {
  if (!r.generator) {
    return [
      warning('quadlet-unvalidated', `The Quadlet generator (${GENERATOR}) is not on this host yet, so the unit files cannot be checked before they are written; Podman arrives with this apply.`,
        'To have them checked first: install podman (apt-get install podman), then plan again.'),
    ];
  }
  const own = stackFileNames(m).map((f) => f.name);
  // The generator names a file ("web.container", or its path); systemd-analyze names the generated unit.
  const generatorFile = (line: string) => own.find((f) => line.includes(`"${f}"`) || line.includes(`/${f}`));
  const verifyFile = (line: string) => own.find((f) => new RegExp(`(^|[\\s/])${(f.endsWith('.target') ? f : generatedUnit(f)).replaceAll('.', '\\.')}\\b`).test(line));
  const findings: Finding[] = [];
  const byFile = new Map<string, string[]>();
  const foreign: string[] = [];
  for (const line of r.complaints) {
    const f = generatorFile(line);
    if (f === undefined) foreign.push(line);
    else byFile.set(f, [...(byFile.get(f) ?? []), line]);
  }
  for (const [file, lines] of byFile) {
    findings.push(blocker('quadlet-generator-rejected', `The Quadlet generator rejects ${file}: ${quote(lines)}`, `Fix ${manifestEntry(m, file)} in the manifest (the generator's words say which key or value), ${FIX}.`));
  }
  for (const file of r.notProduced.filter((f) => !byFile.has(f))) {
    findings.push(blocker('quadlet-generator-no-unit', `The Quadlet generator made no unit from ${file}${foreign.length > 0 ? `; it said: ${quote(foreign)}` : ' and said nothing about it'}.`,
      `Check ${manifestEntry(m, file)} in the manifest and run "QUADLET_UNIT_DIRS=DIR ${GENERATOR} -dryrun${m.mode === 'rootless' ? ' -user' : ''}" by hand over the files; ${FIX}.`));
  }
  if (foreign.length > 0 && r.notProduced.length === 0) {
    findings.push(warning('quadlet-generator-other-files', `The Quadlet generator complains about files in ${dirs.quadlet} that are not this stack's: ${quote(foreign)}`,
      'Fix or move away those files; the generator skips them at every daemon-reload.'));
  }
  if (r.generatorExit !== null && r.generatorExit !== 0 && findings.length === 0) {
    findings.push(blocker('quadlet-generator-failed', `The Quadlet generator exited with ${r.generatorExit} over the staged unit files and said nothing keelson can read.`, `Run "QUADLET_UNIT_DIRS=DIR ${GENERATOR} -dryrun" by hand over the files to see why; ${FIX}.`));
  }
  // A unit the generator did not make is "not found" by whatever names it: already said above.
  const missing = r.notProduced.map(generatedUnit);
  const verify = r.verify.filter((l) => !missing.some((u) => l.includes(`Unit ${u} not found`)));
  // Any line about the stack's units counts, "…, ignoring" too: systemd drops that setting (a RequiresMountsFor=
  // that is ignored lets the stack start on the unencrypted root).
  const ours = verify.filter((l) => verifyFile(l) !== undefined);
  const others = verify.filter((l) => verifyFile(l) === undefined);
  if (ours.length > 0 || (r.verifyExit !== null && r.verifyExit !== 0 && findings.length === 0)) {
    const entries = [...new Set(ours.flatMap((l) => { const f = verifyFile(l); return f === undefined ? [] : [manifestEntry(m, f)]; }))];
    findings.push(blocker('quadlet-verify-failed', `systemd-analyze verify objects to the units generated for this stack: ${quote(ours.length > 0 ? ours : [...others, `exit ${r.verifyExit ?? '?'}`])}`,
      `Fix ${entries.length > 0 ? entries.join(', ') : 'the manifest'} (systemd's words say which setting), ${FIX}.`));
  } else if (others.length > 0) {
    findings.push(warning('quadlet-verify-other-units', `systemd-analyze verify accepts the stack's units but says about others: ${quote(others)}`, 'Read the lines above; they are about units this stack only refers to.'));
  }
  if (findings.length === 0) {
    findings.push(info('quadlet-validated', `The Quadlet generator and systemd-analyze verify accept the stack's ${own.length} unit files as they will be after this apply.`));
  }
  return findings;
};

/** Step.validate for the Quadlet step: one probe, or none when no unit file changes. */
export const quadletValidation = (actions: readonly Action[], ctx: StepContext): Fact<Finding[]>[] => {
  const v = validateArgs(actions, ctx);
  if (v === null) return [];
  return [
    {
      id: `quadlet-validate:${ctx.manifest.stack}`,
      probe: { sh: VALIDATE_SCRIPT, args: v.args },
      parse: (o) => {
        if (o.exitCode !== 0) {
          return [blocker('quadlet-validate-script', `The unit files could not be staged for the generator (exit ${o.exitCode}): ${o.stderr.trim() || o.stdout.trim()}`, 'Check that /tmp is writable and has space on the host, then plan again.')];
        }
        return validationFindings(parseValidation(o, v.dirs), ctx.manifest, v.dirs);
      },
      volatile: true,
    },
  ];
};
