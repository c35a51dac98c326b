// Every name keelson generates from a manifest must be unique in its namespace: networks "backend" and
// "demo-backend" both become demo-backend.network, and the second file would silently replace the first (an
// internal network turned routed). The names come from the same functions the renderer uses.
import { containerFile, generatedUnit, networkFile, resourceName, secretName, targetUnit, volumeFile } from '../../steps/quadlet/unit-names.js';

interface Named {
  readonly name: string;
}

export interface NamesInput {
  readonly stack: string;
  readonly containers: readonly Named[];
  readonly networks: readonly Named[];
  readonly volumes: readonly Named[];
  readonly secrets: readonly Named[];
  readonly targets: readonly Named[];
}

export interface NameClash {
  /** Where the second of the two is declared, as a zod path. */
  readonly path: (string | number)[];
  readonly message: string;
}

type Entry = { readonly path: (string | number)[]; readonly field: string; readonly given: string; readonly generated: string };

const entries = (list: readonly Named[], key: string, generate: (name: string) => string): Entry[] =>
  list.map((x, i) => ({ path: [key, i, 'name'], field: `${key}[${String(i)}].name`, given: x.name, generated: generate(x.name) }));

/** The namespaces: one systemd manager's units (and Quadlet files), Podman networks, volumes and secrets. */
const namespaces = (m: NamesInput): { what: string; entries: Entry[] }[] => [
  {
    what: 'unit',
    entries: [
      ...entries(m.containers, 'containers', (n) => generatedUnit(containerFile(n))),
      ...entries(m.networks, 'networks', (n) => generatedUnit(networkFile(m.stack, n))),
      ...entries(m.volumes, 'volumes', (n) => generatedUnit(volumeFile(m.stack, n))),
      // The top target (named like the stack) is a declared target or a generated one; either way one unit.
      ...entries(m.targets.filter((t) => t.name !== m.stack), 'targets', targetUnit),
    ],
  },
  { what: 'Podman network', entries: entries(m.networks, 'networks', (n) => resourceName(m.stack, n)) },
  { what: 'Podman volume', entries: entries(m.volumes, 'volumes', (n) => resourceName(m.stack, n)) },
  { what: 'Podman secret', entries: entries(m.secrets, 'secrets', (n) => secretName(m.stack, n)) },
];

/** Two declarations that generate the same name; exact duplicates are reported as "declared twice" elsewhere. */
export const nameClashes = (m: NamesInput): NameClash[] => {
  const clashes: NameClash[] = [];
  for (const ns of namespaces(m)) {
    const seen = new Map<string, Entry>();
    for (const e of ns.entries) {
      const first = seen.get(e.generated);
      if (first === undefined) {
        seen.set(e.generated, e);
        continue;
      }
      if (first.given === e.given && first.field.split('[')[0] === e.field.split('[')[0]) continue;
      clashes.push({
        path: e.path,
        message: `"${e.given}" becomes the ${ns.what} ${e.generated}, the same as ${first.field} "${first.given}": one would replace the other; rename one of them`,
      });
    }
  }
  return clashes;
};
