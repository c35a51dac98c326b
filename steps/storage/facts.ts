// The storage step's small probes: files, mounts, free space, tools, the per-instance record. Each is argv or a
// constant sh script; paths from the manifest and the operator arrive as "$1"…, never spliced into the script.
// The two larger probes live beside this file: volume-probe.ts and candidate-probe.ts.
import type { Fact, ProbeOutput } from '../../src/facts/fact.js';
import { parseFindmnt, type MountInfo } from './findmnt.js';
import { firstLine } from './sections.js';

/** "$1" may not exist yet (a fresh host without /var/log/audit): ask about its nearest existing parent. */
export const NEAREST_EXISTING_SH = `p=$1
while [ ! -e "$p" ]; do p=$(dirname -- "$p"); done`;

// ---------------------------------------------------------------------------------------------------------
// Files

export type TextFile =
  | { readonly kind: 'present'; readonly content: string }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly why: string };

const ABSENT = 44;

export const parseTextFile = (o: ProbeOutput): TextFile =>
  o.exitCode === 0 ? { kind: 'present', content: o.stdout } : o.exitCode === ABSENT ? { kind: 'absent' } : { kind: 'unreadable', why: firstLine(o) };

export const fileFact = (path: string): Fact<TextFile> => ({
  id: `file:${path}`,
  probe: { sh: `if [ -e "$1" ]; then exec cat -- "$1"; fi\nexit ${ABSENT}`, args: [path] },
  parse: parseTextFile,
});

// ---------------------------------------------------------------------------------------------------------
// Mounts and free space

export const mountOfFact = (path: string): Fact<MountInfo | null> => ({
  id: `mount-of:${path}`,
  probe: { sh: `${NEAREST_EXISTING_SH}\nexec findmnt -J --nofsroot -T "$p" -o TARGET,SOURCE,FSTYPE,OPTIONS`, args: [path] },
  parse: (o) => (o.exitCode === 0 ? parseFindmnt(o.stdout) : null),
});

export interface DiskSpace {
  readonly sizeBytes: number;
  readonly availableBytes: number;
  readonly target: string;
}

/** `df -P -B1`: a header line, then "fs size used available capacity% mountpoint". */
export const parseDf = (stdout: string): DiskSpace | null => {
  const line = stdout.split('\n').filter((l) => l.trim() !== '')[1];
  const f = line?.trim().split(/\s+/) ?? [];
  const [size, , avail] = f.slice(1, 4).map(Number);
  const target = f.slice(5).join(' ');
  if (size === undefined || avail === undefined || Number.isNaN(size) || Number.isNaN(avail) || target === '') return null;
  return { sizeBytes: size, availableBytes: avail, target };
};

export const diskSpaceFact = (path: string): Fact<DiskSpace | null> => ({
  id: `df:${path}`,
  probe: { sh: `${NEAREST_EXISTING_SH}\nexec df -P -B1 -- "$p"`, args: [path] },
  parse: (o) => (o.exitCode === 0 ? parseDf(o.stdout) : null),
  // Free space changes on its own: a saved plan is not refused because a log grew.
  volatile: true,
});

// ---------------------------------------------------------------------------------------------------------
// Tools and services

export interface StorageTools {
  readonly cryptsetup: boolean;
  /** systemd reads /etc/crypttab at boot only through this generator (Debian 13: package systemd-cryptsetup). */
  readonly cryptsetupGenerator: boolean;
  readonly auditd: boolean;
  /** `systemctl is-active auditd.service`: "active", "inactive", "failed", … */
  readonly auditdActive: string;
  readonly auditdEnabled: string;
  /** Whether the unit has ExecReload (upstream's auditd.service has none since audit 3). */
  readonly auditdCanReload: boolean;
}

const TOOLS_SH = `for f in /usr/lib/systemd/system-generators/systemd-cryptsetup-generator /lib/systemd/system-generators/systemd-cryptsetup-generator; do
  if [ -x "$f" ]; then echo cryptsetup-generator=yes; break; fi
done
command -v cryptsetup >/dev/null 2>&1 && echo cryptsetup=yes
command -v auditd >/dev/null 2>&1 && echo auditd=yes
# One systemctl for three questions about auditd: ActiveState, UnitFileState and CanReload are what is-active,
# is-enabled and show -p CanReload print.
systemctl show -p ActiveState -p UnitFileState -p CanReload auditd.service 2>/dev/null | while IFS='=' read -r k v; do
  case $k in ActiveState) echo "auditd-active=$v" ;; UnitFileState) echo "auditd-enabled=$v" ;; CanReload) echo "auditd-can-reload=$v" ;; esac
done
exit 0`;

export const parseTools = (stdout: string): StorageTools => {
  const kv = new Map(stdout.split('\n').flatMap((l) => (/^[a-z-]+=/.test(l) ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()] as const] : [])));
  return {
    cryptsetup: kv.get('cryptsetup') === 'yes',
    cryptsetupGenerator: kv.get('cryptsetup-generator') === 'yes',
    auditd: kv.get('auditd') === 'yes',
    auditdActive: kv.get('auditd-active') || 'unknown',
    auditdEnabled: kv.get('auditd-enabled') || 'unknown',
    auditdCanReload: kv.get('auditd-can-reload') === 'yes',
  };
};

export const storageToolsFact: Fact<StorageTools> = {
  id: 'storage-tools',
  probe: { sh: TOOLS_SH },
  parse: (o) => parseTools(o.stdout),
};

// ---------------------------------------------------------------------------------------------------------
// The per-instance record: which LUKS volume this machine's data lives on, written at first install

export const STORAGE_RECORD_PATH = '/var/lib/keelson/storage.json';

export interface StorageRecord {
  readonly luksUuid: string;
  readonly machineId: string;
  readonly dataMount: string;
}

export type RecordState = { readonly kind: 'absent' } | { readonly kind: 'unreadable'; readonly why: string } | ({ readonly kind: 'present' } & StorageRecord);

export const parseRecord = (file: TextFile): RecordState => {
  if (file.kind !== 'present') return file.kind === 'absent' ? { kind: 'absent' } : { kind: 'unreadable', why: file.why };
  try {
    const doc = JSON.parse(file.content) as Partial<Record<keyof StorageRecord, unknown>> | null;
    const { luksUuid, machineId, dataMount } = doc ?? {};
    if (typeof luksUuid === 'string' && typeof machineId === 'string' && typeof dataMount === 'string') {
      return { kind: 'present', luksUuid, machineId, dataMount };
    }
    return { kind: 'unreadable', why: 'it lacks luksUuid, machineId or dataMount' };
  } catch {
    return { kind: 'unreadable', why: 'it is not JSON' };
  }
};

export const renderRecord = (r: StorageRecord): string =>
  `${JSON.stringify({ format: 'keelson-storage/1', luksUuid: r.luksUuid, machineId: r.machineId, dataMount: r.dataMount }, null, 2)}\n`;

export const storageRecordFact: Fact<RecordState> = {
  ...fileFact(STORAGE_RECORD_PATH),
  parse: (o) => parseRecord(parseTextFile(o)),
};

export const machineIdFact: Fact<string | null> = {
  ...fileFact('/etc/machine-id'),
  parse: (o) => {
    const id = o.exitCode === 0 ? o.stdout.trim() : '';
    return /^[0-9a-f]{32}$/.test(id) ? id : null;
  },
};

// ---------------------------------------------------------------------------------------------------------
// For the optional LUKS setup

export const usedBytesFact = (path: string): Fact<number> => ({
  id: `du:${path}`,
  probe: { sh: 'if [ -e "$1" ]; then exec du -s -x -B1 -- "$1"; fi', args: [path] },
  parse: (o) => Number(/^[0-9]+/.exec(o.stdout)?.[0] ?? 0),
  volatile: true,
});

/** A fresh random UUID from the host, so the plan can name the new volume (and its crypttab line) up front. */
export const randomUuidFact: Fact<string | null> = {
  id: 'random-uuid',
  probe: { argv: ['cat', '/proc/sys/kernel/random/uuid'] },
  parse: (o) => {
    const u = o.stdout.trim();
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(u) ? u : null;
  },
  volatile: true,
};
