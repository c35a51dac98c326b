// What --help says after the options, for keelson and for each command: one example, then the exit codes. The man
// page and the completions read the same definitions (command-spec.ts), so the three never disagree.
import type { Command } from 'commander';
import { EXIT_MEANINGS } from './exit-codes.js';

const examples = new WeakMap<Command, string>();

/** The one example a command's help shows (a command line, without the prompt). */
export const withExample = (cmd: Command, example: string): Command => {
  examples.set(cmd, example);
  return cmd;
};

export const exampleOf = (cmd: Command): string | undefined => examples.get(cmd);

/** The exit codes as --help lists them. */
export const exitCodesText = (): string => EXIT_MEANINGS.map((e) => `  ${e.code}  ${e.meaning}`).join('\n');

const footer = (cmd: Command): string => {
  const example = exampleOf(cmd);
  return `${example === undefined ? '' : `\nExample:\n  $ ${example}\n`}\nExit codes:\n${exitCodesText()}\n`;
};

/** Adds the footer to keelson's help and to every command's, however many commands there are. */
export const addHelpFooters = (program: Command): Command => {
  for (const cmd of [program, ...program.commands]) cmd.addHelpText('after', () => footer(cmd));
  return program;
};
