// keelson completion bash|zsh|fish: the script, made from the program --help describes.
import type { Command } from 'commander';
import { commandSpec } from '../command-spec.js';
import { completionScript, type Shell } from '../completion-shells.js';

export const completionCommand = (shell: Shell, program: Command): void => {
  process.stdout.write(completionScript(shell, commandSpec(program)));
};
