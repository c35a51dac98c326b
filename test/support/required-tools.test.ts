// The test setup checks each program the tests need on its own: a machine with sshd but no sudo gets sudo, one
// with neither gets both, and without root it says exactly what to install.
import { describe, expect, it } from 'vitest';
import { ensureTools, missingPackages, onThisMachine, TOOLS } from './required-tools.js';

const lacking = (...commands: string[]) => (c: string) => !commands.includes(c);

describe('the programs the tests need', () => {
  it('sshd present, sudo absent: only sudo is installed', () => {
    expect(missingPackages(lacking('sudo', 'visudo'))).toEqual(['sudo']);
  });

  it('neither sshd nor sudo nor an ssh client: each package once', () => {
    expect(missingPackages(lacking('/usr/sbin/sshd', 'ssh-keygen', 'ssh-agent', 'ssh-add', 'sudo', 'visudo'))).toEqual(['openssh-server', 'openssh-client', 'sudo']);
  });

  it('as root: apt-get update, then install exactly what is missing, then check again', () => {
    const runs: string[][] = [];
    const installed = new Set<string>();
    ensureTools({
      has: (c) => installed.has(c) || !['sudo', 'visudo'].includes(c),
      isRoot: true,
      run: (argv) => {
        runs.push([...argv]);
        if (argv[1] === 'install') ['sudo', 'visudo'].forEach((c) => installed.add(c));
      },
      say: () => undefined,
    });
    expect(runs).toEqual([['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'sudo']]);
  });

  it('not root: nothing is run, and the error names each missing program and the one command to type', () => {
    const run = () => {
      throw new Error('must not run');
    };
    expect(() => { ensureTools({ has: lacking('sudo', 'ssh-keygen'), isRoot: false, run, say: () => undefined }); }).toThrow(
      /ssh-keygen \(openssh-client: .*\n {2}sudo \(sudo: .*\nRun as root: apt-get install openssh-client sudo\n/,
    );
  });

  it('nothing missing: nothing is run', () => {
    ensureTools({ has: () => true, isRoot: true, run: () => { throw new Error('must not run'); }, say: () => undefined });
  });

  it('finds programs in sbin even on a PATH without it, and absolute paths as they are', () => {
    expect(onThisMachine('useradd', '/usr/bin:/bin')).toBe(true);
    expect(onThisMachine('/usr/sbin/sshd')).toBe(true);
    expect(onThisMachine('keelson-no-such-program')).toBe(false);
    // After the global setup ran, every one of them is here.
    expect(TOOLS.filter((t) => !onThisMachine(t.command)).map((t) => t.command)).toEqual([]);
  });
});
