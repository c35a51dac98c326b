import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyStore, defaultHostKeyStorePath, readKnownHostsFiles } from '../../src/host/host-key-store.js';
import { entryMatchesHost } from '../../src/host/known-hosts.js';

let dir: string;
let blob: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keelson-store-'));
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
  blob = Buffer.from((await readFile(join(dir, 'k.pub'), 'utf8')).split(' ')[1] ?? '', 'base64');
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('HostKeyStore', () => {
  it('creates its directory 0700 and file 0600 on first add, and reads the entry back', async () => {
    const store = new HostKeyStore(join(dir, 'cfg', 'keelson', 'known_hosts'));
    expect(await store.entries()).toEqual([]);
    await store.add('10.0.0.9', 2222, blob);
    await store.add('10.0.0.10', 22, blob);
    expect((await stat(join(dir, 'cfg', 'keelson'))).mode & 0o777).toBe(0o700);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    const entries = await store.entries();
    expect(entries).toHaveLength(2);
    expect(entries[0] && entryMatchesHost(entries[0], '10.0.0.9', 2222)).toBe(true);
    expect(entries[1] && entryMatchesHost(entries[1], '10.0.0.10', 22)).toBe(true);
  });

  it('tightens an existing store file to 0600', async () => {
    const path = join(dir, 'loose');
    await writeFile(path, '', { mode: 0o644 });
    await new HostKeyStore(path).add('h', 22, blob);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('defaults to $XDG_CONFIG_HOME/keelson/known_hosts, else ~/.config/keelson/known_hosts', () => {
    expect(defaultHostKeyStorePath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/op')).toBe('/x/cfg/keelson/known_hosts');
    expect(defaultHostKeyStorePath({}, '/home/op')).toBe('/home/op/.config/keelson/known_hosts');
    expect(defaultHostKeyStorePath({ XDG_CONFIG_HOME: 'relative' }, '/home/op')).toBe('/home/op/.config/keelson/known_hosts');
  });

  it('treats a missing known_hosts file as empty', async () => {
    expect(await readKnownHostsFiles([join(dir, 'absent')])).toEqual([]);
  });
});
