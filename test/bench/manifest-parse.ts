// CPU time to parse the bundled demo manifest (YAML, then the schema with its cross-checks). Not a test: a
// measurement (it was a timed assertion, which a busy machine could fail: vitest's worker threads share one
// process's CPU clock). Run: npx tsx test/bench/manifest-parse.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import { bundledManifestPath, bundledStacksDir } from '../../src/manifest/resolve-stack.js';

const text = readFileSync(bundledManifestPath(bundledStacksDir(fileURLToPath(new URL('../../', import.meta.url))), 'demo'), 'utf8');
for (let i = 0; i < 5; i++) parseManifest(text, 'demo');
const runs = 50;
const before = process.cpuUsage();
for (let i = 0; i < runs; i++) parseManifest(text, 'demo');
const used = process.cpuUsage(before);
process.stdout.write(`demo manifest parse: ${((used.user + used.system) / 1000 / runs).toFixed(2)} ms CPU per parse (${runs} runs)\n`);
