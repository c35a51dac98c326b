import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_PREFIX } from '../../src/host/file-scripts.js';
import type { HostError } from '../../src/host/host-error.js';
import type { OutputStream } from '../../src/host/host.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { goneWithin, readPids } from './processes.js';
import { itAsRoot } from '../support/root.js';

let dir: string;

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'keelson-local-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('createLocalHost', () => {
  const host = createLocalHost();

  it('labels itself and runs argv without a shell', async () => {
    expect(host.label).toMatch(/^this machine \((root|sudo)\)$/);
    const result = await host.run(['printf', '%s|', '$(id)', '`id`', 'a;b', "it's", '']);
    expect(result).toEqual({ exitCode: 0, stdout: "$(id)|`id`|a;b|it's||", stderr: '' });
  });

  it('reports a failing exit code with stderr, without throwing', async () => {
    const result = await host.run(['sh', '-c', 'echo oops >&2; exit 3']);
    expect(result).toEqual({ exitCode: 3, stdout: '', stderr: 'oops\n' });
  });

  it('answers 127 for a program that does not exist, as a shell would', async () => {
    const result = await host.run(['/no/such/program']);
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('/no/such/program');
  });

  it('feeds stdin byte for byte (all 256 byte values)', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const result = await host.run(['od', '-An', '-v', '-tx1'], { stdin: bytes });
    const hex = result.stdout.split(/\s+/).filter((s) => s !== '');
    expect(hex).toEqual(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')));
  });

  it('passes env and streams stdout and stderr line by line as they come', async () => {
    const seen: { line: string; stream: OutputStream; at: number }[] = [];
    const started = Date.now();
    const result = await host.run(['sh', '-c', 'echo "$GREETING"; echo warn >&2; sleep 0.5; printf last'], {
      env: { GREETING: 'hello world' },
      onLine: (line, stream) => seen.push({ line, stream, at: Date.now() - started }),
    });
    expect(result.stdout).toBe('hello world\nlast');
    expect(seen.map(({ line, stream }) => [line, stream])).toEqual([['hello world', 'stdout'], ['warn', 'stderr'], ['last', 'stdout']]);
    // The first line arrived while the command was still sleeping, not when it ended.
    expect(seen[2]?.at ?? 0).toBeGreaterThanOrEqual((seen[0]?.at ?? 0) + 400);
  });

  it('stops a command at its timeout, with everything it started', async () => {
    const pidFile = join(dir, 'pids');
    const started = Date.now();
    const error = await host.run(['sh', '-c', `sleep 300 & echo $$ $! > ${pidFile}; wait`], { timeoutMs: 800 })
      .catch((e: unknown) => e as HostError);
    expect(error).toMatchObject({ code: 'command-timeout' });
    expect((error as HostError).message).toContain('800 ms');
    expect(Date.now() - started).toBeLessThan(4_000);
    const pids = await readPids(pidFile);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await goneWithin(pid)).toBe(true);
  });

  it('reads a present file and reports an absent one as absent', async () => {
    await writeFile(join(dir, 'present'), 'content\nwith ünïcode\n');
    expect(await host.readFile(join(dir, 'present'))).toEqual({ kind: 'present', content: 'content\nwith ünïcode\n' });
    expect(await host.readFile(join(dir, 'absent'))).toEqual({ kind: 'absent' });
    expect(await host.readFile(join(dir, 'no-dir', 'absent'))).toEqual({ kind: 'absent' });
  });

  it('refuses a relative path or a directory path', async () => {
    await expect(host.readFile('relative/file')).rejects.toMatchObject({ code: 'bad-argument' });
    await expect(host.readFile(`${dir}/`)).rejects.toMatchObject({ code: 'bad-argument' });
  });

  it('reports an unreadable path (a directory) as an error, not as absent', async () => {
    await mkdir(join(dir, 'a-dir'));
    await expect(host.readFile(join(dir, 'a-dir'))).rejects.toMatchObject({ code: 'io-error' });
  });

  itAsRoot('writes a file atomically with mode and owner, leaving no temp file', async () => {
    const target = join(dir, 'atomic', 'unit.conf');
    await mkdir(join(dir, 'atomic'));
    await writeFile(target, 'old\n');
    await host.writeFile(target, 'new content\n', { mode: 0o640, owner: 'nobody', group: 'nogroup' });
    const info = await stat(target);
    expect(info.mode & 0o7777).toBe(0o640);
    expect([info.uid, info.gid]).toEqual([65534, 65534]);
    expect(await readFile(target, 'utf8')).toBe('new content\n');
    expect(await readdir(join(dir, 'atomic'))).toEqual(['unit.conf']);
  });

  it('leaves the old file and no temp file behind when the write fails', async () => {
    const folder = join(dir, 'failing');
    await mkdir(folder);
    await writeFile(join(folder, 'f'), 'old\n');
    const error = await host.writeFile(join(folder, 'f'), 'new\n', { mode: 0o644, owner: 'no-such-user-xyz' })
      .catch((e: unknown) => e as HostError);
    expect(error).toMatchObject({ code: 'io-error' });
    expect((error as HostError).message).toContain('no-such-user-xyz');
    expect(await readFile(join(folder, 'f'), 'utf8')).toBe('old\n');
    expect((await readdir(folder)).filter((n) => n.startsWith(TEMP_PREFIX))).toEqual([]);
  });

  it('refuses to drop the file into a directory that sits at the target path', async () => {
    await mkdir(join(dir, 'is-a-dir'));
    await expect(host.writeFile(join(dir, 'is-a-dir'), 'x', { mode: 0o644 })).rejects.toMatchObject({ code: 'io-error' });
    expect(await readdir(join(dir, 'is-a-dir'))).toEqual([]);
  });

  it('writes binary content intact', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    await host.writeFile(join(dir, 'binary'), bytes, { mode: 0o600 });
    expect(Buffer.compare(await readFile(join(dir, 'binary')), Buffer.from(bytes))).toBe(0);
  });

  itAsRoot('runs as another user with its runtime dir, falling back to / when its home is missing', async () => {
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/run/user/0/bus';
    const result = await host
      .run(['sh', '-c', 'id -un; echo "$XDG_RUNTIME_DIR"; pwd; echo "$DBUS_SESSION_BUS_ADDRESS"'], { asUser: 'nobody' })
      .finally(() => {
        if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
        else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
      });
    // Root's session bus must not leak into the user's podman (it warns "dial unix /run/user/0/bus").
    expect(result.stdout).toBe('nobody\n/run/user/65534\n/\nunix:path=/run/user/65534/bus\n');
  });

  itAsRoot('goes through sudo -n when told to', async () => {
    const viaSudo = createLocalHost({ privilege: 'sudo' });
    expect(viaSudo.label).toBe('this machine (sudo)');
    const result = await viaSudo.run(['sh', '-c', 'echo "$SUDO_USER"']);
    expect(result.stdout).toBe('root\n');
  });

  it('counts one round trip per run, read and write', async () => {
    const counted = createLocalHost();
    await counted.run(['true']);
    await counted.readFile(join(dir, 'absent'));
    await counted.writeFile(join(dir, 'counted'), 'x', { mode: 0o600 });
    expect(counted.roundTrips).toBe(3);
  });
});
