// Host key verification against a real sshd: known, hashed, unknown (with and without consent), pinned, revoked and
// changed keys. The tests run in order: the last ones rotate the server's host key.

import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostError } from '../../src/host/host-error.js';
import { type NewHostKey, type SshHostOptions, connectSshHost } from '../../src/host/ssh-host.js';
import { type TestSshd, startSshd } from '../support/sshd.js';

let sshd: TestSshd;
let dir: string;
let counter = 0;

/** Fresh known_hosts and store files per test, so no test sees another's trust. */
interface TestOptions extends SshHostOptions {
  readonly knownHostsFiles: readonly string[];
  readonly hostKeyStorePath: string;
}

async function options(knownHosts: string, overrides: Partial<SshHostOptions> = {}): Promise<TestOptions> {
  counter += 1;
  const knownHostsFile = join(dir, `known_hosts.${counter}`);
  await writeFile(knownHostsFile, knownHosts);
  return {
    host: sshd.host, port: sshd.port, username: sshd.user, identityFiles: [sshd.identityFile], agentSocket: null,
    ...overrides,
    knownHostsFiles: [knownHostsFile], hostKeyStorePath: join(dir, `store.${counter}`, 'known_hosts'),
  };
}

async function refusal(opts: SshHostOptions): Promise<HostError> {
  const host = await connectSshHost(opts).catch((e: unknown) => e as HostError);
  if (!('code' in host)) {
    await host.close();
    throw new Error('the connection was expected to be refused');
  }
  return host;
}

beforeAll(async () => {
  sshd = await startSshd();
  dir = await mkdtemp(join(tmpdir(), 'keelson-hostkeys-'));
});
afterAll(async () => {
  await sshd.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('host key verification', () => {
  it('connects to a host whose key is in known_hosts', async () => {
    const host = await connectSshHost(await options(`${sshd.knownHostsLine}\n`));
    expect((await host.run(['true'])).exitCode).toBe(0);
    await host.close();
  });

  it('connects via a hashed known_hosts entry made by ssh-keygen -H', async () => {
    const opts = await options(`${sshd.knownHostsLine}\n`);
    await execa('ssh-keygen', ['-H', '-f', opts.knownHostsFiles[0] ?? '']);
    expect(await readFile(opts.knownHostsFiles[0] ?? '', 'utf8')).toMatch(/^\|1\|/);
    const host = await connectSshHost(opts);
    await host.close();
  });

  it('refuses an unknown host without consent, showing the fingerprint and the remedy', async () => {
    const error = await refusal(await options(''));
    expect(error.code).toBe('host-key-unknown');
    expect(error.message).toContain(sshd.hostFingerprint);
    expect(error.remedy).toContain('--accept-new-host-key');
    expect(error.remedy).toContain(`--host-key ${sshd.hostFingerprint}`);
  });

  it('asks about an unknown host and refuses when the operator says no', async () => {
    const asked: NewHostKey[] = [];
    const opts = await options('', { confirmNewHostKey: (key) => { asked.push(key); return Promise.resolve(false); } });
    expect((await refusal(opts)).code).toBe('host-key-unknown');
    expect(asked).toEqual([{ host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshd.hostFingerprint }]);
    await expect(stat(opts.hostKeyStorePath)).rejects.toThrow(/ENOENT/);
  });

  it('accepts an unknown host with consent (taking its time), stores the key 0600, and trusts it next time', async () => {
    const opts = await options('', {
      // Longer than the connect timeout: the operator's answer must not race the handshake. The timeout leaves the
      // handshake itself room on a loaded machine (1 s failed once beside the rest of the suite).
      confirmNewHostKey: () => new Promise((resolve) => setTimeout(() => { resolve(true); }, 4_000)),
      connectTimeoutMs: 3_000,
    });
    const host = await connectSshHost(opts);
    expect((await host.run(['true'])).exitCode).toBe(0);
    await host.close();
    const stored = await readFile(opts.hostKeyStorePath, 'utf8');
    expect(stored.split(' ').slice(0, 3).join(' ')).toBe(sshd.knownHostsLine);
    expect((await stat(opts.hostKeyStorePath)).mode & 0o777).toBe(0o600);
    const again = await connectSshHost({ ...opts, confirmNewHostKey: () => Promise.reject(new Error('must not ask again')) });
    await again.close();
  });

  it('accepts a pinned fingerprint for an unknown host (and remembers it), refuses a wrong pin', async () => {
    const pinned = await options('', { expectedFingerprint: sshd.hostFingerprint });
    const host = await connectSshHost(pinned);
    await host.close();
    expect(await readFile(pinned.hostKeyStorePath, 'utf8')).toContain(sshd.knownHostsLine);

    const wrongPin = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const error = await refusal(await options(`${sshd.knownHostsLine}\n`, { expectedFingerprint: wrongPin }));
    expect(error.code).toBe('host-key-mismatch');
    expect(error.message).toContain(wrongPin);
    expect(error.message).toContain(sshd.hostFingerprint);
    await expect(connectSshHost(await options('', { expectedFingerprint: 'MD5:00' }))).rejects.toMatchObject({ code: 'bad-argument' });
  });

  it('refuses a key marked @revoked', async () => {
    const [, type, blob] = sshd.knownHostsLine.split(' ');
    const error = await refusal(await options(`${sshd.knownHostsLine}\n@revoked * ${type ?? ''} ${blob ?? ''}\n`));
    expect(error.code).toBe('host-key-revoked');
    expect(error.message).toContain(':2');
  });

  it('refuses a CHANGED host key, showing both fingerprints and the known_hosts line (hard stop, no question)', async () => {
    const oldLine = sshd.knownHostsLine;
    const oldFingerprint = sshd.hostFingerprint;
    await sshd.rotateHostKey();
    expect(sshd.hostFingerprint).not.toBe(oldFingerprint);

    const opts = await options(`# operator's file\n${oldLine}\n`, {
      confirmNewHostKey: () => Promise.reject(new Error('a changed key must never be offered for acceptance')),
    });
    const error = await refusal(opts);
    expect(error.code).toBe('host-key-mismatch');
    expect(error.message).toContain(`expected:  ${oldFingerprint}`);
    expect(error.message).toContain(`presented: ${sshd.hostFingerprint}`);
    expect(error.message).toContain(`${opts.knownHostsFiles[0] ?? ''}:2`);
    expect(error.remedy).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}'`);

    // The same for a key keelson's own store accepted earlier.
    const storeOpts = await options('');
    await mkdir(dirname(storeOpts.hostKeyStorePath), { recursive: true });
    await writeFile(storeOpts.hostKeyStorePath, `${oldLine} keelson\n`);
    const storeError = await refusal(storeOpts);
    expect(storeError.code).toBe('host-key-mismatch');
    expect(storeError.message).toContain(`${storeOpts.hostKeyStorePath}:1`);
  });
});
