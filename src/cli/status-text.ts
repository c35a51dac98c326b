// keelson status as text: what the host's state file says was deployed, one block per stack, then the last run.
// Pure, so it is tested without a host.
import type { JournaledRun } from '../apply/last-run.js';
import { parseRecord } from '../state/parse-record.js';
import type { StackRecord } from '../state/record-schema.js';
import { signerText } from '../engine/signer-text.js';

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

const stackLines = (s: StackRecord): string[] => {
  const who = s.mode === 'rootless' ? `rootless, owner ${s.owner ?? '?'}` : 'rootful';
  const disk = s.dataMount.luksUuid === null ? `data mount ${s.dataMount.path}` : `data mount ${s.dataMount.path} on LUKS ${s.dataMount.luksUuid}`;
  return [
    // A failed stack first: nothing starts it again until the operator has read why and cleared it.
    ...(s.failed === null ? [] : [`  ${s.stack}: FAILED — ${s.failed.reason} (${s.failed.at}, run ${s.failed.runId})`]),
    `  ${s.stack} ${s.version} (${who}), deployed by keelson ${s.keelson}; started through ${s.top}`,
    ...historyLine(s),
    ...(s.archive === undefined ? [] : [`    installed from a stack archive ${signerText(s.archive)}`]),
    `    ${disk}`,
    `    ${s.files.length} managed file${s.files.length === 1 ? '' : 's'} (sha256 kept, so a hand edit shows in the next plan):`,
    ...s.files.map((f) => `      ${f.path}  ${f.sha256.slice(0, 12)}`),
    `    users: ${s.users.map((u) => `${u.name} (${u.uid}:${u.gid}, ${u.home})`).join(', ') || 'none'}`,
    `    groups: ${s.groups.map((g) => `${g.name} (${g.gid})`).join(', ') || 'none'}`,
    `    secrets (names only): ${s.secrets.join(', ') || 'none'}`,
    `    images: ${s.images.join(', ')}`,
  ];
};

export const statusText = (host: string, stateText: string | null, lastRun: JournaledRun | null): string => {
  const lines = [`keelson status on ${host}`];
  const state = parseRecord(stateText);
  if (state.kind === 'absent') lines.push('  nothing deployed by keelson yet');
  else if (state.kind !== 'present') lines.push(`  the deployment record is unreadable: ${state.why}`);
  else if (Object.keys(state.record.stacks).length === 0) lines.push('  nothing deployed by keelson (every stack recorded here was uninstalled)');
  else for (const s of Object.values(state.record.stacks)) lines.push(...stackLines(s));
  lines.push(lastRun === null ? '  no runs journaled' : lastRunLine(lastRun));
  return `${lines.join('\n')}\n`;
};
