// applyPlan on this machine (its state directory moved to a temp dir): the stop signal is honoured between actions,
// never inside one, and the journal says the run was stopped, so the next run is offered resume or roll back.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan, type ApplyEvent } from '../../src/apply/apply-plan.js';
import { KEELSON_STATE_DIR } from '../../src/apply/journal.js';
import { readLastRun } from '../../src/apply/last-run.js';
import { planHost } from '../../src/engine/plan-host.js';
import { defineStep } from '../../src/engine/step.js';
import type { Fact } from '../../src/facts/fact.js';
import { HostError } from '../../src/host/host-error.js';
import type { Host } from '../../src/host/host.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { relocated } from '../support/relocated-host.js';
import { demoManifest } from '../screens/helpers/fixtures.js';

const fileFact = (path: string): Fact<string | null> => ({ id: `file:${path}`, probe: { argv: ['cat', '--', path] }, parse: (o) => (o.exitCode === 0 ? o.stdout : null) });

/** Three files to create, one action each. */
const threeFiles = (dir: string) =>
  defineStep<{ a: string | null; b: string | null; c: string | null }>({
    id: 'files',
    title: 'Three files',
    facts: () => ({ a: fileFact(join(dir, 'a')), b: fileFact(join(dir, 'b')), c: fileFact(join(dir, 'c')) }),
    check: () => [],
    plan: (f) =>
      (['a', 'b', 'c'] as const)
        .filter((n) => f[n] === null)
        .map((n) => ({ kind: 'file.write' as const, description: `create ${n}`, path: join(dir, n), content: `${n}\n`, mode: '0644', owner: 'root', group: 'root', before: null })),
  });

const setUp = async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'keelson-apply-'));
  const dir = join(tmp, 'etc');
  const root = join(tmp, 'host');
  await createLocalHost().run(['mkdir', '-p', dir, `${root}${KEELSON_STATE_DIR}`]);
  const host = relocated(createLocalHost(), root);
  const { plan } = await planHost(host, [threeFiles(dir)], demoManifest, { domain: 'd.example', port: '8080' });
  return { dir, root, host, plan };
};

describe('applyPlan with a stop signal', () => {
  it('finishes the running action, begins no other, and journals the run as stopped before the next', async () => {
    const { dir, root, host, plan } = await setUp();
    const stop = new AbortController();
    const events: string[] = [];
    const result = await applyPlan(host, plan, {
      signal: stop.signal,
      onEvent: (e: ApplyEvent) => {
        events.push(`${e.type}:${e.index}`);
        // Asked while action 0 runs: it still completes.
        if (e.type === 'start') stop.abort();
      },
    });
    expect(result).toMatchObject({ ok: false, done: 1, skipped: 0, stoppedBefore: 1 });
    expect(result.failed).toBeUndefined();
    expect(events).toEqual(['start:0', 'end:0']);
    expect([existsSync(join(dir, 'a')), existsSync(join(dir, 'b'))]).toEqual([true, false]);

    const lines = readFileSync(`${root}${result.journalPath}`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ event: 'run-end', ok: false, stopped: true, before: 1, next: 'create b' });
    expect(await readLastRun(host)).toMatchObject({ state: 'interrupted', finished: 1, stoppedAt: { index: 1, description: 'create b' } });

    // The next plan has only what is left, and applies to the end.
    const again = await planHost(host, [threeFiles(dir)], demoManifest, { domain: 'd.example', port: '8080' });
    expect(again.plan.steps[0]?.actions.map((a) => a.description)).toEqual(['create b', 'create c']);
    expect(await applyPlan(host, again.plan)).toMatchObject({ ok: true, done: 2 });
    expect(await readLastRun(host)).toMatchObject({ state: 'ok' });
  });

  it('an already aborted signal applies nothing, and says so in the journal', async () => {
    const { dir, root, host, plan } = await setUp();
    const stop = new AbortController();
    stop.abort();
    const result = await applyPlan(host, plan, { signal: stop.signal });
    expect(result).toMatchObject({ ok: false, done: 0, stoppedBefore: 0 });
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect(readFileSync(`${root}${result.journalPath}`, 'utf8')).toContain('"stopped":true');
  });
});

describe('the journal of an apply', () => {
  it("says what it always said, line by line, each action's lines riding on its own command (one exec an action)", async () => {
    const { root, host, plan } = await setUp();
    const runs: string[] = [];
    const counting: typeof host = new Proxy(host, {
      get: (target, key, receiver) => {
        if (key !== 'run') return Reflect.get(target, key, receiver) as unknown;
        return (argv: readonly string[], o?: Parameters<typeof host.run>[1]) => {
          runs.push(argv[3] ?? argv[0] ?? '');
          return target.run(argv, o);
        };
      },
    });
    const result = await applyPlan(counting, plan);
    expect(result).toMatchObject({ ok: true, done: 3 });
    const lines = readFileSync(`${root}${result.journalPath}`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; index?: number });
    expect(lines.map((l) => `${l.event}${l.index === undefined ? '' : ` ${l.index}`}`)).toEqual(['run-start', 'begin 0', 'done 0', 'begin 1', 'done 1', 'begin 2', 'done 2', 'run-end']);
    // 3 actions, after the lock: one command each, its journal lines in front, and the run's end (was 4 + 3).
    expect(runs.filter((r) => r !== 'keelson-lock')).toEqual(['keelson-journaled', 'keelson-journaled', 'keelson-journaled', 'keelson-journal']);
    expect(await readLastRun(host)).toMatchObject({ state: 'ok', finished: 3 });
  });
});

describe('applyPlan when the connection is lost', () => {
  /** `inner`, cut off (every command a lost connection) once `cut()` was called. */
  const cuttable = (inner: Host) => {
    let gone = false;
    const lost = () => Promise.reject(new HostError('connection-lost', 'The SSH connection to h failed: read ECONNRESET', 'Check the network.'));
    const host: Host = { ...inner, run: (argv, o) => (gone ? lost() : inner.run(argv, o)), readFile: (p) => (gone ? lost() : inner.readFile(p)), writeFile: (p, c, o) => (gone ? lost() : inner.writeFile(p, c, o)) };
    return { host, cut: () => { gone = true; } };
  };

  it('between two actions (on the next one\'s journal line): that action failed, connection lost, nothing thrown', async () => {
    const { dir, host: inner, plan } = await setUp();
    const { host, cut } = cuttable(inner);
    const result = await applyPlan(host, plan, { onEvent: (e) => { if (e.type === 'end' && e.index === 0) cut(); } });
    expect(result).toMatchObject({ ok: false, done: 1, failed: { index: 1, connectionLost: true, error: 'The SSH connection to h failed: read ECONNRESET' } });
    expect(result.failed?.action.description).toBe('create b');
    expect([existsSync(join(dir, 'a')), existsSync(join(dir, 'b'))]).toEqual([true, false]);
  });

  it('inside an action (its own command): that action failed, connection lost', async () => {
    const { dir, host: inner, plan } = await setUp();
    const { host: cutOff, cut } = cuttable(inner);
    // Cut as the write of b is sent, after its journal line went through.
    const host: Host = { ...cutOff, run: (argv, o) => { if (argv.includes(join(dir, 'b'))) cut(); return cutOff.run(argv, o); } };
    const result = await applyPlan(host, plan);
    expect(result).toMatchObject({ ok: false, done: 1, failed: { index: 1, connectionLost: true } });
    expect(existsSync(join(dir, 'b'))).toBe(false);
  });
});
