// OpenSSH's way of naming a key to a person: "SHA256:" + unpadded base64 of the SHA-256 of the public key blob
// (what `ssh-keygen -lf` and the first-contact prompt show).

import { createHash } from 'node:crypto';

export function fingerprintOf(keyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside an SSH public key blob (its first length-prefixed string), e.g. "ssh-ed25519". */
export function keyTypeOf(keyBlob: Uint8Array): string | undefined {
  const buffer = Buffer.from(keyBlob.buffer, keyBlob.byteOffset, keyBlob.byteLength);
  if (buffer.length < 4) return undefined;
  const length = buffer.readUInt32BE(0);
  if (length === 0 || length > 64 || buffer.length < 4 + length) return undefined;
  return buffer.subarray(4, 4 + length).toString('latin1');
}

/**
 * A fingerprint as an operator may type it (with or without base64 padding) in canonical form, or undefined when it
 * is not a SHA256 fingerprint at all.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(text.trim());
  return match ? `SHA256:${match[1] ?? ''}` : undefined;
}
