// keelson status as text: first what needs someone now (a stack marked failed, a unit failing), then what the host's
// state file says was deployed, one block per stack with its units as they are, then the last run. Pure, so it is
// tested without a host.
import type { JournaledRun } from '../apply/last-run.js';
import type { LiveStack, LiveUnit } from '../flows/doctor/live-units.js';
import { parseRecord } from '../state/parse-record.js';
import type { StackRecord } from '../state/record-schema.js';
import { signerText } from '../engine/signer-text.js';

export interface StatusTextOptions {
  /** Each stack's units now (absent: not read, nothing said about them). */
  readonly units?: readonly LiveStack[];
  /** The target flags for the commands it suggests (" --host admin@192.0.2.10"; "" for this machine). */
  readonly target?: string;
  /** Why the state file could not be read at all. */
  readonly stateError?: string | null;
}

/** The last run in the words the wizard uses for it: ok, FAILED at an action, or INTERRUPTED before one. */
const lastRunLine = (r: JournaledRun): string => {
  const at = r.stoppedAt === undefined ? '' : `at action ${r.stoppedAt.index + 1} of ${r.actions} (${r.stoppedAt.description}${r.stoppedAt.error === undefined ? '' : `: ${r.stoppedAt.error}`}), `;
  const how = r.state === 'ok' ? 'ok' : r.state === 'failed' ? 'FAILED' : 'INTERRUPTED';
  return `  last run: ${how} ${at}${r.finished} of ${r.actions} actions finished, started ${r.startedAt}${r.rolledBack ? ', rolled back' : ''} — ${r.journalPath}`;
};

const historyLine = (s: StackRecord): string[] => {
  const last = s.history.at(-1);
  return last === undefined ? [] : [`    last ${last.kind}: ${last.from === null ? '' : `${last.from} → `}${last.to} ${last.outcome} (${last.at}, run ${last.runId}); ${s.history.length} run${s.history.length === 1 ? '' : 's'} recorded`];
};

const managerName = (l: LiveStack): string => (l.manager === 'system' ? 'the system manager' : `the user manager of ${l.manager.slice('user:'.length)}`);

const unitLine = (u: LiveUnit): string => {
  const restarts = `${u.nRestarts} restart${u.nRestarts === 1 ? '' : 's'}`;
  const mark = u.status === 'fail' ? '  ← FAILING' : u.status === 'warn' ? '  ← warning' : '';
  return `      ${u.unit}  ${u.activeState || '?'}/${u.subState || '?'}, ${restarts}${u.health === null ? '' : `, container ${u.health}`}${mark}`;
};

const unitLines = (l: LiveStack | undefined): string[] => {
  if (l === undefined) return [];
  if (l.error !== null) return [`    units: not read from ${managerName(l)} (${l.error}): keelson doctor says more`];
  return [`    units, as ${managerName(l)} has them now:`, ...l.units.map(unitLine)];
};

const stackLines = (s: StackRecord, live: LiveStack | undefined): string[] => {
  const who = s.mode === 'rootless' ? `rootless, owner ${s.owner ?? '?'}` : 'rootful';
  const disk = s.dataMount.luksUuid === null ? `data mount ${s.dataMount.path}` : `data mount ${s.dataMount.path} on LUKS ${s.dataMount.luksUuid}`;
  return [
    `  ${s.stack} ${s.version} (${who}), deployed by keelson ${s.keelson}; started through ${s.top}`,
    ...historyLine(s),
    ...(s.archive === undefined ? [] : [`    installed from a stack archive ${signerText(s.archive)}`]),
    ...unitLines(live),
    `    ${disk}`,
    `    ${s.files.length} managed file${s.files.length === 1 ? '' : 's'} (sha256 kept, so a hand edit shows in the next plan):`,
    ...s.files.map((f) => `      ${f.path}  ${f.sha256.slice(0, 12)}`),
    `    users: ${s.users.map((u) => `${u.name} (${u.uid}:${u.gid}, ${u.home})`).join(', ') || 'none'}`,
    `    groups: ${s.groups.map((g) => `${g.name} (${g.gid})`).join(', ') || 'none'}`,
    `    secrets (names only): ${s.secrets.join(', ') || 'none'}`,
    `    images: ${s.images.join(', ')}`,
  ];
};

/** The unit as `keelson logs` takes it: its bare name, or STACK:UNIT where another stack has a unit of that name. */
const logsName = (all: readonly LiveStack[], stack: string, unit: string): string =>
  all.filter((l) => l.units.some((u) => u.unit === unit)).length > 1 ? `${stack}:${unit}` : unit;

/** What needs someone first: the failed mark (nothing starts the stack again until it is cleared), failing units, warnings. */
const attentionLines = (stacks: readonly StackRecord[], live: readonly LiveStack[], target: string): string[] =>
  stacks.flatMap((s) => {
    const l = live.find((x) => x.stack === s.stack);
    // A manager that did not answer is one line, not a "failing" line per unit it was not asked about.
    const units = l === undefined || l.error !== null ? [] : [...l.units.filter((u) => u.status === 'fail'), ...l.units.filter((u) => u.status === 'warn')];
    return [
      ...(s.failed === null ? [] : [`  ${s.stack}: FAILED — ${s.failed.reason} (${s.failed.at}, run ${s.failed.runId})`]),
      ...(l === undefined || l.error === null ? [] : [`  ${s.stack}: its units could not be read (${l.error}); next: keelson doctor${target}`]),
      ...units.map((u) => u.status === 'fail'
        ? `  ${s.stack}: UNIT FAILING — ${u.summary}; next: keelson doctor${target}, then keelson logs ${logsName(live, s.stack, u.unit)}${target}`
        : `  ${s.stack}: unit warning — ${u.summary}; next: keelson logs ${logsName(live, s.stack, u.unit)}${target}`),
    ];
  });

export const statusText = (host: string, stateText: string | null, lastRun: JournaledRun | null, o: StatusTextOptions = {}): string => {
  const lines = [`keelson status on ${host}`];
  const state = parseRecord(stateText);
  const live = o.units ?? [];
  if (o.stateError != null) lines.push(`  the deployment record could not be read: ${o.stateError}; keelson doctor says more`);
  else if (state.kind === 'absent') lines.push('  nothing deployed by keelson yet');
  else if (state.kind !== 'present') lines.push(`  the deployment record is unreadable: ${state.why}`);
  else if (Object.keys(state.record.stacks).length === 0) lines.push('  nothing deployed by keelson (every stack recorded here was uninstalled)');
  else {
    const stacks = Object.values(state.record.stacks);
    lines.push(...attentionLines(stacks, live, o.target ?? ''));
    for (const s of stacks) lines.push(...stackLines(s, o.units === undefined ? undefined : live.find((x) => x.stack === s.stack)));
  }
  lines.push(lastRun === null ? '  no runs journaled' : lastRunLine(lastRun));
  return `${lines.join('\n')}\n`;
};
