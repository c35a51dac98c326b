// THE quoting property: any string (no NUL) given as an argv element reaches the remote program byte for byte,
// through the real SSH transport and the remote login shell. 1,000 strings; each command carries 20 of them to
// `printf '%s\0'`, so NUL (which no argument can contain) frames them unambiguously.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host/host.js';
import { type TestSshd, startSshd } from '../support/sshd.js';
import { connectToTestSshd } from './ssh-fixture.js';

const PER_COMMAND = 20;
const COMMANDS = 50;

// What shells choke on, mixed with arbitrary Unicode text.
const nasty = fc.constantFrom(
  "'", '"', "'\\''", ';', '&&', '||', '|', '&', '>', '<', '>>', '$(id)', '`id`', '${HOME}', '$HOME', '$1', '$@', '$\'',
  '\\', '\\n', '\n', '\r\n', '\t', ' ', '  ', '*', '?', '[a]', '~', '!', '#', '%s', '%', '%%', '-n', '--', '-e',
  '=', 'A=1', 'if', '{', '}', '(', ')', 'é', '日本語', '🙂', '\u202e', '\u00a0', '\u0001', '\u007f', '\uFEFF',
);
const fragment = fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
export const argument = fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join('')).filter((s) => !s.includes('\0'));

let sshd: TestSshd;
let host: Host;

beforeAll(async () => {
  sshd = await startSshd();
  host = await connectToTestSshd(sshd);
});
afterAll(async () => {
  await host.close();
  await sshd.stop();
});

async function roundTrip(args: readonly string[], options = {}): Promise<void> {
  const result = await host.run(['printf', '%s\\0', ...args], options);
  const expected = args.map((a) => `${a}\0`).join('');
  expect(result.exitCode).toBe(0);
  // Byte equality: both sides as UTF-8 bytes; a replacement character would reveal bytes that were not valid UTF-8.
  expect(Buffer.from(result.stdout, 'utf8').equals(Buffer.from(expected, 'utf8'))).toBe(true);
  expect(result.stdout.split('\0').slice(0, -1)).toEqual(args);
}

describe('quoting through the real SSH transport', () => {
  it(`passes ${PER_COMMAND * COMMANDS} random strings to printf byte for byte`, async () => {
    const started = performance.now();
    let strings = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(argument, { minLength: PER_COMMAND, maxLength: PER_COMMAND }), async (args) => {
        strings += args.length;
        await roundTrip(args);
      }),
      {
        numRuns: COMMANDS,
        // The classic troublemakers run every time, not only when chance picks them.
        examples: [[['', "'", "'\\''", '$(echo pwned)', '`echo pwned`', 'a;b', 'x\ny', '\\', '"', '$HOME', '*', '-n',
          '--', 'ünïcödé 🙂', '\r', '\t', ' ', '!', '#', '~']]],
      },
    );
    console.info(`quoting property: ${strings} strings in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(strings).toBeGreaterThanOrEqual(PER_COMMAND * COMMANDS);
  });

  it('holds through every wrapper too: timeout, as-user script, env', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(argument, { minLength: 10, maxLength: 10 }), argument, async (args, value) => {
        await roundTrip(args, { timeoutMs: 10_000, asUser: 'nobody' });
        const env = await host.run(['printenv', 'VALUE'], { env: { VALUE: value } });
        expect(env.stdout).toBe(`${value}\n`);
      }),
      { numRuns: 10 },
    );
  });
});
