// The storage step's facts, and what they say about the data volume once the tools' answers are put together.
import type { OsRelease } from '../../src/facts/os-release.js';
import type { MountInfo } from './findmnt.js';
import type { LuksCandidate } from './candidate-probe.js';
import type { DiskSpace, RecordState, StorageTools, TextFile } from './facts.js';
import { cryptLayers, type BlockNode, type CryptLayer } from './lsblk.js';
import { parseCrypttab, parseFstab, type CrypttabEntry, type FstabEntry } from './tab-files.js';
import type { DataVolume, LuksDevice } from './volume-probe.js';

export interface StorageFacts {
  readonly volume: DataVolume;
  readonly crypttab: TextFile;
  readonly fstab: TextFile;
  readonly auditdConf: TextFile;
  readonly auditMount: MountInfo | null;
  readonly auditSpace: DiskSpace | null;
  readonly tools: StorageTools;
  readonly machineId: string | null;
  readonly record: RecordState;
  readonly os: OsRelease | null;
  /** Rootful stacks only: the filesystem holding /etc/containers/systemd. */
  readonly quadletMount?: MountInfo | null;
  /** Only when the operator asked for the LUKS setup. */
  readonly candidate?: LuksCandidate;
  readonly newUuid?: string | null;
  /** Bytes the data mount's current content takes (asked with the setup only). */
  readonly dataUsed?: number;
}

export type Encryption = 'luks' | 'plain' | 'none' | 'unknown';

export interface LuksLayer {
  readonly layer: CryptLayer;
  /** The LUKS device (partition or disk) under the mapping. */
  readonly backing: BlockNode;
  readonly device: LuksDevice | null;
}

export interface VolumeModel {
  readonly mount: MountInfo | null;
  /** The device mounted at mount.target: the top of the chain. */
  readonly top: BlockNode | null;
  readonly layers: readonly CryptLayer[];
  /** Every LUKS layer on the way down; the first is the one the data mount's key lives in. */
  readonly luks: readonly LuksLayer[];
  readonly encryption: Encryption;
}

export const volumeModel = (v: DataVolume): VolumeModel => {
  const top = v.devices?.[0] ?? null;
  const layers = v.devices === null ? [] : cryptLayers(v.devices);
  const luks = layers.flatMap((layer) =>
    layer.isLuks && layer.backing !== null
      ? [{ layer, backing: layer.backing, device: v.luks.find((d) => d.path === layer.backing?.path) ?? null }]
      : [],
  );
  const encryption: Encryption =
    v.mount === null || v.devices === null ? 'unknown' : luks.length > 0 ? 'luks' : layers.length > 0 ? 'plain' : 'none';
  return { mount: v.mount, top, layers, luks, encryption };
};

/** The LUKS UUID of the data mount's volume: from the header, else from lsblk. */
export const luksUuidOf = (l: LuksLayer): string | null => l.device?.header?.uuid ?? l.backing.uuid;

export const crypttabEntries = (f: TextFile): CrypttabEntry[] => (f.kind === 'present' ? parseCrypttab(f.content) : []);
export const fstabEntries = (f: TextFile): FstabEntry[] => (f.kind === 'present' ? parseFstab(f.content) : []);

export const formatBytes = (n: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i] ?? 'B'}`;
};
