// Does the data volume come back after a reboot: crypttab opens the right LUKS device with a mechanism that
// exists (a key file, a token, or a passphrase someone types), systemd reads crypttab at all, and fstab mounts it.
// Also: rootful Quadlet files must be on a filesystem that is there when systemd's generators run.
import { blocker, info, warning, type Finding } from '../../src/engine/finding.js';
import type { MountInfo } from './findmnt.js';
import { isUnder } from './is-under.js';
import type { BlockNode } from './lsblk.js';
import { crypttabEntries, fstabEntries, luksUuidOf, type LuksLayer, type StorageFacts, type VolumeModel } from './model.js';
import { option, type CrypttabEntry, type FstabEntry } from './tab-files.js';

type Match = 'yes' | 'no' | 'unknown';

const byUuid = (source: string): string | null => /^UUID=(.+)$/.exec(source)?.[1] ?? /^\/dev\/disk\/by-uuid\/(.+)$/.exec(source)?.[1] ?? null;

/** Whether a crypttab source names the LUKS device (UUID=, PARTUUID=, LABEL= or a path resolved on the host). */
const crypttabMatches = (e: CrypttabEntry, l: LuksLayer, resolved: string | undefined): Match => {
  const uuid = byUuid(e.source);
  if (uuid !== null) return uuid.toLowerCase() === (luksUuidOf(l) ?? '').toLowerCase() ? 'yes' : 'no';
  const partuuid = /^PARTUUID=(.+)$/.exec(e.source)?.[1];
  if (partuuid !== undefined) return l.backing.partuuid === null ? 'unknown' : partuuid.toLowerCase() === l.backing.partuuid.toLowerCase() ? 'yes' : 'no';
  const label = /^LABEL=(.+)$/.exec(e.source)?.[1];
  if (label !== undefined) return l.backing.label === null ? 'unknown' : label === l.backing.label ? 'yes' : 'no';
  if (e.source.startsWith('/')) return resolved === undefined ? 'unknown' : resolved === l.backing.path ? 'yes' : 'no';
  return 'unknown';
};

/** Whether an fstab source names the mounted device (UUID=, LABEL=, /dev/mapper/NAME or its path). */
const fstabMatches = (e: FstabEntry, top: BlockNode): Match => {
  const uuid = byUuid(e.source);
  if (uuid !== null) return top.uuid === null ? 'unknown' : uuid.toLowerCase() === top.uuid.toLowerCase() ? 'yes' : 'no';
  const label = /^LABEL=(.+)$/.exec(e.source)?.[1];
  if (label !== undefined) return top.label === null ? 'unknown' : label === top.label ? 'yes' : 'no';
  if (e.source === top.path || e.source === `/dev/mapper/${top.name}`) return 'yes';
  return e.source.startsWith('/dev/') ? 'unknown' : 'no';
};

const UNLOCK_OPTIONS = ['tpm2-device', 'fido2-device', 'pkcs11-uri', 'keyscript'];

const crypttabFindings = (facts: StorageFacts, l: LuksLayer, fsTarget: string, familyDebian: boolean): Finding[] => {
  const name = l.layer.mapping.name;
  const dev = l.backing.path;
  const uuid = luksUuidOf(l);
  if (facts.crypttab.kind === 'unreadable') {
    return [warning('crypttab-unreadable', `/etc/crypttab could not be read (${facts.crypttab.why}): whether ${name} opens at boot is unknown.`, 'Check its permissions: ls -l /etc/crypttab')];
  }
  const entry = crypttabEntries(facts.crypttab).find((e) => e.name === name);
  if (entry === undefined) {
    return [
      blocker(
        'crypttab-missing',
        `${dev} is open now as ${name}, but /etc/crypttab has no entry for it: after a reboot it stays closed and ${fsTarget} is not mounted.`,
        `Add to /etc/crypttab: ${name} UUID=${uuid ?? 'LUKS-UUID'} none luks   (or a key file instead of none for unattended boots)`,
      ),
    ];
  }
  const out: Finding[] = [];
  const match = crypttabMatches(entry, l, facts.volume.crypttabSources[name]);
  if (match === 'no') {
    out.push(blocker('crypttab-wrong-device', `/etc/crypttab opens ${name} from ${entry.source}, which is not ${dev}: at boot the wrong device, or none, is opened.`, `Point it at the volume: ${name} UUID=${uuid ?? 'LUKS-UUID'} …`));
  } else if (match === 'unknown') {
    out.push(warning('crypttab-source-unverified', `/etc/crypttab opens ${name} from ${entry.source}; keelson cannot confirm that this is ${dev}.`, `Prefer UUID=${uuid ?? 'LUKS-UUID'}, which names the volume itself.`));
  }
  if (option(entry.options, 'noauto') !== undefined) {
    out.push(blocker('crypttab-noauto', `/etc/crypttab marks ${name} noauto: it is not opened at boot.`, `Remove noauto from its options in /etc/crypttab.`));
  }
  const unlock = UNLOCK_OPTIONS.find((o) => option(entry.options, o) !== undefined);
  if (entry.keyFile === null) {
    if (unlock !== undefined) {
      out.push(info('crypttab-unlock', `${name} is opened at boot through ${unlock}.`));
    } else {
      const hangs = option(entry.options, 'nofail') === undefined;
      out.push(
        warning(
          'crypttab-passphrase-at-boot',
          `${name} asks for its passphrase at every boot: until someone types it at the console, ${fsTarget} stays unmounted${hangs ? ' and the host does not finish booting (no SSH)' : ''}.`,
          `For unattended boots add a root-only key file, or enroll a TPM2 chip: systemd-cryptenroll --tpm2-device=auto ${dev}, then tpm2-device=auto in /etc/crypttab.`,
        ),
      );
    }
  } else {
    const stat = facts.volume.keyFiles[name];
    if (fsTarget !== '/' && isUnder(entry.keyFile, fsTarget)) {
      out.push(blocker('crypttab-keyfile-inside', `The key file ${entry.keyFile} of ${name} lies inside ${fsTarget}, which only exists once ${name} is open.`, `Move the key file to the root filesystem (root-only, 0400) and update /etc/crypttab.`));
    } else if (stat === undefined || stat === null) {
      out.push(blocker('crypttab-keyfile-missing', `The key file ${entry.keyFile} of ${name} does not exist: the volume cannot open unattended at boot.`, `Restore ${entry.keyFile} (root-only, 0400), or change the key file in /etc/crypttab.`));
    } else if (stat.owner !== 'root' || !stat.mode.padStart(3, '0').endsWith('00')) {
      out.push(warning('crypttab-keyfile-exposed', `The key file ${entry.keyFile} is mode ${stat.mode}, owner ${stat.owner}:${stat.group}: whoever can read it can open ${name}.`, `chown root:root ${entry.keyFile} && chmod 0400 ${entry.keyFile}`));
    }
  }
  // The root volume is opened by the initramfs; any other needs systemd's crypttab generator.
  if (fsTarget !== '/' && option(entry.options, 'initramfs') === undefined && !facts.tools.cryptsetupGenerator) {
    out.push(
      familyDebian
        ? warning('cryptsetup-generator-missing', `systemd-cryptsetup is not installed: systemd ignores /etc/crypttab at boot, ${name} stays closed and the host drops into emergency mode (no SSH).`, 'keelson installs systemd-cryptsetup (planned below).')
        : blocker('cryptsetup-generator-missing', `systemd-cryptsetup-generator is missing: systemd ignores /etc/crypttab at boot and ${name} stays closed.`, "Install the package that provides /usr/lib/systemd/system-generators/systemd-cryptsetup-generator (part of systemd on RHEL)."),
    );
  }
  return out;
};

const fstabFindings = (facts: StorageFacts, top: BlockNode, mount: MountInfo, dataMount: string): Finding[] => {
  // The root filesystem is mounted by the kernel and initramfs before fstab matters.
  if (mount.target === '/') return [];
  if (facts.fstab.kind === 'unreadable') {
    return [warning('fstab-unreadable', `/etc/fstab could not be read (${facts.fstab.why}): whether ${mount.target} is mounted at boot is unknown.`, 'Check its permissions: ls -l /etc/fstab')];
  }
  const entry = fstabEntries(facts.fstab).findLast((e) => e.target === mount.target);
  if (entry === undefined) {
    return [blocker('fstab-missing', `${mount.target} is mounted now, but /etc/fstab has no line for it: it is not mounted again after a reboot.`, `Add to /etc/fstab: ${top.uuid === null ? top.path : `UUID=${top.uuid}`} ${mount.target} ${mount.fstype} defaults,nofail,x-systemd.device-timeout=10min 0 2`)];
  }
  const out: Finding[] = [];
  const match = fstabMatches(entry, top);
  if (match === 'no') {
    out.push(blocker('fstab-wrong-device', `/etc/fstab mounts ${entry.source} at ${mount.target}, not the encrypted ${top.path}: after a reboot the wrong device, or none, is mounted there.`, `Point the line at ${top.uuid === null ? top.path : `UUID=${top.uuid}`}.`));
  } else if (match === 'unknown') {
    out.push(warning('fstab-source-unverified', `/etc/fstab mounts ${entry.source} at ${mount.target}; keelson cannot confirm that this is ${top.path}.`, `Prefer ${top.uuid === null ? top.path : `UUID=${top.uuid}`}.`));
  }
  if (option(entry.options, 'noauto') !== undefined) {
    out.push(blocker('fstab-noauto', `/etc/fstab marks ${mount.target} noauto: it is not mounted at boot.`, `Remove noauto from its options in /etc/fstab.`));
  }
  if (option(entry.options, 'nofail') !== undefined) {
    out.push(info('fstab-nofail', `${mount.target} has nofail: if the volume does not open, the host still boots (reachable over SSH) and the stack, which requires ${dataMount}, does not start.`));
  }
  return out;
};

export const checkBoot = (facts: StorageFacts, model: VolumeModel, dataMount: string): Finding[] => {
  const mount = model.mount;
  if (model.encryption !== 'luks' || mount === null) return [];
  const debian = facts.os?.family === 'debian';
  return [
    ...model.luks.flatMap((l) => crypttabFindings(facts, l, mount.target, debian)),
    ...(model.top === null ? [] : fstabFindings(facts, model.top, mount, dataMount)),
  ];
};

/** Rootful Quadlet units are generated early in boot: from files on a later mount they are simply not there. */
export const checkQuadletDir = (quadletMount: MountInfo | null | undefined, dir: string): Finding[] => {
  if (quadletMount === undefined || quadletMount === null || quadletMount.target === '/') return [];
  return [
    blocker(
      'quadlet-dir-late-mount',
      `${dir} is on ${quadletMount.source}, mounted at ${quadletMount.target} after systemd's generators run: at boot Quadlet finds no units and the stack does not start.`,
      `Keep ${dir} on the root filesystem.`,
    ),
  ];
};

/** Whether the data volume's crypttab needs systemd-cryptsetup installed (and keelson can install it). */
export const needsCryptsetupGenerator = (facts: StorageFacts, model: VolumeModel): boolean => {
  if (facts.tools.cryptsetupGenerator || model.mount === null || model.mount.target === '/') return false;
  const names = new Set(model.luks.map((l) => l.layer.mapping.name));
  return crypttabEntries(facts.crypttab).some((e) => names.has(e.name) && option(e.options, 'initramfs') === undefined);
};
