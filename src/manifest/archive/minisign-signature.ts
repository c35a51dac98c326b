// minisign's signature files: what `minisign -V` checks and what `minisign -S` writes.
//   untrusted comment: …            (not signed: free text)
//   base64(alg[2] keyId[8] sig[64])  "ED": Ed25519 over BLAKE2b-512(message); "Ed": over the message (legacy)
//   trusted comment: …              (signed, with sig, by the global signature)
//   base64(globalSig[64])            Ed25519 over sig ‖ trusted comment
import { createHash, sign, verify } from 'node:crypto';
import { keyIdHex, type PublicKey, type SecretKey } from './minisign-key.js';

export const TRUSTED_COMMENT_MAX = 8191;

export class SignatureError extends Error {
  constructor(
    /** Which check failed, for the operator and for tests: 'signature-format', 'other-key', 'signature', 'trusted-comment'. */
    readonly check: 'signature-format' | 'other-key' | 'signature' | 'trusted-comment',
    message: string,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

const B64 = /^[A-Za-z0-9+/]+=*$/;
const blake2b512 = (m: Uint8Array): Buffer => createHash('blake2b512').update(m).digest();

export const signMessage = (key: SecretKey, message: Uint8Array, trustedComment: string, untrustedComment = 'signature from keelson secret key'): string => {
  if (/[\r\n]/.test(trustedComment) || Buffer.byteLength(trustedComment) > TRUSTED_COMMENT_MAX) throw new Error('a trusted comment is one line of at most 8191 bytes');
  const sig = sign(null, blake2b512(message), key.privateKey);
  const global = sign(null, Buffer.concat([sig, Buffer.from(trustedComment, 'utf8')]), key.privateKey);
  const head = Buffer.concat([Buffer.from('ED', 'latin1'), key.keyId, sig]);
  return `untrusted comment: ${untrustedComment}\n${head.toString('base64')}\ntrusted comment: ${trustedComment}\n${global.toString('base64')}\n`;
};

export interface VerifiedSignature {
  readonly keyId: string;
  readonly trustedComment: string;
  readonly prehashed: boolean;
}

interface ParsedSignature {
  readonly alg: string;
  readonly keyId: Buffer;
  readonly sig: Buffer;
  readonly trustedComment: string;
  readonly global: Buffer;
}

export const parseSignature = (text: string, what: string): ParsedSignature => {
  const bad = (why: string) => new SignatureError('signature-format', `${what}: not a minisign signature (${why})`);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const [untrusted, head, trusted, global] = lines;
  if (untrusted?.startsWith('untrusted comment:') !== true) throw bad('no untrusted comment line');
  if (head === undefined || !B64.test(head)) throw bad('no signature line');
  const h = Buffer.from(head, 'base64');
  if (h.length !== 74) throw bad('the signature line is not 74 bytes');
  const alg = h.subarray(0, 2).toString('latin1');
  if (alg !== 'ED' && alg !== 'Ed') throw bad(`unknown algorithm "${alg}"`);
  if (trusted?.startsWith('trusted comment: ') !== true) throw bad('no trusted comment line');
  if (global === undefined || !B64.test(global) || Buffer.from(global, 'base64').length !== 64) throw bad('no global signature line');
  return { alg, keyId: Buffer.from(h.subarray(2, 10)), sig: Buffer.from(h.subarray(10)), trustedComment: trusted.slice('trusted comment: '.length), global: Buffer.from(global, 'base64') };
};

/** Throws a SignatureError naming the failed check; the trusted comment is returned only once it is proven. */
export const verifyMessage = (key: PublicKey, message: Uint8Array, signatureText: string, what: string): VerifiedSignature => {
  const s = parseSignature(signatureText, what);
  if (!s.keyId.equals(key.keyId)) {
    throw new SignatureError('other-key', `${what}: signed by key ${keyIdHex(s.keyId)}, not by the trusted key ${keyIdHex(key.keyId)}`);
  }
  const prehashed = s.alg === 'ED';
  if (!verify(null, prehashed ? blake2b512(message) : message, key.key, s.sig)) {
    throw new SignatureError('signature', `${what}: the signature does not match the signed file (it was changed after signing)`);
  }
  if (!verify(null, Buffer.concat([s.sig, Buffer.from(s.trustedComment, 'utf8')]), key.key, s.global)) {
    throw new SignatureError('trusted-comment', `${what}: the trusted comment was changed after signing`);
  }
  return { keyId: keyIdHex(s.keyId), trustedComment: s.trustedComment, prehashed };
};
