// Which Podman volumes an upgrade backs up, and which of them its rollback restores: every volume of the deployed
// stack mounted by a container that restarts, runs as a migration or is added (the new manifest's mounts), or stops
// for good (the deployed manifest's). Only a volume one of the first mounts read-write can have changed under the new
// version, so only those are restored; a volume mounted read-only only is kept as a backup and never put back. A
// volume new in this version does not exist yet: nothing to back up. Pure.
import type { Manifest, ManifestContainer } from '../../manifest/schema.js';
import type { StackRecord } from '../../state/record-schema.js';
import { resourceName } from '../../../steps/quadlet/unit-names.js';
import { volumeArchive } from '../volume-archive.js';

export interface VolumeBackup {
  /** The Podman volume's name (the stack's prefix included). */
  readonly volume: string;
  /** On the data mount, with FILE.sha256 beside it; unique to this run. */
  readonly archive: string;
  /** Put back by the rollback (mounted read-write by a restarted container or a migration). */
  readonly restore: boolean;
}

/** A container's volume mounts: "NAME:/path[:ro|:rw]" as the Podman volume and whether it is read-only. */
export const mountsOf = (stack: string, c: ManifestContainer): { readonly volume: string; readonly readOnly: boolean }[] =>
  c.volumes.map((v) => {
    const [name = '', , option] = v.split(':');
    return { volume: resourceName(stack, name), readOnly: option === 'ro' };
  });

/** The containers of `m` that mount `volume`. */
export const mountersOf = (m: Manifest, volume: string): string[] => m.containers.filter((c) => mountsOf(m.stack, c).some((x) => x.volume === volume)).map((c) => c.name);

/** The migrations of `m`: run-once jobs that re-run once per upgrade. */
export const migrationsOf = (m: Manifest): string[] => m.containers.filter((c) => c.migration === true).map((c) => c.name);

export interface VolumeInputs {
  readonly previous: StackRecord;
  readonly next: Manifest;
  /** Null: a record from format 1, which did not keep it (the removed containers' mounts are then unknown). */
  readonly deployed: Manifest | null;
  /** Containers of next that run under the new version: restarted, migrations, added. */
  readonly writers: readonly string[];
  readonly removed: readonly string[];
  readonly runId: string;
}

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

export const volumeBackups = (i: VolumeInputs): VolumeBackup[] => {
  // From the record's files (every format has them): the volumes that exist on the host now.
  const existing = new Set(i.previous.files.map((f) => base(f.path)).filter((n) => n.endsWith('.volume')).map((n) => n.slice(0, -'.volume'.length)));
  const restore = new Map<string, boolean>();
  // The stack's name cannot change in an upgrade (refusals.ts): one prefix for both manifests' volumes.
  const note = (c: ManifestContainer, writes: boolean): void => {
    for (const x of mountsOf(i.next.stack, c)) if (existing.has(x.volume)) restore.set(x.volume, (restore.get(x.volume) ?? false) || (writes && !x.readOnly));
  };
  for (const c of i.next.containers) if (i.writers.includes(c.name)) note(c, true);
  for (const c of i.deployed?.containers ?? []) if (i.removed.includes(c.name)) note(c, false);
  return [...restore.keys()].sort().map((volume) => ({ volume, archive: volumeArchive(i.previous, i.runId, volume), restore: restore.get(volume) ?? false }));
};
