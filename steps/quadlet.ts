// The Quadlet step: the stack manifest becomes .container/.network/.volume files and plain .target units,
// written only where they differ, checked by the host's real Quadlet generator and systemd-analyze before anything
// is written (validate), then started through the top target and waited on until every unit is active and every
// health check healthy; last, what was deployed is recorded in /var/lib/keelson/state.json.
// Rendering and comparison are pure (steps/quadlet/); the I/O is in the executors.
import { packagesFact } from '../src/facts/packages.js';
import { defineStep, type BuildsOn, type StepContext } from '../src/engine/step.js';
import { podmanVersionFact } from './preflight.js';
import { checkQuadlet } from './quadlet/check.js';
import type { QuadletFacts } from './quadlet/desired.js';
import { selinuxFact } from '../src/facts/selinux.js';
import { podmanImagesFact, podmanSecretsFact, unitDirsFact, unitStatesFact } from './quadlet/facts.js';
import { RECORD_PATH } from '../src/state/record-schema.js';
import { planQuadlet } from './quadlet/plan.js';
import { quadletValidation } from './quadlet/validate.js';
import { staticBusyboxFact } from './sockets/socket-facts.js';
import { fileFact, randomUuidFact } from './storage/facts.js';
import { luksSetupRequest } from './storage/setup-request.js';
import { dataVolumeFact } from './storage/volume-probe.js';

/** What the units rely on from the steps before: Podman, the stack's users, its socket directories, its LUKS volume. */
export const quadletBuildsOn = (_facts: QuadletFacts, ctx: StepContext): BuildsOn[] => {
  const m = ctx.manifest;
  return [
    { step: 'preflight', why: 'the units run under the Podman and the packages it installs' },
    {
      step: 'identity',
      why: m.mode === 'rootless' ? `the units belong to ${m.owner ?? 'the owner'}, whom it creates, and run in that user's manager` : 'the containers run as the users and groups it creates',
    },
    ...(m.sockets.length > 0 ? [{ step: 'sockets', why: 'the containers mount the socket directories it creates' }] : []),
    ...(luksSetupRequest(ctx.answers, m.dataMount).kind === 'asked'
      ? [{ step: 'storage', why: `the units require ${m.dataMount} on the LUKS volume it sets up, and the deployment record names that volume` }]
      : []),
  ];
};

export const quadletStep = defineStep<QuadletFacts>({
  id: 'quadlet',
  title: 'Quadlet units: containers, networks, volumes and targets',
  facts: ({ manifest, answers }) => ({
    units: unitDirsFact(manifest),
    podman: podmanVersionFact,
    podmanPackage: packagesFact(['podman']),
    selinux: selinuxFact,
    secrets: podmanSecretsFact(manifest),
    images: podmanImagesFact(manifest),
    unitStates: unitStatesFact(manifest),
    // Shared with the sockets and storage steps (same ids, same probes): gathered once.
    busybox: staticBusyboxFact,
    volume: dataVolumeFact(manifest.dataMount),
    state: fileFact(RECORD_PATH),
    // The storage step sets up LUKS in this same apply: the state records the UUID it will have.
    ...(luksSetupRequest(answers, manifest.dataMount).kind === 'asked' ? { newUuid: randomUuidFact } : {}),
  }),
  check: checkQuadlet,
  plan: planQuadlet,
  validate: quadletValidation,
  buildsOn: quadletBuildsOn,
});
