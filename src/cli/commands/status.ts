// keelson status: what this host says keelson deployed, how the last run ended, and each managed unit as it is right
// now (read from the host, so any workstation — or support staff — sees the same). ONE round trip: the record, the
// newest journal and doctor's probe of the stacks, which reads the units in the manager that runs them. Read-only.
import type { Host } from '../../host/host.js';
import { lastRunFact, type JournaledRun } from '../../apply/last-run.js';
import type { Fact, ProbeOutput } from '../../facts/fact.js';
import { gatherFacts } from '../../facts/gather.js';
import { liveStacks, type LiveStack } from '../../flows/doctor/live-units.js';
import { stackProbeFact } from '../../flows/doctor/stack-probe.js';
import { parseRecord } from '../../state/parse-record.js';
import { RECORD_PATH } from '../../state/record-schema.js';
import { fileFact } from '../../../steps/storage/facts.js';
import { shellWord } from '../keelson-command.js';
import { openHost, type HostFlags } from '../open-host.js';
import { statusText } from '../status-text.js';

/** Written by the Quadlet step's state.write at the end of a successful apply (src/state). */
export const STATE_FILE = RECORD_PATH;

/** What status reads, each fact with where its answer goes; gathered together in one round trip. */
export const STATUS_FACTS = { record: fileFact(STATE_FILE), lastRun: lastRunFact, stacks: stackProbeFact };
export type StatusFacts = { readonly [K in keyof typeof STATUS_FACTS]: (typeof STATUS_FACTS)[K] };

export interface StatusReport {
  readonly host: string;
  readonly state: unknown;
  /** The newest journal as the wizard reads it (the same parse): ok, failed or interrupted, and where it stopped. */
  readonly lastRun: JournaledRun | null;
  /** Each deployed stack's units now: state, restarts, health, and doctor's verdict on each. */
  readonly units: readonly LiveStack[];
  readonly roundTrips: number;
  /** The state file's text, for the text report. */
  readonly stateText: string | null;
  /** Why the state file could not be read (not why it does not parse); null: read, or absent. */
  readonly stateError: string | null;
}

const answerOf = <T>(raw: ReadonlyMap<string, ProbeOutput>, f: Fact<T>): T => f.parse(raw.get(f.id) ?? { stdout: '', stderr: 'no answer', exitCode: 1 });

/** `facts`: tests move the paths (a temp root for /var/lib/keelson); the ids, and so the parse, stay. */
export const statusReport = async (host: Host, facts: StatusFacts = STATUS_FACTS): Promise<StatusReport> => {
  const before = host.roundTrips;
  const { raw } = await gatherFacts(host, Object.values(facts));
  const file = answerOf(raw, facts.record);
  const stateText = file.kind === 'present' ? file.content : null;
  const parsed = parseRecord(stateText);
  return {
    host: host.label,
    state: parsed.kind === 'present' ? parsed.record : null,
    lastRun: answerOf(raw, facts.lastRun),
    units: liveStacks(stateText, answerOf(raw, facts.stacks)),
    roundTrips: host.roundTrips - before,
    stateText,
    stateError: file.kind === 'unreadable' ? file.why : null,
  };
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
    const target = flags.host === undefined ? '' : ` --host ${shellWord(flags.host)}`;
    process.stdout.write(statusText(report.host, report.stateText, report.lastRun, { units: report.units, target, stateError: report.stateError }));
  } finally {
    await host.close();
  }
};
