// The shells keelson writes a completion script for, and which generator writes each.
import type { CommandSpec } from './command-spec.js';
import { bashCompletion } from './completion-bash.js';
import { fishCompletion } from './completion-fish.js';
import { zshCompletion } from './completion-zsh.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export const completionScript = (shell: Shell, spec: CommandSpec): string => {
  switch (shell) {
    case 'bash':
      return bashCompletion(spec);
    case 'zsh':
      return zshCompletion(spec);
    case 'fish':
      return fishCompletion(spec);
  }
};
