// Audit logging that an attacker cannot silence by filling a disk: auditd installed and running, /var/log/audit
// on a filesystem of its own, and auditd set to halt the host rather than go on without recording.
import { blocker, info, warning, type Finding } from '../../src/engine/finding.js';
import { auditChanges, parseAuditdConf, thresholdBytes, type AuditChange } from './auditd-conf.js';
import { formatBytes, type StorageFacts, type VolumeModel } from './model.js';

export const AUDIT_DIR = '/var/log/audit';
export const AUDITD_CONF = '/etc/audit/auditd.conf';

/** The auditd.conf edits the plan makes: none when auditd or its config is missing (a blocker says so). */
export const plannedAuditChanges = (facts: StorageFacts): AuditChange[] =>
  facts.tools.auditd && facts.auditdConf.kind === 'present' ? auditChanges(parseAuditdConf(facts.auditdConf.content)) : [];

const partitionFindings = (facts: StorageFacts, model: VolumeModel): Finding[] => {
  const m = facts.auditMount;
  if (m === null) {
    return [warning('audit-mount-unknown', `keelson cannot tell which filesystem holds ${AUDIT_DIR}.`, `Check by hand: findmnt -T ${AUDIT_DIR}`)];
  }
  const space = facts.auditSpace;
  const free = space === null ? '' : `, ${formatBytes(space.availableBytes)} free of ${formatBytes(space.sizeBytes)}`;
  const ownFs = `Give ${AUDIT_DIR} a filesystem of its own (a partition or disk of 1 GiB or more, mounted from /etc/fstab), then plan again.`;
  if (m.target === '/') {
    return [blocker('audit-on-root', `${AUDIT_DIR} is on the root filesystem: whatever fills / (a log, a container, a user) also stops audit logging, or halts the host once auditd is set to.`, ownFs)];
  }
  if (model.mount !== null && m.target === model.mount.target) {
    return [blocker('audit-on-data', `${AUDIT_DIR} shares ${m.target} with the stack's data: the stack can fill it and silence the audit trail.`, ownFs)];
  }
  if (m.target !== AUDIT_DIR) {
    return [warning('audit-shared', `${AUDIT_DIR} is on ${m.target} (${m.source}${free}), shared with everything else written there: other writers can fill it.`, ownFs)];
  }
  return [info('audit-own-fs', `${AUDIT_DIR} has a filesystem of its own: ${m.source} (${m.fstype}${free}).`)];
};

const settingFindings = (facts: StorageFacts, changes: readonly AuditChange[]): Finding[] => {
  if (facts.auditdConf.kind !== 'present') {
    return facts.auditdConf.kind === 'absent'
      ? [blocker('auditd-conf-missing', `${AUDITD_CONF} is missing: auditd runs on built-in defaults that ignore a full disk.`, 'Restore it: apt-get install --reinstall -o Dpkg::Options::=--force-confmiss auditd (dnf reinstall audit)')]
      : [warning('auditd-conf-unreadable', `${AUDITD_CONF} could not be read (${facts.auditdConf.why}).`, `Check it: ls -l ${AUDITD_CONF}`)];
  }
  const settings = parseAuditdConf(facts.auditdConf.content);
  const out: Finding[] = changes.map((c) =>
    info('auditd-setting', `${c.key} is ${c.from ?? 'not set'}: ${c.why}. It will be set to ${c.to}.`),
  );
  const space = facts.auditSpace;
  const size = space?.sizeBytes ?? null;
  const spaceLeft = thresholdBytes(settings.get('space_left'), size);
  const adminLeft = thresholdBytes(settings.get('admin_space_left'), size);
  if (spaceLeft !== null && adminLeft !== null && spaceLeft <= adminLeft) {
    out.push(warning('audit-thresholds', `space_left (${settings.get('space_left') ?? ''}) is not above admin_space_left (${settings.get('admin_space_left') ?? ''}): there is no warning before the last margin.`, `Set space_left above admin_space_left in ${AUDITD_CONF}, e.g. space_left = 75 and admin_space_left = 50.`));
  }
  const adminAction = changes.some((c) => c.key === 'admin_space_left_action') ? 'HALT' : (settings.get('admin_space_left_action') ?? '').toUpperCase();
  if (space !== null && adminLeft !== null && space.availableBytes <= adminLeft && (adminAction === 'HALT' || adminAction === 'SINGLE')) {
    out.push(
      blocker(
        'audit-space-critical',
        `Only ${formatBytes(space.availableBytes)} is free on ${space.target}, below admin_space_left (${formatBytes(adminLeft)}): with admin_space_left_action = ${adminAction} the host stops as soon as auditd writes.`,
        `Free space on ${space.target} or enlarge it first (archive old logs: ls -l ${AUDIT_DIR}).`,
      ),
    );
  } else if (space !== null && spaceLeft !== null && space.availableBytes <= spaceLeft) {
    out.push(warning('audit-space-low', `Only ${formatBytes(space.availableBytes)} is free on ${space.target}, below space_left (${formatBytes(spaceLeft)}).`, `Archive old audit logs off the host and free space on ${space.target}.`));
  }
  if ((settings.get('max_log_file_action') ?? '').toUpperCase() === 'ROTATE') {
    out.push(
      warning(
        'audit-logs-rotate',
        'max_log_file_action = ROTATE deletes the oldest audit log once num_logs files exist: a flood of events can push the trail out.',
        `Set max_log_file_action = KEEP_LOGS in ${AUDITD_CONF} and archive old logs off the host; the halt settings stop the host before the partition overflows.`,
      ),
    );
  }
  return out;
};

export const checkAudit = (facts: StorageFacts, model: VolumeModel): Finding[] => {
  const family = facts.os?.family;
  if (!facts.tools.auditd) {
    return [
      blocker('auditd-missing', 'auditd is not installed: nothing records security events on this host.', family === 'rhel' ? 'dnf install audit, then plan again.' : 'apt-get install auditd, then plan again.'),
      ...partitionFindings(facts, model),
    ];
  }
  const out = [...partitionFindings(facts, model), ...settingFindings(facts, plannedAuditChanges(facts))];
  if (facts.tools.auditdActive !== 'active') {
    out.push(warning('auditd-not-running', `auditd is ${facts.tools.auditdActive}: no audit records are being written.`, 'keelson enables and starts auditd.service (planned below).'));
  }
  return out;
};
