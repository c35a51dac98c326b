// The SSH transport against a real OpenSSH server on 127.0.0.1 (test/support/sshd.ts): no mocks.

import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_PREFIX } from '../../src/host/file-scripts.js';
import type { HostError } from '../../src/host/host-error.js';
import type { Host, OutputStream } from '../../src/host/host.js';
import { type TestSshd, startSshd } from '../support/sshd.js';
import { goneWithin, readPids } from './processes.js';
import { connectToTestSshd } from './ssh-fixture.js';

let sshd: TestSshd;
let host: Host;
let dir: string;

beforeAll(async () => {
  sshd = await startSshd();
  host = await connectToTestSshd(sshd);
  dir = await mkdtemp(join(tmpdir(), 'keelson-ssh-'));
});
afterAll(async () => {
  await host.close();
  await sshd.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('connectSshHost against a real sshd', () => {
  it('runs a command as the login user and labels the host', async () => {
    expect(host.label).toBe(`ssh root@127.0.0.1:${sshd.port}`);
    expect(await host.run(['id', '-un'])).toEqual({ exitCode: 0, stdout: 'root\n', stderr: '' });
  });

  it('measures a round trip on loopback', async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const started = performance.now();
      await host.run(['true']);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.info(`ssh round trip on loopback: median ${(times[5] ?? 0).toFixed(1)} ms, min ${(times[0] ?? 0).toFixed(1)} ms`);
    expect(times[0]).toBeGreaterThan(0);
  });

  it('hands argv through the remote shell untouched', async () => {
    const args = ['$(id)', '`id`', 'a; echo b', "it's", '', 'two\nlines', '*', '~', '\\', 'ünï 🙂'];
    const result = await host.run(['printf', '%s|', ...args]);
    expect(result.stdout).toBe(`${args.join('|')}|`);
  });

  it('reports a failing exit code and its stderr without throwing', async () => {
    expect(await host.run(['sh', '-c', 'echo out; echo oops >&2; exit 7'])).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'oops\n' });
    expect((await host.run(['/no/such/program'])).exitCode).toBe(127);
  });

  it('streams stdout and stderr line by line while the command runs', async () => {
    const seen: { line: string; stream: OutputStream; at: number }[] = [];
    const started = performance.now();
    const result = await host.run(['sh', '-c', 'echo first; echo warn >&2; sleep 0.6; echo second; printf tail'], {
      onLine: (line, stream) => seen.push({ line, stream, at: performance.now() - started }),
    });
    expect(result.stdout).toBe('first\nsecond\ntail');
    expect(seen.map(({ line, stream }) => [line, stream]))
      .toEqual([['first', 'stdout'], ['warn', 'stderr'], ['second', 'stdout'], ['tail', 'stdout']]);
    expect(seen[2]?.at ?? 0).toBeGreaterThanOrEqual((seen[0]?.at ?? 0) + 500);
  });

  it('feeds stdin byte for byte (all 256 byte values)', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const result = await host.run(['od', '-An', '-v', '-tx1'], { stdin: bytes });
    expect(result.stdout.split(/\s+/).filter((s) => s !== '')).toEqual(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')));
  });

  it('passes env and runs as another user (runuser) with its runtime dir', async () => {
    const result = await host.run(['sh', '-c', 'id -un; echo "$XDG_RUNTIME_DIR"; pwd; echo "$MSG"'], {
      asUser: 'nobody', env: { MSG: "it's $(not) run" },
    });
    expect(result.stdout).toBe("nobody\n/run/user/65534\n/\nit's $(not) run\n");
  });

  it('writes a file atomically with mode and owner, replacing the old one and leaving no temp file', async () => {
    const folder = join(dir, 'atomic');
    await mkdir(folder);
    await writeFile(join(folder, 'app.conf'), 'old\n');
    await host.writeFile(join(folder, 'app.conf'), 'new\n', { mode: 0o640, owner: 'nobody', group: 'nogroup' });
    const info = await stat(join(folder, 'app.conf'));
    expect(info.mode & 0o7777).toBe(0o640);
    expect([info.uid, info.gid]).toEqual([65534, 65534]);
    expect(await readFile(join(folder, 'app.conf'), 'utf8')).toBe('new\n');
    expect(await readdir(folder)).toEqual(['app.conf']);
  });

  it('keeps the old file and removes the temp file when the write fails', async () => {
    const folder = join(dir, 'failing');
    await mkdir(folder);
    await writeFile(join(folder, 'f'), 'old\n');
    const error = await host.writeFile(join(folder, 'f'), 'new\n', { mode: 0o644, group: 'no-such-group-xyz' })
      .catch((e: unknown) => e as HostError);
    expect(error).toMatchObject({ code: 'io-error' });
    expect(await readFile(join(folder, 'f'), 'utf8')).toBe('old\n');
    expect((await readdir(folder)).filter((n) => n.startsWith(TEMP_PREFIX))).toEqual([]);
  });

  it('writes binary content intact over stdin', async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) % 256);
    await host.writeFile(join(dir, 'binary'), bytes, { mode: 0o600 });
    expect(Buffer.compare(await readFile(join(dir, 'binary')), Buffer.from(bytes))).toBe(0);
  });

  it('reads a present file, and an absent one as absent', async () => {
    await writeFile(join(dir, 'present'), 'a\nb ü\n');
    expect(await host.readFile(join(dir, 'present'))).toEqual({ kind: 'present', content: 'a\nb ü\n' });
    expect(await host.readFile(join(dir, 'absent'))).toEqual({ kind: 'absent' });
    await expect(host.readFile(dir)).rejects.toMatchObject({ code: 'io-error' });
  });

  it('counts one round trip per run, read and write, and none for connecting', async () => {
    const counted = await connectToTestSshd(sshd);
    try {
      expect(counted.roundTrips).toBe(0);
      await counted.run(['true']);
      await counted.readFile(join(dir, 'absent'));
      await counted.writeFile(join(dir, 'counted'), 'x', { mode: 0o600 });
      expect(counted.roundTrips).toBe(3);
    } finally {
      await counted.close();
    }
  });

  it('stops a command at its timeout, and the remote processes are gone', async () => {
    const pidFile = join(dir, 'timeout-pids');
    const started = performance.now();
    const error = await host.run(['sh', '-c', `sleep 300 & echo $$ $! > ${pidFile}; wait`], { timeoutMs: 1_000 })
      .catch((e: unknown) => e as HostError);
    expect(error).toMatchObject({ code: 'command-timeout' });
    expect(performance.now() - started).toBeLessThan(4_000);
    const pids = await readPids(pidFile);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await goneWithin(pid)).toBe(true);
    // The connection is still good for the next command.
    expect((await host.run(['true'])).exitCode).toBe(0);
  });

  it('kills a command that ignores SIGTERM once the grace period is over', async () => {
    const pidFile = join(dir, 'stubborn-pid');
    const started = performance.now();
    const error = await host.run(['sh', '-c', `trap '' TERM; echo $$ > ${pidFile}; while :; do sleep 0.2; done`], { timeoutMs: 500 })
      .catch((e: unknown) => e as HostError);
    expect(error).toMatchObject({ code: 'command-timeout' });
    expect(performance.now() - started).toBeLessThan(9_000);
    for (const pid of await readPids(pidFile)) expect(await goneWithin(pid)).toBe(true);
  });

  it('reports a connection that dies mid-command as lost, not as an exit code', async () => {
    const doomed = await connectToTestSshd(sshd);
    // The login shell execs sh, whose parent is this session's sshd: killing it drops the connection.
    const error = await doomed.run(['sh', '-c', 'kill -9 $PPID; sleep 5']).catch((e: unknown) => e as HostError);
    expect(error).toMatchObject({ code: 'connection-lost' });
    expect((error as HostError).remedy).toMatch(/may or may not have run/);
    await expect(doomed.run(['true'])).rejects.toMatchObject({ code: 'connection-lost' });
    await doomed.close();
  });
});
