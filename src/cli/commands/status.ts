// keelson status: what this host says keelson deployed, and how the last run ended (read from the host,
// so any workstation — or support staff — sees the same).
import type { Host } from '../../host/host.js';
import { journalDir, parseJournal } from '../../apply/journal.js';
import { parseStateFile, STATE_PATH } from '../../../steps/quadlet/host-state.js';
import { openHost, type HostFlags } from '../open-host.js';
import { statusText } from '../status-text.js';

/** Written by the Quadlet step's state.write at the end of a successful apply (steps/quadlet/host-state.ts). */
export const STATE_FILE = STATE_PATH;

export interface StatusReport {
  readonly host: string;
  readonly state: unknown;
  readonly lastRun: { readonly journal: string; readonly ok: boolean | null; readonly lastEvent: string } | null;
  readonly roundTrips: number;
}

const lastJournal = async (host: Host): Promise<StatusReport['lastRun']> => {
  const ls = await host.run(['sh', '-c', 'ls -1t -- "$1"/*.jsonl 2>/dev/null | head -n 1', 'keelson-status', journalDir]);
  const path = ls.stdout.trim();
  if (path === '') return null;
  const file = await host.readFile(path);
  if (file.kind === 'absent') return null;
  const entries = parseJournal(file.content);
  const end = entries.findLast((e) => e.event === 'run-end');
  const last = entries.at(-1);
  return { journal: path, ok: end === undefined ? null : end.ok === true, lastEvent: last === undefined ? '' : `${last.event} at ${last.at}` };
};

export const statusCommand = async (flags: HostFlags & { json?: boolean }): Promise<void> => {
  const host = await openHost(flags);
  try {
    const stateFile = await host.readFile(STATE_FILE);
    const parsed = parseStateFile(stateFile.kind === 'present' ? stateFile.content : null);
    const state: unknown = parsed.kind === 'present' ? parsed.state : null;
    const report: StatusReport = { host: host.label, state, lastRun: await lastJournal(host), roundTrips: host.roundTrips };
    if (flags.json === true) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    process.stdout.write(statusText(report.host, stateFile.kind === 'present' ? stateFile.content : null, report.lastRun));
  } finally {
    await host.close();
  }
};
