// npm run bench:startup: how fast keelson starts, three ways, median of 10 each at the machine's load (a
// measurement for the notes, not a timed test): `keelson --version`, and the wizard's first frame (Welcome drawn in
// a real pseudo-terminal). Before: a checkout's src/cli/bin.mjs (its cached bundle of the sources). After: the npm
// package, packed and installed into a temporary prefix; and the single executable (npm run build:sea). Each line
// also gives `node -e 0` measured just before it, the floor no way of starting a Node program gets under at that load.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstFrameMs, median } from './first-frame.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const RUNS = Number(process.argv[2] ?? '10');
const work = mkdtempSync(join(tmpdir(), 'keelson-bench-startup-'));
const elsewhere = mkdtempSync(join(work, 'cwd-'));

const versionMs = (argv: readonly string[]): number => {
  const t0 = performance.now();
  execFileSync(argv[0] ?? '', argv.slice(1), { cwd: elsewhere, stdio: ['ignore', 'pipe', 'inherit'] });
  return performance.now() - t0;
};

const installedPackage = (): string => {
  execFileSync('npm', ['pack', '--pack-destination', work], { cwd: root, stdio: 'ignore' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz')) ?? '';
  const prefix = join(work, 'prefix');
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], { stdio: 'ignore' });
  return join(prefix, 'bin', 'keelson');
};

const singleExecutable = (): string => {
  const file = join(root, 'dist', 'keelson-linux-x64');
  if (!existsSync(file)) execFileSync('npm', ['run', 'build:sea'], { cwd: root, stdio: 'ignore' });
  return file;
};

try {
  const ways: [string, string[]][] = [
    ['checkout (node src/cli/bin.mjs)', [process.execPath, join(root, 'src', 'cli', 'bin.mjs')]],
    ['npm package (installed)', [installedPackage()]],
    ['single executable', [singleExecutable()]],
  ];
  process.stdout.write(`keelson start-up, median of ${RUNS} (after one warm-up run each), load ${(await import('node:os')).loadavg()[0]?.toFixed(2) ?? '?'}\n`);
  for (const [name, argv] of ways) {
    versionMs([...argv, '--version']);
    const version = Array.from({ length: RUNS }, () => versionMs([...argv, '--version']));
    const floor = Array.from({ length: RUNS }, () => versionMs([process.execPath, '-e', '0']));
    const home = mkdtempSync(join(work, 'home-'));
    await firstFrameMs(argv, elsewhere, home);
    const frames: number[] = [];
    for (let i = 0; i < RUNS; i++) frames.push(await firstFrameMs(argv, elsewhere, home));
    process.stdout.write(`  ${name.padEnd(34)} --version ${Math.round(median(version))} ms   wizard first frame ${Math.round(median(frames))} ms   (node -e 0: ${Math.round(median(floor))} ms)\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
