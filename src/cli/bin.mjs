#!/usr/bin/env node
// @ts-check
// Entry point of a checkout (the package's is dist/keelson.js, made by `npm run build`). A checkout runs from its
// TypeScript sources, so there is no build step to forget: on the first start
// after a change, esbuild bundles keelson's own sources (packages stay external, commands stay lazily loaded chunks)
// into node_modules/.cache/keelson/<hash of the sources>/, and later starts load that directly. Loading through
// tsx's hooks instead costs seconds before the wizard's first frame (every module of Ink goes through them).
// If the bundle cannot be made (a read-only install), tsx runs the sources as before.
// Plain JavaScript on purpose (nothing can load TypeScript before this file chose how), type-checked through JSDoc and
// tsconfig's checkJs, and linted like the rest.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleOptions, ENTRY_NAME } from '../build/bundle-options.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `keelson --version` alone, as start.ts answers it, but before the sources are hashed (a walk of every file): the
 * version read from the one line of src/engine/version.ts that holds it; null when that line is not found there.
 */
const earlyVersion = () => {
  const args = process.argv.slice(2);
  if (args.length !== 1 || (args[0] !== '--version' && args[0] !== '-V')) return null;
  const source = readFileSync(join(root, 'src', 'engine', 'version.ts'), 'utf8');
  return /^export const KEELSON_VERSION = '([^'\n]+)';$/m.exec(source)?.[1] ?? null;
};
const version = earlyVersion();
if (version !== null) {
  process.stdout.write(`${version}\n`);
  process.exit(0);
}
const tsconfig = join(root, 'tsconfig.json');
const cacheDir = join(root, 'node_modules', '.cache', 'keelson');

/** Every source file's path, size and mtime (and the bundler's inputs), hashed: cheap to compute, changes with any edit. */
const sourcesHash = () => {
  const hash = createHash('sha256');
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|mjs|json)$/.test(entry.name)) {
        const s = statSync(path);
        hash.update(`${path}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  for (const dir of ['src', 'screens', 'steps']) walk(join(root, dir));
  for (const file of [tsconfig, join(root, 'package-lock.json')]) {
    const s = statSync(file, { throwIfNoEntry: false });
    hash.update(`${file}\0${s?.size ?? 0}\0${s?.mtimeMs ?? 0}\n`);
  }
  return hash.digest('hex').slice(0, 16);
};

const bundled = async () => {
  if (process.env.KEELSON_NO_BUNDLE === '1') return null;
  const out = join(cacheDir, sourcesHash());
  const entry = join(out, `${ENTRY_NAME}.js`);
  if (!existsSync(entry)) {
    const { build } = await import('esbuild');
    const tmp = `${out}.${process.pid}.tmp`;
    await build(bundleOptions(root, tmp));
    try {
      renameSync(tmp, out);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another start made it first
    }
    // Bundles of older sources go after a day: not at once, as a keelson started before the sources changed may
    // still load a command's chunk from its own.
    const dayAgo = Date.now() - 24 * 3600_000;
    for (const name of readdirSync(cacheDir)) {
      const path = join(cacheDir, name);
      if (path !== out && statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
    }
  }
  return entry;
};

/** The bundle's entry, or null when it cannot be made here (tsx runs the sources instead). */
const bundledEntry = async () => {
  try {
    mkdirSync(cacheDir, { recursive: true });
    return await bundled();
  } catch {
    return null;
  }
};

const entry = await bundledEntry();
if (entry !== null) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  // keelson's own tsconfig, not one tsx would look for where keelson was started: without it the screens' JSX
  // compiles to React.createElement and the wizard dies on "React is not defined".
  register({ tsconfig });
  // A file URL, not a specifier: tsx's hooks load the TypeScript entry point; tsc checks main.ts on its own.
  await import(new URL('./main.ts', import.meta.url).href);
}
