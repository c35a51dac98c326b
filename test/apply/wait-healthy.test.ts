// The wait for a healthy stack: a scripted host answers each poll; the verdict, the journal lines on failure and the
// commands it runs (scope, units) are checked. The systemctl/podman output is the shape Podman 5.4 / systemd 257 print.
import { describe, expect, it } from 'vitest';
import type { ActionOf } from '../../src/engine/action.js';
import type { Host, RunResult } from '../../src/host/host.js';
import { HostError } from '../../src/host/host-error.js';
import { parseHealth, parseJobs, verdict, waitHealthy, StackUnhealthyError } from '../../src/apply/executors/wait-healthy.js';
import { parseUnitStates } from '../../src/facts/unit-states.js';

const show = (units: Record<string, [active: string, sub: string, restarts?: number]>): string =>
  Object.entries(units)
    .map(([id, [active, sub, restarts = 0]]) => `Id=${id}\nActiveState=${active}\nSubState=${sub}\nResult=success\nNRestarts=${restarts}\n`)
    .join('\n');

const action: ActionOf<'stack.wait-healthy'> = {
  kind: 'stack.wait-healthy',
  description: 'wait',
  target: { scope: 'user', user: 'keelson-demo' },
  units: ['api.service', 'web.service', 'demo.target'],
  healthy: [{ container: 'api', unit: 'api.service' }, { container: 'web', unit: 'web.service' }],
  timeoutSeconds: 1,
};

/** Each poll takes the next answer (the last one repeats); every command is recorded with its user. */
const scriptedHost = (polls: { show: string; inspect: string; jobs?: string }[], journal = '') => {
  const runs: { argv: string[]; asUser?: string }[] = [];
  let i = -1;
  const host: Host = {
    label: 'fake',
    roundTrips: 0,
    run: (argv, options): Promise<RunResult> => {
      runs.push({ argv: [...argv], ...(options?.asUser !== undefined ? { asUser: options.asUser } : {}) });
      if (argv.includes('show')) i = Math.min(i + 1, polls.length - 1);
      const p = polls[Math.max(i, 0)];
      const stdout = argv.includes('show') ? (p?.show ?? '') : argv.includes('list-jobs') ? (p?.jobs ?? '') : argv[0] === 'podman' ? (p?.inspect ?? '') : journal;
      return Promise.resolve({ exitCode: 0, stdout, stderr: '' });
    },
    writeFile: () => Promise.resolve(),
    readFile: () => Promise.resolve({ kind: 'absent' }),
    close: () => Promise.resolve(),
  };
  return { host, runs };
};

const allUp = { show: show({ 'api.service': ['active', 'running'], 'web.service': ['active', 'running'], 'demo.target': ['active', 'active'] }), inspect: 'api running healthy\nweb running healthy\n' };

describe('parsers', () => {
  it('reads systemctl show blocks and podman inspect lines', () => {
    expect(parseUnitStates(show({ 'a.service': ['activating', 'start', 2], 'b.target': ['inactive', 'dead'] }))).toEqual([
      { id: 'a.service', active: 'activating', sub: 'start', result: 'success', restarts: 2 },
      { id: 'b.target', active: 'inactive', sub: 'dead', result: 'success', restarts: 0 },
    ]);
    expect([...parseHealth('api running starting\nweb running healthy\n')]).toEqual([
      ['api', { state: 'running', health: 'starting' }],
      ['web', { state: 'running', health: 'healthy' }],
    ]);
  });
});

describe('verdict', () => {
  const states = parseUnitStates(allUp.show);
  const health = parseHealth(allUp.inspect);
  it.each([
    ['everything active and healthy', states, health, new Map<string, number>(), 'ready'],
    ['active, but a health check still starting', states, parseHealth('api running starting\nweb running healthy'), new Map<string, number>(), 'waiting'],
    ['a unit still activating', parseUnitStates(show({ 'api.service': ['activating', 'start'] })), health, new Map<string, number>(), 'waiting'],
    ['a failed unit is final', parseUnitStates(show({ 'api.service': ['failed', 'failed'] })), health, new Map<string, number>(), 'failed'],
    ['failed on its way through a restart (a start job is queued): not yet', parseUnitStates(show({ 'api.service': ['failed', 'failed'] })), health, new Map<string, number>(), 'waiting', new Set(['api.service'])],
    ['restarted 3 times since the wait began: a crash loop', parseUnitStates(show({ 'api.service': ['activating', 'auto-restart', 5] })), health, new Map([['api.service', 2]]), 'failed'],
    ['restarts from before the wait do not count', parseUnitStates(show({ 'api.service': ['activating', 'auto-restart', 5] })), health, new Map([['api.service', 4]]), 'waiting'],
  ])('%s', (_name, s, h, baseline, expected, jobs = new Set<string>()) => {
    expect(verdict(action.units, s, action.healthy, h, baseline, jobs).kind).toBe(expected);
  });

  it('reads queued jobs (systemctl list-jobs --plain --no-legend)', () => {
    expect([...parseJobs('1234 web.service start waiting\n1235 demo.target start waiting\n')]).toEqual(['web.service', 'demo.target']);
    expect(parseJobs('').size).toBe(0);
  });
});

describe('waitHealthy', () => {
  it('polls until every unit is active and every check healthy, in the owner\'s scope', async () => {
    const starting = { show: show({ 'api.service': ['activating', 'start'], 'web.service': ['inactive', 'dead'], 'demo.target': ['inactive', 'dead'] }), inspect: 'api running starting\n' };
    const { host, runs } = scriptedHost([starting, starting, allUp]);
    const lines: string[] = [];
    await waitHealthy(host, action, { pollMs: 0, onLine: (l) => lines.push(l) });
    expect(runs.filter((r) => r.argv.includes('show'))).toHaveLength(3);
    expect(runs[0]).toMatchObject({ argv: ['systemctl', '--user', 'show', ...(runs[0]?.argv.slice(3) ?? [])], asUser: 'keelson-demo' });
    // Health is asked of Podman (as the owner) only once the units are active: not while Podman starts them.
    const inspects = runs.filter((r) => r.argv[0] === 'podman');
    expect(inspects).toHaveLength(1);
    expect(inspects[0]).toMatchObject({ argv: expect.arrayContaining(['inspect', 'api', 'web']) as unknown, asUser: 'keelson-demo' });
    // One line per change of what it waits for, not one per poll.
    expect(lines).toEqual(['waiting for api.service activating/start, web.service inactive/dead, demo.target inactive/dead, api health unknown, web health unknown']);
  });

  it('a poll that times out (a busy host) is not an answer: the wait goes on', async () => {
    let calls = 0;
    const { host } = scriptedHost([allUp]);
    const flaky: Host = {
      ...host,
      run: (argv, options) => (argv.includes('show') && calls++ === 0 ? Promise.reject(new HostError('command-timeout', 'timed out', 'wait')) : host.run(argv, options)),
    };
    await expect(waitHealthy(flaky, action, { pollMs: 0 })).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('a failed unit stops the wait with its last journal lines (rootless: by _SYSTEMD_USER_UNIT for the owner)', async () => {
    const failed = { show: show({ 'api.service': ['failed', 'failed'], 'web.service': ['inactive', 'dead'], 'demo.target': ['inactive', 'dead'] }), inspect: '' };
    const { host, runs } = scriptedHost([failed], '--- api.service\n2025-01-01T00:00:00+00:00 vm api[123]: httpd: bind: Address in use\n');
    const error = await waitHealthy(host, action, { pollMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackUnhealthyError);
    expect((error as Error).message).toMatch(/^api\.service failed\. The last journal lines:\n--- api\.service\n.*Address in use/);
    expect((error as Error).message).toContain('keelson apply');
    const journal = runs.find((r) => r.argv[0] === 'sh');
    expect(journal?.argv.slice(3)).toEqual(['keelson-journal-tail', 'keelson-demo', '20', 'api.service']);
  });

  it('a unit failed on its way through a restart, with its start job queued, is waited for', async () => {
    const restarting = { show: show({ 'api.service': ['active', 'running'], 'web.service': ['failed', 'failed'], 'demo.target': ['active', 'active'] }), inspect: 'api running healthy\n', jobs: '77 web.service start waiting\n' };
    const { host, runs } = scriptedHost([restarting, allUp]);
    await waitHealthy(host, action, { pollMs: 0 });
    expect(runs.find((r) => r.argv.includes('list-jobs'))).toEqual({ argv: ['systemctl', '--user', 'list-jobs', '--plain', '--no-legend'], asUser: 'keelson-demo' });
  });

  it('gives up at the timeout, naming what it still waited for', async () => {
    const stuck = { show: show({ 'api.service': ['active', 'running'], 'web.service': ['activating', 'start'], 'demo.target': ['inactive', 'dead'] }), inspect: 'api running healthy\nweb running starting\n' };
    const { host, runs } = scriptedHost([stuck], '--- web.service\n(nothing)\n');
    const error = await waitHealthy(host, action, { pollMs: 50 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/not healthy after 1 s \(still waiting for web\.service activating\/start, demo\.target inactive\/dead, web health starting\)/);
    expect(runs.find((r) => r.argv[0] === 'sh')?.argv.slice(6)).toEqual(['web.service', 'demo.target']);
  });

  it('names no unit itself: a health check is followed through the unit the plan gave it, also into the journal', async () => {
    const renamed: ActionOf<'stack.wait-healthy'> = { ...action, units: ['front.service'], healthy: [{ container: 'web', unit: 'front.service' }] };
    const up = { show: show({ 'front.service': ['active', 'running'] }), inspect: 'web running starting\n' };
    const { host, runs } = scriptedHost([up], '--- front.service\n(nothing)\n');
    const error = await waitHealthy(host, renamed, { pollMs: 50 }).catch((e: unknown) => e);
    expect(runs.find((r) => r.argv[0] === 'podman')?.argv.slice(-2)).toEqual(['--', 'web']);
    expect((error as Error).message).toMatch(/still waiting for web health starting\)/);
    expect(runs.find((r) => r.argv[0] === 'sh')?.argv.slice(6)).toEqual(['front.service']);
  });
});
