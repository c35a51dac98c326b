// This machine's accounts (passwd, group, subuid) are shared by test files that run in parallel: some create real
// users and groups, one compares every fact of a plan before and after a real change. Whoever changes accounts, or
// needs them to stand still, holds this lock (a directory, with the holder's pid so a crashed run's lock is taken over).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'keelson-test-accounts.lock');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Waits for the lock (at most `waitMs`), then returns its release. */
export const lockAccounts = async (waitMs = 170_000): Promise<() => Promise<void>> => {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await mkdir(LOCK);
      await writeFile(join(LOCK, 'pid'), String(process.pid));
      return () => rm(LOCK, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(await readFile(join(LOCK, 'pid'), 'utf8').catch(() => ''));
    if (holder > 0 && !alive(holder)) await rm(LOCK, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`${LOCK} is still held by process ${holder || '?'}: another test run changing this machine's accounts? Remove the directory if no test runs.`);
    else await new Promise((r) => setTimeout(r, 200));
  }
};
