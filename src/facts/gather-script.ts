// One POSIX sh script answers every fact. Each probe's stdout and stderr are captured to files of their own; at the
// end the script prints one line per probe (exit code and times), the files' sizes, and the files themselves as ONE
// base64 blob (gather-frames.ts reads it). Three processes frame every answer, where a base64 per output cost a
// process each (two per probe were a tenth of a re-run plan on the emulated test VM). Times are the kernel's uptime
// (/proc/uptime, 10 ms steps) around each probe: read by a shell builtin, so timing a probe costs no process.
//
// Probes of one user (rootless Podman, the user's systemd manager) run together behind ONE switch to that user, each
// still timed and captured on its own: runuser, its PAM session and the wrapper's shell cost about a second each on
// the emulated VM. Their files live in a directory of that user's inside the root-only one; a user that cannot be
// switched to gives each of its probes the switch's own exit code and error, as running it alone would have.
import type { Probe } from './fact.js';
import { wrapArgv } from '../host/command-wrap.js';
import { filesBlobSh } from './files-blob.js';
import { shellQuote } from '../host/shell-quote.js';

export interface ProbeRequest {
  readonly id: string;
  readonly probe: Probe;
}

// Lines are split on spaces: any printable ASCII without a space can be an id.
const ID = /^[!-~]+$/;

const argvOf = (probe: Probe): string[] => ('argv' in probe ? [...probe.argv] : ['sh', '-c', probe.sh, 'keelson-fact', ...(probe.args ?? [])]);

export interface GatherScriptOptions {
  /** Jobs at once; by default as many as the host has CPUs (nproc), one after another on a single CPU. */
  readonly jobs?: number;
}

const UPTIME_SH = 'k_up() { k_u=-; { read -r k_u k_r </proc/uptime; } 2>/dev/null || k_u=-; }';
// $1 the job, $2 where its files go: "$2.o", "$2.e", and "$2.r" (exit code, start, end).
const ONE_SH = 'k_one() { k_up; k_s=$k_u; "k_$1" >"$2.o" 2>"$2.e" </dev/null; k_c=$?; k_up; printf \'%s %s %s\\n\' "$k_c" "$k_s" "$k_u" >"$2.r"; }';

/** The script one user's probes run in, as that user: $1 is its directory. */
const groupScript = (members: readonly { index: number; probe: Probe }[]): string =>
  [
    'set -u',
    UPTIME_SH,
    ONE_SH,
    ...members.map(({ index, probe }) => `k_p${index}() { ( ${shellQuote(argvOf(probe))} ); }`),
    `for k_i in ${members.map((m) => m.index).join(' ')}; do k_one "p$k_i" "$1/p$k_i"; done`,
  ].join('\n');

// Jobs are read-only and independent of each other, so on a host with more than one CPU they run side by side, as
// many at once as it has CPUs (tokens in a FIFO: POSIX sh has no `wait -n`).
const RUNNER = [
  'case $k_jobs in \'\'|*[!0-9]*) k_jobs=1 ;; esac',
  'if [ "$k_jobs" -gt 1 ] && mkfifo "$k_d/slots"; then',
  '  exec 3<>"$k_d/slots"; k_i=0; while [ "$k_i" -lt "$k_jobs" ]; do echo >&3; k_i=$((k_i + 1)); done',
  '  for k_i in $k_all; do read -r k_x <&3; { k_one "$k_i" "$k_rd/$k_i" 3>&-; echo >&3; } & done',
  '  wait; exec 3>&-',
  'else',
  '  for k_i in $k_all; do k_one "$k_i" "$k_rd/$k_i"; done',
  'fi',
];

// $1 the probe's files, $2 its id, $3 its group's files ("$k_rd/-" for none), $4 its group. A probe whose group could
// not start has no files: it answers with the group's exit code (125 if that was 0) and the group's stderr, and took
// no time of its own (the switch's time is the group's, reported apart).
const EMIT_SH = [
  'k_emit() {',
  '  if [ -r "$1.r" ]; then read -r k_c k_s k_e <"$1.r"; k_o=$1.o; k_x=$1.e',
  '  else k_e=-; { read -r k_c k_s k_e <"$3.r"; } 2>/dev/null || k_c=125; [ "$k_c" = 0 ] && k_c=125; k_s=$k_e; k_o=/dev/null; k_x=$3.e; fi',
  '  [ -r "$k_o" ] || k_o=/dev/null; [ -r "$k_x" ] || k_x=/dev/null',
  '  printf \'%s a %s %s %s %s %s\\n\' "$k_n" "$2" "$k_c" "$k_s" "$k_e" "$4"',
  '}',
];

export const buildGatherScript = (requests: readonly ProbeRequest[], nonce: string, options: GatherScriptOptions = {}): string => {
  const users = [...new Set(requests.flatMap(({ probe }) => probe.asUser ?? []))];
  const groupOf = (probe: Probe): number => (probe.asUser === undefined ? -1 : users.indexOf(probe.asUser));
  const lines = [
    'set -u',
    'LC_ALL=C; export LC_ALL',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    'k_d=$(mktemp -d) || exit 70',
    "trap 'rm -rf \"$k_d\"' EXIT",
    `k_n=${shellQuote([nonce])}`,
    UPTIME_SH,
    ONE_SH,
    ...EMIT_SH,
    options.jobs === undefined ? 'k_jobs=$(nproc 2>/dev/null) || k_jobs=1' : `k_jobs=${Math.max(1, Math.floor(options.jobs))}`,
    // With user groups the top directory must let those users through to their own; root's files stay in a 0700 one.
    users.length === 0 ? 'k_rd=$k_d' : 'k_rd=$k_d/r; mkdir -m 700 "$k_rd" && chmod 711 "$k_d" || exit 70',
  ];
  const jobs: string[] = [];
  requests.forEach(({ id, probe }, i) => {
    if (!ID.test(id)) throw new Error(`fact id "${id}" has characters a frame cannot carry`);
    if (probe.asUser !== undefined) return;
    lines.push(`k_p${i}() { ( ${shellQuote(argvOf(probe))} ); }`);
    jobs.push(`p${i}`);
  });
  users.forEach((user, g) => {
    const members = requests.flatMap(({ probe }, index) => (probe.asUser === user ? [{ index, probe }] : []));
    const dir = `$k_d/g${g}`;
    const switched = wrapArgv(['sh', '-c', groupScript(members), 'keelson-facts', dir], { asUser: user }, 'root');
    // The directory is the one word the shell must expand, and the switch's last: every other word stays quoted.
    if (switched.at(-1) !== dir) throw new Error('the switch to a user must end with the command it runs');
    const argv = `${shellQuote(switched.slice(0, -1))} "${dir}"`;
    // A user that does not exist: chown fails quietly and the switch says so itself, as it would for one probe.
    lines.push(`k_g${g}() { mkdir -m 700 "${dir}" && chown ${shellQuote([user])} "${dir}" 2>/dev/null; ${argv}; }`);
    jobs.push(`g${g}`);
  });
  lines.push(`k_all='${jobs.join(' ')}'`, ...RUNNER, 'set --');
  users.forEach((user, g) => lines.push(`read -r k_c k_s k_e <"$k_rd/g${g}.r" && printf '%s t %s %s %s %s\\n' "$k_n" g${g} ${shellQuote([`as-user:${user}`])} "$k_s" "$k_e"`));
  requests.forEach(({ id, probe }, i) => {
    const g = groupOf(probe);
    const emit = g < 0 ? `k_emit "$k_rd/p${i}" ${shellQuote([id])} "$k_rd/-" -` : `k_emit "$k_d/g${g}/p${i}" ${shellQuote([id])} "$k_rd/g${g}" g${g}`;
    // The positional parameters collect every output file, in order (a function has parameters of its own).
    lines.push(`${emit}; set -- "$@" "$k_o" "$k_x"`);
  });
  // The sizes and the blob (files-blob.ts); with no probe at all, an empty blob.
  lines.push(requests.length === 0 ? 'printf \'%s b \\n\' "$k_n"' : filesBlobSh('"$k_n n "', '"$k_n b "'));
  return lines.join('\n') + '\n';
};
