// One POSIX sh script answers every fact: each probe's stdout and stderr are captured to temp files and
// printed as one framed line "NONCE id exit base64(stdout) base64(stderr) start end". Base64 means no output can
// forge a frame; the nonce means no stray line is mistaken for one. start and end are the kernel's uptime
// (/proc/uptime, 10 ms steps) around the probe: read by a shell builtin, so timing a probe costs no process.
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
    'k_emit() { printf \'%s %s %s %s %s %s %s\\n\' ' + shellQuote([nonce]) + ' "$1" "$2" "$(base64 -w 0 <"$k_d/o")" "$(base64 -w 0 <"$k_d/e")" "$k_t0" "$k_t1"; }',
    // "-" where the host has no /proc/uptime: the probe's answer counts, its time is simply unknown.
    'k_up() { k_u=-; { read -r k_u k_r </proc/uptime; } 2>/dev/null || k_u=-; }',
  ];
  for (const { id, probe } of requests) {
    if (!ID.test(id)) throw new Error(`fact id "${id}" has characters a frame cannot carry`);
    lines.push(`k_up; k_t0=$k_u; ( ${probeCommand(probe)} ) >"$k_d/o" 2>"$k_d/e" </dev/null; k_c=$?; k_up; k_t1=$k_u; k_emit ${shellQuote([id])} $k_c`);
  }
  return lines.join('\n') + '\n';
};

export class GatherParseError extends Error {
  constructor(detail: string) {
    super(`the fact script's answer could not be read: ${detail}`);
    this.name = 'GatherParseError';
  }
}

export interface GatherFrames {
  readonly answers: Map<string, ProbeOutput>;
  /** Each probe's own wall time in ms, as the host measured it (absent when the host could not say). */
  readonly probeMs: Record<string, number>;
}

const UPTIME = /^[0-9]+(\.[0-9]+)?$/;

/** ms between two /proc/uptime readings ("1234.56"), or null when either is missing. */
const elapsedMs = (start: string | undefined, end: string | undefined): number | null =>
  start !== undefined && end !== undefined && UPTIME.test(start) && UPTIME.test(end) ? Math.max(0, Math.round((Number(end) - Number(start)) * 1000)) : null;

export const parseGatherFrames = (stdout: string, nonce: string, expected: readonly string[]): GatherFrames => {
  const answers = new Map<string, ProbeOutput>();
  const probeMs: Record<string, number> = {};
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`${nonce} `)) continue;
    const [, id, code, o = '', e = '', start, end] = line.split(' ');
    if (id === undefined || code === undefined || !/^[0-9]+$/.test(code)) throw new GatherParseError(`bad frame "${line.slice(0, 80)}"`);
    answers.set(id, {
      exitCode: Number(code),
      stdout: Buffer.from(o, 'base64').toString('utf8'),
      stderr: Buffer.from(e, 'base64').toString('utf8'),
    });
    const ms = elapsedMs(start, end);
    if (ms !== null) probeMs[id] = ms;
  }
  const missing = expected.filter((id) => !answers.has(id));
  if (missing.length > 0) throw new GatherParseError(`no answer for ${missing.join(', ')} (was the script cut short?)`);
  return { answers, probeMs };
};

export const parseGatherOutput = (stdout: string, nonce: string, expected: readonly string[]): Map<string, ProbeOutput> =>
  parseGatherFrames(stdout, nonce, expected).answers;
