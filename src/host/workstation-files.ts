// The operator's own files (manifests, answers, saved plans). Kept apart from Host: these never touch the target.
import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

export const readWorkstationText = async (path: string): Promise<string | null> => {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/** Atomic like the Host's write: a crash never leaves half a plan or answers file behind. */
export const writeWorkstationFile = async (path: string, content: string, mode = 0o644): Promise<void> => {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
};

/** Names of the subdirectories of dir (empty when dir is missing). */
export const listWorkstationDirs = async (dir: string): Promise<string[]> => {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
};

export interface WorkstationStat {
  readonly kind: 'file' | 'dir' | 'other';
  /** Permission bits, e.g. 0o600. */
  readonly mode: number;
  readonly uid: number;
}

/** What is at path (following symlinks), or null when nothing is. */
export const statWorkstationPath = async (path: string): Promise<WorkstationStat | null> => {
  try {
    const s = await stat(path);
    return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other', mode: s.mode & 0o7777, uid: s.uid };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/** Where `name` would run from through PATH (symlinks resolved), as a shell finds it; null when it is not there. */
export const findOnPath = async (name: string, pathEnv: string | undefined): Promise<string | null> => {
  for (const dir of (pathEnv ?? '').split(':').filter((d) => d.startsWith('/'))) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return await realpath(candidate);
    } catch {
      // not here, or not executable: the next directory
    }
  }
  return null;
};
