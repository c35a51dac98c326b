// A manifest network → a .network file. Internal (no way out) unless the manifest says a container needs out.
import type { Manifest } from '../../src/manifest/schema.js';
import { escapeSpecifiers } from './systemd-quote.js';
import type { UnitEntry, UnitSection } from './unit-file.js';
import { resourceName } from './unit-names.js';

export const renderNetwork = (m: Manifest, network: Manifest['networks'][number]): UnitSection[] => [
  {
    name: 'Unit',
    entries: [
      ['Description', escapeSpecifiers(`${m.stack}: network ${network.name}`)],
      ['RequiresMountsFor', m.dataMount],
    ],
  },
  {
    name: 'Network',
    entries: [
      // Named, so Podman does not call it "systemd-…" and two stacks cannot share one by accident.
      ['NetworkName', resourceName(m.stack, network.name)],
      ...(network.internal ? [['Internal', 'true'] as UnitEntry] : []),
      ['Label', `keelson.stack=${m.stack}`],
    ],
  },
];
