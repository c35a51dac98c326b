#!/usr/bin/env node
// @ts-check
// npm run build:sea: dist/keelson-linux-x64, keelson as one file for a host without Node (Node's single executable
// application): this Node's own binary with keelson (one CommonJS script, its main, with V8's code cache of it made
// at build time so that a start does not parse it all again), the bundled stacks and the licences of the packages
// inside it injected as assets (sea-config.mjs).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';
import { DIST_DIR, SINGLE_EXECUTABLE, singleExecutableBundleOptions } from './bundle-options.mjs';
import { seaConfig, seaWorkFiles } from './sea-config.mjs';
import { licencesOfBuild } from './third-party-licenses.mjs';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  process.stderr.write(`build:sea makes ${SINGLE_EXECUTABLE} from the running Node, and this one is ${process.platform}-${process.arch}: run it on linux-x64\n`);
  process.exit(1);
}
const root = fileURLToPath(new URL('../../', import.meta.url));
const work = join(root, DIST_DIR, 'sea');
const stacks = join(root, 'assets', 'stacks');
const output = join(root, DIST_DIR, SINGLE_EXECUTABLE);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const files = seaWorkFiles(work);
const { metafile } = await build({ ...singleExecutableBundleOptions(root, files.bundle), logLevel: 'warning' });
// The licences of the packages inside the executable, which a host that got only this one file has nowhere else.
writeFileSync(files.licences, licencesOfBuild(metafile, process.cwd()));

/** Every file under dir, as paths relative to it. */
const filesUnder = (/** @type {string} */ dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
const stackNames = readdirSync(stacks, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
writeFileSync(files.stackIndex, JSON.stringify(stackNames));

writeFileSync(files.config, JSON.stringify(seaConfig(work, stacks, filesUnder(stacks)), null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', files.config], { stdio: 'inherit' });

copyFileSync(process.execPath, output);
// The fuse every Node binary carries: it tells Node a blob was injected.
await inject(output, 'NODE_SEA_BLOB', readFileSync(files.blob), { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
rmSync(work, { recursive: true, force: true });
process.stdout.write(`keelson built into ${output} (${Math.round(statSync(output).size / 1048576)} MiB, Node ${process.version})\n`);
