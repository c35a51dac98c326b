// keelson man: the manual page (roff), made from the program --help describes.
import type { Command } from 'commander';
import { KEELSON_VERSION } from '../../engine/version.js';
import { commandSpec } from '../command-spec.js';
import { manPage } from '../man-page.js';

export const manCommand = (program: Command): void => {
  process.stdout.write(manPage(commandSpec(program), KEELSON_VERSION));
};
