// The record itself (readable, or absent: no stack deployed), how the last run ended, and the host's own tools.
import { formatVersion } from '../../facts/version.js';
import { signerText } from '../../engine/signer-text.js';
import { check, type Check } from './check.js';
import type { DoctorFacts } from './doctor-facts.js';
import { RECORD_PATH, type RecordView } from './record-view.js';

export const recordCheck = (facts: DoctorFacts, record: RecordView): Check => {
  if (facts.record.kind === 'unreadable') return check('record', 'fail', `${RECORD_PATH} cannot be read: ${facts.record.why}`, [], [`ls -l ${RECORD_PATH}`]);
  if (record.kind === 'absent') return check('record', 'ok', `no stack deployed by keelson on this host (no ${RECORD_PATH}); host-level checks only`);
  if (record.kind === 'unreadable') return check('record', 'fail', record.why, [], [`keelson apply --stack MANIFEST writes it again (the broken file is backed up first)`]);
  if (record.stacks.length === 0) return check('record', 'ok', `no stack deployed by keelson on this host (${RECORD_PATH} lists none: uninstalled); host-level checks only`);
  const failed = record.stacks.filter((s) => s.failed !== null);
  if (failed.length > 0) {
    return check('record', 'fail', `FAILED: ${failed.map((s) => `${s.name}: ${s.failed?.reason ?? ''} (${s.failed?.at ?? ''})`).join('; ')}`, [], [
      'read why above and the journal (keelson logs), repair the cause, then clear the failed state before apply or upgrade',
    ]);
  }
  // Who signed what runs: support reads it here before anything else about the stack.
  const origin = (s: (typeof record.stacks)[number]): string => (s.archive === null ? '' : `, installed from a stack archive ${signerText(s.archive)}`);
  return check('record', 'ok', `${RECORD_PATH}: ${record.stacks.map((s) => `${s.name} ${s.version} (${s.mode})${origin(s)}`).join('; ')}`);
};

export const lastRunCheck = (facts: DoctorFacts): Check => {
  const r = facts.lastRun;
  if (r === null) return check('record:last-run', 'ok', 'no runs journaled');
  const at = r.stoppedAt === undefined ? '' : ` at action ${r.stoppedAt.index + 1} of ${r.actions} (${r.stoppedAt.description}${r.stoppedAt.error === undefined ? '' : `: ${r.stoppedAt.error}`})`;
  const evidence = [`run ${r.runId} of ${r.stack}, started ${r.startedAt}: ${r.finished} of ${r.actions} actions finished`, `journal: ${r.journalPath}`];
  if (r.state === 'ok' || r.rolledBack) return check('record:last-run', 'ok', `the last run of ${r.stack} ${r.rolledBack ? 'was rolled back' : 'finished'}`, evidence);
  const how = r.state === 'failed' ? 'FAILED' : 'did not finish';
  return check('record:last-run', 'fail', `the last run of ${r.stack} ${how}${at}`, evidence, [`keelson apply --stack MANIFEST finishes it (it plans what is left), or roll it back from the wizard`]);
};

export const toolChecks = (facts: DoctorFacts): Check[] => [
  facts.podman === null ? check('host:podman', 'fail', 'Podman does not answer', [], ['podman version']) : check('host:podman', 'ok', `Podman ${formatVersion(facts.podman)}`),
  facts.systemd === null ? check('host:systemd', 'fail', 'systemd does not answer', [], ['systemctl --version']) : check('host:systemd', 'ok', `systemd ${facts.systemd}`),
];
