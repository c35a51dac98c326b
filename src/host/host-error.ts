// Errors a Host raises when it could not run a command at all. A non-zero exit is not one of these.

export type HostErrorCode =
  | 'connection-refused'
  | 'connection-timeout'
  | 'host-not-found'
  | 'host-unreachable'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-mismatch'
  | 'host-key-revoked'
  | 'command-timeout'
  | 'command-killed'
  | 'sudo-needs-password'
  | 'connection-lost'
  | 'bad-argument'
  | 'io-error'
  | 'host-locked';

export class HostError extends Error {
  readonly code: HostErrorCode;
  /** What the operator should do next, in one sentence. */
  readonly remedy: string;

  constructor(code: HostErrorCode, message: string, remedy: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostError';
    this.code = code;
    this.remedy = remedy;
  }
}

export class CommandFailedError extends Error {
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly stderr: string;

  constructor(argv: readonly string[], exitCode: number, stderr: string) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    super(`${argv.join(' ')} exited with ${exitCode}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandFailedError';
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
