// Which packages are installed, and what the package manager would install. Every step shares ONE probe over
// every package keelson ever checks: apt-cache costs up to seconds per call on hosts without a package cache,
// so it runs once per plan, and only for the packages that are not installed.
import type { Fact } from './fact.js';

export interface PackageState {
  readonly name: string;
  readonly installed: string | null;
  /** The version the manager would install now (apt's Candidate); null when unknown or none. */
  readonly candidate: string | null;
}

const SCRIPT = `
if command -v dpkg-query >/dev/null 2>&1; then
  s=$(dpkg-query -W -f='\${Package}\\t\${Status}\\t\${Version}\\n' "$@" 2>/dev/null)
  echo '#dpkg'; printf '%s\\n' "$s"
  inst=" $(printf '%s\\n' "$s" | awk -F '\\t' '$2 == "install ok installed" { print $1 }' | tr '\\n' ' ') "
  missing=
  for p in "$@"; do case "$inst" in *" $p "*) ;; *) missing="$missing $p" ;; esac; done
  echo '#apt'; [ -z "$missing" ] || apt-cache policy $missing 2>/dev/null
elif command -v rpm >/dev/null 2>&1; then
  echo '#rpm'; rpm -q --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\n' "$@" 2>/dev/null
fi
exit 0`;

const sections = (stdout: string): Map<string, string[]> => {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of stdout.split('\n')) {
    if (/^#(dpkg|apt|rpm)$/.test(line)) out.set(line.slice(1), (current = []));
    else current.push(line);
  }
  return out;
};

/** apt-cache policy blocks: "name:" then indented "Candidate: X" ("(none)" when nothing offers it). */
const aptCandidates = (lines: readonly string[]): Map<string, string> => {
  const out = new Map<string, string>();
  let name: string | null = null;
  for (const line of lines) {
    const head = /^(\S+):$/.exec(line);
    if (head?.[1] !== undefined) name = head[1].replace(/:[a-z0-9]+$/, ''); // drop an ":amd64" arch suffix
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (name !== null && cand?.[1] !== undefined && cand[1] !== '(none)') out.set(name, cand[1]);
  }
  return out;
};

export const parsePackageStates = (stdout: string, names: readonly string[]): PackageState[] => {
  const s = sections(stdout);
  const installed = new Map<string, string>();
  for (const line of s.get('dpkg') ?? []) {
    const [name, status = '', version = ''] = line.split('\t');
    if (name !== undefined && status.endsWith(' installed') && status.startsWith('install ok')) installed.set(name, version);
  }
  for (const line of s.get('rpm') ?? []) {
    const [name, version] = line.split('\t');
    if (name !== undefined && version !== undefined) installed.set(name, version);
  }
  const candidates = aptCandidates(s.get('apt') ?? []);
  return names.map((name) => ({ name, installed: installed.get(name) ?? null, candidate: candidates.get(name) ?? null }));
};

/** Every package any step asks about, Debian and RHEL names alike (a name the host's manager lacks is just absent). */
export const KNOWN_PACKAGES = [
  'auditd', 'audit', 'busybox', 'busybox-static', 'crun', 'cryptsetup', 'dbus-user-session', 'nftables', 'passt', 'podman',
  'shadow-utils', 'systemd-container', 'systemd-cryptsetup', 'uidmap',
].sort();

const sharedPackagesFact: Fact<PackageState[]> = {
  id: 'packages',
  probe: { sh: SCRIPT, args: KNOWN_PACKAGES },
  parse: (o) => parsePackageStates(o.stdout, KNOWN_PACKAGES),
};

/** names says what the caller needs; all callers get the one shared probe, so a plan pays for it once. */
export const packagesFact = (names: readonly string[]): Fact<PackageState[]> => {
  const unknown = names.filter((n) => !KNOWN_PACKAGES.includes(n));
  if (unknown.length > 0) throw new Error(`add ${unknown.join(', ')} to KNOWN_PACKAGES in src/facts/packages.ts`);
  return sharedPackagesFact;
};
