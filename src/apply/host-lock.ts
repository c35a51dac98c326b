// One apply at a time per host. The lock is a flock(1) held by a command keelson keeps running on the host for the
// whole apply, its stdin open: when keelson exits, is killed or loses its SSH connection, that stdin closes, the
// command ends and the kernel drops the lock. A killed run can never leave a lock that looks live. The lock file
// says who holds it (run, workstation, user, start); a holder that ended without releasing is reported as stale.
import { hostname, userInfo } from 'node:os';
import { HostError } from '../host/host-error.js';
import type { HeldCommand, Host } from '../host/host.js';
import { KEELSON_STATE_DIR } from './journal.js';

export const APPLY_LOCK_PATH = `${KEELSON_STATE_DIR}/apply.lock`;
const HELD_EXIT = 75;

// $1 the lock file, $2 the holder (one line of JSON). Prints "previous LINE" for what the file held, then "ready".
// A clean release sends "release": the file then says so; end of input without it means the holder died.
const LOCK_SCRIPT = `set -u
mkdir -p -m 0700 -- "\${1%/*}" || exit 70
exec flock -n -E ${String(HELD_EXIT)} -- "$1" sh -c '
while IFS= read -r l; do printf "previous %s\\n" "$l"; done <"$1"
printf "%s\\n" "$2" >"$1" || exit 71
printf "ready\\n"
IFS= read -r cmd || cmd=
[ "$cmd" = release ] && printf "%s\\nreleased\\n" "$2" >"$1"
exit 0' keelson-lock "$1" "$2"`;

export interface LockHolder {
  readonly runId: string;
  readonly stack: string;
  readonly workstation: string;
  readonly user: string;
  readonly pid: number;
  readonly startedAt: string;
}

export const holderFor = (runId: string, stack: string, now = new Date()): LockHolder => ({
  runId, stack, workstation: hostname(), user: userInfo().username, pid: process.pid, startedAt: now.toISOString(),
});

const describeHolder = (text: string): string => {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    return `run ${h.runId ?? '?'} of stack ${h.stack ?? '?'}, by ${h.user ?? '?'} on ${h.workstation ?? '?'} (pid ${String(h.pid ?? '?')}), started ${h.startedAt ?? '?'}`;
  } catch {
    return 'an unreadable holder record';
  }
};

export interface HeldLock {
  /** Set when the previous holder ended without releasing (killed, or its connection lost): what it was. */
  readonly stale: string | null;
  release(): Promise<void>;
}

/** Takes the host's apply lock or throws HostError('host-locked') naming who holds it. Hosts without hold take none. */
export const acquireApplyLock = async (host: Host, holder: LockHolder, path = APPLY_LOCK_PATH): Promise<HeldLock> => {
  if (host.hold === undefined) return { stale: null, release: () => Promise.resolve() };
  const previous: string[] = [];
  let held: HeldCommand | undefined;
  const ready = new Promise<void>((resolve) => {
    held = host.hold?.(['sh', '-c', LOCK_SCRIPT, 'keelson-lock', path, JSON.stringify(holder)], {
      onLine: (line, stream) => {
        if (stream !== 'stdout') return;
        if (line === 'ready') resolve();
        else if (line.startsWith('previous ')) previous.push(line.slice('previous '.length));
      },
    });
  });
  const lock = held;
  if (lock === undefined) throw new Error('unreachable: hold is defined');
  const first = await Promise.race([ready.then(() => 'ready' as const), lock.done]);
  if (first !== 'ready') {
    if (first.exitCode === HELD_EXIT) {
      const now = await host.readFile(path);
      const who = now.kind === 'present' ? describeHolder(now.content.split('\n')[0] ?? '') : 'another keelson';
      throw new HostError('host-locked', `Another apply is running on ${host.label}: ${who}. Nothing was applied.`,
        'Wait for it to finish (keelson status shows how far it got), then plan again; the lock goes away by itself when that run ends, even if it is killed.');
    }
    throw new HostError('io-error', `Could not take the apply lock ${path} on ${host.label}: ${first.stderr.trim() || `exit ${String(first.exitCode)}`}`,
      'keelson needs flock(1) on the host (util-linux) and a writable /var/lib/keelson.');
  }
  const stale = previous.length > 0 && previous[previous.length - 1] !== 'released' ? describeHolder(previous[0] ?? '') : null;
  return {
    stale,
    release: async () => {
      lock.write('release\n');
      lock.end();
      await lock.done.catch(() => undefined);
    },
  };
};

/** What the operator reads about a stale lock: it did no harm, and where to look. */
export const staleLockNotice = (stale: string): string =>
  `The previous apply on this host (${stale}) ended without releasing its lock: it was killed or lost its connection. Its lock ended with it; its journal under ${KEELSON_STATE_DIR}/journal shows how far it got, and this run converges what is left.`;
