// The Host behaviour both transports share: argv wrapping (privilege, timeout, user, env), line streaming, the
// round-trip counter, and turning exits into results or HostErrors. A transport only moves bytes.

import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { KILL_AFTER_SECONDS, type Privilege, isSudoPasswordRefusal, wrapArgv } from './command-wrap.js';
import { ABSENT_EXIT, readFileArgv, writeFileArgv } from './file-scripts.js';
import { HostError } from './host-error.js';
import type { HeldCommand, Host, ReadFileResult, RunOptions, RunResult, WriteFileOptions } from './host.js';
import { LineSplitter } from './line-splitter.js';
import type { Transport, TransportExit } from './transport.js';

/** Exit statuses coreutils `timeout` leaves behind: 124 after SIGTERM worked, 137 (128+9) after SIGKILL. */
const TIMEOUT_EXITS = new Set([124, 137]);
/** How long past the in-band kill the transport waits before it abandons the command. */
const ABANDON_GRACE_MS = 5_000;

function describe(argv: readonly string[]): string {
  const text = argv.join(' ');
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

export class TransportHost implements Host {
  readonly label: string;
  readonly #transport: Transport;
  readonly #privilege: Privilege;
  #roundTrips = 0;

  constructor(transport: Transport, privilege: Privilege) {
    this.#transport = transport;
    this.#privilege = privilege;
    this.label = transport.label;
  }

  get roundTrips(): number {
    return this.#roundTrips;
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.#cross(argv, wrapArgv(argv, options, this.#privilege), options);
  }

  async readFile(path: string): Promise<ReadFileResult> {
    const argv = readFileArgv(path);
    const result = await this.#cross(['read', path], wrapArgv(argv, {}, this.#privilege), {});
    if (result.exitCode === ABSENT_EXIT) return { kind: 'absent' };
    if (result.exitCode !== 0) {
      throw new HostError('io-error', `Could not read ${path} on ${this.label}: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
        `Check the permissions of ${path} and that keelson's login user may use sudo there.`);
    }
    return { kind: 'present', content: result.stdout };
  }

  async writeFile(path: string, content: string | Uint8Array, options: WriteFileOptions): Promise<void> {
    const argv = writeFileArgv(path, options);
    const result = await this.#cross(['write', path], wrapArgv(argv, {}, this.#privilege), { stdin: content });
    if (result.exitCode !== 0) {
      throw new HostError('io-error', `Could not write ${path} on ${this.label}: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
        `Check that the directory of ${path} exists and that the owner and group exist on the host.`);
    }
  }

  hold(argv: readonly string[], options: Pick<RunOptions, 'onLine' | 'asUser'> = {}): HeldCommand {
    const input = new PassThrough();
    const done = this.#cross(argv, wrapArgv(argv, options, this.#privilege), options, input);
    // The caller may stop waiting on done (a lost connection is reported by its next command as well).
    done.catch(() => undefined);
    return {
      write: (text) => { input.write(text); },
      end: () => { input.end(); },
      done,
    };
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  /** One round trip: the caller's argv (for messages), the wrapped argv (what runs), the caller's options. */
  async #cross(argv: readonly string[], wrapped: readonly string[], options: RunOptions, stdinStream?: PassThrough): Promise<RunResult> {
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    const { onLine } = options;
    let callbackError: Error | undefined;
    const guarded = (line: string, stream: 'stdout' | 'stderr'): void => {
      if (callbackError !== undefined || onLine === undefined) return;
      try {
        onLine(line, stream);
      } catch (error) {
        callbackError = error instanceof Error ? error : new Error(`onLine threw ${String(error)}`);
      }
    };
    const outLines = new LineSplitter((line) => { guarded(line, 'stdout'); });
    const errLines = new LineSplitter((line) => { guarded(line, 'stderr'); });

    this.#roundTrips += 1;
    const started = performance.now();
    const exit: TransportExit = await this.#transport.exec(wrapped, {
      ...(stdinStream !== undefined ? { stdinStream } : options.stdin === undefined ? {} : { stdin: toBytes(options.stdin) }),
      onStdout: (chunk) => { stdout.push(chunk); if (onLine) outLines.push(chunk); },
      onStderr: (chunk) => { stderr.push(chunk); if (onLine) errLines.push(chunk); },
      ...(options.timeoutMs === undefined
        ? {}
        : { abandonAfterMs: options.timeoutMs + KILL_AFTER_SECONDS * 1000 + ABANDON_GRACE_MS }),
    });
    const elapsedMs = performance.now() - started;
    if (onLine) {
      outLines.end();
      errLines.end();
    }
    if (callbackError !== undefined) throw callbackError;

    const { timeoutMs } = options;
    if (timeoutMs !== undefined && (exit.kind === 'abandoned'
      || (elapsedMs >= timeoutMs && (exit.kind === 'signaled' || TIMEOUT_EXITS.has(exit.code))))) {
      throw new HostError('command-timeout',
        `"${describe(argv)}" did not finish within ${timeoutMs} ms on ${this.label} and was stopped`,
        'Raise the timeout if the command is merely slow, or find out on the host why it hangs.');
    }
    if (exit.kind === 'abandoned') {
      throw new HostError('connection-lost', `"${describe(argv)}" on ${this.label} stopped answering`,
        'Check the network path to the host and run the command again.');
    }
    if (exit.kind === 'signaled') {
      throw new HostError('command-killed', `"${describe(argv)}" was killed by ${exit.signal} on ${this.label}`,
        'Look in the host\'s journal (journalctl -k for the OOM killer) for why it was killed, then run it again.');
    }
    const result: RunResult = {
      exitCode: exit.code,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
    if (wrapped[0] === 'sudo' && isSudoPasswordRefusal(result.exitCode, result.stderr)) {
      throw new HostError('sudo-needs-password',
        `sudo on ${this.label} asked for a password; keelson never types one (it runs sudo -n)`,
        'Allow the login user passwordless sudo (e.g. "USER ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/keelson), or log in as root.');
    }
    return result;
  }
}
