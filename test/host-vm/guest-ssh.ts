// The tests' independent view from inside a VM: the system OpenSSH client, never keelson's code. One multiplexed
// connection per user (ControlMaster): a fresh SSH login costs seconds under emulation.
import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const VM_HOST = '127.0.0.1';

export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SshOptions {
  user?: 'root' | 'admin';
  /** Fed on stdin: how secrets reach the guest (never on a command line). */
  input?: string | Buffer;
  timeoutMs?: number;
}

export interface GuestSshConfig {
  readonly workDir: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
  readonly port: () => number;
}

/** POSIX shell single-quoting, for building guest command strings in tests. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

const sshArgs = (c: GuestSshConfig, user: string, cmd: string): string[] => [
  '-F', '/dev/null', // neither ~/.ssh/config nor /etc/ssh/ssh_config (SendEnv LANG and friends)
  '-i', c.identityFile,
  '-o', 'IdentitiesOnly=yes',
  '-o', 'BatchMode=yes',
  '-o', 'StrictHostKeyChecking=yes',
  '-o', `UserKnownHostsFile=${c.knownHostsFile}`,
  '-o', 'GlobalKnownHostsFile=/dev/null',
  '-o', 'HostKeyAlgorithms=ssh-ed25519',
  '-o', 'ConnectTimeout=10',
  // Generous: a guest starved of CPU under emulation can stall for tens of seconds.
  '-o', 'ServerAliveInterval=10',
  '-o', 'ServerAliveCountMax=18',
  '-o', 'ControlMaster=auto',
  '-o', `ControlPath=${join(c.workDir, 'ssh-%r.sock')}`,
  '-o', 'ControlPersist=300',
  '-o', 'LogLevel=ERROR',
  '-p', String(c.port()),
  `${user}@${VM_HOST}`,
  '--',
  cmd,
];

/** Runs `cmd` through the guest user's shell. Never throws on a non-zero exit; throws on a timeout. */
export const guestSsh =
  (c: GuestSshConfig) =>
  (cmd: string, opts: SshOptions = {}): Promise<SshResult> =>
    new Promise((resolve, reject) => {
      const user = opts.user ?? 'root';
      const proc = spawn('ssh', sshArgs(c, user, cmd), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      proc.stdout.on('data', (d: Buffer) => out.push(d));
      proc.stderr.on('data', (d: Buffer) => err.push(d));
      const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        proc.kill('SIGKILL');
      }, timeoutMs);
      proc.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      proc.on('close', (code) => {
        clearTimeout(timer);
        const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
        if (timedOut) reject(new Error(`ssh ${user}@vm timed out after ${timeoutMs} ms: ${cmd}\n${result.stdout}${result.stderr}`));
        else resolve(result);
      });
      proc.stdin.on('error', () => undefined); // the remote may not read its stdin
      proc.stdin.end(opts.input ?? '');
    });

/** Ends the ControlPersist masters (they live on their own) rather than leave them waiting. */
export async function closeMasters(workDir: string): Promise<void> {
  const sockets = readdirSync(workDir).filter((f) => /^ssh-.*\.sock$/.test(f));
  await Promise.all(
    sockets.map((sock) =>
      execFileAsync('ssh', ['-F', '/dev/null', '-o', `ControlPath=${join(workDir, sock)}`, '-O', 'exit', VM_HOST], { timeout: 5000 }).catch(() => undefined),
    ),
  );
}
