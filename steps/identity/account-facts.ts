// Facts about the host's accounts: the whole passwd and group databases (through NSS, so LDAP/sssd users count as
// taken), subordinate ID ranges, the ID ranges of login.defs, linger, and the running user managers with their groups.
import type { Fact, ProbeOutput } from '../../src/facts/fact.js';

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** One line of /etc/subuid or /etc/subgid: the owner is a user name or a numeric UID. */
export interface SubidRange {
  readonly owner: string;
  readonly start: number;
  readonly count: number;
}

export interface LoginDefs {
  readonly uidMin: number;
  readonly uidMax: number;
  readonly gidMin: number;
  readonly gidMax: number;
  readonly sysUidMin: number;
  readonly sysUidMax: number;
  readonly sysGidMin: number;
  readonly sysGidMax: number;
  readonly subUidMin: number;
  readonly subUidMax: number;
  readonly subGidMin: number;
  readonly subGidMax: number;
}

/** A running `systemd --user`: whose, and the supplementary groups it (and so every unit it starts) holds. */
export interface UserManager {
  readonly uid: number;
  readonly groups: readonly number[];
}

const int = (s: string | undefined): number | null => (s !== undefined && /^[0-9]+$/.test(s) ? Number(s) : null);
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

export const parsePasswd = (text: string): PasswdEntry[] =>
  lines(text).flatMap((l) => {
    const [name = '', , uid, gid, , home = '', shell = ''] = l.split(':');
    const u = int(uid);
    const g = int(gid);
    return name === '' || u === null || g === null ? [] : [{ name, uid: u, gid: g, home, shell }];
  });

export const parseGroups = (text: string): GroupEntry[] =>
  lines(text).flatMap((l) => {
    const [name = '', , gid, members = ''] = l.split(':');
    const g = int(gid);
    return name === '' || g === null ? [] : [{ name, gid: g, members: members.split(',').map((m) => m.trim()).filter((m) => m !== '') }];
  });

export const parseSubids = (text: string): SubidRange[] =>
  lines(text).flatMap((l) => {
    if (l.trimStart().startsWith('#')) return [];
    const [owner = '', start, count] = l.trim().split(':');
    const s = int(start);
    const c = int(count);
    return owner === '' || s === null || c === null || c === 0 ? [] : [{ owner, start: s, count: c }];
  });

/** shadow-utils' own defaults where login.defs is silent (Debian comments most of these out). */
export const parseLoginDefs = (text: string): LoginDefs => {
  const v = new Map<string, number>();
  for (const l of lines(text)) {
    const m = /^\s*([A-Z_]+)\s+([0-9]+)\s*$/.exec(l);
    if (m?.[1] !== undefined && m[2] !== undefined) v.set(m[1], Number(m[2]));
  }
  const get = (key: string, fallback: number) => v.get(key) ?? fallback;
  const uidMin = get('UID_MIN', 1000);
  const gidMin = get('GID_MIN', 1000);
  return {
    uidMin,
    uidMax: get('UID_MAX', 60000),
    gidMin,
    gidMax: get('GID_MAX', 60000),
    sysUidMin: get('SYS_UID_MIN', 101),
    sysUidMax: get('SYS_UID_MAX', uidMin - 1),
    sysGidMin: get('SYS_GID_MIN', 101),
    sysGidMax: get('SYS_GID_MAX', gidMin - 1),
    subUidMin: get('SUB_UID_MIN', 100000),
    subUidMax: get('SUB_UID_MAX', 600100000),
    subGidMin: get('SUB_GID_MIN', 100000),
    subGidMax: get('SUB_GID_MAX', 600100000),
  };
};

export const parseUserManagers = (text: string): UserManager[] =>
  lines(text).flatMap((l) => {
    const [uid, groups = ''] = l.split('\t');
    const u = int(uid?.trim());
    if (u === null) return [];
    return [{ uid: u, groups: groups.trim().split(/\s+/).flatMap((g) => (int(g) === null ? [] : [Number(g)])) }];
  });

/** A missing file is an empty one; anything else unreadable is worth stopping for. */
const fileText = (id: string) => (o: ProbeOutput): string => {
  if (o.exitCode === 0) return o.stdout;
  if (/No such file/i.test(o.stderr)) return '';
  throw new Error(`${id}: ${o.stderr.trim() || `exit ${o.exitCode}`}`);
};

const getent = (db: string) => (o: ProbeOutput): string => {
  // getent exits 0 with the database; 2 would mean "key not found", impossible without a key.
  if (o.exitCode !== 0) throw new Error(`getent ${db} failed: ${o.stderr.trim() || `exit ${o.exitCode}`}`);
  return o.stdout;
};

export const passwdFact: Fact<PasswdEntry[]> = {
  id: 'getent-passwd',
  probe: { argv: ['getent', 'passwd'] },
  parse: (o) => parsePasswd(getent('passwd')(o)),
};

export const groupFact: Fact<GroupEntry[]> = {
  id: 'getent-group',
  probe: { argv: ['getent', 'group'] },
  parse: (o) => parseGroups(getent('group')(o)),
};

export const subuidFact: Fact<SubidRange[]> = {
  id: 'etc-subuid',
  probe: { argv: ['cat', '/etc/subuid'] },
  parse: (o) => parseSubids(fileText('/etc/subuid')(o)),
};

export const subgidFact: Fact<SubidRange[]> = {
  id: 'etc-subgid',
  probe: { argv: ['cat', '/etc/subgid'] },
  parse: (o) => parseSubids(fileText('/etc/subgid')(o)),
};

export const loginDefsFact: Fact<LoginDefs> = {
  id: 'etc-login-defs',
  probe: { argv: ['cat', '/etc/login.defs'] },
  parse: (o) => parseLoginDefs(fileText('/etc/login.defs')(o)),
};

// One name per line; the directory is absent until someone first enables linger.
export const lingerFact: Fact<string[]> = {
  id: 'linger-users',
  probe: { sh: 'cd /var/lib/systemd/linger 2>/dev/null || exit 0; for f in *; do [ -e "$f" ] && printf "%s\\n" "$f"; done; exit 0' },
  parse: (o) => lines(o.stdout).map((l) => l.trim()),
};

// Every `systemd --user` process: "UID<TAB>supplementary GIDs". The groups are what the stack's units will get,
// which can lag behind /etc/group: a manager started before `usermod -aG` keeps the old list until restarted.
// Only shell builtins but one grep per systemd process (its command line holds NULs): a fork per process took 10 s on
// an emulated host, and five per manager still took 1.9 s. "$1" is the proc root, for the tests; /proc by default.
const USER_MANAGERS = `p=\${1:-/proc}
for d in "$p"/[0-9]*; do
  read -r c 2>/dev/null <"$d/comm" || continue
  [ "$c" = systemd ] || continue
  grep -q -e --user "$d/cmdline" 2>/dev/null || continue
  u=; g=
  while IFS= read -r l; do
    case $l in
      Uid:*) set -- \${l#Uid:}; u=\${1:-} ;;
      Groups:*) g=\${l#Groups:}; g=\${g#"\${g%%[! 	]*}"} ;;
    esac
  done 2>/dev/null <"$d/status"
  [ -n "$u" ] && printf '%s\\t%s\\n' "$u" "$g"
done
exit 0`;

export const userManagersFact: Fact<UserManager[]> = {
  id: 'user-managers',
  probe: { sh: USER_MANAGERS },
  parse: (o) => parseUserManagers(o.stdout),
  // A user manager may come and go with logins; the plan still knows what it found.
  volatile: true,
};
