// Runs a command and turns a non-zero exit into an error that carries the command's own words.
import type { Host, RunOptions, RunResult } from '../host/host.js';
import { CommandFailedError } from '../host/host-error.js';

export const runChecked = async (host: Host, argv: readonly string[], options?: RunOptions): Promise<RunResult> => {
  const r = await host.run(argv, options);
  if (r.exitCode !== 0) throw new CommandFailedError(argv, r.exitCode, r.stderr || r.stdout);
  return r;
};
