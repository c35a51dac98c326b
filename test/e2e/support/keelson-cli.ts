// The headless CLI as an operator runs it against a test VM: `node src/cli/bin.mjs … --host root@127.0.0.1:PORT`,
// stdin not a terminal, in a process of its own (so a signal reaches it). Never throws on an exit code: the code is
// the point. Each call is timed as keelson's own time.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vm } from '../../host-vm/vm.js';
import type { Timer } from './timings.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(REPO_ROOT, 'src', 'cli', 'bin.mjs');

/** A VM under software emulation, busy starting a stack, can take longer than keelson's 20 s for a handshake. */
export const HANDSHAKE_SECONDS = '120';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface CliOptions {
  /** Sees each stderr line as it comes, with the child (to send it a signal). */
  readonly onLine?: (line: string, child: ChildProcess) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timer?: Timer;
  /** For the timing report; the command's first words by default. */
  readonly label?: string;
  /** false: no --host flags (a command that takes none). */
  readonly target?: boolean;
}

export const targetFlags = (vm: Vm): string[] => ['--host', `root@${vm.host}:${vm.port}`, '--identity', vm.root.identityFile, '--known-hosts', vm.knownHostsFile, '--connect-timeout', HANDSHAKE_SECONDS];

export const keelsonCli = (vm: Vm, args: readonly string[], o: CliOptions = {}): Promise<CliResult> => {
  const t0 = performance.now();
  const argv = [BIN, ...args, ...(o.target === false ? [] : targetFlags(vm))];
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: o.cwd ?? REPO_ROOT, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      partial += b.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) o.onLine?.(l, child);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      o.timer?.record('keelson', o.label ?? args.slice(0, 2).join(' '), ms);
      resolve({ code: code ?? -1, stdout, stderr, ms });
    });
  });
};
