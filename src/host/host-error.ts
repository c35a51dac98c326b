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

/**
 * How the operator gives keelson what a remedy asks for, in the words of the front end that asked: a flag on the
 * command line, a field in the wizard. The host layer names the thing; the front end says where it is typed.
 */
export interface OperatorInputs {
  /** A private key file. */
  readonly keyFile: string;
  /** The SSH destination, user@host:port. */
  readonly hostAddress: string;
  /** A longer SSH handshake time. */
  readonly connectTimeout: string;
}

export const CLI_INPUTS: OperatorInputs = {
  keyFile: '--identity FILE',
  hostAddress: '--host USER@HOST:PORT',
  connectTimeout: '--connect-timeout SECONDS',
};

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
