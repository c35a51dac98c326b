// Storage: user data on a LUKS-encrypted data mount with a per-instance key, audit logs on a filesystem of
// their own, and auditd that halts the host before it loses records (CDR Link). Optionally, and only when the
// operator names an empty disk, sets up that LUKS volume. The rules live in steps/storage/.
import { osReleaseFact } from '../src/facts/os-release.js';
import type { Finding } from '../src/engine/finding.js';
import type { Action } from '../src/engine/action.js';
import { defineStep, type FactsOf, type StepContext } from '../src/engine/step.js';
import { AUDIT_DIR, AUDITD_CONF, checkAudit } from './storage/check-audit.js';
import { checkBoot, checkQuadletDir } from './storage/check-boot.js';
import { checkVolume } from './storage/check-volume.js';
import { luksCandidateFact } from './storage/candidate-probe.js';
import { diskSpaceFact, fileFact, machineIdFact, mountOfFact, randomUuidFact, storageRecordFact, storageToolsFact, usedBytesFact } from './storage/facts.js';
import { volumeModel, type StorageFacts } from './storage/model.js';
import { dataVolumeFact } from './storage/volume-probe.js';
import { planStorage } from './storage/plan.js';
import { assessSetup } from './storage/setup.js';
import { luksSetupRequest } from './storage/setup-request.js';
import { unitPaths } from './quadlet/placement.js';

export type { StorageFacts } from './storage/model.js';

/** Where rootful Quadlet units live; the generator reads them before later filesystems are mounted. */
export const ROOTFUL_QUADLET_DIR = unitPaths('rootful', '').dirs.quadlet;

const storageFacts = ({ manifest, answers }: Pick<StepContext, 'manifest' | 'answers'>): FactsOf<StorageFacts> => {
  const request = luksSetupRequest(answers, manifest.dataMount);
  return {
    volume: dataVolumeFact(manifest.dataMount),
    crypttab: fileFact('/etc/crypttab'),
    fstab: fileFact('/etc/fstab'),
    auditdConf: fileFact(AUDITD_CONF),
    auditMount: mountOfFact(AUDIT_DIR),
    auditSpace: diskSpaceFact(AUDIT_DIR),
    tools: storageToolsFact,
    machineId: machineIdFact,
    record: storageRecordFact,
    os: osReleaseFact,
    ...(manifest.mode === 'rootful' ? { quadletMount: mountOfFact(ROOTFUL_QUADLET_DIR) } : {}),
    ...(request.kind === 'asked'
      ? {
          candidate: luksCandidateFact(request.device, request.mapperName, request.keyFile),
          newUuid: randomUuidFact,
          dataUsed: usedBytesFact(manifest.dataMount),
        }
      : {}),
  };
};

const assess = (facts: StorageFacts, ctx: StepContext) => {
  const model = volumeModel(facts.volume);
  const setup = assessSetup(luksSetupRequest(ctx.answers, ctx.manifest.dataMount), facts, model, ctx.manifest);
  return { model, setup };
};

export const checkStorage = (facts: StorageFacts, ctx: StepContext): Finding[] => {
  const { model, setup } = assess(facts, ctx);
  const dataMount = ctx.manifest.dataMount;
  // A ready setup replaces what the volume and boot checks would say about the unencrypted mount.
  const volume = setup.kind === 'ready' ? [] : [...checkVolume(facts, model, dataMount), ...checkBoot(facts, model, dataMount)];
  return [
    ...(setup.kind === 'none' ? [] : setup.findings),
    ...volume,
    ...checkAudit(facts, model),
    ...checkQuadletDir(facts.quadletMount, ROOTFUL_QUADLET_DIR),
  ];
};

export const planStorageStep = (facts: StorageFacts, ctx: StepContext): Action[] => {
  const { model, setup } = assess(facts, ctx);
  return planStorage(facts, model, setup, ctx.manifest.dataMount);
};

export const storageStep = defineStep<StorageFacts>({
  id: 'storage',
  title: 'Storage: encrypted data mount, audit partition, auditd',
  facts: storageFacts,
  check: checkStorage,
  plan: planStorageStep,
});
