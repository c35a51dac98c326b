// keelson status: what this host says keelson deployed, and how the last run ended (read from the host,
// so any workstation — or support staff — sees the same).
import type { Host } from '../../host/host.js';
import { readLastRun, type JournaledRun } from '../../apply/last-run.js';
import { parseRecord } from '../../state/parse-record.js';
import { RECORD_PATH } from '../../state/record-schema.js';
import { openHost, type HostFlags } from '../open-host.js';
import { statusText } from '../status-text.js';

/** Written by the Quadlet step's state.write at the end of a successful apply (src/state). */
export const STATE_FILE = RECORD_PATH;

export interface StatusReport {
  readonly host: string;
  readonly state: unknown;
  /** The newest journal as the wizard reads it (the same function): ok, failed or interrupted, and where it stopped. */
  readonly lastRun: JournaledRun | null;
  readonly roundTrips: number;
  /** The state file's text, for the text report. */
  readonly stateText: string | null;
}

export const statusReport = async (host: Host): Promise<StatusReport> => {
  const stateFile = await host.readFile(STATE_FILE);
  const stateText = stateFile.kind === 'present' ? stateFile.content : null;
  const parsed = parseRecord(stateText);
  const lastRun = await readLastRun(host);
  return { host: host.label, state: parsed.kind === 'present' ? parsed.record : null, lastRun, roundTrips: host.roundTrips, stateText };
};

export const statusCommand = async (flags: HostFlags & { json?: boolean }): Promise<void> => {
  const host = await openHost(flags);
  try {
    const report = await statusReport(host);
    if (flags.json === true) {
      const { stateText: _text, ...json } = report;
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    process.stdout.write(statusText(report.host, report.stateText, report.lastRun));
  } finally {
    await host.close();
  }
};
