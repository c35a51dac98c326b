// One probe script can answer several questions that depend on each other (the LUKS device is known only
// after walking from the mount). Each answer is framed as one line "NAME EXIT BASE64(stdout) BASE64(stderr)":
// base64 means no tool output can forge a section, whatever it prints. An empty output is an empty field, and nothing
// is captured in a command substitution: each of those forks, and a fork is dear on a slow host (the volume probe's
// sections cost it four processes each, two fifths of its 4 s on the emulated test VM).
import type { ProbeOutput } from '../../src/facts/fact.js';

/**
 * sh helpers for such scripts. `k_run NAME CMD…` runs CMD with stdin from /dev/null and prints its section;
 * `k_run_in FILE NAME CMD…` feeds FILE on stdin instead. NAME must not contain spaces.
 */
export const SECTION_HELPERS_SH = `k_d=$(mktemp -d) || exit 70
trap 'rm -rf "$k_d"' EXIT
k_b64() { if [ -s "$1" ]; then base64 -w 0 <"$1"; fi; }
k_emit() { printf '%s %s ' "$1" "$2"; k_b64 "$k_d/o"; printf ' '; k_b64 "$k_d/e"; printf '\\n'; }
k_run_in() { k_i=$1; k_n=$2; shift 2; "$@" <"$k_i" >"$k_d/o" 2>"$k_d/e"; k_emit "$k_n" $?; }
k_run() { k_n=$1; shift; k_run_in /dev/null "$k_n" "$@"; }`;

/** The sections of a framed answer, by name; the last one wins when a name repeats. */
export const parseSections = (stdout: string): Map<string, ProbeOutput> => {
  const out = new Map<string, ProbeOutput>();
  for (const line of stdout.split('\n')) {
    const [name, code, o, e, ...rest] = line.split(' ');
    if (name === undefined || name === '' || code === undefined || !/^[0-9]+$/.test(code) || rest.length > 0) continue;
    out.set(name, {
      exitCode: Number(code),
      stdout: Buffer.from(o ?? '', 'base64').toString('utf8'),
      stderr: Buffer.from(e ?? '', 'base64').toString('utf8'),
    });
  }
  return out;
};

/** The first non-empty line a tool printed, for a finding that says why something could not be read. */
export const firstLine = (o: ProbeOutput): string =>
  (o.stderr.trim() || o.stdout.trim()).split('\n')[0]?.trim() || `exit ${o.exitCode}`;
