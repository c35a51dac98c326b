// Issue 12 item 9: one apply at a time on a host. Against the real sshd and this machine (as root), with the lock in
// a temp directory: the second apply is refused naming the holder; a holder that dies (killed, connection lost) leaves
// no live lock, and the next run reports it as stale.
import { execa } from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { APPLY_LOCK_PATH, acquireApplyLock, holderFor } from '../../src/apply/host-lock.js';
import type { Plan } from '../../src/engine/plan.js';
import { relocated } from '../support/relocated-host.js';
import { HostError } from '../../src/host/host-error.js';
import type { Host } from '../../src/host/host.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { connectToTestSshd } from '../host/ssh-fixture.js';
import { type TestSshd, startSshd } from '../support/sshd.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd.stop();
});

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'keelson-lock-')), 'state', 'apply.lock');
const refusal = async (p: Promise<unknown>): Promise<HostError> => {
  const e: unknown = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(HostError);
  return e as HostError;
};

describe('the apply lock', () => {
  it('over SSH: a second apply (from this machine, locally) is refused, naming who holds the lock', async () => {
    const path = lockPath();
    const remote = await connectToTestSshd(sshd);
    const local = createLocalHost();
    try {
      const first = await acquireApplyLock(remote, holderFor('run-one', 'demo'), path);
      expect(first.stale).toBeNull();
      const e = await refusal(acquireApplyLock(local, holderFor('run-two', 'demo'), path));
      expect(e.code).toBe('host-locked');
      expect(e.message).toMatch(/Another apply is running on this machine \(root\): run run-one of stack demo, by root on .* started/);
      expect(e.remedy).toMatch(/goes away by itself/);
      await first.release();
      const again = await acquireApplyLock(local, holderFor('run-three', 'demo'), path);
      expect(again.stale).toBeNull();
      await again.release();
      expect(readFileSync(path, 'utf8')).toMatch(/"runId":"run-three".*\nreleased\n$/s);
    } finally {
      await remote.close();
      await local.close();
    }
  });

  it('a lost SSH connection ends the lock with it; the next run is told it is stale', async () => {
    const path = lockPath();
    const remote = await connectToTestSshd(sshd);
    await acquireApplyLock(remote, holderFor('run-lost', 'demo'), path);
    await remote.close(); // no release: as if the workstation vanished
    const local = createLocalHost();
    try {
      let next: Awaited<ReturnType<typeof acquireApplyLock>> | undefined;
      // sshd ends the session's processes as the connection goes; give it a moment.
      for (let i = 0; i < 50 && next === undefined; i++) {
        next = await acquireApplyLock(local, holderFor('run-next', 'demo'), path).catch(async () => {
          await new Promise((r) => setTimeout(r, 100));
          return undefined;
        });
      }
      expect(next?.stale).toMatch(/run run-lost of stack demo/);
      await next?.release();
    } finally {
      await local.close();
    }
  });

  it('a killed keelson (SIGKILL) leaves no live lock', async () => {
    const path = lockPath();
    const script = join(import.meta.dirname, 'support', 'hold-lock.ts');
    // One process (node with tsx's loader, not npx), so SIGKILL hits keelson itself.
    const child = execa('node', ['--import', 'tsx', script, path], { reject: false, stdin: 'ignore' });
    // The child says "held" once it has the lock.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('held')) resolve(); });
    });
    const local: Host = createLocalHost();
    try {
      await refusal(acquireApplyLock(local, holderFor('run-while-held', 'demo'), path));
      child.kill('SIGKILL');
      await child;
      let next: Awaited<ReturnType<typeof acquireApplyLock>> | undefined;
      for (let i = 0; i < 50 && next === undefined; i++) {
        next = await acquireApplyLock(local, holderFor('run-after', 'demo'), path).catch(async () => {
          await new Promise((r) => setTimeout(r, 100));
          return undefined;
        });
      }
      expect(next?.stale).toMatch(/run run-killed/);
      await next?.release();
    } finally {
      await local.close();
    }
  });

  it('applyPlan takes it: a second apply while one runs writes nothing, not even a journal', async () => {
    const root = mkdtempSync(join(tmpdir(), 'keelson-lock-root-'));
    const host = relocated(createLocalHost(), root);
    const target = join(root, 'file');
    const plan = {
      stack: { name: 'demo', version: '1.0.0', mode: 'rootful' }, factsHash: 'x',
      steps: [{ id: 's', title: 'S', findings: [], actions: [{ kind: 'file.write', description: target, path: target, content: 'x\n', mode: '0644', owner: 'root', group: 'root', before: null }] }],
    } as unknown as Plan;
    const first = await acquireApplyLock(host, holderFor('run-first', 'demo'));
    try {
      const e = await refusal(applyPlan(host, plan, { runId: 'run-second' }));
      expect(e.code).toBe('host-locked');
      expect(existsSync(target)).toBe(false);
      expect(existsSync(join(root, '/var/lib/keelson/journal'))).toBe(false);
    } finally {
      await first.release();
    }
    expect(existsSync(`${root}${APPLY_LOCK_PATH}`)).toBe(true);
    const r = await applyPlan(host, plan, { runId: 'run-third' });
    expect(r.ok).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('x\n');
    await host.close();
  });
});
