// The Quadlet step: the stack manifest becomes .container/.network/.volume files and plain .target units,
// written only where they differ, then started through the top target. Rendering and comparison are pure
// (steps/quadlet/); the generator dry-run and the start-and-wait-healthy happen at apply time.
import { packagesFact } from '../src/facts/packages.js';
import { defineStep } from '../src/engine/step.js';
import { podmanVersionFact } from './preflight.js';
import { checkQuadlet } from './quadlet/check.js';
import type { QuadletFacts } from './quadlet/desired.js';
import { podmanImagesFact, podmanSecretsFact, selinuxFact, unitDirsFact } from './quadlet/facts.js';
import { planQuadlet } from './quadlet/plan.js';

export const quadletStep = defineStep<QuadletFacts>({
  id: 'quadlet',
  title: 'Quadlet units: containers, networks, volumes and targets',
  facts: ({ manifest }) => ({
    units: unitDirsFact(manifest),
    podman: podmanVersionFact,
    podmanPackage: packagesFact(['podman']),
    selinux: selinuxFact,
    secrets: podmanSecretsFact(manifest),
    images: podmanImagesFact(manifest),
  }),
  check: checkQuadlet,
  plan: planQuadlet,
});
