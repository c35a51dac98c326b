// The LUKS setup executor against a scripted host: what it runs, in which order, what it refuses, and that the key
// never appears on a command line, is written only to the key file (0400) and is shown exactly once.
import { describe, expect, it } from 'vitest';
import type { ExecutorContext } from '../../../src/apply/executor.js';
import type { Journal } from '../../../src/apply/journal.js';
import { luksSetup, LuksDeviceError } from '../../../src/apply/executors/luks.js';
import type { Host } from '../../../src/host/host.js';
import { action, scriptedHost, type State } from './luks-scripted-host.js';

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
