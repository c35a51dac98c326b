// Where this keelson runs from: its package directory, the file that started it, or the single executable. Apart
// from context.ts (the stacks, the manifests) so that the wizard's first frame can ask without loading those.
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST_DIR, entryPoints } from '../build/bundle-options.mjs';
import { isSingleExecutable } from '../host/single-executable.js';

/**
 * The package's directory, from where this module runs: src/cli/ in the sources, dist/ in the package (npm run
 * build), or the start-up bundle that src/cli/bin.mjs keeps under node_modules/.cache/keelson/<hash>/ (bundled,
 * every module shares one location).
 */
export const packageRootOf = (moduleFile: string): string => {
  const cache = moduleFile.lastIndexOf('/node_modules/.cache/keelson/');
  if (cache >= 0) return moduleFile.slice(0, cache);
  const dir = dirname(moduleFile);
  return basename(dir) === DIST_DIR ? dirname(dir) : resolve(moduleFile, '../../..');
};

/** keelson-linux-x64: the stacks are built into the executable, and the executable is keelson's only file. */
export const IS_SINGLE_EXECUTABLE = isSingleExecutable();
// A single executable's modules have no file of their own: its script is built into it.
const MODULE_FILE = IS_SINGLE_EXECUTABLE ? process.execPath : fileURLToPath(import.meta.url);
export const PACKAGE_ROOT = IS_SINGLE_EXECUTABLE ? dirname(process.execPath) : packageRootOf(MODULE_FILE);
/** The file that started this keelson: the package's dist/keelson.js, a checkout's src/cli/bin.mjs, or the executable. */
export const ENTRY_POINT = IS_SINGLE_EXECUTABLE
  ? process.execPath
  : basename(dirname(MODULE_FILE)) === DIST_DIR
    ? entryPoints(PACKAGE_ROOT).dist
    : entryPoints(PACKAGE_ROOT).checkout;
