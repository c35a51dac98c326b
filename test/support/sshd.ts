/**
 * A real OpenSSH server for tests, on 127.0.0.1 and a random free port, in its own temp directory: generated host
 * key and client key (ed25519), its own sshd_config, `/usr/sbin/sshd -D -e` as a child process. Needs root and the
 * openssh-server package.
 *
 *   const sshd = await startSshd();
 *   const host = await connectSshHost({ host: sshd.host, port: sshd.port, username: sshd.user,
 *     identityFiles: [sshd.identityFile], agentSocket: null, knownHostsFiles: [fileWith(sshd.knownHostsLine)], … });
 *   …
 *   await sshd.stop();
 *
 * Every user of this machine may log in with `identityFile` (AuthorizedKeysFile points at one shared file), as long as
 * the account is not locked. `rotateHostKey()` restarts the server on the same port with a new host key (to provoke a
 * host key mismatch); `hostFingerprint` and `knownHostsLine` then describe the new key.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface TestSshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The login user the server is meant for (root, with the key below). */
  readonly user: 'root';
  /** Private ed25519 client key, authorized for every account. */
  readonly identityFile: string;
  /** Private host key; its public half is `${hostKeyPath}.pub`. */
  readonly hostKeyPath: string;
  /** The current host key as `ssh-keygen -lf` prints it: "SHA256:…". */
  readonly hostFingerprint: string;
  /** The current host key as a known_hosts line: "[127.0.0.1]:PORT ssh-ed25519 AAAA…". */
  readonly knownHostsLine: string;
  /** The server's temp directory (config, keys, pid file). Removed by stop(). */
  readonly dir: string;
  /** What sshd wrote to stderr so far (for failure messages). */
  readonly log: string;
  /** Restarts the server on the same port with a freshly generated host key. */
  rotateHostKey(): Promise<void>;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port from the kernel');
  return address.port;
}

async function keygen(path: string, comment: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** Resolves once the port answers with an SSH banner; false if nothing answers (yet). */
async function answersSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let seen = '';
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1_000, () => { done(false); });
    socket.on('error', () => { done(false); });
    socket.on('data', (chunk: Buffer) => { seen += chunk.toString('latin1'); if (seen.startsWith('SSH-2.0-')) done(true); });
  });
}

export interface SshdOptions {
  /**
   * Environment for every session (sshd's SetEnv), e.g. a PATH that puts a directory of recording stand-ins for
   * podman or systemctl first, for executors whose real program this machine cannot run.
   */
  readonly env?: Readonly<Record<string, string>>;
}

function config(dir: string, port: number, options: SshdOptions): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'StrictModes no',
    'UsePAM no',
    'PrintMotd no',
    'MaxStartups 64:30:128',
    'MaxSessions 64',
    'LogLevel INFO',
    // bash sources ~/.bashrc when sshd starts it (SSH_SOURCE_BASHRC) unless SHLVL says it is nested; a slow rc file
    // (this build machine's runs pyenv init, ~0.4 s) would otherwise dominate every round trip.
    `SetEnv SHLVL=1${Object.entries(options.env ?? {}).map(([k, v]) => ` ${k}=${v}`).join('')}`,
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

class Sshd implements TestSshd {
  readonly host = '127.0.0.1';
  readonly user = 'root';
  readonly dir: string;
  port = 0;
  hostFingerprint = '';
  knownHostsLine = '';
  #log = '';
  #child: ChildProcess | undefined;
  #stopped = false;

  readonly #options: SshdOptions;

  constructor(dir: string, options: SshdOptions) {
    this.dir = dir;
    this.#options = options;
  }

  get identityFile(): string { return join(this.dir, 'client_ed25519'); }
  get hostKeyPath(): string { return join(this.dir, 'host_ed25519'); }
  get log(): string { return this.#log; }

  async describeHostKey(): Promise<void> {
    const { stdout } = await execa('ssh-keygen', ['-lf', `${this.hostKeyPath}.pub`]);
    this.hostFingerprint = stdout.split(' ')[1] ?? '';
    const [type, blob] = (await readFile(`${this.hostKeyPath}.pub`, 'utf8')).trim().split(' ');
    this.knownHostsLine = `[127.0.0.1]:${this.port} ${type ?? ''} ${blob ?? ''}`;
  }

  /** Starts sshd on this.port (or a new free port when 0), retrying if another process grabbed the port first. */
  async launch(fixedPort: boolean): Promise<void> {
    for (let tries = 0; tries < 5; tries += 1) {
      if (!fixedPort) this.port = await freePort();
      const configPath = join(this.dir, 'sshd_config');
      await writeFile(configPath, config(this.dir, this.port, this.#options));
      const child = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      this.#child = child;
      child.stderr.on('data', (chunk: Buffer) => { this.#log = (this.#log + chunk.toString('utf8')).slice(-20_000); });
      const state = { exited: false };
      child.once('exit', () => { state.exited = true; });
      const deadline = Date.now() + 10_000;
      while (!state.exited && Date.now() < deadline) {
        if (await answersSsh(this.port)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      await this.kill();
      if (!/Address already in use/.test(this.#log) && !fixedPort) break;
      if (fixedPort) await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`sshd did not start on 127.0.0.1:${this.port}. Its log:\n${this.#log}`);
  }

  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  async rotateHostKey(): Promise<void> {
    await this.kill();
    await keygen(this.hostKeyPath, 'keelson-test-host');
    await this.describeHostKey();
    await this.launch(true);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'keelson-sshd-'));
  const sshd = new Sshd(dir, options);
  try {
    // sshd refuses to start without its privilege separation directory (absent in fresh containers).
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    await keygen(sshd.hostKeyPath, 'keelson-test-host');
    await keygen(sshd.identityFile, 'keelson-test-client');
    // sshd reads authorized_keys as the logging-in user: the directory must be searchable and the file readable by
    // all (the private keys in it stay 0600).
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'authorized_keys'), await readFile(`${sshd.identityFile}.pub`), { mode: 0o644 });
    await sshd.launch(false);
    await sshd.describeHostKey();
    return sshd;
  } catch (error) {
    await sshd.stop();
    throw error;
  }
}
