// A manifest volume → a .volume file. A fresh volume's root belongs to the container's root; a container that
// runs unprivileged could not write to it, so the volume is created owned by its first writer's UID:GID.
import type { Manifest } from '../../src/manifest/schema.js';
import { runAs } from './render-container.js';
import type { RenderContext } from './render-context.js';
import { escapeSpecifiers } from './systemd-quote.js';
import type { UnitEntry, UnitSection } from './unit-file.js';
import { resourceName } from './unit-names.js';

const NUMERIC = /^[0-9]+$/;

const ownerEntries = (m: Manifest, volume: string, ctx: RenderContext): UnitEntry[] => {
  for (const c of m.containers) {
    const writes = c.volumes.some((v) => v.split(':')[0] === volume && !v.endsWith(':ro'));
    if (!writes) continue;
    const id = runAs(m, c, ctx);
    if (!NUMERIC.test(id.user)) return []; // a user named inside the image: its UID is the image's business
    return [['User', id.user], ...(id.group !== undefined ? [['Group', id.group] as UnitEntry] : [])];
  }
  return [];
};

export const renderVolume = (m: Manifest, volume: Manifest['volumes'][number], ctx: RenderContext): UnitSection[] => [
  {
    name: 'Unit',
    entries: [
      ['Description', escapeSpecifiers(`${m.stack}: volume ${volume.name}`)],
      ['RequiresMountsFor', m.dataMount],
    ],
  },
  {
    name: 'Volume',
    entries: [
      ['VolumeName', resourceName(m.stack, volume.name)],
      ...ownerEntries(m, volume.name, ctx),
      ['Label', `keelson.stack=${m.stack}`],
    ],
  },
];
