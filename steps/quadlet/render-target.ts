// Targets are plain systemd units (Quadlet has no .target), so dependencies name generated .service units.
// A target requires its members and is ordered after them: it is reached once they are all up.
import type { Manifest } from '../../src/manifest/schema.js';
import type { PodmanFeatures } from './podman-features.js';
import { escapeSpecifiers } from './systemd-quote.js';
import type { UnitEntry, UnitSection } from './unit-file.js';
import { dependencyName } from './unit-names.js';

export interface TargetSpec {
  readonly name: string;
  readonly description: string;
  readonly requires: readonly string[];
  /** Pulled in without failing the target when they fail. */
  readonly wants: readonly string[];
  /** Only the top target: the boot target it is WantedBy=. */
  readonly wantedBy?: string;
}

export const renderTarget = (m: Manifest, t: TargetSpec, features: PodmanFeatures): UnitSection[] => {
  const dep = (n: string) => dependencyName(m, n, 'systemd', features);
  return [
    {
      name: 'Unit',
      entries: [
        ['Description', escapeSpecifiers(t.description)],
        ['RequiresMountsFor', m.dataMount],
        ...t.requires.map((r): UnitEntry => ['Requires', dep(r)]),
        ...t.wants.map((w): UnitEntry => ['Wants', dep(w)]),
        ...[...t.requires, ...t.wants].map((r): UnitEntry => ['After', dep(r)]),
      ],
    },
    { name: 'Install', entries: t.wantedBy === undefined ? [] : [['WantedBy', t.wantedBy]] },
  ];
};
