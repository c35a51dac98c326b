// A host where keelson deployed a version of the demo, as the Quadlet step sees it (files, images, secrets, units
// running, the record its apply wrote), and the plan of another version on it. Rendered by the code under test: for
// the cases about what changes between versions; the recorded host tests say what an unchanged host looks like.
import type { Plan, PlanArchive } from '../../src/engine/plan.js';
import { planVerdict } from '../../src/engine/plan.js';
import type { Answers, StepContext } from '../../src/engine/step.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import type { StackRecord } from '../../src/state/record-schema.js';
import { withRun } from '../../src/state/stack-record.js';
import { checkQuadlet } from '../../steps/quadlet/check.js';
import type { QuadletFacts } from '../../steps/quadlet/desired.js';
import { stackUnits } from '../../steps/quadlet/facts.js';
import { planQuadlet } from '../../steps/quadlet/plan.js';
import { renderStack } from '../../steps/quadlet/render-stack.js';
import { luksVolume } from '../steps/storage/support.js';
import { resolved } from '../steps/quadlet/fixtures.js';

const HOME = '/home/keelson-demo';
const DIRS = [`${HOME}/.config`, `${HOME}/.config/containers`, `${HOME}/.config/containers/systemd`, `${HOME}/.config/systemd`, `${HOME}/.config/systemd/user`];

const ctx = (manifest: Manifest, answers: Answers, archive?: PlanArchive): StepContext => ({ manifest, answers, resolved, ...(archive === undefined ? {} : { archive }) });

const withoutRecord = (m: Manifest, answers: Answers): QuadletFacts => ({
  units: {
    home: HOME,
    existingDirs: DIRS,
    files: renderStack(m, { podman: { major: 5, minor: 4 }, selinux: false, resolved, answers }).files.map((f) => ({ dir: f.dir, name: f.name, content: f.content })),
    enabled: true,
  },
  podman: { major: 5, minor: 4, patch: 2 },
  podmanPackage: [{ name: 'podman', installed: '5.4.2+ds1-2', candidate: '5.4.2+ds1-2' }],
  selinux: 'disabled',
  secrets: { ok: true, names: ['demo-token'] },
  images: { ok: true, names: [...new Set(m.containers.map((c) => c.image))] },
  unitStates: new Map(stackUnits(m).map((u) => [u, 'active'])),
  busybox: '/usr/bin/busybox',
  volume: luksVolume(),
  state: { kind: 'absent' },
});

export interface DeployedHost {
  readonly facts: QuadletFacts;
  readonly recordText: string;
  readonly previous: StackRecord;
}

/** The host after `m` was installed with `answers` (from `archive`, if given): the record as the install's state.write left it. */
export const deployedHost = (m: Manifest, answers: Answers, archive?: PlanArchive): DeployedHost => {
  const facts = withoutRecord(m, answers);
  const write = planQuadlet(facts, ctx(m, answers, archive)).find((a) => a.kind === 'state.write');
  if (write?.kind !== 'state.write' || write.run === undefined) throw new Error('no state.write planned');
  const recordText = withRun(parseRecord(write.content), write.run, 'r-install', '2026-01-01T00:00:00.000Z') ?? '';
  const previous = stackRecordOf(parseRecord(recordText), m.stack);
  if (previous === null) throw new Error('no record');
  return { facts: { ...facts, state: { kind: 'present', content: recordText } }, recordText, previous };
};

/** The Quadlet step's plan of `next` (from `archive`, if given) on that host, as planHost would wrap it (one step). */
export const planOn = (host: DeployedHost, next: Manifest, answers: Answers, archive?: PlanArchive): Plan => {
  const c = ctx(next, answers, archive);
  const steps = [{ id: 'quadlet', title: 'Quadlet units', findings: checkQuadlet(host.facts, c), actions: planQuadlet(host.facts, c) }];
  return {
    format: 'keelson-plan/2',
    ...planVerdict(steps),
    keelsonVersion: '0.1.0',
    createdAt: '2026-01-02T00:00:00.000Z',
    host: 'test',
    stack: { name: next.stack, version: next.version, mode: next.mode },
    factsHash: 'h',
    factDigests: {},
    inputs: { manifest: next, answers: { ...answers } },
    roundTrips: 1,
    validationRoundTrips: 0,
    steps,
    ...(archive === undefined ? {} : { archive }),
  };
};
