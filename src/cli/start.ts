// keelson's entry point (what esbuild bundles: the package's dist/keelson.js, a checkout's cached bundle, the single
// executable). `keelson --version` alone is answered here, with the version main.ts gives commander, before the
// command line's code is loaded at all; everything else, --help included, is commander's (main.ts).
import { KEELSON_VERSION } from '../engine/version.js';
import { ignoreClosedStdout } from './closed-pipe.js';

ignoreClosedStdout();

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${KEELSON_VERSION}\n`);
} else {
  void import('./main.js');
}
