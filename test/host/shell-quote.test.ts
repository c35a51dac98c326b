import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HostError } from '../../src/host/host-error.js';
import { assertEnvName, quoteArg, shellQuote } from '../../src/host/shell-quote.js';

const run = promisify(execFile);

describe('shellQuote', () => {
  it('single-quotes every element, even plain words (a bare `if` or `A=1` would change meaning)', () => {
    expect(shellQuote(['if', 'A=1', 'plain'])).toBe(`'if' 'A=1' 'plain'`);
  });

  it("closes, escapes and reopens around a single quote", () => {
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg("'")).toBe(`''\\'''`);
    expect(quoteArg('')).toBe(`''`);
  });

  it('leaves $(…), backticks, ; and newlines inert (checked by a real sh)', async () => {
    const args = ['$(echo pwned)', '`echo pwned`', 'a; echo pwned', 'line1\nline2', "'; echo pwned; '", '', ' '];
    const { stdout } = await run('sh', ['-c', `printf '%s|' ${shellQuote(args)}`]);
    expect(stdout).toBe(`${args.join('|')}|`);
  });

  it('refuses a NUL byte, naming the problem', () => {
    expect(() => quoteArg('a\0b')).toThrow(HostError);
    expect(() => quoteArg('a\0b')).toThrow(/NUL byte/);
    try {
      quoteArg('\0');
    } catch (error) {
      expect(error).toMatchObject({ code: 'bad-argument' });
      expect((error as HostError).remedy).toMatch(/stdin/);
    }
  });

  it('refuses a lone surrogate, which UTF-8 cannot carry', () => {
    expect(() => quoteArg('a\uD800b')).toThrow(/lone surrogate/);
    expect(quoteArg('🙂')).toBe(`'🙂'`);
  });

  it('refuses an empty argv', () => {
    expect(() => shellQuote([])).toThrow(/empty command/);
  });
});

describe('assertEnvName', () => {
  it.each(['PATH', 'a', '_x1', 'Lower_case'])('accepts %s', (name) => {
    expect(() => { assertEnvName(name); }).not.toThrow();
  });
  it.each(['', '1X', 'A-B', 'A B', 'A=B', 'Ä', 'X;rm'])('refuses %j', (name) => {
    expect(() => { assertEnvName(name); }).toThrow(/not a valid environment variable name/);
  });
});
