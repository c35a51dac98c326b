// The trust decision for a presented host key, as a pure function of what is known: revoked, pinned, trusted,
// changed (a hard stop) or never seen (needs the operator's yes).

import { fingerprintOf, keyTypeOf } from './fingerprint.js';
import { HostError } from './host-error.js';
import { type KnownHostEntry, entryMatchesHost, hostKeyName } from './known-hosts.js';

export interface ExpectedKey {
  readonly keyType: string;
  readonly fingerprint: string;
  /** "FILE:LINE", or "--host-key" for a pinned fingerprint. */
  readonly source: string;
}

export type HostKeyVerdict =
  | { readonly kind: 'trusted'; readonly source: string }
  | { readonly kind: 'pinned' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'mismatch'; readonly expected: readonly ExpectedKey[] }
  | { readonly kind: 'revoked'; readonly source: string };

export function judgeHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
  pinnedFingerprint?: string,
): HostKeyVerdict {
  // A revoked key is refused whatever host names its line carries.
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob));
  if (revoked) return { kind: 'revoked', source: `${revoked.file}:${revoked.line}` };

  if (pinnedFingerprint !== undefined) {
    return fingerprintOf(keyBlob) === pinnedFingerprint
      ? { kind: 'pinned' }
      : { kind: 'mismatch', expected: [{ keyType: 'pinned', fingerprint: pinnedFingerprint, source: '--host-key' }] };
  }

  const known = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port));
  const same = known.find((e) => e.keyBlob.equals(keyBlob));
  if (same) return { kind: 'trusted', source: `${same.file}:${same.line}` };
  if (known.length === 0) return { kind: 'unknown' };
  return {
    kind: 'mismatch',
    expected: known.map((e) => ({ keyType: e.keyType, fingerprint: fingerprintOf(e.keyBlob), source: `${e.file}:${e.line}` })),
  };
}

/** Key types this host is already known by, so the handshake can ask for one of those first (as ssh does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port)).map((e) => e.keyType))];
}

export function hostKeyError(verdict: HostKeyVerdict, host: string, port: number, keyBlob: Buffer): HostError | undefined {
  const presented = `${fingerprintOf(keyBlob)} (${keyTypeOf(keyBlob) ?? 'unknown type'})`;
  const where = `${host}:${port}`;
  switch (verdict.kind) {
    case 'trusted':
    case 'pinned':
      return undefined;
    case 'unknown':
      return new HostError('host-key-unknown',
        `${where} is not a known host; it presented the key ${presented}`,
        `Check that fingerprint with the host's administrator, then confirm it, or run again with --accept-new-host-key or --host-key ${fingerprintOf(keyBlob)}.`);
    case 'revoked':
      return new HostError('host-key-revoked',
        `${where} presented the key ${presented}, which is marked @revoked in ${verdict.source}; keelson will not connect`,
        'Have the host\'s administrator install a new host key and tell you its fingerprint out of band.');
    case 'mismatch': {
      const expected = verdict.expected.map((e) => `  expected:  ${e.fingerprint} (${e.keyType}, ${e.source})`).join('\n');
      const file = verdict.expected.find((e) => e.source !== '--host-key')?.source.replace(/:\d+$/, '');
      const removal = file === undefined
        ? 'pass the new fingerprint with --host-key'
        : `remove the old entry (ssh-keygen -R '${hostKeyName(host, port)}' -f ${file}) and connect again`;
      return new HostError('host-key-mismatch',
        `The host key of ${where} has CHANGED; someone may be intercepting the connection, or the host was reinstalled.\n${expected}\n  presented: ${presented}`,
        `Do not continue until the host's administrator confirms the presented fingerprint; if the host was reinstalled, ${removal}.`);
    }
  }
}
