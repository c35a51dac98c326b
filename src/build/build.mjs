#!/usr/bin/env node
// @ts-check
// npm run build (and prepack): keelson bundled into dist/, what the npm package runs. dist/keelson.js is the
// package's bin; the packages it uses are inside the bundle (the package has no dependencies to install), their
// licences beside it in THIRD-PARTY-LICENSES.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { entryPoints, MAN_PAGE, packageBundleOptions, THIRD_PARTY_LICENSES } from './bundle-options.mjs';
import { licencesOfBuild } from './third-party-licenses.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const entry = entryPoints(root).dist;
const dist = dirname(entry);

rmSync(dist, { recursive: true, force: true });
const { metafile } = await build({ ...packageBundleOptions(root, dist), logLevel: 'warning' });
chmodSync(entry, 0o755);
writeFileSync(join(dist, THIRD_PARTY_LICENSES), licencesOfBuild(metafile, process.cwd()));
// The manual page, from the program just built (package.json's man installs it with the package).
writeFileSync(join(dist, MAN_PAGE), execFileSync(process.execPath, [entry, 'man']));
process.stdout.write(`keelson built into ${dist}\n`);
