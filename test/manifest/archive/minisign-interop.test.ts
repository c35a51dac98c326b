// keelson's minisign keys and signatures against Debian's real `minisign` binary, both ways: keys made by
// `minisign -G` in a temp dir inside each test, never fixtures keelson made.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatPublicKey, formatSecretKey, generateKey, isEncrypted, keyIdHex, parsePublicKey, parseSecretKey } from '../../../src/manifest/archive/minisign-key.js';
import { SignatureError, signMessage, verifyMessage } from '../../../src/manifest/archive/minisign-signature.js';

// Small scrypt limits keep the encrypted cases fast; the limits travel in the key file, so minisign uses them too.
const FAST_KDF = { opslimit: 1048576n, memlimit: 16777216n };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keelson-minisign-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const at = (name: string): string => join(dir, name);
const minisign = (args: readonly string[], input?: string): string =>
  execFileSync('minisign', args, { cwd: dir, input: input ?? '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
const minisignFails = (args: readonly string[]): string => {
  try {
    minisign(args);
  } catch (e) {
    const out = e as { stderr?: string; stdout?: string };
    return (out.stderr ?? '') + (out.stdout ?? '');
  }
  throw new Error(`minisign ${args.join(' ')} succeeded`);
};
const makeMinisignKey = (): void => {
  minisign(['-G', '-W', '-p', at('k.pub'), '-s', at('k.key')]);
};
const failedCheck = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof SignatureError) return e.check;
    throw e;
  }
  return 'none';
};

describe('keelson verifies what minisign signed', () => {
  it('names a key as minisign does, without leading zeros (one key in sixteen has an ID that starts with one)', () => {
    expect(keyIdHex(Buffer.from([0x4c, 0xa4, 0x05, 0xdc, 0x4c, 0x0a, 0x87, 0x0e]))).toBe('E870A4CDC05A44C');
    expect(keyIdHex(Buffer.from([0x4c, 0xa4, 0x05, 0xdc, 0x4c, 0x0a, 0x87, 0xfe]))).toBe('FE870A4CDC05A44C');
  });

  it('accepts a prehashed signature and its trusted comment', () => {
    makeMinisignKey();
    writeFileSync(at('SHA256SUMS'), 'abc  manifest.yaml\n');
    minisign(['-S', '-s', at('k.key'), '-m', at('SHA256SUMS'), '-t', 'stack:demo version:1.0.0']);
    const key = parsePublicKey(readFileSync(at('k.pub'), 'utf8'), 'k.pub');
    const v = verifyMessage(key, readFileSync(at('SHA256SUMS')), readFileSync(at('SHA256SUMS.minisig'), 'utf8'), 'SHA256SUMS.minisig');
    expect(v).toEqual({ keyId: readFileSync(at('k.pub'), 'utf8').split('\n')[0]?.split(' ').pop(), trustedComment: 'stack:demo version:1.0.0', prehashed: true });
  });

  it('accepts a legacy (-l) signature, and refuses each tampering by naming its check', () => {
    makeMinisignKey();
    writeFileSync(at('m'), 'payload');
    minisign(['-S', '-l', '-s', at('k.key'), '-m', at('m'), '-t', 'tc']);
    const key = parsePublicKey(readFileSync(at('k.pub'), 'utf8'), 'k.pub');
    const sig = readFileSync(at('m.minisig'), 'utf8');
    expect(verifyMessage(key, Buffer.from('payload'), sig, 'm.minisig').prehashed).toBe(false);
    expect(failedCheck(() => verifyMessage(key, Buffer.from('payloaD'), sig, 'm.minisig'))).toBe('signature');
    expect(failedCheck(() => verifyMessage(key, Buffer.from('payload'), sig.replace('trusted comment: tc', 'trusted comment: tC'), 'm.minisig'))).toBe('trusted-comment');
    expect(failedCheck(() => verifyMessage(generateKey(), Buffer.from('payload'), sig, 'm.minisig'))).toBe('other-key');
    expect(failedCheck(() => verifyMessage(key, Buffer.from('payload'), sig.split('\n').slice(0, 2).join('\n'), 'm.minisig'))).toBe('signature-format');
  });

  it('reads an encrypted minisign key with its passphrase, and refuses a wrong one', () => {
    minisign(['-G', '-p', at('e.pub'), '-s', at('e.key')], 'pw-1234\npw-1234\n');
    const text = readFileSync(at('e.key'), 'utf8');
    expect(isEncrypted(text, 'e.key')).toBe(true);
    const sk = parseSecretKey(text, 'e.key', 'pw-1234');
    expect(sk.raw).toEqual(parsePublicKey(readFileSync(at('e.pub'), 'utf8'), 'e.pub').raw);
    expect(() => parseSecretKey(text, 'e.key')).toThrow(/encrypted: give its passphrase/);
  }, 60_000);

  it('refuses a wrong passphrase rather than signing with a wrong key', () => {
    const text = formatSecretKey(generateKey(), 'right words', FAST_KDF);
    expect(() => parseSecretKey(text, 'k.key', 'wrong words')).toThrow(/k.key: wrong passphrase/);
  });
});

describe('minisign verifies what keelson signed', () => {
  it('a signature by minisign’s own (-W) secret key, loaded by keelson', () => {
    makeMinisignKey();
    const sk = parseSecretKey(readFileSync(at('k.key'), 'utf8'), 'k.key');
    writeFileSync(at('SHA256SUMS'), 'def  images/a.tar\n');
    writeFileSync(at('SHA256SUMS.minisig'), signMessage(sk, readFileSync(at('SHA256SUMS')), 'stack:demo version:1.0.0 built:2026-12-02T07:00:00Z'));
    const out = minisign(['-V', '-p', at('k.pub'), '-m', at('SHA256SUMS')]);
    expect(out).toContain('Trusted comment: stack:demo version:1.0.0 built:2026-12-02T07:00:00Z');
    writeFileSync(at('SHA256SUMS'), 'deF  images/a.tar\n');
    expect(minisignFails(['-V', '-p', at('k.pub'), '-m', at('SHA256SUMS')])).toMatch(/verification failed/i);
  });

  it('keys keelson made: minisign signs with the secret key (unencrypted and encrypted) and checks with the public key', () => {
    const k = generateKey();
    writeFileSync(at('kk.pub'), formatPublicKey(k));
    writeFileSync(at('kk.key'), formatSecretKey(k), { mode: 0o600 });
    writeFileSync(at('ke.key'), formatSecretKey(k, 'secret words', FAST_KDF), { mode: 0o600 });
    writeFileSync(at('m'), 'x');
    minisign(['-S', '-W', '-s', at('kk.key'), '-m', at('m'), '-t', 'plain']);
    expect(minisign(['-V', '-p', at('kk.pub'), '-m', at('m')])).toContain('Trusted comment: plain');
    expect(verifyMessage(k, Buffer.from('x'), readFileSync(at('m.minisig'), 'utf8'), 'm.minisig').trustedComment).toBe('plain');
    minisign(['-S', '-s', at('ke.key'), '-m', at('m'), '-t', 'encrypted'], 'secret words\n');
    expect(minisign(['-V', '-p', at('kk.pub'), '-m', at('m')])).toContain('Trusted comment: encrypted');
    expect(parseSecretKey(readFileSync(at('ke.key'), 'utf8'), 'ke.key', 'secret words').seed).toEqual(k.seed);
  }, 60_000);
});
