// Time from process start to the wizard's first frame, in a real pseudo-terminal (script(1)), the way an
// operator starts it: `node src/cli/bin.mjs`. The first run after a source change bundles the sources (esbuild,
// cached under node_modules/.cache/keelson), so it is reported apart; KEELSON_NO_BUNDLE=1 measures the tsx path.
// Not a test: a measurement. Run: npx tsx test/bench/wizard-first-frame.ts [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstFrameMs } from './first-frame.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const runs = Number(process.argv[2] ?? '5');
const once = (home: string): Promise<number> => firstFrameMs(['node', 'src/cli/bin.mjs'], root, home);

const home = mkdtempSync(join(tmpdir(), 'keelson-bench-'));
try {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once(home));
  const [first, ...rest] = times;
  const sorted = [...rest].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const fmt = (ms: number | undefined) => (ms === undefined ? '-' : `${Math.round(ms)} ms`);
  process.stdout.write(`wizard first frame (process start → Welcome drawn), ${runs} runs\n`);
  process.stdout.write(`  first run: ${fmt(first)}\n  later runs: median ${fmt(median)}, min ${fmt(sorted[0])}, max ${fmt(sorted.at(-1))}\n`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
