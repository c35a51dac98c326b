// The Host is the only door to a machine. Steps and screens never touch one; the engine and the
// executors in src/apply do, through this interface only.

export type OutputStream = 'stdout' | 'stderr';

export interface RunOptions {
  /** Bytes fed on stdin. The only way a secret may reach a command. */
  readonly stdin?: string | Uint8Array;
  /** Milliseconds before the command is killed and reported as timed out. */
  readonly timeoutMs?: number;
  /** Run as this user (rootless work). The Host decides how (runuser, sudo -u). */
  readonly asUser?: string;
  /**
   * Extra environment for the command; names must match [A-Za-z_][A-Za-z0-9_]*. Values travel on the command line
   * (`env NAME=VALUE`), visible in the host's process list: never put a secret here, use stdin.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Called once per complete output line, as it arrives. */
  readonly onLine?: (line: string, stream: OutputStream) => void;
}

export interface RunResult {
  /** Always a number: a command killed by a signal or a lost connection is reported as a HostError instead. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface WriteFileOptions {
  /** Octal permission bits, e.g. 0o640. Set on the temp file before the rename. */
  readonly mode: number;
  readonly owner?: string;
  readonly group?: string;
}

export type ReadFileResult =
  | { readonly kind: 'present'; readonly content: string }
  | { readonly kind: 'absent' };

/** A command kept running while its caller holds something through it (a lock on the host), stdin open. */
export interface HeldCommand {
  /** Writes to the command's standard input. */
  write(text: string): void;
  /** Closes its standard input: the command reads end of input. */
  end(): void;
  /** How it ended, once it has: like run(), a non-zero exit is a result, a lost connection a HostError. */
  readonly done: Promise<RunResult>;
}

export interface Host {
  /** For people: "this machine (root)" or "ssh admin@203.0.113.7:22 (sudo)". */
  readonly label: string;
  /** How many times this Host has crossed to the machine and back (one per run/read/write). */
  readonly roundTrips: number;
  /** Runs argv (never a shell string). Does not throw on a non-zero exit: read exitCode. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Atomic: temp file in the same directory, mode and owner set, then rename. */
  writeFile(path: string, content: string | Uint8Array, options: WriteFileOptions): Promise<void>;
  /** A missing file is { kind: 'absent' }, never an exception. */
  readFile(path: string): Promise<ReadFileResult>;
  /**
   * Starts argv and keeps it running with its stdin open until end(), for as long as the caller needs. It dies with
   * this process or its connection (its stdin closes), so nothing it holds outlives keelson. Every real Host has it;
   * a test fake may leave it out.
   */
  hold?(argv: readonly string[], options?: Pick<RunOptions, 'onLine' | 'asUser'>): HeldCommand;
  close(): Promise<void>;
}
