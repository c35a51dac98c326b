// One POSIX sh script answers every fact: each probe's stdout and stderr are captured to temp files and
// printed as one framed line "NONCE id exit base64(stdout) base64(stderr)". Base64 means no output can
// forge a frame; the nonce means no stray line is mistaken for one.
import type { Probe, ProbeOutput } from './fact.js';
import { wrapArgv } from '../host/command-wrap.js';
import { shellQuote } from '../host/shell-quote.js';

export interface ProbeRequest {
  readonly id: string;
  readonly probe: Probe;
}

// Frames are split on spaces: any printable ASCII without a space can be an id.
const ID = /^[!-~]+$/;

const probeCommand = (probe: Probe): string => {
  const argv = 'argv' in probe ? probe.argv : ['sh', '-c', probe.sh, 'keelson-fact', ...(probe.args ?? [])];
  if (probe.asUser === undefined) return shellQuote(argv);
  // Rootless probes (podman as the stack's owner): the Host's own wrapping, inside the script that already runs as root.
  return shellQuote(wrapArgv(argv, { asUser: probe.asUser }, 'root'));
};

export const buildGatherScript = (requests: readonly ProbeRequest[], nonce: string): string => {
  const lines = [
    'set -u',
    'LC_ALL=C; export LC_ALL',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    'k_d=$(mktemp -d) || exit 70',
    "trap 'rm -rf \"$k_d\"' EXIT",
    // base64 without wrapping; busybox and coreutils both take -w 0.
    'k_emit() { printf \'%s %s %s %s %s\\n\' ' + shellQuote([nonce]) + ' "$1" "$2" "$(base64 -w 0 <"$k_d/o")" "$(base64 -w 0 <"$k_d/e")"; }',
  ];
  for (const { id, probe } of requests) {
    if (!ID.test(id)) throw new Error(`fact id "${id}" has characters a frame cannot carry`);
    lines.push(`( ${probeCommand(probe)} ) >"$k_d/o" 2>"$k_d/e" </dev/null; k_emit ${shellQuote([id])} $?`);
  }
  return lines.join('\n') + '\n';
};

export class GatherParseError extends Error {
  constructor(detail: string) {
    super(`the fact script's answer could not be read: ${detail}`);
    this.name = 'GatherParseError';
  }
}

export const parseGatherOutput = (
  stdout: string,
  nonce: string,
  expected: readonly string[],
): Map<string, ProbeOutput> => {
  const out = new Map<string, ProbeOutput>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`${nonce} `)) continue;
    const [, id, code, o = '', e = ''] = line.split(' ');
    if (id === undefined || code === undefined || !/^[0-9]+$/.test(code)) throw new GatherParseError(`bad frame "${line.slice(0, 80)}"`);
    out.set(id, {
      exitCode: Number(code),
      stdout: Buffer.from(o, 'base64').toString('utf8'),
      stderr: Buffer.from(e, 'base64').toString('utf8'),
    });
  }
  const missing = expected.filter((id) => !out.has(id));
  if (missing.length > 0) throw new GatherParseError(`no answer for ${missing.join(', ')} (was the script cut short?)`);
  return out;
};
