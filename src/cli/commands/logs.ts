// keelson logs: the journal of the stack's units from the record, each in the manager that runs it. Read-only.
import { visibleText } from '../../engine/visible-text.js';
import { readRecord, RECORD_PATH } from '../../flows/doctor/record-view.js';
import { journalctlArgv, logsTarget } from '../../flows/logs/logs-target.js';
import { CommandFailedError } from '../../host/host-error.js';
import { UsageError } from '../exit-codes.js';
import { openHost, type HostFlags } from '../open-host.js';

export interface LogsFlags extends HostFlags {
  readonly since?: string;
  readonly lines?: string;
  readonly follow?: boolean;
}

export const DEFAULT_LINES = 200;

const linesOf = (value: string | undefined): number => {
  if (value === undefined) return DEFAULT_LINES;
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new UsageError(`--lines "${value}" is not a number of lines from 1 to 999999 (e.g. --lines 500)`);
  return Number(value);
};

export const logsCommand = async (name: string | undefined, flags: LogsFlags): Promise<void> => {
  const lines = linesOf(flags.lines);
  const host = await openHost(flags);
  try {
    const file = await host.readFile(RECORD_PATH);
    const target = logsTarget(readRecord(file.kind === 'present' ? file.content : null), name);
    if (!target.ok) throw new UsageError(target.message);
    const argv = journalctlArgv(target.units, { lines, ...(flags.since === undefined ? {} : { since: flags.since }), follow: flags.follow === true });
    // Lines go out as they come (--follow never ends on its own; Ctrl-C ends keelson, and with it the remote journalctl).
    const r = await host.run(argv, { onLine: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(visibleText(`${line}\n`)) });
    if (r.exitCode !== 0) throw new CommandFailedError(argv, r.exitCode, r.stderr);
  } finally {
    await host.close();
  }
};
