// sudo for real: two local accounts log in over the test sshd, one with passwordless sudo, one without any.
// Creates (and afterwards deletes) the accounts, so it runs only as root.

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { HostError } from '../../src/host/host-error.js';
import type { Host } from '../../src/host/host.js';
import { type TestSshd, startSshd } from '../support/sshd.js';
import { connectToTestSshd } from './ssh-fixture.js';
import { lockAccounts } from '../support/accounts-lock.js';
import { isRoot, itAsRoot } from '../support/root.js';

const SUDOER = 'keelson-t-sudo';
const PLAIN = 'keelson-t-plain';
const SUDOERS_FILE = '/etc/sudoers.d/keelson-test';

let sshd: TestSshd;
let dir: string;

async function addUser(name: string): Promise<void> {
  if ((await execa('id', [name], { reject: false })).exitCode !== 0) {
    await execa('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  }
  // sshd without PAM refuses accounts whose password field says "locked" (!); "*" means no password, not locked.
  await execa('usermod', ['-p', '*', name]);
}

describe('sudo over SSH (real accounts, real sudo)', () => {
  // Each test below is skipped (loudly, with the reason) when not root; the accounts are made only as root.
  let release = () => Promise.resolve();
  beforeAll(async () => {
    if (!isRoot) return;
    release = await lockAccounts();
    await addUser(SUDOER);
    await addUser(PLAIN);
    await writeFile(SUDOERS_FILE, `${SUDOER} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    await execa('visudo', ['-cf', SUDOERS_FILE]);
    sshd = await startSshd();
    dir = await mkdtemp(join(tmpdir(), 'keelson-sudo-'));
  }, 180_000);
  afterAll(async () => {
    if (!isRoot) return;
    await sshd.stop();
    await rm(SUDOERS_FILE, { force: true });
    for (const name of [SUDOER, PLAIN]) await execa('userdel', ['--remove', name], { reject: false });
    await rm(dir, { recursive: true, force: true });
    await release();
  });

  itAsRoot('runs every command through sudo -n for a non-root login', async () => {
    const host: Host = await connectToTestSshd(sshd, { username: SUDOER });
    try {
      expect(host.label).toBe(`ssh ${SUDOER}@127.0.0.1:${sshd.port} (sudo)`);
      expect((await host.run(['sh', '-c', 'id -u; echo "$SUDO_USER"'])).stdout).toBe(`0\n${SUDOER}\n`);
      // sudo -n -u for another user, through the same as-user script.
      const other = await host.run(['sh', '-c', 'id -un; echo "$XDG_RUNTIME_DIR"; pwd'], { asUser: PLAIN });
      const uid = (await execa('id', ['-u', PLAIN])).stdout;
      expect(other.stdout).toBe(`${PLAIN}\n/run/user/${uid}\n/home/${PLAIN}\n`);
      // Files land root-owned through sudo, atomically.
      await host.writeFile(join(dir, 'by-sudo'), 'x\n', { mode: 0o600, owner: 'root' });
      const info = await stat(join(dir, 'by-sudo'));
      expect([info.uid, info.mode & 0o7777]).toEqual([0, 0o600]);
      expect(await host.readFile(join(dir, 'by-sudo'))).toEqual({ kind: 'present', content: 'x\n' });
      // A timeout inside sudo still ends the root-owned processes.
      await expect(host.run(['sleep', '30'], { timeoutMs: 500 })).rejects.toMatchObject({ code: 'command-timeout' });
    } finally {
      await host.close();
    }
  });

  itAsRoot('says sudo needs a password, with a remedy, instead of hanging or returning exit 1', async () => {
    const host = await connectToTestSshd(sshd, { username: PLAIN });
    try {
      const error = await host.run(['true']).catch((e: unknown) => e as HostError);
      expect(error).toMatchObject({ code: 'sudo-needs-password' });
      expect((error as HostError).remedy).toMatch(/NOPASSWD/);
      await expect(host.readFile('/etc/hostname')).rejects.toMatchObject({ code: 'sudo-needs-password' });
      expect(await readFile('/etc/hostname', 'utf8')).not.toBe('');
    } finally {
      await host.close();
    }
  });
});
