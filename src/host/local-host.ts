// Host on this machine: execa with argv arrays (no shell), pipes only (never 'inherit': Ink may own the terminal).

import { execa } from 'execa';
import type { Privilege } from './command-wrap.js';
import type { Host } from './host.js';
import type { Transport, TransportExit, TransportIo } from './transport.js';
import { TransportHost } from './transport-host.js';

export interface LocalHostOptions {
  /** Defaults to 'root' when this process runs as uid 0, else 'sudo' (every command through `sudo -n`). */
  readonly privilege?: Privilege;
}

function localTransport(label: string): Transport {
  return {
    label,
    async exec(argv: readonly string[], io: TransportIo): Promise<TransportExit> {
      const [file, ...args] = argv;
      if (file === undefined) throw new Error('exec needs a program');
      const subprocess = execa(file, args, {
        reject: false,
        buffer: false,
        stdin: io.stdin === undefined && io.stdinStream === undefined ? 'ignore' : 'pipe',
        stdout: 'pipe',
        stderr: 'pipe',
      });
      subprocess.stdout.on('data', (chunk: Uint8Array) => { io.onStdout(chunk); });
      subprocess.stderr.on('data', (chunk: Uint8Array) => { io.onStderr(chunk); });
      if (io.stdinStream !== undefined && subprocess.stdin !== null) {
        subprocess.stdin.on('error', () => undefined);
        io.stdinStream.pipe(subprocess.stdin);
      } else if (io.stdin !== undefined) {
        // A command that exits without reading its input closes the pipe; that is not our failure.
        subprocess.stdin?.on('error', () => undefined);
        subprocess.stdin?.end(io.stdin);
      }
      // A last resort only: the in-band `timeout` normally ends the command first, with its whole process group.
      // Racing (rather than execa's own timeout) matters: a leftover grandchild holding the pipes open would keep
      // execa waiting for end-of-output long after the kill.
      let timer: NodeJS.Timeout | undefined;
      const abandon = new Promise<'abandoned'>((resolve) => {
        if (io.abandonAfterMs !== undefined) timer = setTimeout(() => { resolve('abandoned'); }, io.abandonAfterMs);
      });
      const result = await Promise.race([subprocess, abandon]);
      clearTimeout(timer);
      if (result === 'abandoned') {
        subprocess.kill('SIGKILL');
        subprocess.stdout.destroy();
        subprocess.stderr.destroy();
        return { kind: 'abandoned' };
      }
      if (result.exitCode !== undefined) return { kind: 'exited', code: result.exitCode };
      if (result.signal !== undefined) return { kind: 'signaled', signal: result.signal };
      // Could not start it at all (ENOENT, EACCES): answer as a shell would, so both hosts agree.
      const reason = result.code === 'ENOENT' ? 'command not found' : (result.code ?? 'could not be started');
      io.onStderr(Buffer.from(`keelson: ${file}: ${reason}\n`));
      return { kind: 'exited', code: result.code === 'ENOENT' ? 127 : 126 };
    },
    async close(): Promise<void> {
      // Nothing to release: each command is its own process.
    },
  };
}

export function createLocalHost(options: LocalHostOptions = {}): Host {
  const privilege: Privilege = options.privilege ?? (process.getuid?.() === 0 ? 'root' : 'sudo');
  const label = privilege === 'root' ? 'this machine (root)' : 'this machine (sudo)';
  return new TransportHost(localTransport(label), privilege);
}
