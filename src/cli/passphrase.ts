// A secret key's passphrase: from a file descriptor (--passphrase-fd N, for scripts: `3<passphrase-file`) or typed
// on the terminal without echo. Never a flag's value or an environment variable: both show in the process list.
import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

const fromFd = (fd: string): string => {
  if (!/^[0-9]+$/.test(fd) || Number(fd) < 3) throw new UsageError(`--passphrase-fd ${fd}: give a descriptor number of 3 or more (e.g. --passphrase-fd 3 3<file)`);
  let text: string;
  try {
    text = readFileSync(Number(fd), 'utf8');
  } catch {
    throw new UsageError(`--passphrase-fd ${fd}: nothing open on descriptor ${fd} to read the passphrase from`);
  }
  const line = text.split('\n')[0]?.replace(/\r$/, '') ?? '';
  if (line === '') throw new UsageError(`--passphrase-fd ${fd}: the passphrase is empty`);
  return line;
};

/** Reads one line from the terminal with echo off. */
const typed = (prompt: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new UsageError('no passphrase given (Ctrl-C)'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });

export interface PassphraseFlags {
  readonly passphraseFd?: string;
}

/** twice: a new key's passphrase is typed again to catch a typo. */
export const readPassphrase = async (flags: PassphraseFlags, what: string, twice = false): Promise<string> => {
  if (flags.passphraseFd !== undefined) return fromFd(flags.passphraseFd);
  if (!process.stdin.isTTY) throw new UsageError(`${what}: no terminal to type the passphrase in: pass --passphrase-fd N with the passphrase on that descriptor`);
  const first = await typed(`Passphrase for ${what}: `);
  if (first === '') throw new UsageError(`${what}: the passphrase is empty`);
  if (twice && (await typed('The same passphrase again: ')) !== first) throw new UsageError('the two passphrases differ: nothing was written');
  return first;
};
