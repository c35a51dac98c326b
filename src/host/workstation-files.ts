// The operator's own files (manifests, answers, saved plans). Kept apart from Host: these never touch the target.
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dirname, join, basename } from 'node:path';

/** A file the operator gave that is not UTF-8 text: a usage error, named by its path. */
export class NotUtf8TextError extends Error {
  readonly path: string;
  constructor(path: string, bytes: Uint8Array) {
    // UTF-16 starts with a byte-order mark (FF FE or FE FF), which is never UTF-8: the likely mistake, said first.
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    super(utf16
      ? `${path} is not UTF-8 text (it looks like UTF-16): save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8`
      : `${path} is not valid UTF-8 text: save it as UTF-8`);
    this.name = 'NotUtf8TextError';
    this.path = path;
  }
}

// Fatal: a byte that is not UTF-8 is refused here, where the bytes are, rather than turned into U+FFFD (which is
// also a character a valid file may hold, so the text alone cannot tell the two apart).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file's text, null when it does not exist; throws NotUtf8TextError when it is not UTF-8. */
export const readWorkstationText = async (path: string): Promise<string | null> => {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new NotUtf8TextError(path, bytes);
  }
};

/** Atomic like the Host's write: a crash never leaves half a plan or answers file behind. */
export const writeWorkstationFile = async (path: string, content: string | Buffer, mode = 0o644): Promise<void> => {
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

/** A file of the operator's, read as a stream from its start (stack archives and the image archives packed into them). */
export const openWorkstationStream = (path: string): Readable => createReadStream(path);

/** Writes a stream atomically (temp file, then rename): an interrupted pack leaves no half archive under the name. */
export const writeWorkstationStream = async (path: string, input: Readable, mode = 0o644): Promise<void> => {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await pipeline(input, createWriteStream(tmp, { mode }));
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
};

/** Creates a new file and refuses to replace one (a key pair is never overwritten by accident). */
export const createWorkstationFile = async (path: string, content: string, mode: number): Promise<'created' | 'exists'> => {
  try {
    await writeFile(path, content, { mode, flag: 'wx' });
    return 'created';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw e;
  }
};

/** Size in bytes of a regular file, or null when there is none. */
export const workstationFileSize = async (path: string): Promise<number | null> => {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/** A file's bytes (a finished support bundle, scanned before it is handed over); null when there is none. */
export const readWorkstationBytes = async (path: string): Promise<Buffer | null> => {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/** Removes a file keelson wrote (a bundle that failed its final scan); nothing there is fine. */
export const removeWorkstationFile = async (path: string): Promise<void> => {
  await rm(path, { force: true });
};
