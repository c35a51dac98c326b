// A fresh Debian 13 host as the test VM reports it (getent passwd/group, /etc/subuid, login.defs), and the two test
// stacks. Shared by the identity and sockets table tests.
import { emptyResolved } from '../../../src/engine/make-plan.js';
import type { Resolved, StepContext } from '../../../src/engine/step.js';
import { manifestSchema, type Manifest } from '../../../src/manifest/schema.js';
import {
  parseGroups,
  parseLoginDefs,
  parsePasswd,
  parseSubids,
  type GroupEntry,
  type PasswdEntry,
} from '../../../steps/identity/account-facts.js';
import type { IdentityFacts } from '../../../steps/identity.js';
import type { CreatedAccount } from '../../../steps/identity/created-accounts.js';

export const TRIXIE_PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
messagebus:x:997:997:System Message Bus:/nonexistent:/usr/sbin/nologin
sshd:x:991:65534:sshd user:/run/sshd:/usr/sbin/nologin
admin:x:1000:1000:keelson test admin:/home/admin:/bin/bash
`;

export const TRIXIE_GROUP = `root:x:0:
daemon:x:1:
sudo:x:27:admin
users:x:100:
nogroup:x:65534:
systemd-journal:x:999:
systemd-network:x:998:
messagebus:x:997:
input:x:996:
sgx:x:995:
clock:x:994:
kvm:x:993:
render:x:992:
_ssh:x:101:
admin:x:1000:
`;

export const TRIXIE_SUBUID = 'admin:100000:65536\n';

export const TRIXIE_LOGIN_DEFS = `MAIL_DIR        /var/mail
LOG_UNKFAIL_ENAB	no
LOG_OK_LOGINS		no
HUSHLOGIN_FILE	.hushlogin
ENV_SUPATH	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV_PATH	PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games
TTYPERM		0600
ERASECHAR	0177
KILLCHAR	025
HOME_MODE	0700
PASS_MAX_DAYS	99999
PASS_MIN_DAYS	0
PASS_WARN_AGE	7
UID_MIN			 1000
UID_MAX			60000
SUB_UID_MIN		   100000
SUB_UID_MAX		600100000
SUB_UID_COUNT		    65536
GID_MIN			 1000
GID_MAX			60000
SUB_GID_MIN		   100000
SUB_GID_MAX		600100000
SUB_GID_COUNT		    65536
LOGIN_RETRIES		5
LOGIN_TIMEOUT		60
CHFN_RESTRICT		rwh
ENCRYPT_METHOD YESCRYPT
DEFAULT_HOME	yes
NONEXISTENT	/nonexistent
USERGROUPS_ENAB yes
`;

export const freshHost: IdentityFacts = {
  created: [],
  state: { kind: 'absent' },
  passwd: parsePasswd(TRIXIE_PASSWD),
  groups: parseGroups(TRIXIE_GROUP),
  subuid: parseSubids(TRIXIE_SUBUID),
  subgid: parseSubids(TRIXIE_SUBUID),
  loginDefs: parseLoginDefs(TRIXIE_LOGIN_DEFS),
  linger: [],
  managers: [{ uid: 0, groups: [] }],
};

export const rootless: Manifest = manifestSchema.parse({
  stack: 'demo',
  version: '1.0.0',
  mode: 'rootless',
  owner: 'demo',
  groups: [{ name: 'demo-clients' }],
  sockets: [{ dir: '/run/demo', owner: 'demo', group: 'demo-clients', mode: '0770' }],
  containers: [{ name: 'web', image: 'localhost/keelson-demo:1', user: '1000:1000', sockets: ['/run/demo'] }],
});

export const rootful: Manifest = manifestSchema.parse({
  stack: 'shop',
  version: '1.0.0',
  mode: 'rootful',
  groups: [{ name: 'shop-clients' }],
  users: [{ name: 'shop-app', groups: ['shop-clients'] }, { name: 'shop-db' }],
  sockets: [{ dir: '/run/shop-db', owner: 'shop-db', group: 'shop-clients', mode: '0770' }],
  containers: [{ name: 'app', image: 'localhost/shop:1', user: 'shop-app', sockets: ['/run/shop-db'] }],
});

export const ctxFor = (manifest: Manifest, resolved: Resolved = emptyResolved): StepContext => ({ manifest, answers: {}, resolved });

/** keelson's records of the accounts it created, for the test stacks (demo, shop). */
const createdBy = (extra: { passwd?: PasswdEntry[]; groups?: GroupEntry[] }): CreatedAccount[] =>
  ['demo', 'shop'].flatMap((stack) => [
    ...(extra.passwd ?? []).map((p) => ({ kind: 'user' as const, name: p.name, stack })),
    ...(extra.groups ?? []).map((g) => ({ kind: 'group' as const, name: g.name, stack })),
  ]);

/**
 * The host after a successful apply: what the accounts look like once the plan ran, recorded as keelson's
 * (`createdByKeelson: false` for accounts that were there before keelson).
 */
export const withAccounts = (
  facts: IdentityFacts,
  extra: { passwd?: PasswdEntry[]; groups?: GroupEntry[]; subids?: string; linger?: string[]; managers?: IdentityFacts['managers']; createdByKeelson?: boolean },
): IdentityFacts => ({
  ...facts,
  created: [...facts.created, ...(extra.createdByKeelson === false ? [] : createdBy(extra))],
  passwd: [...facts.passwd, ...(extra.passwd ?? [])],
  groups: [...facts.groups, ...(extra.groups ?? [])],
  subuid: [...facts.subuid, ...parseSubids(extra.subids ?? '')],
  subgid: [...facts.subgid, ...parseSubids(extra.subids ?? '')],
  linger: [...facts.linger, ...(extra.linger ?? [])],
  managers: [...facts.managers, ...(extra.managers ?? [])],
});
