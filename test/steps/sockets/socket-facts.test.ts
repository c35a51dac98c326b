// The socket facts' parsers, and their shell probes run for real against a temporary directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../../src/facts/fact.js';
import { selinuxFact } from '../../../src/facts/selinux.js';
import {
  apparmorFact,
  parseCatConfig,
  parseDirStates,
  parseProbeRecords,
  probeRecordsFact,
  socketDirsFact,
  staticBusyboxFact,
  tmpfilesConfFact,
} from '../../../steps/sockets/socket-facts.js';

const tmp = mkdtempSync(join(tmpdir(), 'keelson-socket-facts-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs a fact's probe the way the gather script does (sh -c SCRIPT keelson-fact ARGS…) and parses the answer. */
const gather = <T>(fact: Fact<T>): T => {
  const p = fact.probe;
  const argv = 'argv' in p ? [...p.argv] : ['sh', '-c', p.sh, 'keelson-fact', ...(p.args ?? [])];
  try {
    const stdout = execFileSync(argv[0] ?? 'false', argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return fact.parse({ exitCode: 0, stdout, stderr: '' });
  } catch (e) {
    const failed = e as { status?: number; stdout?: string };
    return fact.parse({ exitCode: failed.status ?? 1, stdout: failed.stdout ?? '', stderr: '' });
  }
};

describe('socket directory states', () => {
  it('a directory with its numeric owner and mode; absent; something else', () => {
    const dir = join(tmp, 'sock');
    mkdirSync(dir);
    chmodSync(dir, 0o2750);
    writeFileSync(join(tmp, 'file'), '');
    symlinkSync(dir, join(tmp, 'link'));
    const states = gather(socketDirsFact([dir, join(tmp, 'nothing'), join(tmp, 'file'), join(tmp, 'link')]));
    const uid = process.getuid?.() ?? 0;
    expect(states).toEqual(
      expect.arrayContaining([
        { path: dir, kind: 'dir', uid, gid: expect.any(Number) as number, mode: 0o2750 },
        { path: join(tmp, 'nothing'), kind: 'absent', uid: null, gid: null, mode: null },
        { path: join(tmp, 'file'), kind: 'other', uid: null, gid: null, mode: null },
        { path: join(tmp, 'link'), kind: 'other', uid: null, gid: null, mode: null },
      ]),
    );
  });

  it('parses the probe line format', () => {
    expect(parseDirStates('/run/a\tdir\t1001\t991\t770\n/run/b\tabsent\n')).toEqual([
      { path: '/run/a', kind: 'dir', uid: 1001, gid: 991, mode: 0o770 },
      { path: '/run/b', kind: 'absent', uid: null, gid: null, mode: null },
    ]);
  });
});

describe('probe records', () => {
  it('reads every record of the stack; a broken one counts as absent', () => {
    const fact = probeRecordsFact('demo');
    const dir = join(tmp, 'probes', 'demo');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '1000-1000-kg.json'), `${JSON.stringify({ format: 'keelson-probe/1', ok: false, reason: 'FAIL /run/demo: denied', inputs: '{"v":1}', at: 'T' })}\n`);
    writeFileSync(join(dir, 'broken.json'), '{"format":');
    const probe = fact.probe;
    if (!('sh' in probe)) throw new Error('expected a sh probe');
    const out = execFileSync('sh', ['-c', probe.sh, 'keelson-fact', dir], { encoding: 'utf8' });
    expect(parseProbeRecords(out)).toEqual({ '1000-1000-kg': { format: 'keelson-probe/1', ok: false, reason: 'FAIL /run/demo: denied', inputs: '{"v":1}', at: 'T' } });
  });

  it('no directory yet: no records', () => {
    expect(gather(probeRecordsFact('no-such-stack-here'))).toEqual({});
  });
});

describe('tmpfiles', () => {
  it('our file: content, or null when absent', () => {
    expect(tmpfilesConfFact('demo').parse({ exitCode: 0, stdout: 'd /run/demo 0770 demo demo-clients -\n', stderr: '' })).toBe('d /run/demo 0770 demo demo-clients -\n');
    expect(tmpfilesConfFact('demo').parse({ exitCode: 1, stdout: '', stderr: 'cat: x: No such file or directory' })).toBeNull();
  });

  it('--cat-config: lines under their file, comments skipped', () => {
    const text = '# /usr/lib/tmpfiles.d/legacy.conf\n#  This file is part of systemd.\n# /run/lock is not a header\nd /run/lock 0755 root root -\n\n# /etc/tmpfiles.d/keelson-demo.conf\nd /run/demo 0770 demo demo-clients -\n';
    expect(parseCatConfig(text)).toEqual([
      { file: '/usr/lib/tmpfiles.d/legacy.conf', type: 'd', path: '/run/lock', mode: '0755', user: 'root', group: 'root' },
      { file: '/etc/tmpfiles.d/keelson-demo.conf', type: 'd', path: '/run/demo', mode: '0770', user: 'demo', group: 'demo-clients' },
    ]);
  });
});

describe('security modules and busybox', () => {
  it('SELinux: the kernel flag, "disabled" where there is none', () => {
    expect(selinuxFact.parse({ exitCode: 0, stdout: '1\n', stderr: '' })).toBe('enforcing');
    expect(selinuxFact.parse({ exitCode: 0, stdout: '0\n', stderr: '' })).toBe('permissive');
    expect(selinuxFact.parse({ exitCode: 0, stdout: 'disabled\n', stderr: '' })).toBe('disabled');
  });

  it('AppArmor: Y or N', () => {
    expect(apparmorFact.parse({ exitCode: 0, stdout: 'Y\n', stderr: '' })).toBe(true);
    expect(apparmorFact.parse({ exitCode: 0, stdout: 'N\n', stderr: '' })).toBe(false);
  });

  it('the probes run here without error', () => {
    expect(['enforcing', 'permissive', 'disabled']).toContain(gather(selinuxFact));
    expect(typeof gather(apparmorFact)).toBe('boolean');
    const bb = gather(staticBusyboxFact);
    expect(bb === null || bb.startsWith('/')).toBe(true);
  });
});
