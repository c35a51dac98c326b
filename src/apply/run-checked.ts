// Runs a command and turns a non-zero exit into an error that carries the command's own words.
import type { Host, RunOptions, RunResult } from '../host/host.js';
import { CommandFailedError } from '../host/host-error.js';
import type { Scope } from '../engine/action.js';
import { systemctlCall } from '../engine/scope.js';

export const runChecked = async (host: Host, argv: readonly string[], options?: RunOptions): Promise<RunResult> => {
  const r = await host.run(argv, options);
  if (r.exitCode !== 0) throw new CommandFailedError(argv, r.exitCode, r.stderr || r.stdout);
  return r;
};

/** systemctl in a scope's manager, reached as systemctlCall says (a user's manager as that user). */
export const runSystemctl = (host: Host, scope: Scope, args: readonly string[], options: Omit<RunOptions, 'asUser'> = {}): Promise<RunResult> => {
  const { argv, ...as } = systemctlCall(scope, args);
  return host.run(argv, { ...options, ...as });
};

/** runSystemctl, a non-zero exit an error with systemctl's own words. */
export const systemctlChecked = (host: Host, scope: Scope, args: readonly string[], options: Omit<RunOptions, 'asUser'> = {}): Promise<RunResult> => {
  const { argv, ...as } = systemctlCall(scope, args);
  return runChecked(host, argv, { ...options, ...as });
};
