// The LUKS setup executor against a scripted host: what it runs, in which order, what it refuses, and that the key
// never appears on a command line, is written only to the key file (0400) and is shown exactly once.
import { describe, expect, it } from 'vitest';
import type { ActionOf } from '../../../src/engine/action.js';
import type { ExecutorContext } from '../../../src/apply/executor.js';
import type { Journal } from '../../../src/apply/journal.js';
import { luksSetup, LuksDeviceError } from '../../../src/apply/executors/luks.js';
import type { Host, RunOptions, RunResult, WriteFileOptions } from '../../../src/host/host.js';

const action: ActionOf<'luks.setup'> = {
  kind: 'luks.setup',
  description: 'encrypt',
  device: '/dev/disk/by-id/virtio-home',
  resolvedDevice: '/dev/vdb',
  uuid: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
  name: 'home',
  keyFile: '/etc/cryptsetup-keys.d/home.key',
  mountPoint: '/home',
  filesystem: 'ext4',
};

interface State {
  luksUuid: string | null;
  signature: string | null;
  keyFile: string | null;
  mapperOpen: boolean;
  fs: string;
  mountedAt: string[];
}

/** A host that answers like the VM does, and remembers every command and write. */
const scriptedHost = (state: State) => {
  const calls: string[][] = [];
  const writes: { path: string; content: string; options: WriteFileOptions }[] = [];
  const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '' });
  const fail = (exitCode: number, stderr = ''): RunResult => ({ exitCode, stdout: '', stderr });
  const answer = (argv: readonly string[]): RunResult => {
    const [cmd, ...rest] = argv;
    const line = argv.join(' ');
    switch (cmd) {
      case 'readlink':
        return ok('/dev/vdb\n');
      case 'findmnt':
        return ok(state.mountedAt.map((m) => `${m}\n`).join(''));
      case 'test':
        if (rest[1] === action.keyFile) return state.keyFile === null ? fail(1) : ok();
        if (rest[1] === '/dev/mapper/home') return state.mapperOpen ? ok() : fail(1);
        return fail(1);
      case 'stat':
        return ok(`${state.keyFile?.length ?? 0}\n`);
      case 'cryptsetup':
        if (rest[0] === 'luksUUID') return state.luksUuid === null ? fail(1, 'not a valid LUKS device') : ok(`${state.luksUuid}\n`);
        if (rest[0] === 'luksFormat') {
          state.luksUuid = action.uuid;
          return ok();
        }
        if (rest[0] === 'open') {
          state.mapperOpen = true;
          return ok();
        }
        return fail(1);
      case 'blkid':
        if (line.includes('/dev/mapper/home')) return ok(state.fs);
        return state.signature === null ? fail(2) : ok(`DEVNAME=/dev/vdb\nTYPE=${state.signature}\n`);
      case 'lsblk':
        return ok('vdb \n');
      case 'mkfs.ext4':
        state.fs = 'ext4\n';
        return ok();
      case 'sh':
        state.mountedAt = ['/home'];
        return ok();
      case undefined:
      default:
        return ok();
    }
  };
  const host: Host = {
    label: 'scripted',
    roundTrips: 0,
    run: (argv: readonly string[], _options?: RunOptions) => {
      calls.push([...argv]);
      return Promise.resolve(answer(argv));
    },
    writeFile: (path: string, content: string | Uint8Array, options: WriteFileOptions) => {
      writes.push({ path, content: String(content), options });
      if (path === action.keyFile) state.keyFile = String(content);
      return Promise.resolve();
    },
    readFile: () => Promise.resolve({ kind: 'absent' }),
    close: () => Promise.resolve(),
  };
  return { host, calls, writes };
};

const context = (host: Host, lines: string[], revealed: string[] = []): ExecutorContext => ({
  host,
  reveal: (_message, secret) => revealed.push(secret),
  journal: { write: () => Promise.resolve() } as unknown as Journal,
  index: 0,
  runId: 'test',
  secretAnswers: {},
  onLine: (l) => lines.push(l),
});

const fresh = (): State => ({ luksUuid: null, signature: null, keyFile: null, mapperOpen: false, fs: '', mountedAt: [] });

describe('luks.setup executor', () => {
  it('formats an empty disk with the planned UUID, argon2id and a key file, then mounts it; the key is shown once', async () => {
    const { host, calls, writes } = scriptedHost(fresh());
    const lines: string[] = [];
    const revealed: string[] = [];
    expect(await luksSetup(action, context(host, lines, revealed))).toBe('done');

    const key = writes.find((w) => w.path === action.keyFile);
    expect(key?.options).toEqual({ mode: 0o400, owner: 'root', group: 'root' });
    expect(key?.content).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const format = calls.find((c) => c[0] === 'cryptsetup' && c[1] === 'luksFormat');
    expect(format).toEqual([
      'cryptsetup', 'luksFormat', '--batch-mode', '--type', 'luks2', '--cipher', 'aes-xts-plain64', '--key-size', '512',
      '--pbkdf', 'argon2id', '--uuid', action.uuid, '--key-file', action.keyFile, '--', action.device,
    ]);
    // Order: refuse-or-proceed checks, key, format, open, mkfs, move and mount.
    const order = calls.map((c) => (c[0] === 'cryptsetup' ? `cryptsetup ${c[1] ?? ''}` : c[0])).filter((c) => ['cryptsetup luksFormat', 'cryptsetup open', 'mkfs.ext4', 'sh'].includes(c ?? ''));
    expect(order).toEqual(['cryptsetup luksFormat', 'cryptsetup open', 'mkfs.ext4', 'sh']);
    // Never on a command line, never in live output (the wizard logs it); revealed exactly once.
    expect(calls.some((c) => c.some((arg) => arg.includes(key?.content ?? '∅')))).toBe(false);
    expect(lines.filter((l) => l.includes(key?.content ?? '∅'))).toEqual([]);
    expect(lines.join('\n')).toContain(action.keyFile);
    expect(revealed).toEqual([key?.content]);
  });

  it('refuses a disk with a filesystem before making a key or writing anything', async () => {
    const { host, calls, writes } = scriptedHost({ ...fresh(), signature: 'ext4' });
    await expect(luksSetup(action, context(host, []))).rejects.toThrow(LuksDeviceError);
    await expect(luksSetup(action, context(host, []))).rejects.toThrow(/not empty any more \(TYPE=ext4\)/);
    expect(writes).toEqual([]);
    expect(calls.some((c) => c[1] === 'luksFormat')).toBe(false);
  });

  it('refuses when the device path now points elsewhere', async () => {
    const { host } = scriptedHost(fresh());
    await expect(luksSetup({ ...action, resolvedDevice: '/dev/vdc' }, context(host, []))).rejects.toThrow(/now points to \/dev\/vdb, not \/dev\/vdc/);
  });

  it('after an interruption: keeps the key, does not format again, finishes the rest, shows nothing', async () => {
    const { host, calls, writes } = scriptedHost({ ...fresh(), luksUuid: action.uuid, keyFile: 'k'.repeat(43) });
    const lines: string[] = [];
    expect(await luksSetup(action, context(host, lines))).toBe('done');
    expect(writes).toEqual([]);
    expect(calls.some((c) => c[1] === 'luksFormat')).toBe(false);
    expect(calls.some((c) => c[1] === 'open')).toBe(true);
    expect(lines).toEqual([]);
  });

  it('refuses an existing key file too short to be a key (an empty one is an empty passphrase)', async () => {
    const { host, calls } = scriptedHost({ ...fresh(), keyFile: '' });
    await expect(luksSetup(action, context(host, []))).rejects.toThrow(/holds only 0 bytes/);
    expect(calls.some((c) => c[1] === 'luksFormat')).toBe(false);
  });

  it('is done already when the volume is ours and mounted', async () => {
    const { host, calls } = scriptedHost({ ...fresh(), luksUuid: action.uuid, keyFile: 'k'.repeat(43), mapperOpen: true, fs: 'ext4\n', mountedAt: ['/home'] });
    expect(await luksSetup(action, context(host, []))).toBe('skipped');
    expect(calls.some((c) => c[0] === 'sh' || c[1] === 'open')).toBe(false);
  });
});
