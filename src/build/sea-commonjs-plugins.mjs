// @ts-check
// The single executable runs keelson as CommonJS, so that Node can keep V8's compiled code of it in the executable
// (sea-config's useCodeCache, for a CommonJS main only): parsing the whole bundle at every start was most of its
// start-up. Two packages keelson bundles there use top-level await, which CommonJS cannot have; these esbuild
// plugins give each a synchronous start instead, and fail the build when the text they rewrite has changed (a new
// version of the package: look at it again rather than ship a silently unpatched bundle).
// The package's dist/ (ES modules, where top-level await is allowed) uses them too: yoga's synchronous start spares
// it the fetch of a data: URL, which would load undici before the first frame.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * @param {string} path
 * @param {string} text
 * @param {string} from
 * @param {string} to
 */
const replaceOnce = (path, text, from, to) => {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${path}: expected exactly one "${from}" to rewrite for the single executable's CommonJS; the package changed, see src/build/sea-commonjs-plugins.mjs`);
  return text.slice(0, at) + to + text.slice(at + from.length);
};

const YOGA_WASM = /H="data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/;

/** @param {string} path yoga-layout's Emscripten module */
const yogaWasm = (path) => {
  const found = YOGA_WASM.exec(readFileSync(path, 'utf8'));
  if (found?.[1] === undefined) throw new Error(`${path}: its WebAssembly was not found; see src/build/sea-commonjs-plugins.mjs`);
  return found[1];
};

/**
 * yoga-layout awaits its WebAssembly (`wrapAssembly(await loadYoga())`). Emscripten's module lets the embedder
 * instantiate the WebAssembly itself (instantiateWasm): done synchronously here, its start completes in the call,
 * and Yoga is ready when the module is. The bytes are the ones yoga-layout embeds (moved, not copied).
 * @type {import('esbuild').Plugin}
 */
const yogaWithoutAwait = {
  name: 'yoga-without-await',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[/\\]dist[/\\]binaries[/\\]yoga-wasm-base64-esm\.js$/ }, ({ path }) => {
      yogaWasm(path);
      return { contents: readFileSync(path, 'utf8').replace(YOGA_WASM, 'H=""'), loader: 'js' };
    });
    b.onLoad({ filter: /yoga-layout[/\\]dist[/\\]src[/\\]index\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const start = [
        'const __keelsonYoga = {',
        '  instantiateWasm(imports, ready) {',
        '    ready(new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(__keelsonYogaWasm(), "base64")), imports));',
        '    return {};',
        '  },',
        '};',
        'loadYoga(__keelsonYoga);',
        'if (__keelsonYoga.calledRun !== true) throw new Error("yoga-layout did not start synchronously");',
        'const Yoga = wrapAssembly(__keelsonYoga);',
      ].join('\n');
      const contents = replaceOnce(path, text, 'const Yoga = wrapAssembly(await loadYoga());', start);
      const wasm = yogaWasm(join(dirname(path), '..', 'binaries', 'yoga-wasm-base64-esm.js'));
      return { contents: `${contents}\nfunction __keelsonYogaWasm() { return ${JSON.stringify(wasm)}; }\n`, loader: 'js' };
    });
  },
};

/**
 * Ink awaits two things only under DEV=true: React's devtools (already a stub in the executable) and its own
 * package.json for them. Without the awaits, DEV=true connects no devtools, as the stub would not either.
 * @type {import('esbuild').Plugin}
 */
const inkWithoutAwait = {
  name: 'ink-without-await',
  setup(b) {
    b.onLoad({ filter: /ink[/\\]build[/\\]reconciler\.js$/ }, ({ path }) => {
      let text = readFileSync(path, 'utf8');
      text = replaceOnce(path, text, "await import('./devtools.js');", "void 0;");
      text = replaceOnce(path, text, '? await loadPackageJson()', '? { name: undefined, version: undefined }');
      return { contents: text, loader: 'js' };
    });
  },
};

export const seaCommonJsPlugins = [yogaWithoutAwait, inkWithoutAwait];
