// The account facts' parsers, on answers as real hosts give them, and the user-manager probe run for real here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  lingerFact,
  loginDefsFact,
  parseGroups,
  parseLoginDefs,
  parsePasswd,
  parseSubids,
  parseUserManagers,
  subuidFact,
  userManagersFact,
} from '../../../steps/identity/account-facts.js';
import { allocateSubids } from '../../../steps/identity/subids.js';
import { TRIXIE_LOGIN_DEFS } from './fixtures.js';

const runProbe = (sh: string, args: readonly string[] = []) => execFileSync('sh', ['-c', sh, 'keelson-fact', ...args], { encoding: 'utf8' });

describe('account fact parsers', () => {
  it('passwd: every field a step needs; broken lines are skipped', () => {
    expect(parsePasswd('demo:x:1001:1001:Demo,,,:/home/demo:/usr/sbin/nologin\nbroken line\nx:x:notanumber:1::/:/bin/sh\n')).toEqual([
      { name: 'demo', uid: 1001, gid: 1001, home: '/home/demo', shell: '/usr/sbin/nologin' },
    ]);
  });

  it('group: members split on commas', () => {
    expect(parseGroups('sudo:x:27:admin,demo\nusers:x:100:\n')).toEqual([
      { name: 'sudo', gid: 27, members: ['admin', 'demo'] },
      { name: 'users', gid: 100, members: [] },
    ]);
  });

  it('subuid: names and UIDs, comments and zero counts ignored', () => {
    expect(parseSubids('# comment\nadmin:100000:65536\n1001:165536:65536\nbad:1:0\n')).toEqual([
      { owner: 'admin', start: 100000, count: 65536 },
      { owner: '1001', start: 165536, count: 65536 },
    ]);
  });

  it("login.defs: Debian's values, and shadow's defaults where it is silent", () => {
    expect(parseLoginDefs(TRIXIE_LOGIN_DEFS)).toEqual({
      uidMin: 1000, uidMax: 60000, gidMin: 1000, gidMax: 60000,
      sysUidMin: 101, sysUidMax: 999, sysGidMin: 101, sysGidMax: 999,
      subUidMin: 100000, subUidMax: 600100000, subGidMin: 100000, subGidMax: 600100000,
    });
    expect(parseLoginDefs('SYS_UID_MIN 201\nSYS_UID_MAX 899\n# UID_MIN 5\n')).toMatchObject({ sysUidMin: 201, sysUidMax: 899, uidMin: 1000 });
  });

  it('user managers: UID and supplementary groups', () => {
    expect(parseUserManagers('0\t\n1001\t989 990 1001 \n')).toEqual([
      { uid: 0, groups: [] },
      { uid: 1001, groups: [989, 990, 1001] },
    ]);
  });

  it('a missing /etc/subuid is an empty one; an unreadable login.defs stops the plan', () => {
    expect(subuidFact.parse({ exitCode: 1, stdout: '', stderr: 'cat: /etc/subuid: No such file or directory' })).toEqual([]);
    expect(() => loginDefsFact.parse({ exitCode: 1, stdout: '', stderr: 'cat: /etc/login.defs: Permission denied' })).toThrow(/Permission denied/);
  });
});

describe('account fact probes, run for real', () => {
  it('the user-manager probe answers in its format on this machine', () => {
    const probe = userManagersFact.probe;
    if (!('sh' in probe)) throw new Error('expected a sh probe');
    const out = runProbe(probe.sh);
    for (const l of out.split('\n').filter(Boolean)) expect(l).toMatch(/^[0-9]+\t[0-9 ]*$/);
  });

  it('the user-manager probe reads each systemd --user process, and nothing else, from a proc tree as the kernel writes it', () => {
    const probe = userManagersFact.probe;
    if (!('sh' in probe)) throw new Error('expected a sh probe');
    const root = mkdtempSync(join(tmpdir(), 'keelson-proc-'));
    const proc = (pid: number, comm: string, cmdline: string[], uid: number, groups: string) => {
      mkdirSync(join(root, String(pid)));
      writeFileSync(join(root, String(pid), 'comm'), `${comm}\n`);
      writeFileSync(join(root, String(pid), 'cmdline'), `${cmdline.join('\0')}\0`);
      writeFileSync(join(root, String(pid), 'status'), `Name:\t${comm}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t${uid}\t${uid}\t${uid}\t${uid}\nGroups:\t${groups}\nNSpid:\t${pid}\n`);
    };
    try {
      proc(1, 'systemd', ['/sbin/init'], 0, '');
      proc(812, 'systemd', ['/usr/lib/systemd/systemd', '--user'], 1001, '991 1001 ');
      // A rootless container's own systemd runs as the owner's UID too, but is no user manager.
      proc(900, 'systemd', ['/sbin/init', 'quiet'], 1001, '');
      proc(901, 'sshd', ['sshd: --user'], 0, '');
      proc(950, 'systemd', ['/lib/systemd/systemd', '--user'], 0, '');
      mkdirSync(join(root, 'self'));
      expect(runProbe(probe.sh, [root])).toBe('1001\t991 1001 \n0\t\n');
      expect(userManagersFact.parse({ exitCode: 0, stdout: runProbe(probe.sh, [root]), stderr: '' })).toEqual([
        { uid: 1001, groups: [991, 1001] },
        { uid: 0, groups: [] },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the linger probe answers nothing (not an error) where the directory is absent or empty', () => {
    const probe = lingerFact.probe;
    if (!('sh' in probe)) throw new Error('expected a sh probe');
    expect(() => runProbe(probe.sh)).not.toThrow();
  });
});

describe('subordinate range allocation', () => {
  it('first fit from SUB_UID_MIN, as useradd does', () => {
    expect(allocateSubids([], [], 100000, 600100000)).toEqual({ start: 100000, end: 165535 });
    expect(allocateSubids(parseSubids('a:100000:65536\n'), [], 100000, 600100000)).toEqual({ start: 165536, end: 231071 });
  });

  it('uses a gap between ranges when it is wide enough, and not when it is not', () => {
    const ranges = parseSubids('a:100000:65536\nb:300000:65536\n');
    expect(allocateSubids(ranges, [], 100000, 600100000)).toEqual({ start: 165536, end: 231071 });
    const tight = parseSubids('a:100000:65536\nb:200000:65536\n');
    expect(allocateSubids(tight, [], 100000, 600100000)).toEqual({ start: 265536, end: 331071 });
  });

  it('never overlaps anything given (property over random layouts)', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const ranges = Array.from({ length: rnd(8) }, (_, i) => ({ owner: `u${i}`, start: 100000 + rnd(400000), count: 1 + rnd(100000) }));
      const ids = Array.from({ length: rnd(4) }, () => 100000 + rnd(500000));
      const got = allocateSubids(ranges, ids, 100000, 600100000);
      expect(got).not.toBeNull();
      if (got === null) continue;
      expect(got.end - got.start + 1).toBe(65536);
      for (const r of ranges) expect(got.end < r.start || got.start > r.start + r.count - 1).toBe(true);
      for (const id of ids) expect(id < got.start || id > got.end).toBe(true);
    }
  });
});
