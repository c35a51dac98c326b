// Which packages are installed, and what the package manager would install: one dpkg-query and one
// apt-cache call for all names (apt-cache costs about a second per call, so never one per package).
import type { Fact } from './fact.js';

export interface PackageState {
  readonly name: string;
  readonly installed: string | null;
  /** The version the manager would install now (apt's Candidate); null when unknown or none. */
  readonly candidate: string | null;
}

const SCRIPT = `
if command -v dpkg-query >/dev/null 2>&1; then
  echo '#dpkg'; dpkg-query -W -f='\${Package}\\t\${Status}\\t\${Version}\\n' "$@" 2>/dev/null
  echo '#apt'; apt-cache policy "$@" 2>/dev/null
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

export const packagesFact = (names: readonly string[]): Fact<PackageState[]> => {
  const sorted = [...names].sort();
  return {
    id: `packages:${sorted.join(',')}`,
    probe: { sh: SCRIPT, args: sorted },
    parse: (o) => parsePackageStates(o.stdout, sorted),
  };
};
