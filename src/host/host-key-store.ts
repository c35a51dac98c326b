// Where trusted host keys come from: the operator's OpenSSH files (read only) and keelson's own store, a
// known_hosts-format file that keelson appends to when the operator accepts a new host. Paths are injectable.

import { appendFile, chmod, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { HostError } from './host-error.js';
import { type KnownHostEntry, formatKnownHostsLine, parseKnownHosts } from './known-hosts.js';
import { keelsonConfigDir } from './settings-file.js';

/** `$XDG_CONFIG_HOME/keelson/known_hosts`, falling back to `~/.config/keelson/known_hosts`. */
export function defaultHostKeyStorePath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(keelsonConfigDir(env, home), 'known_hosts');
}

/** The files `ssh` itself consults by default: the user's, then the system-wide one. */
export function defaultKnownHostsFiles(home: string = homedir()): string[] {
  return [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2'), '/etc/ssh/ssh_known_hosts'];
}

/** All entries of the given files; a file that does not exist simply contributes none. */
export async function readKnownHostsFiles(paths: readonly string[]): Promise<KnownHostEntry[]> {
  const all = await Promise.all(paths.map(async (path) => {
    try {
      return parseKnownHosts(await readFile(path, 'utf8'), path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new HostError('io-error', `Could not read the known hosts file ${path}: ${(error as Error).message}`,
        `Fix the permissions of ${path} so keelson can read it.`, { cause: error });
    }
  }));
  return all.flat();
}

export class HostKeyStore {
  readonly path: string;

  constructor(path: string = defaultHostKeyStorePath()) {
    this.path = path;
  }

  async entries(): Promise<KnownHostEntry[]> {
    return readKnownHostsFiles([this.path]);
  }

  /** Appends one entry; creates the file 0600 (and its directory 0700) on first use. */
  async add(host: string, port: number, keyBlob: Uint8Array): Promise<void> {
    const line = formatKnownHostsLine(host, port, keyBlob, `keelson-accepted-${new Date().toISOString().slice(0, 10)}`);
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await appendFile(this.path, `${line}\n`, { mode: 0o600 });
      // appendFile's mode applies only when it creates the file; keep an existing one private too.
      await chmod(this.path, 0o600);
    } catch (error) {
      throw new HostError('io-error', `Could not save the accepted host key to ${this.path}: ${(error as Error).message}`,
        `Make ${dirname(this.path)} writable for this user, or accept the key into ~/.ssh/known_hosts with ssh.`, { cause: error });
    }
  }
}
