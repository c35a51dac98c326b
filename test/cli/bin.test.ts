// The entry point as an operator starts it: from any directory, through the cached bundle of the sources, or
// through tsx when no bundle can be made — the same program either way.
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { packageRootOf } from '../../src/cli/context.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');
vi.setConfig({ testTimeout: 120_000 });

describe('src/cli/bin.mjs', () => {
  it('a reader that closes the pipe early (keelson --help | head) is no crash: exit 0, no stack trace, bundle and tsx', async () => {
    for (const env of [{}, { KEELSON_NO_BUNDLE: '1' }]) {
      for (const args of [['--help'], ['schema'], ['--version']]) {
        const child = execa('node', [BIN, ...args], { reject: false, env, stdin: 'ignore' });
        child.stdout.destroy();
        const r = await child;
        expect([args.join(' '), r.exitCode, r.stderr]).toEqual([args.join(' '), 0, '']);
      }
    }
  });

  it('runs the same commands from the bundle and through tsx, started outside the repository', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'keelson-cwd-'));
    const run = (args: string[], env: Record<string, string> = {}) => execa('node', [BIN, ...args], { cwd: elsewhere, reject: false, env: { HOME: elsewhere, ...env }, stdin: 'ignore' });
    const [bundledHelp, tsxHelp, bundledSchema, tsxSchema] = await Promise.all([
      run(['--help']),
      run(['--help'], { KEELSON_NO_BUNDLE: '1' }),
      run(['schema']),
      run(['schema'], { KEELSON_NO_BUNDLE: '1' }),
    ]);
    expect(bundledHelp.exitCode, bundledHelp.stderr).toBe(0);
    expect(bundledHelp.stdout).toContain('Usage: keelson');
    expect(bundledHelp.stdout).toBe(tsxHelp.stdout);
    expect(bundledSchema.exitCode, bundledSchema.stderr).toBe(0);
    expect(JSON.parse(bundledSchema.stdout)).toEqual(JSON.parse(tsxSchema.stdout));
    // The bundled stacks are found from the package, not the working directory.
    const missing = await run(['plan', '--stack', 'no-such-stack']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/cdr-link, demo/);
  });
});

describe('packageRootOf', () => {
  it('is three levels up from a source module, the directory above node_modules from the bundle, above dist/ in the package', () => {
    expect(packageRootOf('/opt/keelson/src/cli/context.ts')).toBe('/opt/keelson');
    expect(packageRootOf('/opt/keelson/node_modules/.cache/keelson/0123abcd/chunk-X.js')).toBe('/opt/keelson');
    expect(packageRootOf('/usr/lib/node_modules/keelson/dist/chunk-X.js')).toBe('/usr/lib/node_modules/keelson');
  });
});
