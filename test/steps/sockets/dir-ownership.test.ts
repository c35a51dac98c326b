// Issue 12 item 1: a socket directory (or a parent of it under /run) that exists and is not the stack's is a blocker.
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../../src/manifest/schema.js';
import { checkSockets } from '../../../steps/sockets.js';
import { dirChain, dirOwnershipFindings } from '../../../steps/sockets/dir-ownership.js';
import { parseDirStates } from '../../../steps/sockets/socket-facts.js';
import { renderTmpfiles } from '../../../steps/sockets/tmpfiles.js';

const m = (dir: string) => manifestSchema.parse({
  stack: 'demo', version: '1.0.0', mode: 'rootless', owner: 'demo', groups: [{ name: 'demo-clients' }],
  sockets: [{ dir, owner: 'demo', group: 'demo-clients', mode: '0770' }],
  containers: [{ name: 'web', image: 'localhost/web:1', user: '1000:1000', sockets: [dir] }],
});

describe('socket directories that are not the stack\'s', () => {
  it('an existing /run/postgresql (PostgreSQL\'s, not in keelson\'s tmpfiles file) is refused', () => {
    const dirs = parseDirStates('/run/postgresql\tdir\t107\t115\t2775\n');
    const f = dirOwnershipFindings(m('/run/postgresql'), null, dirs);
    expect(f.map((x) => x.code)).toEqual(['socket-dir-not-ours']);
    expect(f[0]?.message).toMatch(/\/run\/postgresql already exists \(owner UID 107, group GID 115, mode 2775\) and is not the stack's/);
  });

  it('a directory under another service\'s is refused at the parent', () => {
    const dirs = parseDirStates('/run/postgresql\tdir\t107\t115\t2775\n/run/postgresql/app\tabsent\n');
    expect(dirOwnershipFindings(m('/run/postgresql/app'), null, dirs)[0]?.message).toMatch(/^\/run\/postgresql already exists/);
  });

  it('a directory keelson declared for this stack (a re-run) is the stack\'s', () => {
    const manifest = m('/run/demo');
    const dirs = parseDirStates('/run/demo\tdir\t1001\t991\t770\n');
    expect(dirOwnershipFindings(manifest, renderTmpfiles(manifest), dirs)).toEqual([]);
  });

  it('an absent directory is fine', () => {
    expect(dirOwnershipFindings(m('/run/demo'), null, parseDirStates('/run/demo\tabsent\n'))).toEqual([]);
  });

  it('the step stats every parent below /run, and its check reports it', () => {
    expect(dirChain('/run/a/b/c')).toEqual(['/run/a', '/run/a/b', '/run/a/b/c']);
    const manifest = m('/run/postgresql');
    const facts = { conf: null, tmpfilesConfig: [], dirs: parseDirStates('/run/postgresql\tdir\t107\t115\t2775\n'), selinux: 'disabled', apparmor: false, records: {}, busybox: '/usr/bin/busybox', os: null, busyboxPackage: [] } as const;
    const codes = checkSockets(facts, { manifest, answers: {}, resolved: { users: {}, groups: {} } }).map((f) => f.code);
    expect(codes).toContain('socket-dir-not-ours');
  });
});
