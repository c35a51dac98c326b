// @ts-check
// The licences of the packages bundled into keelson's built forms (they are not installed beside keelson, so their
// licence files would not ship otherwise): one text, each package's name, version, licence and its own licence file,
// made from the build's metafile, so it lists exactly what was bundled. The npm package ships it as
// dist/THIRD-PARTY-LICENSES, the single executable as an asset; `keelson licenses` prints it from either.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const NODE_MODULES = 'node_modules/';
const LICENCE_FILE = /^(licen[cs]e|copying)(\.|-|$)/i;

/**
 * The directory of every package that has a file in the bundle (a nested copy counts on its own).
 * @param {import('esbuild').Metafile} metafile
 * @param {string} cwd what the metafile's paths are relative to
 */
export const bundledPackageDirs = (metafile, cwd) => {
  /** @type {Set<string>} */
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf(NODE_MODULES);
    if (at < 0) continue;
    const parts = input.slice(at + NODE_MODULES.length).split('/');
    const name = parts[0]?.startsWith('@') === true ? parts.slice(0, 2).join('/') : parts[0] ?? '';
    dirs.add(resolve(cwd, input.slice(0, at + NODE_MODULES.length), name));
  }
  return [...dirs].sort();
};

/** @param {unknown} author package.json's author, a string or { name } */
const authorOf = (author) =>
  typeof author === 'string' ? author : typeof author === 'object' && author !== null && 'name' in author ? String(author.name) : 'its authors';

/**
 * One package's entry: its licence files, or, for a package that ships none, what its package.json says.
 * @param {string} dir
 */
const entryOf = (dir) => {
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const pkg = /** @type {{ name: string, version: string, license?: string, licenses?: { type?: string }[], author?: unknown }} */ (parsed);
  // `licenses`, a list, is how older packages (ssh2) name theirs.
  const license = pkg.license ?? pkg.licenses?.map((l) => l.type).join(' OR ');
  const files = readdirSync(dir).filter((f) => LICENCE_FILE.test(f)).sort();
  const head = `${pkg.name} ${pkg.version} (${license ?? 'no licence named'})`;
  const texts = files.map((f) => readFileSync(join(dir, f), 'utf8').trim());
  const body = texts.length > 0 ? texts.join('\n\n') : `The package ships no licence file; its package.json gives the licence ${license ?? '(none)'}, copyright ${authorOf(pkg.author)}.`;
  return `${head}\n${'-'.repeat(head.length)}\n\n${body}\n`;
};

/**
 * The file's text for the packages in dirs.
 * @param {readonly string[]} dirs
 */
export const thirdPartyLicenses = (dirs) => {
  // The same package at the same version nested twice is listed once.
  const unique = [...new Set(dirs.map(entryOf))];
  return [
    'keelson bundles the following packages into the programs it ships (the npm package\'s dist/ files, the single',
    'executable keelson-linux-x64). Their licences follow, each as the package ships it.',
    '',
    ...unique,
  ].join('\n');
};

/**
 * The licences of what one esbuild build bundled: the one generator both the npm package (build.mjs) and the single
 * executable (build-sea.mjs) use, so the two never list different packages for the same bundle.
 * @param {import('esbuild').Metafile} metafile
 * @param {string} cwd what the metafile's paths are relative to (esbuild's working directory)
 */
export const licencesOfBuild = (metafile, cwd) => thirdPartyLicenses(bundledPackageDirs(metafile, cwd));
