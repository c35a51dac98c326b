// A skipped test is listed loudly with its reason, and fails the run under CI=1: a real vitest run over a fixture file
// with one skipped test, and the suite's own config wired to the same reporter.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import suite from '../../vitest.config.js';
import e2e from '../../vitest.e2e.config.js';

const dir = join(import.meta.dirname, 'skip-fixture');
const vitest = (env: Record<string, string>) =>
  execa(process.execPath, [join(import.meta.dirname, '../../node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.ts'], {
    cwd: dir,
    reject: false,
    env: { ...env, CI: env.CI ?? '' },
    extendEnv: true,
  });

describe('skipped tests', () => {
  it('are listed with why, and pass the run on a developer machine', async () => {
    const r = await vitest({ CI: '' });
    expect(r.stderr).toContain('!!! 1 test was SKIPPED');
    expect(r.stderr).toContain('skipped.fixture.ts > is skipped with a reason\n      why: needs something this machine lacks');
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it('fail the run under CI=1', async () => {
    const r = await vitest({ CI: '1' });
    expect(r.stderr).toContain('!!! CI=1: a skipped test fails the run.');
    expect(r.exitCode).toBe(1);
  }, 120_000);

  it('the suite and the end-to-end scenarios both report through it', () => {
    for (const config of [suite, e2e]) expect(config.test?.reporters).toEqual(['default', './test/support/skip-reporter.ts']);
  });
});
