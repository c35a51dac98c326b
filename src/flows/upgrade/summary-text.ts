// The upgrade summary as the operator reads it before saying yes (and as --check prints it). Pure.
import type { UpgradeAnswers } from './answers.js';
import { UPGRADE_BACKUPS_KEPT } from './backup-retention.js';
import type { UpgradeSummary } from './summary.js';

const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.join(', '));

export const upgradeSummaryText = (s: UpgradeSummary, answers: UpgradeAnswers): string => {
  if (s.upToDate) return `${s.stack} ${s.to.version} is deployed and up to date: nothing to do.\n`;
  const out = [
    `Upgrade ${s.stack} ${s.from.version} → ${s.to.version}`,
    ...(s.signer.text === null ? [] : [`  signer: ${s.signer.text}`]),
    `  answers: kept ${list(answers.kept)}; new ${list(answers.asked)}; dropped ${list(answers.dropped)}`,
    `  containers: added ${list(s.containers.added)}; removed ${list(s.containers.removed)}; changed ${list(s.containers.changed)}`,
    `  images to fetch first (the running version keeps running): ${list(s.images)}`,
    `  restarts, in this order: ${list(s.restarts)}`,
    `  stops (leaving the stack): ${list(s.stops)}`,
    `  migrations that will run (before what requires them restarts): ${list(s.migrations)}`,
    `  backed up before the first change: ${list(s.backups)}`,
    ...s.volumes.map((v) => `    volume ${v.volume} → ${v.archive}: ${v.restore ? 'restored if the upgrade fails' : 'only mounted read-only, kept but not restored'}`),
    ...(s.prunes.length === 0 ? [] : [`  old upgrade backups removed once the new version is healthy (the newest ${UPGRADE_BACKUPS_KEPT} are kept):`]),
    ...s.prunes.map((b) => `    - ${b.dir} (made by ${b.made})`),
    `  files: ${s.files.length === 0 ? 'none changes' : ''}`,
    ...s.files.flatMap((f) => [`    ${f.change === 'add' ? '+' : f.change === 'remove' ? '-' : '~'} ${f.path}`, ...f.diff.split('\n').filter((l) => l !== '').map((l) => `        ${l}`)]),
  ];
  return `${out.join('\n')}\n`;
};
