// Who the stack's identities are, read from the manifest alone. Shared by the identity step (which creates them) and
// the sockets step (which proves they reach the socket directories).
import type { Manifest } from '../../src/manifest/schema.js';

export type UserRole = 'owner' | 'service';

export interface StackUser {
  readonly name: string;
  /** owner: the rootless stack's one unprivileged user (a regular account, so it gets its own journal);
   *  service: a dedicated system account a rootful container runs as (or any other user the manifest lists). */
  readonly role: UserRole;
  /** Client groups it joins, in manifest order. */
  readonly groups: readonly string[];
  /** Where a new account's home goes: the manifest's, else on the data mount (LUKS-encrypted). */
  readonly home: string;
}

export const NOLOGIN = '/usr/sbin/nologin';
export const NO_LOGIN_SHELLS: ReadonlySet<string> = new Set([NOLOGIN, '/sbin/nologin', '/bin/false', '/usr/bin/false']);

const unique = (xs: readonly string[]) => [...new Set(xs)];

const homeOn = (m: Manifest, name: string, given: string | undefined) =>
  given ?? (m.dataMount === '/' ? `/${name}` : `${m.dataMount}/${name}`);

/**
 * The owner (when there is one) first, then manifest.users in order. In rootless mode every container runs under the
 * owner, so the owner joins every socket directory's group: `--group-add keep-groups` hands the owner's groups to the
 * container, and a group the owner lacks can never reach it. Rootful users join exactly the groups the manifest gives
 * them (rick-infra's client groups are an explicit grant).
 */
export const stackUsers = (m: Manifest): StackUser[] => {
  const declared = new Map(m.users.map((u) => [u.name, u]));
  const out: StackUser[] = [];
  if (m.owner !== undefined) {
    const own = declared.get(m.owner);
    const socketGroups = m.mode === 'rootless' ? m.sockets.map((s) => s.group) : [];
    out.push({
      name: m.owner,
      role: m.mode === 'rootless' ? 'owner' : 'service',
      groups: unique([...(own?.groups ?? []), ...socketGroups]),
      home: homeOn(m, m.owner, own?.home),
    });
  }
  for (const u of m.users) {
    if (u.name === m.owner) continue;
    out.push({ name: u.name, role: 'service', groups: unique(u.groups), home: homeOn(m, u.name, u.home) });
  }
  return out;
};

/** Rootful containers name the service user they run as; a numeric "UID:GID" is taken as is. */
export const namedContainerUser = (user: string): string | null => (/^[0-9]/.test(user) ? null : user);
