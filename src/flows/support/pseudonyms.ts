// Host names, addresses and user names → pseudonyms, consistent across every file of one bundle (the same name is the
// same pseudonym everywhere: host-1, user-1, ip4-1, ip6-1, mac-1). The map from pseudonym to the real name is for the
// operator's workstation only (sos clean's private map). Loopback and unspecified addresses are kept: they identify
// no host and say how a port is published. Pure (node:net's isIPv6 is a parser).
import { isIPv6 } from 'node:net';

export type PseudonymKind = 'host' | 'user' | 'ip4' | 'ip6' | 'mac';

export interface PseudonymEntry {
  readonly pseudonym: string;
  readonly real: string;
  readonly kind: PseudonymKind;
}

export interface Pseudonyms {
  readonly apply: (text: string) => string;
  /** Every pseudonym handed out so far, in the order they were. */
  readonly entries: () => readonly PseudonymEntry[];
}

const IP4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)/g;
const IP6 = /(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%[A-Za-z0-9_.-]+)?(?![0-9A-Za-z:])/g;
const MAC = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:])/g;
const KEPT = (a: string) => /^127\./.test(a) || a === '0.0.0.0' || a === '255.255.255.255' || a === '::1' || a === '::';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A name is replaced where it stands alone: "web" in "web.service" is not the host "web" when the host is "web01".
const wordRe = (names: readonly string[]) => new RegExp(`(?<![A-Za-z0-9_-])(?:${names.map(escape).join('|')})(?![A-Za-z0-9_-])`, 'gi');

/** hosts: the host's names (short and full); users: the account names to hide. Names shorter than 2 are ignored. */
export const makePseudonyms = (hosts: readonly string[], users: readonly string[]): Pseudonyms => {
  const byReal = new Map<string, PseudonymEntry>();
  const count = new Map<PseudonymKind, number>();
  const of = (kind: PseudonymKind, real: string): string => {
    const key = `${kind}\0${kind === 'host' || kind === 'mac' || kind === 'ip6' ? real.toLowerCase() : real}`;
    const seen = byReal.get(key);
    if (seen !== undefined) return seen.pseudonym;
    const n = (count.get(kind) ?? 0) + 1;
    count.set(kind, n);
    const entry = { pseudonym: `${kind}-${n}`, real, kind };
    byReal.set(key, entry);
    return entry.pseudonym;
  };
  const clean = (list: readonly string[]) => [...new Set(list.map((s) => s.trim()).filter((s) => s.length >= 2 && s !== 'localhost'))].sort((a, b) => b.length - a.length);
  const hostList = clean(hosts);
  const userList = clean(users).filter((u) => !hostList.some((h) => h.toLowerCase() === u.toLowerCase()));
  hostList.forEach((h) => of('host', h));
  userList.forEach((u) => of('user', u));
  const hostRe = hostList.length === 0 ? null : wordRe(hostList);
  const userRe = userList.length === 0 ? null : new RegExp(wordRe(userList).source, 'g');
  const apply = (input: string): string => {
    let text = input;
    if (hostRe !== null) text = text.replace(hostRe, (m) => of('host', m));
    if (userRe !== null) text = text.replace(userRe, (m) => of('user', m));
    text = text.replace(MAC, (m) => of('mac', m));
    text = text.replace(IP4, (m) => (KEPT(m) ? m : of('ip4', m)));
    return text.replace(IP6, (m) => (isIPv6(m.replace(/%.*$/, '')) && !KEPT(m) ? of('ip6', m) : m));
  };
  return { apply, entries: () => [...byReal.values()] };
};

/** Accounts in the human UID range (1000–59999) from `getent passwd`, less the ones the stack's manifest names. */
export const humanAccounts = (passwd: string, stackAccounts: readonly string[]): string[] =>
  passwd.split('\n').flatMap((line) => {
    const [name = '', , uid = ''] = line.split(':');
    const n = Number(uid);
    return name !== '' && /^\d+$/.test(uid) && n >= 1000 && n < 60000 && !stackAccounts.includes(name) ? [name] : [];
  });
