// @ts-check
// How keelson's sources become JavaScript, in one place: the start-up bundle of a checkout (src/cli/bin.mjs), the
// package's dist/ (npm run build) and the single executable all compile the same entry with the same settings.
import { join } from 'node:path';
import { seaCommonJsPlugins } from './sea-commonjs-plugins.mjs';

/** The name of the entry point's output file (dist/keelson.js, node_modules/.cache/keelson/<hash>/keelson.js). */
export const ENTRY_NAME = 'keelson';
/** The package's built directory, under the package's root (package.json's bin and files name it too). */
export const DIST_DIR = 'dist';
/** The manual page's file in DIST_DIR (package.json's man names it too). */
export const MAN_PAGE = 'keelson.1';
/** In the single executable: every file of assets/stacks/ as an asset under this directory name, and their names. */
export const SEA_STACKS = 'stacks';
export const SEA_STACK_INDEX = 'stacks.json';

/**
 * The two ways this package starts, each a file under the package's root: the built package's bin, and a checkout's
 * entry that bundles the sources on its first start.
 * @param {string} root
 */
export const entryPoints = (root) => ({ dist: join(root, DIST_DIR, `${ENTRY_NAME}.js`), checkout: join(root, 'src', 'cli', 'bin.mjs') });

/**
 * esbuild's options for keelson's own sources, as a checkout's start-up bundle has them (src/cli/bin.mjs): packages
 * stay external (node_modules is there), the commands stay lazily loaded chunks, so `--version` and the wizard's
 * first frame do not load the other commands.
 * @param {string} root the package's directory
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions & { outdir: string }}
 */
export const bundleOptions = (root, outdir) => ({
  entryPoints: { [ENTRY_NAME]: join(root, 'src', 'cli', 'start.ts') },
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

/** The single executable's file name in DIST_DIR: the platform Node's single executables are built for here. */
export const SINGLE_EXECUTABLE = 'keelson-linux-x64';
/** The single executable's start-up script: keelson, bundled with every package, as CommonJS (its main). */
export const SEA_BUNDLE = 'keelson.cjs';
/** The licences of the packages bundled into DIST_DIR, beside them (src/build/third-party-licenses.mjs). */
export const THIRD_PARTY_LICENSES = 'THIRD-PARTY-LICENSES';

/** React's devtools client is what Ink loads only under DEV=true: a stub, so nothing outside is imported. */
const noReactDevtools = {
  name: 'no-react-devtools',
  /** @param {import('esbuild').PluginBuild} b */
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'keelson-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'keelson-stub' }, () => ({ contents: 'export default { connectToDevTools() {} };', loader: 'js' }));
  },
};

/**
 * What the package's dist/ and the single executable share: every package inside the bundle, minified. Only node's
 * own modules stay outside; ssh2's optional native parts stay out too, and ssh2 uses its JavaScript ones, as it
 * does wherever they are missing. React in its production build, as NODE_ENV=production would choose (a third of
 * the bytes to compile, and no development checks at every render). yoga-layout starts synchronously
 * (sea-commonjs-plugins.mjs): otherwise it fetches its own WebAssembly from a data: URL, which loads undici first.
 * @param {string} root
 */
const withPackages = (root) => {
  const { outdir: _outdir, entryPoints: _entries, ...common } = bundleOptions(root, '');
  return {
    ...common,
    entryPoints: [join(root, 'src', 'cli', 'start.ts')],
    packages: /** @type {const} */ ('bundle'),
    minify: true,
    external: ['*.node', 'cpu-features'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [...seaCommonJsPlugins, noReactDevtools],
  };
};

/**
 * For the npm package's dist/: ES modules with every package inside (no node_modules to resolve hundreds of small
 * files from at every start: that was most of the wizard's first frame), the commands still lazily loaded chunks.
 * The banner gives the bundled CommonJS packages what ES modules lack (require, __filename, __dirname), and the
 * entry its interpreter line. The metafile names the bundled packages, for their licences.
 * @param {string} root
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions & { outdir: string, metafile: true }}
 */
export const packageBundleOptions = (root, outdir) => ({
  ...withPackages(root),
  entryPoints: { [ENTRY_NAME]: join(root, 'src', 'cli', 'start.ts') },
  outdir,
  splitting: true,
  format: 'esm',
  metafile: true,
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __keelsonRequire } from 'node:module'; import { fileURLToPath as __keelsonPath } from 'node:url';",
      "const require = __keelsonRequire(import.meta.url), __filename = __keelsonPath(import.meta.url), __dirname = __keelsonPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
});

/**
 * For the single executable: one CommonJS script, as there is no node_modules beside it, and CommonJS so that the
 * executable holds V8's compiled code of it (useCodeCache; see sea-commonjs-plugins.mjs). The metafile names the
 * bundled packages, for their licences (an asset of the executable).
 * @param {string} root
 * @param {string} outfile
 * @returns {import('esbuild').BuildOptions & { metafile: true }}
 */
export const singleExecutableBundleOptions = (root, outfile) => ({
  ...withPackages(root),
  outfile,
  splitting: false,
  format: 'cjs',
  metafile: true,
  // The executable's require loads node's own modules only, and warns at any other name: ssh2 asks for its
  // optional native part (cpu-features), which is not there, as it is not on many hosts. Not found, silently, and
  // never looked for on the host's disk (a node_modules planted beside the executable is not loaded).
  banner: {
    js: [
      'require = ((req) => (id) => {',
      "  if (req('node:module').isBuiltin(id)) return req(id);",
      "  throw Object.assign(new Error(`Cannot find module '${id}' (keelson-linux-x64 loads only node's own modules)`), { code: 'MODULE_NOT_FOUND' });",
      '})(require);',
    ].join(' '),
  },
  // import.meta is empty in CommonJS: keelson reads it only outside the executable (context.ts), yoga-layout only
  // for a path it does not use there.
  logOverride: { 'empty-import-meta': 'silent' },
});
