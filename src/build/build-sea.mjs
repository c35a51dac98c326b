#!/usr/bin/env node
// @ts-check
// npm run build:sea: dist/keelson-linux-x64, keelson as one file for a host without Node (Node's single executable
// application): this Node's own binary with keelson (one CommonJS script, its main, with V8's code cache of it made
// at build time so that a start does not parse it all again) and the bundled stacks injected as assets.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';
import { DIST_DIR, SEA_BUNDLE, SEA_STACK_INDEX, SEA_STACKS, SINGLE_EXECUTABLE, singleExecutableBundleOptions } from './bundle-options.mjs';

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

await build({ ...singleExecutableBundleOptions(root, join(work, SEA_BUNDLE)), logLevel: 'warning' });

/** Every file under dir, as paths relative to it. */
const filesUnder = (/** @type {string} */ dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
const stackNames = readdirSync(stacks, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
writeFileSync(join(work, SEA_STACK_INDEX), JSON.stringify(stackNames));
/** @type {Record<string, string>} */
const assets = { [SEA_STACK_INDEX]: join(work, SEA_STACK_INDEX) };
for (const file of filesUnder(stacks)) assets[`${SEA_STACKS}/${relative(stacks, join(stacks, file))}`] = join(stacks, file);

const blob = join(work, 'keelson.blob');
const config = { main: join(work, SEA_BUNDLE), output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets };
writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: 'inherit' });

copyFileSync(process.execPath, output);
// The fuse every Node binary carries: it tells Node a blob was injected.
await inject(output, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
rmSync(work, { recursive: true, force: true });
process.stdout.write(`keelson built into ${output} (${Math.round(statSync(output).size / 1048576)} MiB, Node ${process.version})\n`);
