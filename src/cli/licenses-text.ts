// What `keelson licenses` prints, from where this keelson found the third-party licences: keelson's own licence
// line, then the licences of the packages bundled into it. Pure: the command reads the text (commands/licenses.ts).
import { DIST_DIR, SINGLE_EXECUTABLE, THIRD_PARTY_LICENSES } from '../build/bundle-options.mjs';

/**
 * Where the third-party licences are in this form of keelson: built into the single executable, beside the npm
 * package's bundle, or nowhere (a git checkout bundles nothing). text is null when the built form lacks them.
 */
export type LicencesSource =
  | { readonly form: 'single-executable'; readonly text: string | null }
  | { readonly form: 'package'; readonly file: string; readonly text: string | null }
  | { readonly form: 'checkout' };

export interface LicencesOutput {
  readonly stdout: string;
  /** Set when a built keelson lacks its licences: what is missing and what to do (exit 1). */
  readonly problem?: string;
}

const ownLine = (version: string, license: string): string =>
  `keelson ${version} is licensed under ${license} (the full text: LICENSE in its package and its source, and https://spdx.org/licenses/${license}.html).\n`;

// A checkout gets a note rather than a fresh generation: it bundles no package (each sits in node_modules/ with its
// own licence file), and the list is of what a build bundled, which only a build (esbuild's metafile) knows.
const CHECKOUT_NOTE = [
  'Third-party licences: this keelson runs from a git checkout, which bundles no package; each package it uses is in',
  `node_modules/ with its own licence file. The built forms carry the list of what they bundle: \`npm run build\` writes`,
  `${DIST_DIR}/${THIRD_PARTY_LICENSES}, and ${SINGLE_EXECUTABLE} (npm run build:sea) holds it inside; \`keelson licenses\` prints it there.`,
  '',
].join('\n');

export const licensesText = (version: string, license: string, source: LicencesSource): LicencesOutput => {
  const own = ownLine(version, license);
  if (source.form === 'checkout') return { stdout: `${own}\n${CHECKOUT_NOTE}` };
  if (source.text !== null) return { stdout: `${own}\n${source.text.endsWith('\n') ? source.text : `${source.text}\n`}` };
  const problem =
    source.form === 'package'
      ? `the third-party licences (${source.file}) are missing from this install: reinstall keelson (npm install -g keelson), or rebuild it (npm run build)`
      : `this ${SINGLE_EXECUTABLE} holds no third-party licences (asset ${THIRD_PARTY_LICENSES}): rebuild it with npm run build:sea`;
  return { stdout: own, problem };
};
