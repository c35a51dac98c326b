// /etc/os-release: which family of host this is, so package names and managers can be chosen.
import { z } from 'zod';
import type { Fact } from './fact.js';

export type OsFamily = 'debian' | 'rhel' | 'unknown';

export interface OsRelease {
  readonly id: string;
  readonly idLike: readonly string[];
  readonly versionId: string;
  readonly prettyName: string;
  readonly family: OsFamily;
}

const fields = z.object({
  ID: z.string().default('linux'),
  ID_LIKE: z.string().default(''),
  VERSION_ID: z.string().default(''),
  PRETTY_NAME: z.string().default('Linux'),
});

export const parseOsRelease = (text: string): OsRelease => {
  const kv: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1] === undefined || m[2] === undefined) continue;
    kv[m[1]] = m[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  const f = fields.parse(kv);
  const names = [f.ID, ...f.ID_LIKE.split(/\s+/).filter(Boolean)];
  const family: OsFamily = names.some((n) => n === 'debian' || n === 'ubuntu')
    ? 'debian'
    : names.some((n) => ['rhel', 'fedora', 'centos', 'rocky', 'almalinux'].includes(n))
      ? 'rhel'
      : 'unknown';
  return { id: f.ID, idLike: f.ID_LIKE.split(/\s+/).filter(Boolean), versionId: f.VERSION_ID, prettyName: f.PRETTY_NAME, family };
};

export const osReleaseFact: Fact<OsRelease | null> = {
  id: 'os-release',
  probe: { argv: ['cat', '/etc/os-release'] },
  parse: (o) => (o.exitCode === 0 ? parseOsRelease(o.stdout) : null),
};
