// @ts-check
// How keelson's sources become JavaScript, in one place: the start-up bundle of a checkout (src/cli/bin.mjs), the
// package's dist/ (npm run build) and the single executable all compile the same entry with the same settings.
import { join } from 'node:path';

/** The name of the entry point's output file (dist/keelson.js, node_modules/.cache/keelson/<hash>/keelson.js). */
export const ENTRY_NAME = 'keelson';
/** The package's built directory, under the package's root (package.json's bin and files name it too). */
export const DIST_DIR = 'dist';
/** The manual page's file in DIST_DIR (package.json's man names it too). */
export const MAN_PAGE = 'keelson.1';

/**
 * The two ways this package starts, each a file under the package's root: the built package's bin, and a checkout's
 * entry that bundles the sources on its first start.
 * @param {string} root
 */
export const entryPoints = (root) => ({ dist: join(root, DIST_DIR, `${ENTRY_NAME}.js`), checkout: join(root, 'src', 'cli', 'bin.mjs') });

/**
 * esbuild's options for keelson's own sources. Packages stay external (npm installs them beside the package); the
 * commands stay lazily loaded chunks, so `--version` and the wizard's first frame do not load the other commands.
 * @param {string} root the package's directory
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions & { outdir: string }}
 */
export const bundleOptions = (root, outdir) => ({
  entryPoints: { [ENTRY_NAME]: join(root, 'src', 'cli', 'main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'silent',
});
