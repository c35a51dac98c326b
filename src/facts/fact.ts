// A fact is a read-only probe (a command) plus a pure parser. The engine batches every probe a plan needs
// into one script, so gathering costs one round trip however many facts there are.

/** argv runs as is; sh is a constant script from keelson's own code, with values passed as "$1"… never spliced in. */
export type Probe =
  | { readonly argv: readonly string[]; readonly asUser?: string }
  | { readonly sh: string; readonly args?: readonly string[]; readonly asUser?: string };

export interface ProbeOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface Fact<T> {
  /** Unique across the plan; two steps asking the same id must mean the same probe. */
  readonly id: string;
  readonly probe: Probe;
  /** Pure. Total for the answers a host can give (a missing tool is a value, not an exception). */
  readonly parse: (output: ProbeOutput) => T;
  /** Changes on its own (free space, clocks): left out of the fingerprint that guards saved plans. */
  readonly volatile?: boolean;
}

export class FactParseError extends Error {
  constructor(factId: string, detail: string) {
    super(`could not read fact "${factId}": ${detail}`);
    this.name = 'FactParseError';
  }
}
