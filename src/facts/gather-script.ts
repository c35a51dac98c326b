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

export interface GatherScriptOptions {
  /** Probes at once; by default as many as the host has CPUs (nproc), one after another on a single CPU. */
  readonly jobs?: number;
}

// Probes are read-only and independent of each other, so on a host with more than one CPU they run side by side, as
// many at once as it has CPUs (tokens in a FIFO: POSIX sh has no `wait -n`). Each keeps its answer and times in files
// of its own; the frames are printed afterwards in request order, so the answer reads the same either way.
const RUNNER = [
  'k_one() { k_up; k_s=$k_u; "k_p$1" >"$k_d/$1.o" 2>"$k_d/$1.e" </dev/null; k_c=$?; k_up; printf \'%s %s %s\\n\' "$k_c" "$k_s" "$k_u" >"$k_d/$1.r"; }',
  'case $k_jobs in \'\'|*[!0-9]*) k_jobs=1 ;; esac',
  'if [ "$k_jobs" -gt 1 ] && mkfifo "$k_d/slots"; then',
  '  exec 3<>"$k_d/slots"; k_i=0; while [ "$k_i" -lt "$k_jobs" ]; do echo >&3; k_i=$((k_i + 1)); done',
  '  for k_i in $k_all; do read -r k_x <&3; { k_one "$k_i" 3>&-; echo >&3; } & done',
  '  wait; exec 3>&-',
  'else',
  '  for k_i in $k_all; do k_one "$k_i"; done',
  'fi',
];

export const buildGatherScript = (requests: readonly ProbeRequest[], nonce: string, options: GatherScriptOptions = {}): string => {
  const lines = [
    'set -u',
    'LC_ALL=C; export LC_ALL',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    'k_d=$(mktemp -d) || exit 70',
    "trap 'rm -rf \"$k_d\"' EXIT",
    // "-" where the host has no /proc/uptime: the probe's answer counts, its time is simply unknown.
    'k_up() { k_u=-; { read -r k_u k_r </proc/uptime; } 2>/dev/null || k_u=-; }',
    // base64 without wrapping; busybox and coreutils both take -w 0.
    // An empty output is an empty field without a base64 process: most probes print nothing on stderr, and on a slow
    // host each process costs (two per probe were a tenth of a re-run plan on the emulated test VM).
    'k_b64() { if [ -s "$1" ]; then base64 -w 0 <"$1"; fi; }',
    'k_emit() { read -r k_c k_s k_e <"$k_d/$1.r"; printf \'%s %s %s \' ' + shellQuote([nonce]) + ' "$2" "$k_c"; k_b64 "$k_d/$1.o"; printf \' \'; k_b64 "$k_d/$1.e"; printf \' %s %s\\n\' "$k_s" "$k_e"; }',
    options.jobs === undefined ? 'k_jobs=$(nproc 2>/dev/null) || k_jobs=1' : `k_jobs=${Math.max(1, Math.floor(options.jobs))}`,
  ];
  requests.forEach(({ id, probe }, i) => {
    if (!ID.test(id)) throw new Error(`fact id "${id}" has characters a frame cannot carry`);
    lines.push(`k_p${i}() { ( ${probeCommand(probe)} ); }`);
  });
  lines.push(`k_all='${requests.map((_, i) => i).join(' ')}'`, ...RUNNER);
  requests.forEach(({ id }, i) => lines.push(`k_emit ${i} ${shellQuote([id])}`));
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
