// Recording stand-ins for programs this machine cannot really run for a test (podman, a systemd that is not PID 1,
// apt-get, loginctl): small sh scripts first on the PATH of the test sshd's sessions. The executors' commands travel
// the real way (SSH, sudo/runuser, timeout, env) to a real shell; each stand-in writes down what reached it (argv,
// user, the environment that matters, stdin when told to read it) and answers by the first matching rule.
// What only the real program can prove (an image really imported, a unit really started) the VM scenarios prove.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Call {
  readonly program: string;
  readonly user: string;
  readonly args: readonly string[];
  /** Present when the matching rule read stdin. */
  readonly stdin?: string;
  readonly env: { readonly XDG_RUNTIME_DIR: string; readonly DEBIAN_FRONTEND: string };
}

export interface Rule {
  /** An sh `case` pattern matched against the arguments joined by spaces, e.g. "secret exists *". */
  readonly args: string;
  readonly exit?: number;
  readonly stdout?: string;
  /** Read stdin and record it (only where the command is fed stdin; otherwise the stand-in would wait). */
  readonly stdin?: boolean;
  /** Copy this argument's file (1-based) to saved/PROGRAM-N, while it still exists. */
  readonly save?: number;
}

export interface StandIns {
  /** Put this first on the sessions' PATH. */
  readonly bin: string;
  readonly dir: string;
  rules(program: string, rules: readonly Rule[]): Promise<void>;
  calls(): Promise<Call[]>;
  /** Where a `save` rule put that argument's file (the last call's). */
  saved(program: string, arg: number): string;
  clear(): Promise<void>;
  remove(): Promise<void>;
}

const script = (dir: string, program: string) => `#!/bin/sh
# keelson test stand-in for ${program}: records the call, answers by the first matching rule.
d='${dir}'; me='${program}'; all="$*"
code=0; stdin=0; out=-; save=0
while IFS='	' read -r c s o k p; do
  case "$all" in $p) code=$c; stdin=$s; out=$o; save=$k; break ;; esac
done < "$d/rules/$me"
{
  printf 'call %s\\nuser %s\\nxdg %s\\nfrontend %s\\n' "$me" "$(id -un)" "\${XDG_RUNTIME_DIR-}" "\${DEBIAN_FRONTEND-}"
  for a in "$@"; do printf 'arg %s\\n' "$(printf '%s' "$a" | base64 -w 0)"; done
  if [ "$stdin" = 1 ]; then printf 'stdin %s\\n' "$(base64 -w 0)"; fi
  echo end
} >> "$d/calls"
if [ "$save" != 0 ]; then eval "f=\\\${$save}"; cp -- "$f" "$d/saved/$me-$save"; chmod 0644 "$d/saved/$me-$save"; fi
[ "$out" = - ] || printf '%s' "$out" | base64 -d
exit "$code"
`;

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

const parseCalls = (text: string): Call[] => {
  const calls: Call[] = [];
  let cur: { program: string; user: string; args: string[]; stdin?: string; xdg: string; frontend: string } | null = null;
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    const [tag, rest] = sp < 0 ? [line, ''] : [line.slice(0, sp), line.slice(sp + 1)];
    if (tag === 'call') cur = { program: rest, user: '', args: [], xdg: '', frontend: '' };
    else if (cur === null) continue;
    else if (tag === 'user') cur.user = rest;
    else if (tag === 'xdg') cur.xdg = rest;
    else if (tag === 'frontend') cur.frontend = rest;
    else if (tag === 'arg') cur.args.push(decode(rest));
    else if (tag === 'stdin') cur.stdin = decode(rest);
    else if (tag === 'end') {
      calls.push({ program: cur.program, user: cur.user, args: cur.args, ...(cur.stdin === undefined ? {} : { stdin: cur.stdin }), env: { XDG_RUNTIME_DIR: cur.xdg, DEBIAN_FRONTEND: cur.frontend } });
      cur = null;
    }
  }
  return calls;
};

/** Stand-ins for `programs`, every one answering exit 0 until given rules. Readable and writable by every user. */
export const makeStandIns = async (programs: readonly string[]): Promise<StandIns> => {
  const dir = await mkdtemp(join(tmpdir(), 'keelson-stand-ins-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await mkdir(join(dir, 'rules'));
  await mkdir(join(dir, 'saved'));
  await chmod(dir, 0o755);
  await chmod(join(dir, 'saved'), 0o777);
  const calls = join(dir, 'calls');
  const clear = async () => {
    await writeFile(calls, '');
    await chmod(calls, 0o666);
  };
  const rules = async (program: string, list: readonly Rule[]) => {
    const lines = list.map((r) => [r.exit ?? 0, r.stdin === true ? 1 : 0, r.stdout === undefined ? '-' : Buffer.from(r.stdout).toString('base64'), r.save ?? 0, r.args].join('\t'));
    await writeFile(join(dir, 'rules', program), lines.map((l) => `${l}\n`).join(''), { mode: 0o644 });
  };
  for (const p of programs) {
    await writeFile(join(bin, p), script(dir, p), { mode: 0o755 });
    await rules(p, []);
  }
  await clear();
  return {
    bin,
    dir,
    rules,
    calls: async () => parseCalls(await readFile(calls, 'utf8')),
    saved: (program, arg) => join(dir, 'saved', `${program}-${arg}`),
    clear,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
};

/** The PATH for the sessions of a test sshd: the stand-ins first, then the usual directories. */
export const pathWith = (s: StandIns): string => `${s.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
