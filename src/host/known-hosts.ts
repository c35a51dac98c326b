// OpenSSH known_hosts files: plain and hashed host entries, comma lists with wildcards and negation, the
// "[host]:port" form for ports other than 22, and the @revoked / @cert-authority markers (sshd(8) "SSH_KNOWN_HOSTS
// FILE FORMAT"). Parsing and matching only; the trust decision lives in host-key-policy.ts.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyTypeOf } from './fingerprint.js';

export type HostMatcher =
  | { readonly kind: 'patterns'; readonly patterns: readonly string[] }
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer };

export interface KnownHostEntry {
  readonly file: string;
  /** 1-based, as editors and `ssh-keygen -R` messages count. */
  readonly line: number;
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  readonly hosts: HostMatcher;
  readonly keyType: string;
  readonly keyBlob: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The name a host is filed under: "host" on port 22, "[host]:port" elsewhere; lower case, as OpenSSH compares. */
export function hostKeyName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

function parseHosts(field: string): HostMatcher | undefined {
  if (field.startsWith('|1|')) {
    const [salt, hash] = field.slice(3).split('|');
    if (salt === undefined || hash === undefined || !BASE64.test(salt) || !BASE64.test(hash)) return undefined;
    return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  }
  const patterns = field.split(',').filter((p) => p !== '');
  return patterns.length === 0 ? undefined : { kind: 'patterns', patterns };
}

/** Every usable entry of one file's text. Lines it cannot read are skipped, as ssh does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/[ \t]+/);
    const first = fields[0] ?? '';
    if (first === '' || first.startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (first.startsWith('@')) {
      if (first === '@revoked') marker = 'revoked';
      else if (first === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hostField, keyType, keyText] = marker === undefined ? fields : fields.slice(1);
    if (hostField === undefined || keyType === undefined || keyText === undefined || !BASE64.test(keyText)) return;
    const hosts = parseHosts(hostField);
    const keyBlob = Buffer.from(keyText, 'base64');
    // The type field must agree with the blob, or the line is corrupt (or crafted).
    if (hosts === undefined || keyTypeOf(keyBlob) !== keyType) return;
    entries.push({ file, line: index + 1, marker, hosts, keyType, keyBlob });
  });
  return entries;
}

/** OpenSSH's match_pattern: "*" any run, "?" one character, everything else literal (case already folded). */
function globMatches(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${source}$`, 's').test(text);
}

export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostKeyName(host, port);
  if (entry.hosts.kind === 'hashed') {
    const digest = createHmac('sha1', entry.hosts.salt).update(name).digest();
    return digest.length === entry.hosts.hash.length && timingSafeEqual(digest, entry.hosts.hash);
  }
  let matched = false;
  for (const raw of entry.hosts.patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (globMatches(pattern, name)) {
      // A matching negation vetoes the whole line, whatever else matched.
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** One line in known_hosts format (plain, not hashed: keelson's store is meant to be read by people). */
export function formatKnownHostsLine(host: string, port: number, keyBlob: Uint8Array, comment?: string): string {
  const keyType = keyTypeOf(keyBlob) ?? 'unknown';
  const base = `${hostKeyName(host, port)} ${keyType} ${Buffer.from(keyBlob).toString('base64')}`;
  return comment === undefined ? base : `${base} ${comment}`;
}
