// `keelson completion fish`: `complete` lines for fish, made from the command definitions.
import type { CommandSpec, OptionSpec } from './command-spec.js';

/** A single-quoted fish word (fish escapes only \\ and ' inside single quotes). */
const quoted = (s: string): string => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

const optionLine = (prog: string, condition: string, o: OptionSpec): string => {
  const names = [o.short === undefined ? '' : ` -s ${o.short.slice(1)}`, o.long === undefined ? '' : ` -l ${o.long.slice(2)}`].join('');
  // -r: the option takes a value; -F: file names for it, -x with -a: only its choices.
  const value = o.value === undefined ? '' : o.choices.length > 0 ? ` -x -a ${quoted(o.choices.join(' '))}` : ' -r -F';
  return `complete -c ${prog} -n ${quoted(condition)}${names}${value} -d ${quoted(o.description)}`;
};

const commandLines = (prog: string, c: CommandSpec): string[] => {
  const when = `__fish_seen_subcommand_from ${c.name}`;
  const choices = c.arguments.flatMap((a) => a.choices);
  const files = c.arguments.some((a) => a.choices.length === 0);
  return [
    `complete -c ${prog} -n __fish_use_subcommand -a ${quoted(c.name)} -d ${quoted(c.description)}`,
    ...c.options.map((o) => optionLine(prog, when, o)),
    ...(choices.length > 0 ? [`complete -c ${prog} -n ${quoted(when)} -a ${quoted(choices.join(' '))}`] : []),
    ...(files ? [`complete -c ${prog} -n ${quoted(when)} -F`] : []),
  ];
};

export const fishCompletion = (spec: CommandSpec): string =>
  [
    `# fish completion for ${spec.name} (made by \`${spec.name} completion fish\`): ${spec.name} completion fish | source`,
    `complete -c ${spec.name} -f`,
    ...spec.options.map((o) => optionLine(spec.name, '__fish_use_subcommand', o)),
    ...spec.commands.flatMap((c) => commandLines(spec.name, c)),
    '',
  ].join('\n');
