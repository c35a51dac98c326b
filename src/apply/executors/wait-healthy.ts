// Waits until a started stack is really up: every unit active, every health check healthy. A unit that fails, or
// the timeout, stops the apply with what the operator needs to see first: the unit's last journal lines.
import type { ActionOf, Scope } from '../../engine/action.js';
import type { Host, RunOptions } from '../../host/host.js';
import { HostError } from '../../host/host-error.js';
import { parseUnitStates, type UnitState } from '../../facts/unit-states.js';
import type { Executor } from '../executor.js';
import { runAs, systemctlArgs, systemctlCall } from '../../engine/scope.js';

const POLL_MS = 2000;
const JOURNAL_LINES = 20;
/** Restarts (Restart=on-failure, HealthOnFailure=kill) during the wait that mean "crash loop", not "slow start". */
export const MAX_RESTARTS = 3;

/** `podman inspect --format '{{.Name}} {{.State.Status}} {{.State.Health.Status}}' A B…`; a missing container is absent. */
export const parseHealth = (stdout: string): Map<string, { readonly state: string; readonly health: string }> => {
  const out = new Map<string, { state: string; health: string }>();
  for (const line of stdout.split('\n')) {
    const [name, state = '', health = ''] = line.trim().split(/\s+/);
    if (name !== undefined && name !== '') out.set(name.replace(/^\//, ''), { state, health });
  }
  return out;
};

/** One thing the wait is still waiting for: the unit it concerns (for its journal) and how it stands, for people. */
export interface Pending {
  readonly unit: string;
  readonly what: string;
}

export type Healthy = ActionOf<'stack.wait-healthy'>['healthy'][number];

export type Verdict =
  | { readonly kind: 'ready' }
  | { readonly kind: 'waiting'; readonly pending: readonly Pending[] }
  | { readonly kind: 'failed'; readonly units: readonly string[]; readonly why: string };

/** `systemctl list-jobs --plain --no-legend`: "ID UNIT TYPE STATE" per queued job. */
export const parseJobs = (stdout: string): Set<string> =>
  new Set(stdout.split('\n').flatMap((l) => {
    const unit = l.trim().split(/\s+/)[1];
    return unit === undefined ? [] : [unit];
  }));

/**
 * Pure: what the latest poll says. A failed unit with no job queued is final (a restart passes through "failed"
 * when the old process dies hard, then its start job runs); so is one restarted MAX_RESTARTS times since the wait
 * began (`baseline`: NRestarts at the first poll), since Restart=on-failure would otherwise loop until the timeout.
 */
export const verdict = (
  units: readonly string[],
  states: readonly UnitState[],
  healthy: readonly Healthy[],
  health: ReadonlyMap<string, { state: string; health: string }>,
  baseline: ReadonlyMap<string, number> = new Map(),
  jobs: ReadonlySet<string> = new Set(),
): Verdict => {
  const byId = new Map(states.map((s) => [s.id, s]));
  const failed = units.filter((u) => byId.get(u)?.active === 'failed' && !jobs.has(u));
  if (failed.length > 0) return { kind: 'failed', units: failed, why: 'failed' };
  const looping = units.filter((u) => (byId.get(u)?.restarts ?? 0) - (baseline.get(u) ?? 0) >= MAX_RESTARTS);
  if (looping.length > 0) return { kind: 'failed', units: looping, why: `restarted ${MAX_RESTARTS} times while starting` };
  const pending: Pending[] = [
    ...units.filter((u) => byId.get(u)?.active !== 'active').map((u) => ({ unit: u, what: `${u} ${byId.get(u)?.active ?? 'unknown'}${byId.get(u)?.sub ? `/${byId.get(u)?.sub ?? ''}` : ''}` })),
    ...healthy.filter((h) => health.get(h.container)?.health !== 'healthy').map((h) => ({ unit: h.unit, what: `${h.container} health ${health.get(h.container)?.health || 'unknown'}` })),
  ];
  return pending.length === 0 ? { kind: 'ready' } : { kind: 'waiting', pending };
};

// Rootless units log into the journal under the user manager: match them by _SYSTEMD_USER_UNIT (the unit's
// processes, conmon, the container's output) or USER_UNIT (the manager's own lines about it), for the owner's UID.
// Constant script: $1 the scope ("system" or the owner's name), $2 the line count, then the units.
export const JOURNAL_SCRIPT = `scope=$1; n=$2; shift 2
for u in "$@"; do
  echo "--- $u"
  if [ "$scope" = system ]; then
    journalctl --no-pager -q -o short-iso -n "$n" -u "$u"
  else
    uid=$(id -u "$scope") || exit 3
    journalctl --no-pager -q -o short-iso -n "$n" _UID="$uid" _SYSTEMD_USER_UNIT="$u" + _UID="$uid" USER_UNIT="$u"
  fi
done
exit 0`;

export const journalTail = async (host: Host, target: Scope, units: readonly string[]): Promise<string> => {
  const r = await host.run(['sh', '-c', JOURNAL_SCRIPT, 'keelson-journal-tail', target.scope === 'system' ? 'system' : target.user, String(JOURNAL_LINES), ...units], { timeoutMs: 60_000 });
  return (r.stdout.trim() || r.stderr.trim()) || '(the journal has nothing for these units)';
};

const statusCommand = (target: Scope): string =>
  `${systemctlArgs(target).join(' ')} status UNIT; journalctl ${target.scope === 'system' ? '-u UNIT' : '_SYSTEMD_USER_UNIT=UNIT'}`;

export class StackUnhealthyError extends Error {
  constructor(what: string, journal: string, target: Scope) {
    super(`${what}\n${journal}\nFix the cause (the manifest, the image, the host), then run "keelson apply" again; to look closer: ${statusCommand(target)}`);
    this.name = 'StackUnhealthyError';
  }
}

const POLL_TIMEOUT_MS = 120_000;

/** A poll that could not finish (a busy host, Podman holding a lock while it starts a container) says nothing yet. */
const quietly = async (host: Host, argv: readonly string[], options: RunOptions): Promise<string> => {
  try {
    const r = await host.run(argv, options);
    return r.stdout;
  } catch (e) {
    if (e instanceof HostError && e.code === 'command-timeout') return '';
    throw e;
  }
};

const poll = async (host: Host, a: ActionOf<'stack.wait-healthy'>, baseline: Map<string, number>): Promise<Verdict> => {
  const props = ['Id', 'ActiveState', 'SubState', 'Result', 'NRestarts'].flatMap((p) => ['-p', p]);
  const { argv: show, ...as } = systemctlCall(a.target, ['show', ...props, '--', ...a.units]);
  const states = parseUnitStates(await quietly(host, show, { ...as, timeoutMs: POLL_TIMEOUT_MS }));
  const failed = states.some((s) => s.active === 'failed');
  // Only asked when it matters: is the failed unit's start still to come?
  const listJobs = systemctlCall(a.target, ['list-jobs', '--plain', '--no-legend']).argv;
  const jobs = failed ? parseJobs(await quietly(host, listJobs, { ...as, timeoutMs: POLL_TIMEOUT_MS })) : new Set<string>();
  if (baseline.size === 0) for (const s of states) baseline.set(s.id, s.restarts);
  // Only containers whose unit is up are asked about their health (with Notify=healthy, "active" already means a
  // passed check): one rootless podman call per poll, and none while Podman is busy starting them.
  const active = new Set(states.filter((s) => s.active === 'active').map((s) => s.id));
  const ask = a.healthy.filter((h) => active.has(h.unit)).map((h) => h.container);
  const health =
    ask.length === 0
      ? new Map<string, { state: string; health: string }>()
      : parseHealth(await quietly(host, ['podman', 'inspect', '--type', 'container', '--format', '{{.Name}} {{.State.Status}} {{.State.Health.Status}}', '--', ...ask], {
          ...runAs(a.target),
          timeoutMs: POLL_TIMEOUT_MS,
        }));
  return verdict(a.units, states, a.healthy, health, baseline, jobs);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WaitOptions {
  readonly pollMs?: number;
  readonly onLine?: (line: string) => void;
}

/** Polls until ready; throws StackUnhealthyError (with journal lines) on a failure or at the timeout. */
export const waitHealthy = async (host: Host, a: ActionOf<'stack.wait-healthy'>, options: WaitOptions = {}): Promise<void> => {
  const deadline = performance.now() + a.timeoutSeconds * 1000;
  const baseline = new Map<string, number>();
  let last = '';
  for (;;) {
    const v = await poll(host, a, baseline);
    if (v.kind === 'ready') return;
    if (v.kind === 'failed') {
      throw new StackUnhealthyError(`${v.units.join(', ')} ${v.why}. The last journal lines:`, await journalTail(host, a.target, v.units), a.target);
    }
    const now = v.pending.map((p) => p.what).join(', ');
    if (now !== last) options.onLine?.(`waiting for ${now}`);
    last = now;
    if (performance.now() >= deadline) {
      const stuck = v.pending.map((p) => p.unit);
      throw new StackUnhealthyError(
        `the stack was not healthy after ${a.timeoutSeconds} s (still waiting for ${now}). The last journal lines:`,
        await journalTail(host, a.target, [...new Set(stuck)]),
        a.target,
      );
    }
    await sleep(options.pollMs ?? POLL_MS);
  }
};

export const stackWaitHealthy: Executor<'stack.wait-healthy'> = async (a, ctx) => {
  await waitHealthy(ctx.host, a, { onLine: (l) => ctx.onLine?.(l) });
  return 'done';
};
