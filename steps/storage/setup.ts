// Whether the LUKS setup the operator asked for may go ahead: the device must be empty and unused, the data
// mount a plain directory whose content fits on it, and nothing else may already claim the names it needs.
import { blocker, info, type Finding } from '../../src/engine/finding.js';
import type { Manifest } from '../../src/manifest/schema.js';
import type { LuksCandidate } from './candidate-probe.js';
import { allNodes } from './lsblk.js';
import { crypttabEntries, formatBytes, fstabEntries, type StorageFacts, type VolumeModel } from './model.js';
import type { LuksSetupRequest, SetupRequestState } from './setup-request.js';

export type SetupAssessment =
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly findings: readonly Finding[] }
  | {
      readonly kind: 'ready';
      readonly findings: readonly Finding[];
      readonly request: LuksSetupRequest;
      readonly resolvedDevice: string;
      readonly uuid: string;
    };

// LUKS2 header (16 MiB) plus ext4's own metadata: roughly what a new volume loses before any file lands.
const OVERHEAD_BYTES = 64 * 1024 * 1024;

const LIST_DISKS = 'List the disks with: lsblk -o NAME,SIZE,TYPE,FSTYPE,MOUNTPOINTS; ls -l /dev/disk/by-id/';

const deviceProblems = (c: LuksCandidate, request: LuksSetupRequest): Finding[] => {
  const dev = c.resolved === null || c.resolved === c.device ? c.device : `${c.device} (${c.resolved})`;
  if (c.resolved === null) return [blocker('luks-device-missing', `${c.device} does not exist on this host.`, LIST_DISKS)];
  if (c.node === null || c.signatures === null) {
    return [blocker('luks-device-unexamined', `keelson could not examine ${dev}: ${c.probeError ?? 'lsblk or wipefs gave no answer'}.`, `Check it by hand: lsblk ${c.device}; wipefs ${c.device}`)];
  }
  const out: Finding[] = [];
  const node = c.node;
  if (node.type !== 'disk' && node.type !== 'part') {
    out.push(blocker('luks-device-type', `${dev} is a ${node.type} device, not a disk or a partition.`, LIST_DISKS));
  }
  if (node.readOnly) out.push(blocker('luks-device-read-only', `${dev} is read-only.`, 'Attach the disk writable, then plan again.'));
  const found = [...new Set([...c.signatures, ...(node.pttype === null ? [] : [`a ${node.pttype} partition table`]), ...(node.fstype === null ? [] : [node.fstype])])];
  if (found.length > 0) {
    out.push(
      blocker(
        'luks-device-not-empty',
        `${dev} is not empty: it holds ${found.join(', ')}. keelson formats only a disk with nothing on it.`,
        `Choose an empty disk. If nothing on ${c.device} is needed any more, erase it yourself (wipefs -a ${c.device}) and plan again.`,
      ),
    );
  }
  if (node.children.length > 0) {
    out.push(blocker('luks-device-in-use', `${dev} has partitions or devices on it (${node.children.map((n) => n.name).join(', ')}).`, LIST_DISKS));
  }
  const mounted = allNodes([node]).flatMap((n) => n.mountpoints);
  if (mounted.length > 0) out.push(blocker('luks-device-mounted', `${dev} is in use: mounted at ${mounted.join(', ')}.`, LIST_DISKS));
  if (c.mapperExists) {
    out.push(blocker('luks-mapper-taken', `/dev/mapper/${request.mapperName} exists already: the new volume needs that name.`, `See what it is: cryptsetup status ${request.mapperName}; dmsetup info ${request.mapperName}`));
  }
  return out;
};

export const assessSetup = (
  state: SetupRequestState,
  facts: StorageFacts,
  model: VolumeModel,
  manifest: Pick<Manifest, 'dataMount'>,
): SetupAssessment => {
  if (state.kind === 'none') return { kind: 'none' };
  const mount = manifest.dataMount;
  if (state.kind === 'invalid') {
    return { kind: 'refused', findings: [blocker('luks-setup-invalid', `The LUKS setup cannot be planned: ${state.why}.`, 'Name an empty disk, e.g. --setup-luks /dev/disk/by-id/virtio-data.')] };
  }
  const request: LuksSetupRequest = state;
  const findings: Finding[] = [];
  if (model.encryption === 'luks') {
    const dev = model.luks[0]?.backing.path ?? 'a LUKS volume';
    return { kind: 'refused', findings: [blocker('luks-setup-not-needed', `${mount} is already on LUKS (${dev}): the setup would format ${request.device} for nothing.`, 'Plan again without --setup-luks.')] };
  }
  if (model.mount === null) {
    findings.push(blocker('luks-setup-mount-unknown', `keelson cannot tell which filesystem holds ${mount} now, so it cannot move its content safely.`, `Check by hand: findmnt -T ${mount}`));
  } else if (model.mount.target === mount) {
    findings.push(
      blocker(
        'luks-setup-mount-in-use',
        `${mount} is already a filesystem of its own (${model.mount.source}): keelson moves content only out of a plain directory.`,
        `Copy its content elsewhere, unmount it and remove its /etc/fstab line, then plan again; or encrypt it in place (unmounted): cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 32M ${model.mount.source}`,
      ),
    );
  }
  if (crypttabEntries(facts.crypttab).some((e) => e.name === request.mapperName)) {
    findings.push(blocker('luks-crypttab-taken', `/etc/crypttab already has an entry "${request.mapperName}".`, `Remove or rename that line of /etc/crypttab, then plan again.`));
  }
  if (fstabEntries(facts.fstab).some((e) => e.target === mount)) {
    findings.push(blocker('luks-fstab-taken', `/etc/fstab already has a line for ${mount}, though nothing is mounted there.`, `Remove that line of /etc/fstab (it would fail at boot), then plan again.`));
  }
  const c = facts.candidate;
  if (c === undefined) {
    findings.push(blocker('luks-device-unexamined', `keelson has no facts about ${request.device}.`, 'Run the plan again.'));
  } else {
    findings.push(...deviceProblems(c, request));
    const size = c.node?.sizeBytes ?? null;
    const used = facts.dataUsed ?? 0;
    if (size !== null && size < used + OVERHEAD_BYTES) {
      findings.push(blocker('luks-device-too-small', `${request.device} (${formatBytes(size)}) cannot hold ${mount}'s ${formatBytes(used)} plus the LUKS header and filesystem.`, 'Choose a larger disk.'));
    }
  }
  if (!facts.tools.cryptsetup && facts.os?.family !== 'debian') {
    findings.push(blocker('luks-cryptsetup-missing', 'cryptsetup is not installed, and keelson installs packages for it only on Debian-family hosts.', 'dnf install cryptsetup, then plan again.'));
  }
  const uuid = facts.newUuid ?? null;
  if (uuid === null) {
    findings.push(blocker('luks-uuid-unavailable', 'The host gave no random UUID for the new volume (/proc/sys/kernel/random/uuid).', 'Run the plan again.'));
  }
  if (findings.length > 0 || c?.resolved === null || c?.resolved === undefined || uuid === null) return { kind: 'refused', findings };
  const used = facts.dataUsed ?? 0;
  const size = c.node?.sizeBytes ?? null;
  const ready: Finding[] = [
    info(
      'luks-setup-planned',
      `${mount} is not encrypted yet: ${request.device} (${c.resolved}${size === null ? '' : `, ${formatBytes(size)}`}) becomes a LUKS2 volume ` +
        `(aes-xts-plain64, 512-bit key, argon2id) opened at boot as ${request.mapperName}, and ${mount}'s content (${formatBytes(used)}) moves onto it.`,
    ),
    c.keyFileExists
      ? info('luks-setup-key', `The existing file ${request.keyFile} becomes the volume's key; keelson does not show it.`)
      : info('luks-setup-key', `The key is generated during apply, written only to ${request.keyFile} (root, 0400) and shown once: keep a copy off the host.`),
  ];
  if (used > 0) {
    ready.push(info('luks-setup-old-copies', `The clear-text originals are deleted from ${model.mount?.target ?? '/'} after the copy; their blocks may stay readable on that disk until overwritten.`));
  }
  return { kind: 'ready', findings: ready, request, resolvedDevice: c.resolved, uuid };
};
