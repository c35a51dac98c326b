import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, keyTypeOf, normalizeFingerprint } from '../../src/host/fingerprint.js';
import { hostKeyError, judgeHostKey, knownKeyTypes } from '../../src/host/host-key-policy.js';
import { entryMatchesHost, formatKnownHostsLine, hostKeyName, parseKnownHosts } from '../../src/host/known-hosts.js';

interface Key { readonly type: string; readonly base64: string; readonly blob: Buffer; readonly fingerprint: string }

let dir: string;
let keyA: Key;
let keyB: Key;
let rsa: Key;

/** A fresh public key, with the fingerprint ssh-keygen itself prints for it. */
async function newKey(name: string, type: string): Promise<Key> {
  const path = join(dir, name);
  await execa('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', name, '-f', path]);
  const [keyType = '', base64 = ''] = (await readFile(`${path}.pub`, 'utf8')).split(' ');
  const { stdout } = await execa('ssh-keygen', ['-lf', `${path}.pub`]);
  return { type: keyType, base64, blob: Buffer.from(base64, 'base64'), fingerprint: stdout.split(' ')[1] ?? '' };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keelson-kh-'));
  [keyA, keyB, rsa] = await Promise.all([newKey('a', 'ed25519'), newKey('b', 'ed25519'), newKey('r', 'rsa')]);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('fingerprint', () => {
  it("matches ssh-keygen -lf exactly (SHA256:, unpadded base64)", () => {
    for (const key of [keyA, keyB, rsa]) {
      expect(fingerprintOf(key.blob)).toBe(key.fingerprint);
      expect(fingerprintOf(key.blob)).not.toMatch(/=$/);
    }
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOf(keyA.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(rsa.blob)).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBeUndefined();
  });

  it('normalises an operator-typed fingerprint and rejects anything else', () => {
    expect(normalizeFingerprint(`${keyA.fingerprint}=`)).toBe(keyA.fingerprint);
    expect(normalizeFingerprint(` ${keyA.fingerprint} `)).toBe(keyA.fingerprint);
    expect(normalizeFingerprint('MD5:aa:bb')).toBeUndefined();
    expect(normalizeFingerprint('SHA256:short')).toBeUndefined();
  });
});

describe('parseKnownHosts', () => {
  it('reads plain entries, comma lists, [host]:port, skips comments, blanks and broken lines', () => {
    const text = [
      '# a comment',
      '',
      `web1,10.0.0.5 ${keyA.type} ${keyA.base64} a comment with spaces`,
      `[10.0.0.6]:2222 ${keyB.type} ${keyB.base64}`,
      `broken-line-without-key ${keyA.type}`,
      `mislabelled ssh-rsa ${keyA.base64}`,
      `@unknown-marker web1 ${keyA.type} ${keyA.base64}`,
      `   indented ${rsa.type} ${rsa.base64}`,
    ].join('\n');
    const entries = parseKnownHosts(text, '/kh');
    expect(entries.map((e) => [e.line, e.keyType])).toEqual([[3, 'ssh-ed25519'], [4, 'ssh-ed25519'], [8, 'ssh-rsa']]);
    const [web1, port2222] = entries;
    if (!web1 || !port2222) throw new Error('entries missing');
    expect(entryMatchesHost(web1, 'web1', 22)).toBe(true);
    expect(entryMatchesHost(web1, '10.0.0.5', 22)).toBe(true);
    expect(entryMatchesHost(web1, 'WEB1', 22)).toBe(true);
    expect(entryMatchesHost(web1, 'web1', 2222)).toBe(false);
    expect(entryMatchesHost(web1, 'web2', 22)).toBe(false);
    expect(entryMatchesHost(port2222, '10.0.0.6', 2222)).toBe(true);
    expect(entryMatchesHost(port2222, '10.0.0.6', 22)).toBe(false);
  });

  it('matches a hashed entry written by ssh-keygen -H, for port 22 and for [host]:port', async () => {
    const file = join(dir, 'hashed');
    await writeFile(file, `plain.example ${keyA.type} ${keyA.base64}\n[10.1.2.3]:2200 ${keyB.type} ${keyB.base64}\n`);
    await execa('ssh-keygen', ['-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('plain.example');
    expect(text).toMatch(/^\|1\|/m);
    const entries = parseKnownHosts(text, file);
    expect(entries).toHaveLength(2);
    const [first, second] = entries;
    if (!first || !second) throw new Error('entries missing');
    expect(first.hosts.kind).toBe('hashed');
    expect(entryMatchesHost(first, 'plain.example', 22)).toBe(true);
    expect(entryMatchesHost(first, 'Plain.Example', 22)).toBe(true);
    expect(entryMatchesHost(first, 'other.example', 22)).toBe(false);
    expect(entryMatchesHost(second, '10.1.2.3', 2200)).toBe(true);
    expect(entryMatchesHost(second, '10.1.2.3', 22)).toBe(false);
  });

  it('honours wildcards and negation the way ssh does', () => {
    const [entry] = parseKnownHosts(`*.example.org,!bad.example.org,h?st ${keyA.type} ${keyA.base64}`, '/kh');
    if (!entry) throw new Error('entry missing');
    expect(entryMatchesHost(entry, 'a.example.org', 22)).toBe(true);
    expect(entryMatchesHost(entry, 'bad.example.org', 22)).toBe(false);
    expect(entryMatchesHost(entry, 'host', 22)).toBe(true);
    expect(entryMatchesHost(entry, 'hoost', 22)).toBe(false);
    expect(entryMatchesHost(entry, 'example.org', 22)).toBe(false);
  });

  it('keeps @revoked and @cert-authority markers', () => {
    const entries = parseKnownHosts([
      `@revoked * ${keyB.type} ${keyB.base64}`,
      `@cert-authority *.example.org ${keyA.type} ${keyA.base64}`,
    ].join('\n'), '/kh');
    expect(entries.map((e) => e.marker)).toEqual(['revoked', 'cert-authority']);
  });

  it('writes lines it reads back', () => {
    const line = formatKnownHostsLine('Host.Example', 2222, keyA.blob, 'keelson');
    expect(line).toBe(`[host.example]:2222 ssh-ed25519 ${keyA.base64} keelson`);
    const [entry] = parseKnownHosts(line, '/kh');
    expect(entry && entryMatchesHost(entry, 'host.example', 2222)).toBe(true);
    expect(hostKeyName('h', 22)).toBe('h');
  });
});

describe('judgeHostKey', () => {
  const entries = (): ReturnType<typeof parseKnownHosts> => parseKnownHosts([
    `# header`,
    `[srv]:2222 ${keyA.type} ${keyA.base64}`,
    `@cert-authority [srv]:2222 ${keyB.type} ${keyB.base64}`,
    `@revoked * ${rsa.type} ${rsa.base64}`,
  ].join('\n'), '/home/op/.ssh/known_hosts');

  it('trusts the known key and names where it is written', () => {
    expect(judgeHostKey(entries(), 'srv', 2222, keyA.blob)).toEqual({ kind: 'trusted', source: '/home/op/.ssh/known_hosts:2' });
  });

  it('reports a different key for a known host as a mismatch with both fingerprints and the file:line', () => {
    const verdict = judgeHostKey(entries(), 'srv', 2222, keyB.blob);
    expect(verdict).toEqual({ kind: 'mismatch', expected: [{ keyType: 'ssh-ed25519', fingerprint: keyA.fingerprint, source: '/home/op/.ssh/known_hosts:2' }] });
    const error = hostKeyError(verdict, 'srv', 2222, keyB.blob);
    expect(error?.code).toBe('host-key-mismatch');
    expect(error?.message).toContain(keyA.fingerprint);
    expect(error?.message).toContain(keyB.fingerprint);
    expect(error?.message).toContain('/home/op/.ssh/known_hosts:2');
    expect(error?.remedy).toContain(`ssh-keygen -R '[srv]:2222' -f /home/op/.ssh/known_hosts`);
  });

  it('ignores @cert-authority lines (a CA key is not a host key)', () => {
    expect(judgeHostKey(entries(), 'srv', 2222, keyB.blob).kind).toBe('mismatch');
    expect(judgeHostKey(entries(), 'other', 22, keyB.blob).kind).toBe('unknown');
  });

  it('refuses a @revoked key for any host, even a pinned one', () => {
    expect(judgeHostKey(entries(), 'anything', 22, rsa.blob)).toEqual({ kind: 'revoked', source: '/home/op/.ssh/known_hosts:4' });
    expect(judgeHostKey(entries(), 'anything', 22, rsa.blob, rsa.fingerprint).kind).toBe('revoked');
    expect(hostKeyError({ kind: 'revoked', source: 'f:4' }, 'x', 22, rsa.blob)?.code).toBe('host-key-revoked');
  });

  it('calls a never-seen host unknown, with the fingerprint and both remedies', () => {
    expect(judgeHostKey(entries(), 'new', 22, keyA.blob)).toEqual({ kind: 'unknown' });
    const error = hostKeyError({ kind: 'unknown' }, 'new', 22, keyA.blob);
    expect(error?.code).toBe('host-key-unknown');
    expect(error?.message).toContain(keyA.fingerprint);
    expect(error?.remedy).toContain('--accept-new-host-key');
    expect(error?.remedy).toContain(`--host-key ${keyA.fingerprint}`);
  });

  it('accepts exactly the pinned key, whatever the files say', () => {
    expect(judgeHostKey(entries(), 'srv', 2222, keyB.blob, keyB.fingerprint)).toEqual({ kind: 'pinned' });
    const verdict = judgeHostKey(entries(), 'srv', 2222, keyA.blob, keyB.fingerprint);
    expect(verdict.kind).toBe('mismatch');
    expect(hostKeyError(verdict, 'srv', 2222, keyA.blob)?.message).toContain('--host-key');
  });

  it('lists the key types a host is known by', () => {
    expect(knownKeyTypes(entries(), 'srv', 2222)).toEqual(['ssh-ed25519']);
    expect(knownKeyTypes(entries(), 'srv', 22)).toEqual([]);
  });
});
