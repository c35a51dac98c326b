// Turns a step's argv plus RunOptions into the argv the machine actually runs: privilege, timeout, user switch and
// environment are prefixes, so the program's own argv is never re-parsed. Both transports use this one builder.

import { HostError } from './host-error.js';
import type { RunOptions } from './host.js';
import { assertEnvName, assertPassable } from './shell-quote.js';

/** How the login identity reaches root: it is root already, or it goes through `sudo -n` (never a prompt). */
export type Privilege = 'root' | 'sudo';

/**
 * Run as another user with the environment rootless podman and `systemctl --user` expect: XDG_RUNTIME_DIR of that
 * user and its home as the working directory. A constant script; the program arrives as "$@", never interpolated.
 */
export const AS_USER_SCRIPT =
  'u=$(id -u); export XDG_RUNTIME_DIR=/run/user/$u DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$u/bus; cd "$HOME" 2>/dev/null || cd /; exec "$@"';

/** Seconds between the polite SIGTERM and the SIGKILL that coreutils `timeout` sends to the whole process group. */
export const KILL_AFTER_SECONDS = 5;

const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

export function assertUserName(name: string, what: string): void {
  if (!USER_NAME.test(name)) {
    throw new HostError(
      'bad-argument',
      `${what} ${JSON.stringify(name)} is not a valid user or group name`,
      'Use a name of letters, digits, ".", "_" and "-" (not starting with "-"), or a numeric id.',
    );
  }
}

export function assertTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new HostError('bad-argument', `timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`,
      'Pass a positive timeoutMs, or leave it out for no timeout.');
  }
}

/** `timeout` duration: seconds with millisecond precision (coreutils accepts fractions). */
function seconds(ms: number): string {
  return `${(Math.ceil(ms) / 1000).toFixed(3)}s`;
}

export function wrapArgv(argv: readonly string[], options: RunOptions, privilege: Privilege): string[] {
  if (argv.length === 0) {
    throw new HostError('bad-argument', 'An empty command was given (argv has no elements)', 'Pass at least the program name.');
  }
  argv.forEach((arg, i) => { assertPassable(arg, `Argument ${i} of ${JSON.stringify(argv[0])}`); });

  let command = [...argv];

  const env = Object.entries(options.env ?? {});
  if (env.length > 0) {
    for (const [name, value] of env) {
      assertEnvName(name);
      assertPassable(value, `The value of ${name}`);
    }
    // `env` would read a program name containing "=" as one more assignment.
    if (command[0]?.includes('=')) {
      throw new HostError('bad-argument', `The program name ${JSON.stringify(command[0])} contains "=", which env would take for a variable`,
        'Call the program by a path without "=".');
    }
    command = ['env', ...env.map(([name, value]) => `${name}=${value}`), ...command];
  }

  if (options.asUser !== undefined) {
    assertUserName(options.asUser, 'asUser');
    command = ['sh', '-c', AS_USER_SCRIPT, 'keelson-as-user', ...command];
  }

  if (options.timeoutMs !== undefined) {
    assertTimeout(options.timeoutMs);
    // Inside the privilege switch, so `timeout` may signal everything the command started (its process group).
    command = ['timeout', '-k', String(KILL_AFTER_SECONDS), seconds(options.timeoutMs), ...command];
  }

  if (options.asUser !== undefined) {
    return privilege === 'root'
      ? ['runuser', '-u', options.asUser, '--', ...command]
      : ['sudo', '-n', '-u', options.asUser, '--', ...command];
  }
  return privilege === 'root' ? command : ['sudo', '-n', '--', ...command];
}

/** True when a run through `sudo -n` failed because sudo wanted a password (exit 1, sudo's own message). */
export function isSudoPasswordRefusal(exitCode: number, stderr: string): boolean {
  return exitCode === 1 && /^sudo: (a password is required|a terminal is required)/m.test(stderr);
}
