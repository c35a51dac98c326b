import { describe, expect, it } from 'vitest';
import { AS_USER_SCRIPT, isSudoPasswordRefusal, wrapArgv } from '../../src/host/command-wrap.js';

describe('wrapArgv', () => {
  it('runs argv as is when root with no options', () => {
    expect(wrapArgv(['id', '-u'], {}, 'root')).toEqual(['id', '-u']);
  });

  it('prefixes sudo -n -- when the login user is not root', () => {
    expect(wrapArgv(['id', '-u'], {}, 'sudo')).toEqual(['sudo', '-n', '--', 'id', '-u']);
  });

  it('switches user with runuser as root and sudo -n -u otherwise, through the constant as-user script', () => {
    expect(wrapArgv(['podman', 'ps'], { asUser: 'demo' }, 'root'))
      .toEqual(['runuser', '-u', 'demo', '--', 'sh', '-c', AS_USER_SCRIPT, 'keelson-as-user', 'podman', 'ps']);
    expect(wrapArgv(['podman', 'ps'], { asUser: 'demo' }, 'sudo'))
      .toEqual(['sudo', '-n', '-u', 'demo', '--', 'sh', '-c', AS_USER_SCRIPT, 'keelson-as-user', 'podman', 'ps']);
  });

  it('puts timeout inside the privilege switch and env innermost, so the program argv is untouched', () => {
    expect(wrapArgv(['x', 'a b'], { timeoutMs: 1500, env: { K: 'v w' }, asUser: 'demo' }, 'sudo')).toEqual([
      'sudo', '-n', '-u', 'demo', '--',
      'timeout', '-k', '5', '1.500s',
      'sh', '-c', AS_USER_SCRIPT, 'keelson-as-user',
      'env', 'K=v w', 'x', 'a b',
    ]);
  });

  it.each([
    [{ env: { 'BAD-NAME': 'x' } }, /not a valid environment variable name/],
    [{ env: { OK: 'a\0b' } }, /NUL byte/],
    [{ asUser: '-rf' }, /not a valid user or group name/],
    [{ asUser: 'a b' }, /not a valid user or group name/],
    [{ timeoutMs: 0 }, /positive number/],
    [{ timeoutMs: Number.NaN }, /positive number/],
  ])('refuses bad options %j', (options, message) => {
    expect(() => wrapArgv(['true'], options, 'root')).toThrow(message);
  });

  it('refuses an empty argv and a program name env would misread', () => {
    expect(() => wrapArgv([], {}, 'root')).toThrow(/empty command/);
    expect(() => wrapArgv(['A=1'], { env: { B: '2' } }, 'root')).toThrow(/contains "="/);
  });
});

describe('isSudoPasswordRefusal', () => {
  it("recognises sudo's own refusal and nothing else", () => {
    expect(isSudoPasswordRefusal(1, 'sudo: a password is required\n')).toBe(true);
    expect(isSudoPasswordRefusal(1, 'sudo: a terminal is required to read the password\n')).toBe(true);
    expect(isSudoPasswordRefusal(2, 'sudo: a password is required\n')).toBe(false);
    expect(isSudoPasswordRefusal(1, 'grep: a password is required\n')).toBe(false);
  });
});
