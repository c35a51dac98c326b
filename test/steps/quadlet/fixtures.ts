// Shared test inputs: the bundled manifests as parsed by the real loader, and the IDs and answers earlier steps
// would have resolved on a host.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Answers, Resolved } from '../../../src/engine/step.js';
import { parseManifest } from '../../../src/manifest/load-manifest.js';
import type { Manifest } from '../../../src/manifest/schema.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const loadStack = (name: string): Manifest => {
  const result = parseManifest(readFileSync(`${repoRoot}assets/stacks/${name}/manifest.yaml`, 'utf8'), `${name}/manifest.yaml`);
  if (!result.ok) throw new Error(`${name}/manifest.yaml does not validate: ${JSON.stringify(result.errors)}`);
  return result.manifest;
};

export const resolved: Resolved = {
  users: {
    'keelson-demo': { uid: 1001, gid: 1001, home: '/home/keelson-demo' },
    'cdr-link': { uid: 1002, gid: 1002, home: '/home/cdr-link' },
  },
  groups: { 'demo-clients': 990, 'keelson-demo': 1001, 'cdr-link': 1002 },
};

export const answersFor: Readonly<Record<string, Answers>> = {
  demo: { greeting: 'Hello from keelson' },
  'cdr-link': { fqdn: 'link.example.org' },
};
