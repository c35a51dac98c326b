// The Quadlet step's plan: only what differs. Directories the owner must own, secrets and images that are
// missing, files that are new or changed, files this stack no longer renders; then one daemon-reload, a restart
// of each container whose unit changed, and the top target started (enabled first, so it comes back at boot).
// An unchanged, enabled stack plans nothing.
import type { Action } from '../../src/engine/action.js';
import type { StepContext } from '../../src/engine/step.js';
import { bodyChanged, desiredState, type Desired, type QuadletFacts } from './desired.js';
import type { PodmanList } from './facts.js';
import { secretName, serviceUnit } from './unit-names.js';

const has = (list: PodmanList, name: string): boolean => list.ok && list.names.includes(name);

// `podman images` lists "busybox" as "docker.io/library/busybox:latest"; keelson's manifests name images fully,
// so only a missing tag needs care.
const imagePresent = (list: PodmanList, image: string): boolean => has(list, image) || (!/:[^/]*$/.test(image) && has(list, `${image}:latest`));

const secretActions = (facts: QuadletFacts, ctx: StepContext, d: Desired): Action[] =>
  ctx.manifest.secrets
    .filter((s) => !has(facts.secrets, secretName(ctx.manifest.stack, s.name)))
    .map((s): Action => ({
      kind: 'podman.secret',
      description: `create Podman secret ${secretName(ctx.manifest.stack, s.name)} (${s.generate !== undefined ? 'generated' : 'from the answers'})`,
      target: d.placement.scope,
      name: secretName(ctx.manifest.stack, s.name),
      source: s.generate !== undefined ? { from: 'generate', length: s.generate.length } : { from: 'answer', id: s.name },
    }));

const imageActions = (facts: QuadletFacts, ctx: StepContext, d: Desired): Action[] => {
  const seen = new Set<string>();
  return ctx.manifest.containers.flatMap((c): Action[] => {
    if (c.imageArchive === undefined || seen.has(c.image) || imagePresent(facts.images, c.image)) return [];
    seen.add(c.image);
    return [{ kind: 'podman.image-load', description: `load image ${c.image} from ${c.imageArchive}`, target: d.placement.scope, archive: c.imageArchive, image: c.image }];
  });
};

const containerOf = (fileName: string): string | null => (fileName.endsWith('.container') ? fileName.slice(0, -'.container'.length) : null);

export const planQuadlet = (facts: QuadletFacts, ctx: StepContext): Action[] => {
  const result = desiredState(facts, ctx);
  if (!result.ok) return [];
  const d = result.desired;
  const { placement } = d;
  // Conflicts (hand-edited, foreign) are blockers in check; the plan never overwrites or removes them.
  const writes = d.files.flatMap((f) => (f.status.kind === 'new' || f.status.kind === 'changed' ? [{ ...f, before: f.status.kind === 'new' ? null : f.status.before }] : []));
  const stale = d.stale.filter((s) => !s.edited);
  const files: Action[] = [
    ...writes.map((f): Action => ({
      kind: 'file.write',
      description: `${f.before === null ? 'write' : 'update'} ${f.file.name}`,
      path: f.path,
      content: f.file.content,
      mode: '0644',
      owner: placement.owner,
      group: placement.group,
      before: f.before,
    })),
    ...stale.map((s): Action => ({ kind: 'file.remove', description: `remove ${s.found.name} (no longer in stack ${ctx.manifest.stack})`, path: s.path, before: s.found.content ?? '' })),
  ];
  // A container leaving the stack is stopped while its unit still exists.
  const stops = stale.flatMap((s): Action[] => {
    const c = containerOf(s.found.name);
    return c === null ? [] : [{ kind: 'systemd.unit', description: `stop ${serviceUnit(c)} (leaving the stack)`, target: placement.scope, verb: 'stop', unit: serviceUnit(c) }];
  });
  const dirs: Action[] =
    writes.length === 0
      ? []
      : placement.chain
          .filter((dir) => !facts.units.existingDirs.includes(dir))
          .map((dir) => ({ kind: 'dir.ensure', description: `create ${dir}`, path: dir, mode: '0755', owner: placement.owner, group: placement.group }));
  const restarts = writes.flatMap((f): Action[] => {
    const c = containerOf(f.file.name);
    if (c === null || f.before === null || !bodyChanged(f.before, f.file.content)) return [];
    return [{ kind: 'systemd.unit', description: `restart ${serviceUnit(c)} (its unit changed)`, target: placement.scope, verb: 'restart', unit: serviceUnit(c) }];
  });
  const changes = [...dirs, ...secretActions(facts, ctx, d), ...imageActions(facts, ctx, d), ...stops, ...files];
  const reload: Action[] =
    files.length === 0 ? [] : [{ kind: 'systemd.daemon-reload', description: 'let Quadlet generate the units', target: placement.scope }];
  const start: Action[] =
    !facts.units.enabled
      ? [{ kind: 'systemd.unit', description: `enable and start ${d.stack.top} (the whole stack, also at boot)`, target: placement.scope, verb: 'enable-now', unit: d.stack.top }]
      : changes.length > 0
        ? [{ kind: 'systemd.unit', description: `start ${d.stack.top}`, target: placement.scope, verb: 'start', unit: d.stack.top }]
        : [];
  return [...changes, ...reload, ...restarts, ...start];
};
