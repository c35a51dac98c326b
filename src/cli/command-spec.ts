// keelson's commands and options as data, read from the same commander definitions --help prints (through
// commander's own Help, so hidden options stay hidden everywhere): the completions and the man page are made from it.
import type { Argument, Command, Option } from 'commander';
import { exampleOf } from './help-text.js';

export interface OptionSpec {
  /** `--stack`; undefined for a short-only option. */
  readonly long: string | undefined;
  /** `-V`, when the option has one. */
  readonly short: string | undefined;
  /** `<name|file>` for an option that takes a value, else undefined. */
  readonly value: string | undefined;
  /** The values it accepts, when commander knows them (Option.choices). */
  readonly choices: readonly string[];
  readonly description: string;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly required: boolean;
  readonly choices: readonly string[];
  readonly description: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  /** commander's usage line: `[options] [planfile]`. */
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  readonly arguments: readonly ArgumentSpec[];
  readonly example: string | undefined;
  readonly commands: readonly CommandSpec[];
}

const optionSpec = (o: Option): OptionSpec => ({
  long: o.long,
  short: o.short,
  value: /[<[][^>\]]*[>\]]/.exec(o.flags)?.[0],
  choices: o.argChoices ?? [],
  description: o.description,
});

const argumentSpec = (a: Argument): ArgumentSpec => ({ name: a.name(), required: a.required, choices: a.argChoices ?? [], description: a.description });

/** The program and its visible commands (commander's implicit `help` command among them), one level deep. */
export const commandSpec = (cmd: Command): CommandSpec => {
  const help = cmd.createHelp();
  return {
    name: cmd.name(),
    description: cmd.description(),
    usage: cmd.usage(),
    options: help.visibleOptions(cmd).map(optionSpec),
    arguments: cmd.registeredArguments.map(argumentSpec),
    example: exampleOf(cmd),
    commands: cmd.parent === null ? help.visibleCommands(cmd).map(commandSpec) : [],
  };
};

/** An option's words as a shell sees them: `--stack`, `-V --version`. */
export const optionWords = (o: OptionSpec): string[] => [o.short, o.long].filter((w): w is string => w !== undefined);
