// The volume archive executors on this machine for real (root, tar, sha256sum, runuser), with Podman a small stand-in
// that answers `volume inspect` with a directory and `volume export` with a tar of it (`unshare` runs its command
// as is): an export is read back before it counts, a garbled one never looks finished, a restore empties the volume
// and extracts the archive (again, when re-run), and refuses an archive that does not match its sha256 without
// touching the volume. Rootless, the owner ("nobody" here) only gets the archive on a pipe: root's 0600 file in a
// root-only directory is never opened by it. That real Podman exports and `podman unshare` maps the owners back is
// proven on the test VM (test/e2e/upgrade.e2e.test.ts).
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorContext } from '../../src/apply/executor.js';
import { podmanVolumeExport, podmanVolumeRestore } from '../../src/apply/executors/volume-archive.js';
import { Journal } from '../../src/apply/journal.js';
import type { Scope } from '../../src/engine/action.js';
import { createLocalHost } from '../../src/host/local-host.js';

const system: Scope = { scope: 'system' };
const nobody: Scope = { scope: 'user', user: 'nobody' };
let root: string;
let volumes: string;
let backups: string;
let ctx: ExecutorContext;
const oldPath = process.env.PATH;

const fakePodman = (dir: string) => `#!/bin/sh
for v; do :; done
case "$1 $2" in
  "volume inspect") printf '%s\\n' "${dir}/$v" ;;
  "volume export") if [ "$v" = garbled ]; then printf 'not a tar archive'; else tar -cf - -C "${dir}/$v" .; fi ;;
  unshare*) shift; exec "$@" ;;
  *) exit 2 ;;
esac
`;

/** Every file under dir with its content, sorted: what a volume holds. */
const contents = async (dir: string): Promise<string[]> => {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return (await Promise.all(names.map(async (n) => `${n.slice(dir.length + 1)}=${await readFile(n, 'utf8')}`))).sort();
};

const makeVolume = async (name: string, owner?: number) => {
  const v = join(volumes, name);
  await mkdir(join(v, 'sub'), { recursive: true });
  await writeFile(join(v, 'index.html'), '<h1>1.1</h1>\n');
  await writeFile(join(v, 'sub', 'b.txt'), 'b\n');
  if (owner !== undefined) for (const p of [v, join(v, 'sub'), join(v, 'index.html'), join(v, 'sub', 'b.txt')]) await chown(p, owner, owner);
  return v;
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-volumes-'));
  volumes = join(root, 'volumes');
  backups = join(root, 'data', 'keelson-backups');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(volumes);
  await writeFile(join(root, 'bin', 'podman'), fakePodman(volumes), { mode: 0o755 });
  // nobody may walk to its volume and run the stand-in; the backups stay root's.
  await chmod(root, 0o755);
  process.env.PATH = `${join(root, 'bin')}:${oldPath ?? ''}`;
  const host = createLocalHost();
  ctx = { host, journal: new Journal(host, 'r1'), index: 0, runId: 'r1', secretAnswers: {} };
});
afterAll(async () => {
  process.env.PATH = oldPath;
  await rm(root, { recursive: true, force: true });
});

describe('podman.volume-export', () => {
  it('writes the archive (0600 root), read back, with a sha256 that checks; a re-run finds it done', async () => {
    await makeVolume('content');
    const file = join(backups, 'demo-r1', 'content.tar');
    const a = { kind: 'podman.volume-export', description: 'x', target: system, volume: 'content', file } as const;
    expect(await podmanVolumeExport(a, ctx)).toBe('done');
    expect((await readdir(join(backups, 'demo-r1'))).sort()).toEqual(['content.tar', 'content.tar.sha256']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' })).toContain('./sub/b.txt');
    expect(execFileSync('sha256sum', ['-c', 'content.tar.sha256'], { cwd: join(backups, 'demo-r1'), encoding: 'utf8' })).toBe('content.tar: OK\n');
    expect(await podmanVolumeExport(a, ctx)).toBe('skipped');
  });

  it('an archive tar cannot read fails the export: no archive and no sha256, so it never looks finished', async () => {
    await mkdir(join(volumes, 'garbled'), { recursive: true });
    const file = join(backups, 'demo-r1', 'garbled.tar');
    await expect(podmanVolumeExport({ kind: 'podman.volume-export', description: 'x', target: system, volume: 'garbled', file }, ctx)).rejects.toThrow(/tar/);
    expect((await readdir(join(backups, 'demo-r1'))).filter((n) => n.startsWith('garbled'))).toEqual(['garbled.tar.part']);
  });
});

describe('podman.volume-restore', () => {
  const exported = async (name: string, scope: Scope, owner?: number) => {
    const v = await makeVolume(name, owner);
    const file = join(backups, 'demo-r2', `${name}.tar`);
    await podmanVolumeExport({ kind: 'podman.volume-export', description: 'x', target: scope, volume: name, file }, ctx);
    const before = await contents(v);
    // What the broken version did to the volume: a marker, a changed page, a new directory.
    await writeFile(join(v, 'broken-1.2.txt'), 'broken');
    await writeFile(join(v, 'index.html'), '<h1>1.2</h1>\n');
    await mkdir(join(v, 'new', 'deep'), { recursive: true });
    // Rootless, the owner's containers wrote them: its files.
    if (owner !== undefined) for (const p of ['broken-1.2.txt', 'index.html', 'new', 'new/deep']) await chown(join(v, p), owner, owner);
    return { v, file, before, restore: { kind: 'podman.volume-restore', description: 'x', target: scope, volume: name, file } as const };
  };

  it('rootful: empties the volume and extracts the archive; a re-run converges to the same', async () => {
    const { v, before, restore } = await exported('rootful', system);
    expect(await podmanVolumeRestore(restore, ctx)).toBe('done');
    expect(await contents(v)).toEqual(before);
    expect(await readdir(v)).not.toContain('new');
    expect(await podmanVolumeRestore(restore, ctx)).toBe('done');
    expect(await contents(v)).toEqual(before);
  });

  it('rootless: the owner restores from a pipe; it could not open root\'s archive itself', async () => {
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    const { v, file, before, restore } = await exported('rootless', nobody, uid);
    expect(() => execFileSync('runuser', ['-u', 'nobody', '--', 'cat', file], { stdio: 'pipe' })).toThrow();
    expect(await podmanVolumeRestore(restore, ctx)).toBe('done');
    expect(await contents(v)).toEqual(before);
    expect((await stat(join(v, 'index.html'))).uid).toBe(uid);
  });

  it('an archive that does not match its sha256 (or is gone) is refused, naming the file; the volume is not touched', async () => {
    const { v, file, restore } = await exported('tampered', system);
    await writeFile(file, 'x', { flag: 'a' });
    const broken = await contents(v);
    await expect(podmanVolumeRestore(restore, ctx)).rejects.toThrow(`${file} (the backup of volume tampered) is missing or does not match ${file}.sha256: the volume was not touched`);
    expect(await contents(v)).toEqual(broken);
    await rm(file);
    await expect(podmanVolumeRestore(restore, ctx)).rejects.toThrow(file);
  });
});
