// Quoting is proved end to end: what keelson writes into Exec=/Environment=/HealthCmd=, passed through models of
// Quadlet's splitter and re-quoting and of systemd's ExecStart= parsing, is exactly what the container receives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuoteError, escapeSpecifiers, healthCmdValue, quoteWord, quoteWords } from '../../../steps/quadlet/systemd-quote.js';
import { expandDollars, expandSpecifiers, quadletEscapeWords, splitWords, throughQuadletAndSystemd } from './systemd-split.js';

const hostile: string[] = [
  'plain',
  'two words',
  '  leading and trailing  ',
  'double"quote',
  "single'quote",
  "'fully single quoted'",
  '"fully double quoted"',
  'back\\slash',
  'trailing backslash\\',
  '\\',
  '\\\\',
  '\\"',
  '100%',
  '%h/%n',
  '%%',
  '$HOME',
  '${HOME}',
  '$$',
  '$(rm -rf /)',
  '`id`',
  'a;b',
  ';;',
  '--flag=value with spaces',
  '#not a comment',
  ';not a separator',
  '=',
  'ünïcödé ✓',
  '\\x20',
  '\\n',
  "mixed 'single' and \"double\" with \\ and $X and %p",
];

describe('quoteWords through Quadlet and systemd', () => {
  it.each(hostile.map((h) => [h]))('%j arrives unchanged', (word) => {
    expect(throughQuadletAndSystemd(quoteWords(['/bin/echo', word, 'end']))).toEqual(['/bin/echo', word, 'end']);
  });

  it('a whole hostile argv arrives unchanged', () => {
    expect(throughQuadletAndSystemd(quoteWords(hostile))).toEqual(hostile);
  });

  it('property: any argv of printable words arrives unchanged', () => {
    const char = fc.constantFrom(...'ab z09 "\'\\$%;#={}()`!*?~-_/.:,ü✓'.split(''));
    const word = fc.array(char, { minLength: 1, maxLength: 12 }).map((cs) => cs.join('')).filter((w) => w !== ';');
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(throughQuadletAndSystemd(quoteWords(argv))).toEqual(argv);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves simple words unquoted, so unit files stay readable', () => {
    expect(quoteWords(['/bin/httpd', '-f', '-p', '8080'])).toBe('/bin/httpd -f -p 8080');
    expect(quoteWord('a b')).toBe('"a b"');
    expect(quoteWord('50%')).toBe('50%%');
    expect(quoteWord('$X')).toBe('$$X');
  });

  it('the models themselves catch mistakes: unescaped % and $ would be expanded', () => {
    expect(() => expandSpecifiers('echo %h')).toThrow(/specifier/);
    expect(() => expandDollars('$HOME')).toThrow(/variable/);
    expect(() => splitWords('"unbalanced')).toThrow(/unbalanced/);
    // Quadlet drops an empty word and everything after it: why keelson refuses empty arguments.
    expect(splitWords('a "" b')).toEqual(['a']);
    expect(quadletEscapeWords(['a b'])).toBe('"a\\x20b"');
  });
});

describe('quoteWord refuses what no quoting can carry', () => {
  const table: [string, string, RegExp][] = [
    ['a newline', 'a\nb', /newline or control/],
    ['a carriage return', 'a\rb', /newline or control/],
    ['a tab (the manifest refuses it too)', 'a\tb', /newline or control/],
    ['a NUL', 'a\u0000b', /newline or control/],
    ['a C1 control', 'a\u0085b', /newline or control/],
    ['DEL', 'a\u007fb', /newline or control/],
    ['an empty argument', '', /empty/],
    ['a lone semicolon', ';', /command separator/],
  ];
  it.each(table)('%s', (_name, word, message) => {
    expect(() => quoteWord(word)).toThrow(QuoteError);
    expect(() => quoteWord(word)).toThrow(message);
  });
});

describe('Environment= values', () => {
  it.each(hostile.map((h) => [h]))('KEY=%j arrives as one --env argument', (value) => {
    // Quadlet splits Environment= like Exec= and passes each KEY=value as one podman argument.
    expect(throughQuadletAndSystemd(quoteWord(`KEY=${value}`))).toEqual([`KEY=${value}`]);
  });
});

describe('HealthCmd= (raw value, JSON exec form)', () => {
  // Quadlet takes HealthCmd= unsplit (Lookup), so the JSON reaches ExecStart= as one word.
  const viaQuadlet = (value: string): unknown => {
    const execStart = quadletEscapeWords(['--health-cmd', value]);
    const words = splitWords(expandSpecifiers(execStart)).map(expandDollars);
    expect(words).toHaveLength(2);
    return JSON.parse(words[1] ?? '');
  };

  it.each(hostile.map((h) => [h]))('%j arrives as the same argv', (arg) => {
    const argv = ['/bin/sh', '-c', arg];
    expect(viaQuadlet(healthCmdValue(argv))).toEqual(argv);
  });

  it('refuses a newline', () => {
    expect(() => healthCmdValue(['/bin/sh', '-c', 'a\nb'])).toThrow(QuoteError);
  });
});

describe('escapeSpecifiers', () => {
  it('doubles every %', () => {
    expect(escapeSpecifiers('50% of %h')).toBe('50%% of %%h');
    expect(expandSpecifiers(escapeSpecifiers('50% of %h'))).toBe('50% of %h');
  });
});
