// The command keelson prints for the operator to run must work from where they are: `keelson` only when PATH finds
// this keelson; from a checkout the npm script; from a project that installed it, npx.
import { mkdtempSync, symlinkSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { detectKeelsonCommand, keelsonCommand, operatorCwd } from '../../src/cli/keelson-command.js';
import { ENTRY_POINT, PACKAGE_ROOT } from '../../src/cli/context.js';

describe('keelsonCommand', () => {
  it.each([
    [{ packageRoot: '/home/op/keelson', entry: '/srv/ops/node_modules/keelson/dist/keelson.js', cwd: '/home/op/keelson', onPath: false }, 'npm run keelson --'],
    [{ packageRoot: '/home/op/keelson', entry: '/srv/ops/node_modules/keelson/dist/keelson.js', cwd: '/home/op/keelson/assets', onPath: false }, 'npm run keelson --'],
    [{ packageRoot: '/home/op/keelson', entry: '/srv/ops/node_modules/keelson/dist/keelson.js', cwd: '/srv/work', onPath: false }, 'npm --prefix /home/op/keelson run keelson --'],
    [{ packageRoot: "/home/op/my keelson's", entry: '/srv/ops/node_modules/keelson/dist/keelson.js', cwd: '/srv', onPath: false }, "npm --prefix '/home/op/my keelson'\\''s' run keelson --"],
    [{ packageRoot: '/srv/ops/node_modules/keelson', entry: '/srv/ops/node_modules/keelson/dist/keelson.js', cwd: '/srv/ops/deploy', onPath: false }, 'npx keelson'],
    [{ packageRoot: '/srv/ops/node_modules/keelson', entry: '/srv/ops/node_modules/keelson/dist/keelson.js', cwd: '/tmp', onPath: false }, 'node /srv/ops/node_modules/keelson/dist/keelson.js'],
    [{ packageRoot: '/usr/lib/node_modules/keelson', entry: '/srv/ops/node_modules/keelson/dist/keelson.js', cwd: '/tmp', onPath: true }, 'keelson'],
    [{ packageRoot: '/home/op/keelson', entry: '/srv/ops/node_modules/keelson/dist/keelson.js', cwd: '/srv', onPath: true }, 'keelson'],
    [{ packageRoot: '/root', entry: '/root/keelson-linux-x64', cwd: '/srv', onPath: false, singleExecutable: true }, '/root/keelson-linux-x64'],
    [{ packageRoot: '/usr/local/bin', entry: '/usr/local/bin/keelson', cwd: '/srv', onPath: true, singleExecutable: true }, 'keelson'],
  ])('%j → %s', (invocation, expected) => {
    expect(keelsonCommand(invocation)).toBe(expected);
  });
});

describe('detectKeelsonCommand', () => {
  const pathWith = (target: string | null): string => {
    const bin = mkdtempSync(join(tmpdir(), 'keelson-path-'));
    if (target !== null) symlinkSync(target, join(bin, 'keelson'));
    return `${bin}:/usr/bin:/bin`;
  };

  it('says keelson when PATH finds this very keelson (npm link, a global install)', async () => {
    expect(await detectKeelsonCommand(PACKAGE_ROOT, ENTRY_POINT, '/tmp', { PATH: pathWith(join(PACKAGE_ROOT, 'src', 'cli', 'bin.mjs')) })).toBe('keelson');
  });

  it('in this checkout without it on PATH: the npm script, which really starts keelson from there', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'keelson-op-'));
    const command = await detectKeelsonCommand(PACKAGE_ROOT, ENTRY_POINT, elsewhere, { PATH: pathWith(null) });
    expect(command).toBe(`npm --prefix ${PACKAGE_ROOT} run keelson --`);
    const [npm = '', ...args] = `${command} --version`.split(' ');
    const r = await execa(npm, args, { cwd: elsewhere, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('does not take another program called keelson on PATH for this one', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'keelson-other-')), 'keelson');
    mkdirSync(join(other, '..'), { recursive: true });
    writeFileSync(other, '#!/bin/sh\necho not keelson\n');
    chmodSync(other, 0o755);
    expect(await detectKeelsonCommand(PACKAGE_ROOT, ENTRY_POINT, PACKAGE_ROOT, { PATH: pathWith(other) })).toBe('npm run keelson --');
  });
});

describe('operatorCwd', () => {
  it('is where `npm run keelson` was typed (INIT_CWD), not the package directory npm moved keelson to', () => {
    expect(operatorCwd({ npm_lifecycle_event: 'keelson', INIT_CWD: '/srv/work' }, '/home/op/keelson')).toBe('/srv/work');
    expect(operatorCwd({ npm_lifecycle_event: 'test', INIT_CWD: '/srv/work' }, '/home/op/keelson')).toBe('/home/op/keelson');
    expect(operatorCwd({}, '/srv/x')).toBe('/srv/x');
  });
});
