#!/usr/bin/env node
// @ts-check
// npm run build (and prepack): keelson's sources bundled into dist/, what the npm package runs. dist/keelson.js is
// the package's bin; the packages it imports are the package's dependencies, installed beside it by npm.
import { chmodSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions, entryPoints } from './bundle-options.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const entry = entryPoints(root).dist;
const dist = dirname(entry);

rmSync(dist, { recursive: true, force: true });
// Every chunk starts with the interpreter line: harmless in a module, and the entry needs it to run as `keelson`.
await build({ ...bundleOptions(root, dist), banner: { js: '#!/usr/bin/env node' }, logLevel: 'warning' });
chmodSync(entry, 0o755);
process.stdout.write(`keelson built into ${dist}\n`);
