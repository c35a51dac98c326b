// `keelson man` (and dist/keelson.1): the manual page in roff, made from the command definitions --help prints.
import type { CommandSpec, OptionSpec } from './command-spec.js';
import { EXIT_MEANINGS } from './exit-codes.js';

/** Text roff prints as it is: backslashes and hyphens escaped, other than ASCII by code point, no line a request. */
export const roffText = (s: string): string =>
  s
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .replace(/[\u0080-\u{10FFFF}]/gu, (c) => `\\[u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`)
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');

const optionEntry = (o: OptionSpec): string => {
  const names = [o.short, o.long].filter((n): n is string => n !== undefined).map((n) => `\\fB${roffText(n)}\\fR`);
  return `.TP\n${names.join(', ')}${o.value === undefined ? '' : ` \\fI${roffText(o.value)}\\fR`}\n${roffText(o.description)}`;
};

const example = (text: string | undefined): string[] => (text === undefined ? [] : ['.PP', 'Example:', '.PP', '.RS', `.B ${roffText(text)}`, '.RE']);

const commandSection = (prog: string, c: CommandSpec): string[] => [
  `.SS "${roffText(`${prog} ${c.name} ${c.usage}`.trim()).replaceAll('"', '\\(dq')}"`,
  roffText(c.description),
  ...c.arguments.map((a) => `.TP\n\\fI${roffText(a.name)}\\fR\n${roffText(a.description)}${a.choices.length > 0 ? ` (${roffText(a.choices.join(', '))})` : ''}`),
  ...c.options.map(optionEntry),
  ...example(c.example),
];

export const manPage = (spec: CommandSpec, version: string): string =>
  [
    `.TH ${spec.name.toUpperCase()} 1 "" "${roffText(`${spec.name} ${version}`)}" "User Commands"`,
    '.SH NAME',
    `${spec.name} \\- ${roffText(spec.description)}`,
    '.SH SYNOPSIS',
    `.B ${spec.name}`,
    roffText(spec.usage),
    '.SH DESCRIPTION',
    roffText(spec.description),
    '.SH OPTIONS',
    ...spec.options.map(optionEntry),
    '.SH COMMANDS',
    ...spec.commands.flatMap((c) => commandSection(spec.name, c)),
    '.SH "EXIT STATUS"',
    ...EXIT_MEANINGS.map((e) => `.TP\n.B ${e.code}\n${roffText(e.meaning)}`),
    '.SH EXAMPLES',
    ...example(spec.example),
    '',
  ].join('\n');
