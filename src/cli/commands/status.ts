// keelson status: what this host says keelson deployed, and how the last run ended (read from the host,
// so any workstation — or support staff — sees the same).
import type { Host } from '../../host/host.js';
import { journalDir, KEELSON_STATE_DIR, parseJournal } from '../../apply/journal.js';
import { openHost, type HostFlags } from '../open-host.js';

export const STATE_FILE = `${KEELSON_STATE_DIR}/state.json`;

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
    const state: unknown = stateFile.kind === 'present' ? JSON.parse(stateFile.content) : null;
    const report: StatusReport = { host: host.label, state, lastRun: await lastJournal(host), roundTrips: host.roundTrips };
    if (flags.json === true) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const lines = [`keelson status on ${report.host}`];
    lines.push(state === null ? '  nothing deployed by keelson yet' : `  deployed: ${JSON.stringify(state)}`);
    const run = report.lastRun;
    lines.push(run === null ? '  no runs journaled' : `  last run: ${run.ok === null ? 'INTERRUPTED' : run.ok ? 'ok' : 'FAILED'} (${run.lastEvent}) — ${run.journal}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await host.close();
  }
};
