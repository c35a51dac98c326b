// Shared test inputs: the bundled manifests as parsed by the real loader, and the IDs and answers earlier steps
// would have resolved on a host.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Answers, Resolved } from '../../../src/engine/step.js';
import { parseManifest } from '../../../src/manifest/load-manifest.js';
import type { Manifest } from '../../../src/manifest/schema.js';
import type { QuadletFacts } from '../../../steps/quadlet/desired.js';
import { luksVolume } from '../storage/support.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A bundled stack (assets/stacks/NAME) or, failing that, a test stack (test/fixtures/stacks/NAME.yaml). */
export const loadStack = (name: string): Manifest => {
  const bundled = `${repoRoot}assets/stacks/${name}/manifest.yaml`;
  const file = existsSync(bundled) ? bundled : `${repoRoot}test/fixtures/stacks/${name}.yaml`;
  const result = parseManifest(readFileSync(file, 'utf8'), file);
  if (!result.ok) throw new Error(`${file} does not validate: ${JSON.stringify(result.errors)}`);
  return result.manifest;
};

export const resolved: Resolved = {
  users: {
    'keelson-demo': { uid: 1001, gid: 1001, home: '/home/keelson-demo' },
    'cdr-link': { uid: 1002, gid: 1002, home: '/home/cdr-link' },
    'demo-rootful-api': { uid: 998, gid: 998, home: '/nonexistent' },
    'demo-rootful-web': { uid: 997, gid: 997, home: '/nonexistent' },
  },
  groups: { 'demo-clients': 990, 'keelson-demo': 1001, 'cdr-link': 1002, 'demo-rootful-clients': 989, 'demo-rootful-api': 998, 'demo-rootful-web': 997 },
};

export const answersFor: Readonly<Record<string, Answers>> = {
  demo: { greeting: 'Hello from keelson' },
  'demo-rootful': { greeting: 'Hello from rootful keelson' },
  'cdr-link': { fqdn: 'link.example.org' },
};

/** A host where the owner does not exist yet and Podman is still to be installed (the candidate). */
export const freshQuadletFacts = (candidate = '5.4.2+ds1-2'): QuadletFacts => ({
  units: { home: null, existingDirs: [], files: [], enabled: false },
  podman: null,
  podmanPackage: [{ name: 'podman', installed: null, candidate }],
  selinux: 'disabled',
  secrets: { ok: false, detail: 'runuser: user keelson-demo does not exist' },
  images: { ok: false, detail: 'runuser: user keelson-demo does not exist' },
  unitStates: new Map(),
  busybox: null,
  volume: luksVolume(),
  state: { kind: 'absent' },
});
