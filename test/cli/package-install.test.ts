// The npm package as an operator gets it: `npm pack` (prepack builds dist/), the tarball installed with
// `npm install -g --prefix` into a directory of its own, and the installed keelson started from another directory,
// with no source tree near it and no write access to the install: --version and schema as an unprivileged user
// (nobody), the plan of the demo stack for this machine as root with the install mounted read-only.
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { planSchema } from '../../src/engine/plan.js';
import { KEELSON_VERSION } from '../../src/engine/version.js';
import { lockAccounts } from '../support/accounts-lock.js';
import { isRoot, itAsRoot } from '../support/root.js';

const root = join(import.meta.dirname, '../..');
const CHECKOUT_BIN = join(root, 'src/cli/bin.mjs');
// npm pack builds; npm install unpacks one package.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

let work: string | undefined;
let prefix: string;
let elsewhere: string;
const installed = () => join(prefix, 'bin', 'keelson');
const PATH = () => `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`;

/** The installed keelson as nobody: it can read the install, and write nothing of it. */
const asNobody = (args: string[]) =>
  execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', installed(), ...args], {
    cwd: elsewhere,
    reject: false,
    stdin: 'ignore',
    env: { PATH: PATH(), HOME: elsewhere },
    extendEnv: false,
  });

/** The installed keelson as root, in a mount namespace of its own where the install is read-only. */
const asRootReadOnly = (args: string[]) =>
  execa('unshare', ['-m', 'sh', '-c', 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"', 'sh', prefix, installed(), ...args], {
    cwd: elsewhere,
    reject: false,
    stdin: 'ignore',
    env: { PATH: PATH(), HOME: elsewhere },
    extendEnv: false,
  });

beforeAll(async () => {
  if (!isRoot) return;
  const dir = await mkdtemp(join(tmpdir(), 'keelson-pack-'));
  work = dir;
  prefix = join(dir, 'prefix');
  elsewhere = join(dir, 'elsewhere');
  await mkdir(elsewhere);
  await chown(elsewhere, 65534, 65534);
  await execa('npm', ['pack', '--pack-destination', dir], { cwd: root });
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  expect(tarball, 'npm pack made no tarball').toBeDefined();
  await execa('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball ?? '')], { cwd: dir });
  // mkdtemp's 0700 would keep nobody out of everything, not just out of writing.
  await chmod(dir, 0o755);
});

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the packed and installed npm package', () => {
  itAsRoot('holds what an operator needs and nothing else: dist (the packages inside, their licences beside), the bundled stacks, the licence, README', async () => {
    const pkg = join(prefix, 'lib', 'node_modules', 'keelson');
    // No node_modules: the packages keelson uses are bundled, so npm installs nothing beside it (no build tool either).
    expect((await readdir(pkg)).sort()).toEqual(['LICENSE', 'README.md', 'assets', 'dist', 'package.json']);
    expect((await readdir(join(pkg, 'assets', 'stacks'))).sort()).toEqual(['cdr-link', 'demo']);
    // The manual page where man finds it for this prefix, and the one the installed keelson prints.
    const page = await readFile(join(prefix, 'share', 'man', 'man1', 'keelson.1'), 'utf8');
    expect(page).toBe((await asNobody(['man'])).stdout + '\n');
    // Each bundled package's licence, at the exact version of the lockfile (the one keelson was tested with).
    const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const licences = await readFile(join(pkg, 'dist', 'THIRD-PARTY-LICENSES'), 'utf8');
    for (const name of ['ink', 'react', 'zod', 'ssh2', 'yaml']) {
      expect(licences).toContain(`\n${name} ${lock.packages[`node_modules/${name}`]?.version ?? 'missing from the lockfile'} (`);
    }
    expect(licences).toContain('Permission is hereby granted');
    // keelson licenses prints that very file after keelson's own line, as a user who cannot write the install.
    const printed = await asNobody(['licenses']);
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^keelson \S+ is licensed under AGPL-3.0-or-later /);
    expect(printed.stdout.endsWith(licences.trimEnd())).toBe(true);
  });

  itAsRoot('runs --version and schema from another directory as a user who cannot write the install', async () => {
    const [version, schema, checkoutSchema] = await Promise.all([
      asNobody(['--version']),
      asNobody(['schema']),
      execa('node', [CHECKOUT_BIN, 'schema'], { cwd: elsewhere }),
    ]);
    expect(version.exitCode, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(KEELSON_VERSION);
    expect(schema.exitCode, schema.stderr).toBe(0);
    expect(JSON.parse(schema.stdout)).toEqual(JSON.parse(checkoutSchema.stdout));
  });

  itAsRoot("plans the bundled demo stack for this machine from a read-only install, with the checkout's verdict", async () => {
    const release = await lockAccounts();
    try {
      const [fromPackage, fromCheckout] = await Promise.all([
        asRootReadOnly(['plan', '--stack', 'demo', '--json']),
        execa('node', [CHECKOUT_BIN, 'plan', '--stack', 'demo', '--json'], { cwd: elsewhere, reject: false, stdin: 'ignore' }),
      ]);
      // 0 (a plan) or 3 (blockers): whichever this machine deserves, the same from both.
      expect([0, 3], fromPackage.stderr).toContain(fromPackage.exitCode);
      expect(fromPackage.exitCode).toBe(fromCheckout.exitCode);
      const [a, b] = [fromPackage, fromCheckout].map((r) => planSchema.parse(JSON.parse(r.stdout)));
      expect(a?.stack.name).toBe('demo');
      expect(a?.blocked).toBe(fromPackage.exitCode === 3);
      // Every step's findings and actions alike; not the facts' hash, as the read-only mount is itself a fact (/home's).
      const verdict = (p: typeof a) => ({ blocked: p?.blocked, blockerCount: p?.blockerCount, steps: p?.steps });
      expect(verdict(a)).toEqual(verdict(b));
    } finally {
      await release();
    }
  });

  itAsRoot('refuses a missing stack naming the bundled ones, found from the install and not the working directory', async () => {
    const r = await asNobody(['plan', '--stack', 'no-such-stack']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bundled stacks: cdr-link, demo/);
  });
});
