// The volumes an upgrade's rollback puts back (summary.volumes with restore): every unit whose container mounts one
// is stopped first — the restarted ones and any other container of the stack, a reader too — so nothing writes while
// the volume is emptied and extracted; systemd also stops what requires a stopped unit, so those are counted with
// them. After daemon-reload they all restart with the restart set, dependencies first. Containers the upgrade added
// are stopped already, and removed ones were stopped by the forward run (their units may no longer load). Pure.
import type { Action, Scope } from '../../engine/action.js';
import type { Manifest } from '../../manifest/schema.js';
import { serviceUnit } from '../../../steps/quadlet/unit-names.js';
import { inDependencyOrder, restartSet } from './restart-set.js';
import type { UpgradeSummary } from './summary.js';
import { mountersOf } from './volume-backups.js';

export interface VolumeRollback {
  readonly stops: Action[];
  readonly restores: Action[];
  /** Units to restart after daemon-reload, in dependency order: the restart set and the stopped mounters. */
  readonly restarts: string[];
}

const containerOf = (unit: string): string => unit.replace(/\.service$/, '');

export const volumeRollback = (summary: UpgradeSummary, next: Manifest, old: Manifest, scope: Scope): VolumeRollback => {
  const restored = summary.volumes.filter((v) => v.restore);
  const restarting = summary.restarts.map(containerOf);
  if (restored.length === 0) return { stops: [], restores: [], restarts: summary.restarts.slice() };
  const kept = new Set(old.containers.map((c) => c.name).filter((c) => next.containers.some((n) => n.name === c)));
  const mounters = new Set(restored.flatMap((v) => [...mountersOf(old, v.volume), ...mountersOf(next, v.volume)]).filter((c) => kept.has(c)));
  const stopped = restartSet(old, mounters);
  const stops = [...stopped].reverse().map((c): Action => ({ kind: 'systemd.unit', description: `stop ${serviceUnit(c)} (it mounts a volume the rollback restores)`, target: scope, verb: 'stop', unit: serviceUnit(c) }));
  const restores = restored.map((v): Action => ({ kind: 'podman.volume-restore', description: `restore volume ${v.volume} from ${v.archive} (as it was before ${summary.to.version} ran)`, target: scope, volume: v.volume, file: v.archive }));
  // Old's order for what both versions run; a restarted container old does not know (an added dependent) keeps its place after.
  const ordered = inDependencyOrder(old, new Set([...stopped, ...restarting]));
  const rest = restarting.filter((c) => !ordered.includes(c));
  return { stops, restores, restarts: [...ordered, ...rest].map(serviceUnit) };
};
