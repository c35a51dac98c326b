// minisign's key files (https://jedisct1.github.io/minisign/), read and written with Node's own Ed25519, BLAKE2b and
// scrypt, so an operator can check what keelson signed with Debian's `minisign` and keelson takes minisign's keys.
//   public:  base64("Ed" keyId[8] pk[32])
//   secret:  base64("Ed" kdf[2] "B2" salt[32] opslimit[8 LE] memlimit[8 LE] (keyId[8] sk[64] checksum[32]) XOR scrypt)
// kdf is "Sc" (scrypt, libsodium's scryptsalsa208sha256 with its parameter choice) or two zero bytes (`minisign -W`).
import { createPrivateKey, createPublicKey, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';

export const SIG_ALG = 'Ed';
const KDF_SCRYPT = 'Sc';
const CHK_ALG = 'B2';
const PUBLIC_BYTES = 42;
const SECRET_BYTES = 158;
const KEYNUM_SK_BYTES = 104;

/** minisign's own defaults (libsodium's "sensitive" limits): 1 GiB of memory, a few seconds once per signing. */
export const DEFAULT_KDF = { opslimit: 33554432n, memlimit: 1073741824n } as const;
export type KdfLimits = { readonly opslimit: bigint; readonly memlimit: bigint };

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

export interface PublicKey {
  readonly keyId: Buffer;
  readonly key: KeyObject;
  readonly raw: Buffer;
}

export interface SecretKey extends PublicKey {
  readonly seed: Buffer;
  readonly privateKey: KeyObject;
}

/**
 * A key ID as keelson prints and compares it, as minisign prints it: upper-case hex without leading zeros (printf's
 * %" PRIX64), so the ID an operator reads from keelson is the one minisign shows for the same key. Also how a record's
 * kept ID meets a key verified now (a record written before the no-leading-zeros rule kept 16 digits: the same key).
 */
export const keyIdText = (hex: string): string => hex.toUpperCase().replace(/^0+(?=.)/, '');

/** The 8 key-id bytes read as a little-endian number, as keyIdText prints it. */
export const keyIdHex = (keyId: Buffer): string => keyIdText(Buffer.from(keyId).reverse().toString('hex'));

const b64url = (b: Buffer): string => b.toString('base64url');
const publicKeyObject = (raw: Buffer): KeyObject => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });
const privateKeyObject = (seed: Buffer, raw: Buffer): KeyObject =>
  createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(raw) }, format: 'jwk' });
const rawPublicOf = (privateKey: KeyObject): Buffer => Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url');

/** The base64 line after the untrusted comment; `what` names the file in errors. */
const keyLine = (text: string, what: string): Buffer => {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const line = lines[0]?.startsWith('untrusted comment:') === true ? lines[1] : lines[0];
  if (line === undefined || !/^[A-Za-z0-9+/]+=*$/.test(line.trim())) throw new KeyFileError(`${what}: not a minisign key file (no base64 key line)`);
  return Buffer.from(line.trim(), 'base64');
};

export const parsePublicKey = (text: string, what: string): PublicKey => {
  const b = keyLine(text, what);
  if (b.length !== PUBLIC_BYTES || b.subarray(0, 2).toString('latin1') !== SIG_ALG) throw new KeyFileError(`${what}: not a minisign Ed25519 public key`);
  const raw = Buffer.from(b.subarray(10));
  return { keyId: Buffer.from(b.subarray(2, 10)), raw, key: publicKeyObject(raw) };
};

export const formatPublicKey = (k: PublicKey): string =>
  `untrusted comment: minisign public key ${keyIdHex(k.keyId)}\n${Buffer.concat([Buffer.from(SIG_ALG, 'latin1'), k.keyId, k.raw]).toString('base64')}\n`;

/** libsodium's crypto_pwhash_scryptsalsa208sha256 parameter choice, so both tools derive the same stream. */
export const scryptParams = (limits: KdfLimits): { N: number; r: number; p: number } => {
  const opslimit = limits.opslimit < 32768n ? 32768n : limits.opslimit;
  const r = 8n;
  const log2For = (maxN: bigint): bigint => {
    let n = 1n;
    while (n < 63n && 1n << n <= maxN / 2n) n += 1n;
    return n;
  };
  if (opslimit < limits.memlimit / 32n) return { N: Number(1n << log2For(opslimit / (r * 4n))), r: 8, p: 1 };
  const log2 = log2For(limits.memlimit / (r * 128n));
  let maxrp = opslimit / 4n / (1n << log2);
  if (maxrp > 0x3fffffffn) maxrp = 0x3fffffffn;
  return { N: Number(1n << log2), r: 8, p: Number(maxrp / r) };
};

// A key file's limits decide how much memory and time decrypting takes: a hostile file must not take the machine.
const MAX_SCRYPT_BYTES = 2 * 1024 ** 3;
const MAX_SCRYPT_P = 64;

const keystream = (passphrase: string, salt: Buffer, limits: KdfLimits, what: string): Buffer => {
  const { N, r, p } = scryptParams(limits);
  const memory = 128 * N * r;
  if (memory > MAX_SCRYPT_BYTES || p > MAX_SCRYPT_P) throw new KeyFileError(`${what}: its key derivation asks for ${memory} bytes × ${p}: more than keelson allows`);
  return scryptSync(Buffer.from(passphrase, 'utf8'), salt, KEYNUM_SK_BYTES, { N, r, p, maxmem: memory * 2 + 1024 ** 2 });
};

const checksum = (keyId: Buffer, sk: Buffer): Buffer => Buffer.from(blake2b(Buffer.concat([Buffer.from(SIG_ALG, 'latin1'), keyId, sk]), { dkLen: 32 }));

const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((x, i) => x ^ (b[i] ?? 0)));

export const isEncrypted = (text: string, what: string): boolean => keyLine(text, what).subarray(2, 4).toString('latin1') === KDF_SCRYPT;

/** passphrase: needed when the file is encrypted (isEncrypted); a wrong one is refused, never a wrong key. */
export const parseSecretKey = (text: string, what: string, passphrase?: string): SecretKey => {
  const b = keyLine(text, what);
  if (b.length !== SECRET_BYTES || b.subarray(0, 2).toString('latin1') !== SIG_ALG || b.subarray(4, 6).toString('latin1') !== CHK_ALG) {
    throw new KeyFileError(`${what}: not a minisign Ed25519 secret key`);
  }
  const kdf = b.subarray(2, 4);
  let keynum: Buffer = Buffer.from(b.subarray(54));
  if (kdf.toString('latin1') === KDF_SCRYPT) {
    if (passphrase === undefined) throw new KeyFileError(`${what} is encrypted: give its passphrase`);
    const limits = { opslimit: b.readBigUInt64LE(38), memlimit: b.readBigUInt64LE(46) };
    keynum = xor(keynum, keystream(passphrase, Buffer.from(b.subarray(6, 38)), limits, what));
  } else if (kdf.readUInt16LE(0) !== 0) {
    throw new KeyFileError(`${what}: unknown key derivation "${kdf.toString('latin1')}"`);
  }
  const keyId = Buffer.from(keynum.subarray(0, 8));
  const sk = Buffer.from(keynum.subarray(8, 72));
  const chk = keynum.subarray(72, 104);
  const seed = Buffer.from(sk.subarray(0, 32));
  const raw = Buffer.from(sk.subarray(32));
  const privateKey = privateKeyObject(seed, raw);
  // A wrong passphrase gives noise: the checksum (minisign -W leaves it zero) and the public half both catch it.
  const chkOk = chk.every((x) => x === 0) ? kdf.readUInt16LE(0) === 0 : chk.equals(checksum(keyId, sk));
  if (!chkOk || !rawPublicOf(privateKey).equals(raw)) throw new KeyFileError(`${what}: wrong passphrase, or the key file is damaged`);
  return { keyId, raw, seed, privateKey, key: publicKeyObject(raw) };
};

export const generateKey = (): SecretKey => {
  const seed = randomBytes(32);
  const keyId = randomBytes(8);
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const raw = rawPublicOf(privateKey);
  return { keyId, raw, seed, privateKey, key: publicKeyObject(raw) };
};

/** passphrase undefined: unencrypted (as `minisign -W`), for keys kept in a vault or on a hardware-backed disk. */
export const formatSecretKey = (k: SecretKey, passphrase?: string, limits: KdfLimits = DEFAULT_KDF): string => {
  const sk = Buffer.concat([k.seed, k.raw]);
  const plain = Buffer.concat([k.keyId, sk, checksum(k.keyId, sk)]);
  const salt = passphrase === undefined ? Buffer.alloc(32) : randomBytes(32);
  const params = Buffer.alloc(16);
  if (passphrase !== undefined) {
    params.writeBigUInt64LE(limits.opslimit, 0);
    params.writeBigUInt64LE(limits.memlimit, 8);
  }
  const keynum = passphrase === undefined ? plain : xor(plain, keystream(passphrase, salt, limits, 'the new key'));
  const kdf = passphrase === undefined ? Buffer.alloc(2) : Buffer.from(KDF_SCRYPT, 'latin1');
  const body = Buffer.concat([Buffer.from(SIG_ALG, 'latin1'), kdf, Buffer.from(CHK_ALG, 'latin1'), salt, params, keynum]);
  const comment = passphrase === undefined ? 'minisign secret key (unencrypted)' : 'minisign encrypted secret key';
  return `untrusted comment: ${comment}\n${body.toString('base64')}\n`;
};
