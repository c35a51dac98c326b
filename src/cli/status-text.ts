// keelson status as text: what the host's state file says was deployed, one block per stack, then the last run.
// Pure, so it is tested without a host.
import { parseStateFile, type StackState } from '../../steps/quadlet/host-state.js';

export interface LastRun {
  readonly journal: string;
  readonly ok: boolean | null;
  readonly lastEvent: string;
}

const stackLines = (s: StackState): string[] => {
  const who = s.mode === 'rootless' ? `rootless, owner ${s.owner ?? '?'}` : 'rootful';
  const disk = s.dataMount.luksUuid === null ? `data mount ${s.dataMount.path}` : `data mount ${s.dataMount.path} on LUKS ${s.dataMount.luksUuid}`;
  return [
    `  ${s.stack} ${s.version} (${who}), deployed by keelson ${s.keelson}; started through ${s.top}`,
    `    ${disk}`,
    `    ${s.files.length} managed file${s.files.length === 1 ? '' : 's'} (sha256 kept, so a hand edit shows in the next plan):`,
    ...s.files.map((f) => `      ${f.path}  ${f.sha256.slice(0, 12)}`),
    `    users: ${s.users.map((u) => `${u.name} (${u.uid}:${u.gid}, ${u.home})`).join(', ') || 'none'}`,
    `    groups: ${s.groups.map((g) => `${g.name} (${g.gid})`).join(', ') || 'none'}`,
    `    secrets (names only): ${s.secrets.join(', ') || 'none'}`,
    `    images: ${s.images.join(', ')}`,
  ];
};

export const statusText = (host: string, stateText: string | null, lastRun: LastRun | null): string => {
  const lines = [`keelson status on ${host}`];
  const state = parseStateFile(stateText);
  if (state.kind === 'absent') lines.push('  nothing deployed by keelson yet');
  else if (state.kind === 'unreadable') lines.push(`  the state file is unreadable: ${state.why}; "keelson apply" writes it again`);
  else for (const s of Object.values(state.state.stacks)) lines.push(...stackLines(s));
  lines.push(
    lastRun === null
      ? '  no runs journaled'
      : `  last run: ${lastRun.ok === null ? 'INTERRUPTED' : lastRun.ok ? 'ok' : 'FAILED'} (${lastRun.lastEvent}) — ${lastRun.journal}`,
  );
  return `${lines.join('\n')}\n`;
};
