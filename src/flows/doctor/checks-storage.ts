// Storage: each data mount mounted from the LUKS volume the record names, opened and mounted at boot (crypttab,
// fstab), with room left; the audit log on its own filesystem with room left before auditd halts the host, and
// auditd running with the halt settings.
import { auditChanges, parseAuditdConf, thresholdBytes } from '../../../steps/storage/auditd-conf.js';
import { AUDIT_DIR, AUDITD_CONF } from '../../../steps/storage/check-audit.js';
import { parseDf, type DiskSpace } from '../../../steps/storage/facts.js';
import { parseFindmnt } from '../../../steps/storage/findmnt.js';
import { cryptLayers, parseLsblk } from '../../../steps/storage/lsblk.js';
import { formatBytes } from '../../../steps/storage/model.js';
import { parseCrypttab, parseFstab } from '../../../steps/storage/tab-files.js';
import { check, type Check } from './check.js';
import { parseDfInodes, type DoctorFacts, type Inodes } from './doctor-facts.js';
import type { StackView } from './record-view.js';
import type { StackSections } from './stack-probe.js';

/** Below this share free: a warning. Below FAIL_FREE: a failure (a full data or audit filesystem stops the stack). */
export const WARN_FREE = 0.2;
export const FAIL_FREE = 0.05;

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/** Free space and inodes of one filesystem; `haltBelow` is where the host stops (auditd's margins). */
export const spaceCheck = (id: string, what: string, space: DiskSpace | null, inodes: Inodes | null, haltBelow: { bytes: number; why: string } | null = null): Check => {
  if (space === null) return check(id, 'fail', `${what}: free space could not be read`, [], [`df -h ${what}`]);
  const free = space.availableBytes / space.sizeBytes;
  const ifree = inodes === null || inodes.total === 0 ? 1 : inodes.free / inodes.total;
  const evidence = [`${formatBytes(space.availableBytes)} of ${formatBytes(space.sizeBytes)} free (${pct(free)}) on ${space.target}`, inodes === null ? 'inodes: not reported' : `${inodes.free} of ${inodes.total} inodes free (${pct(ifree)})`];
  if (haltBelow !== null) evidence.push(haltBelow.why);
  const remedy = [`du -xsh ${space.target}/* | sort -h | tail  (find what fills it; move or delete it, or grow the filesystem)`];
  const low = Math.min(free, ifree);
  if (low < FAIL_FREE || (haltBelow !== null && space.availableBytes < haltBelow.bytes)) return check(id, 'fail', `${what} is nearly full`, evidence, remedy);
  if (low < WARN_FREE) return check(id, 'warn', `${what} has less than ${pct(WARN_FREE)} free`, evidence, remedy);
  return check(id, 'ok', `${what}: ${pct(free)} space and ${pct(ifree)} inodes free`, evidence);
};

const dataMountChecks = (m: string, stacks: readonly StackView[], s: StackSections, facts: DoctorFacts): Check[] => {
  const uuid = stacks.find((x) => x.luksUuid !== null)?.luksUuid ?? null;
  const mount = parseFindmnt(s.get(`findmnt:${m}`)?.stdout ?? '');
  const layers = cryptLayers(parseLsblk(s.get(`lsblk:${m}`)?.stdout ?? '') ?? []);
  const luks = layers.find((l) => l.isLuks);
  const seen = luks?.backing?.uuid ?? null;
  const evidence = [`${m} is mounted from ${mount?.source ?? '(nothing)'} at ${mount?.target ?? '?'}`, `LUKS under it: ${seen ?? 'none'}; recorded: ${uuid ?? 'none'}`];
  const mountId = `storage:data-mount:${m}`;
  const out: Check[] = [];
  if (uuid === null) out.push(check(mountId, 'warn', `the record names no LUKS volume for ${m}`, evidence, ['keelson plan --stack MANIFEST checks the encryption']));
  else if (mount?.target !== m || seen !== uuid) out.push(check(mountId, 'fail', `${m} is not mounted from the recorded LUKS volume ${uuid}`, evidence, [`cryptsetup open /dev/disk/by-uuid/${uuid} NAME && mount ${m}  (or reboot: crypttab and fstab open and mount it)`]));
  else out.push(check(mountId, 'ok', `${m} is mounted from LUKS ${uuid}`, evidence));
  const tab = facts.crypttab.kind === 'present' ? parseCrypttab(facts.crypttab.content) : [];
  const entry = tab.find((e) => uuid !== null && (e.source === `UUID=${uuid}` || e.source === `/dev/disk/by-uuid/${uuid}`));
  out.push(entry !== undefined ? check(`storage:crypttab:${m}`, 'ok', `/etc/crypttab opens ${uuid ?? ''} as ${entry.name}`) : check(`storage:crypttab:${m}`, uuid === null ? 'warn' : 'fail', `/etc/crypttab has no entry for the LUKS volume of ${m}`, [`lines: ${tab.length}`], ['keelson apply --stack MANIFEST writes it again']));
  const fstab = facts.fstab.kind === 'present' ? parseFstab(facts.fstab.content) : [];
  out.push(fstab.some((e) => e.target === m) ? check(`storage:fstab:${m}`, 'ok', `/etc/fstab mounts ${m}`) : check(`storage:fstab:${m}`, 'fail', `/etc/fstab does not mount ${m}: it will not be there after a reboot`, [], ['keelson apply --stack MANIFEST writes it again']));
  out.push(spaceCheck(`storage:space:${m}`, m, parseDf(s.get(`df:${m}`)?.stdout ?? ''), parseDfInodes(s.get(`dfi:${m}`)?.stdout ?? '')));
  return out;
};

const auditChecks = (facts: DoctorFacts): Check[] => {
  const conf = facts.auditdConf.kind === 'present' ? parseAuditdConf(facts.auditdConf.content) : new Map<string, string>();
  const size = facts.auditSpace?.sizeBytes ?? null;
  const spaceLeft = thresholdBytes(conf.get('space_left'), size);
  const adminLeft = thresholdBytes(conf.get('admin_space_left'), size);
  const halt = spaceLeft === null ? null : { bytes: spaceLeft, why: `auditd warns below ${formatBytes(spaceLeft)} (space_left) and halts the host below ${adminLeft === null ? '?' : formatBytes(adminLeft)} (admin_space_left)` };
  const own = facts.auditMount?.target === AUDIT_DIR;
  const changes = auditChanges(conf);
  const running = facts.auditd === 'active';
  return [
    own ? check('storage:audit-mount', 'ok', `${AUDIT_DIR} is its own filesystem (${facts.auditMount.source})`) : check('storage:audit-mount', 'warn', `${AUDIT_DIR} is not on its own filesystem: a full log fills ${facts.auditMount?.target ?? '/'}`, [], ['give the audit log its own filesystem (keelson plan shows how)']),
    spaceCheck('storage:audit-space', AUDIT_DIR, facts.auditSpace, facts.auditInodes, halt),
    !running
      ? check('storage:auditd', 'fail', `auditd is ${facts.auditd || 'not installed'}`, [], ['systemctl start auditd.service'])
      : changes.length > 0
        ? check('storage:auditd', 'fail', `auditd runs but ${AUDITD_CONF} does not halt when records would be lost`, changes.map((c) => `${c.key} = ${c.from ?? '(unset)'}: ${c.why}`), [`set ${changes.map((c) => `${c.key} = ${c.to}`).join(', ')} in ${AUDITD_CONF}, then service auditd reload (or keelson apply --stack MANIFEST)`])
        : check('storage:auditd', 'ok', 'auditd runs with the halt settings'),
  ];
};

export const storageChecks = (stacks: readonly StackView[], s: StackSections, facts: DoctorFacts): Check[] => {
  const mounts = [...new Set(stacks.map((x) => x.dataMount))].sort();
  return [...mounts.flatMap((m) => dataMountChecks(m, stacks.filter((x) => x.dataMount === m), s, facts)), ...auditChecks(facts)];
};
