// THE quoting function for the remote side. sshd hands the command line to the login shell, so every argv element
// must survive exactly one round of POSIX shell parsing. Single quotes are the only form with no special characters
// inside; a single quote itself is closed, escaped and reopened ('\'').

import { HostError } from './host-error.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// With the u flag a surrogate PAIR is one code point, so this matches only lone (unencodable) halves.
const LONE_SURROGATE = /\p{Cs}/u;

/** Throws HostError('bad-argument') when a value cannot reach a command intact. */
export function assertPassable(value: string, what: string): void {
  if (value.includes('\0')) {
    throw new HostError(
      'bad-argument',
      `${what} contains a NUL byte, which no command line can carry: ${JSON.stringify(value.slice(0, 60))}`,
      'Remove the NUL byte, or pass binary data on stdin instead.',
    );
  }
  // A lone surrogate has no UTF-8 encoding: it would silently arrive as U+FFFD.
  if (LONE_SURROGATE.test(value)) {
    throw new HostError(
      'bad-argument',
      `${what} is not well-formed Unicode (it holds a lone surrogate) and would arrive altered`,
      'Pass valid Unicode text, or pass binary data on stdin instead.',
    );
  }
}

/** Throws HostError('bad-argument') unless name is a portable environment variable name. */
export function assertEnvName(name: string): void {
  if (!ENV_NAME.test(name)) {
    throw new HostError(
      'bad-argument',
      `${JSON.stringify(name)} is not a valid environment variable name (letters, digits and _, not starting with a digit)`,
      'Rename the variable to match [A-Za-z_][A-Za-z0-9_]*.',
    );
  }
}

/**
 * One argv element as a POSIX shell word. Always quoted, even plain words: unquoted `if` or `A=1` in command position
 * would be a reserved word or an assignment, not a program name.
 */
export function quoteArg(arg: string): string {
  assertPassable(arg, 'A command argument');
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** argv as one command line for `sh -c`: each element quoted, joined with spaces. */
export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new HostError('bad-argument', 'An empty command was given (argv has no elements)', 'Pass at least the program name.');
  }
  return argv.map(quoteArg).join(' ');
}
