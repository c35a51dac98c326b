// What a transport (execa locally, an SSH channel remotely) must provide: run one exact argv, stream its output as
// bytes, report how it ended. Everything else a Host does is shared, in transport-host.ts.

import type { Readable } from 'node:stream';

export interface TransportIo {
  readonly stdin?: Uint8Array;
  /** Instead of stdin: input that keeps coming until the stream ends (Host.hold). */
  readonly stdinStream?: Readable;
  readonly onStdout: (chunk: Uint8Array) => void;
  readonly onStderr: (chunk: Uint8Array) => void;
  /** A last resort, after the in-band `timeout` should already have ended the command: give up on it. */
  readonly abandonAfterMs?: number;
}

export type TransportExit =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: string }
  | { readonly kind: 'abandoned' };

export interface Transport {
  readonly label: string;
  /** Runs argv exactly (no shell on this side). Throws HostError when the machine could not be reached. */
  exec(argv: readonly string[], io: TransportIo): Promise<TransportExit>;
  close(): Promise<void>;
}
