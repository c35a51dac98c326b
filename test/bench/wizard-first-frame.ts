// Time from process start to the wizard's first frame, in a real pseudo-terminal (script(1)), the way an
// operator starts it: `node src/cli/bin.mjs`. The first run after a source change bundles the sources (esbuild,
// cached under node_modules/.cache/keelson), so it is reported apart; KEELSON_NO_BUNDLE=1 measures the tsx path.
// Not a test: a measurement. Run: npx tsx test/bench/wizard-first-frame.ts [runs]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const runs = Number(process.argv[2] ?? '5');

const once = (home: string): Promise<number> =>
  new Promise((ok, fail) => {
    const started = performance.now();
    // script gives the child a terminal (the wizard refuses to start without one); 80x24 like the tmux test.
    const child = spawn('script', ['-qfec', 'stty cols 80 rows 24; exec node src/cli/bin.mjs', '/dev/null'], {
      cwd: root,
      env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`no first frame within 120 s; output so far:\n${seen}`));
    }, 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const text = stripVTControlCharacters(seen);
      if (text.includes('Welcome') && text.includes('q quit')) {
        const ms = performance.now() - started;
        clearTimeout(timer);
        child.stdin.write('q');
        setTimeout(() => child.kill('SIGTERM'), 2_000).unref();
        ok(ms);
      }
    });
  });

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
