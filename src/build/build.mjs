#!/usr/bin/env node
// @ts-check
// npm run build (and prepack): keelson's sources bundled into dist/, what the npm package runs. dist/keelson.js is
// the package's bin; the packages it imports are the package's dependencies, installed beside it by npm.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions, entryPoints, MAN_PAGE } from './bundle-options.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const entry = entryPoints(root).dist;
const dist = dirname(entry);

rmSync(dist, { recursive: true, force: true });
// Every chunk starts with the interpreter line: harmless in a module, and the entry needs it to run as `keelson`.
await build({ ...bundleOptions(root, dist), banner: { js: '#!/usr/bin/env node' }, logLevel: 'warning' });
chmodSync(entry, 0o755);
// The manual page, from the program just built (package.json's man installs it with the package).
writeFileSync(join(dist, MAN_PAGE), execFileSync(process.execPath, [entry, 'man']));
process.stdout.write(`keelson built into ${dist}\n`);
