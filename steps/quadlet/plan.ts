// The Quadlet step's plan: only what differs. Directories the owner must own, secrets and images that are
// missing (built from busybox or loaded from an archive), files that are new or changed, files this stack no longer
// renders; then one daemon-reload, a restart of each container whose unit changed, the top target started (enabled
// first, so it comes back at boot; also when a unit is down), a wait until every unit is active and every health
// check healthy, and last the host state. An unchanged, running, recorded stack plans nothing.
import type { Action, ActionOf, Scope } from '../../src/engine/action.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { stackScope } from './placement.js';
import type { StepContext } from '../../src/engine/step.js';
import { KEELSON_VERSION } from '../../src/engine/version.js';
import { renderTmpfiles } from '../sockets/tmpfiles.js';
import { tmpfilesPath } from '../sockets/socket-facts.js';
import { luksUuidOf, volumeModel } from '../storage/model.js';
import { bodyChanged, desiredState, type Desired, type QuadletFacts } from './desired.js';
import { stackUnits, type PodmanList } from './facts.js';
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import { RECORD_PATH } from '../../src/state/record-schema.js';
import { renderRecord, runKindFor, stackImages, stackRecord } from '../../src/state/stack-record.js';
import { START_TIMEOUT_SECONDS } from './render-container.js';
import { secretName, serviceUnit } from './unit-names.js';

/** Where the image is built from when the host has no static busybox yet (preflight installs busybox-static). */
export const DEFAULT_BUSYBOX = '/bin/busybox';

const has = (list: PodmanList, name: string): boolean => list.ok && list.names.includes(name);

// `podman images` lists "busybox" as "docker.io/library/busybox:latest"; keelson's manifests name images fully,
// so only a missing tag needs care: the names an image may be listed under.
const listedAs = (image: string): string[] => (/:[^/]*$/.test(image) ? [image] : [image, `${image}:latest`]);

const imagePresent = (list: PodmanList, image: string): boolean => listedAs(image).some((n) => has(list, n));

/** The image ID Podman has for `image` now, under any name it may be listed as, if it has it. */
const imageIdOf = (list: PodmanList, image: string): string | undefined =>
  list.ok ? listedAs(image).map((n) => list.ids?.get(n)).find((id) => id !== undefined) : undefined;

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
    if (c.imageFile !== undefined) {
      const id = c.imageId ?? c.image;
      if (seen.has(id) || imagePresent(facts.images, id)) return [];
      seen.add(id);
      return [{ kind: 'podman.image-load-packed', description: `load image ${c.image} (ID ${id.slice(0, 12)}) from the stack archive's ${c.imageFile}`, target: d.placement.scope, image: c.image, id, entry: c.imageFile }];
    }
    if (seen.has(c.image) || imagePresent(facts.images, c.image)) return [];
    if (c.imageBuild === 'busybox') {
      seen.add(c.image);
      const busybox = facts.busybox ?? DEFAULT_BUSYBOX;
      return [{ kind: 'podman.image-build', description: `build image ${c.image} from the host's static busybox (${busybox})`, target: d.placement.scope, image: c.image, from: 'busybox', busybox }];
    }
    seen.add(c.image);
    if (c.imageArchive === undefined) {
      return [{ kind: 'podman.image-pull', description: `pull image ${c.image}${d.placement.scope.scope === 'user' ? ` as ${d.placement.scope.user}` : ''}`, target: d.placement.scope, image: c.image }];
    }
    return [{ kind: 'podman.image-load', description: `load image ${c.image} from ${c.imageArchive}`, target: d.placement.scope, archive: c.imageArchive, image: c.image }];
  });
};

/** Longest a healthy start may take: each container's first health checks, in dependency order, with slack. */
export const waitSeconds = (ctx: Pick<StepContext, 'manifest'>): number => {
  const seconds = (d: string): number => {
    const m = /^([0-9]+)(ms|s|m|h)$/.exec(d);
    const n = Number(m?.[1] ?? 0);
    return m?.[2] === 'ms' ? n / 1000 : m?.[2] === 'm' ? n * 60 : m?.[2] === 'h' ? n * 3600 : n;
  };
  const checks = ctx.manifest.containers.reduce((sum, c) => sum + (c.health === undefined ? 0 : seconds(c.health.interval) * (c.health.retries + 1)), 0);
  return Math.min(START_TIMEOUT_SECONDS, Math.max(300, Math.ceil(120 + checks)));
};

const stateAction = (facts: QuadletFacts, ctx: StepContext, d: Desired): Action[] => {
  const m = ctx.manifest;
  const luks = volumeModel(facts.volume).luks[0];
  const files = [
    ...d.files.map((f) => ({ path: f.path, content: f.file.content })),
    ...(m.sockets.length > 0 ? [{ path: tmpfilesPath(m.stack), content: renderTmpfiles(m) }] : []),
  ];
  // Set up by the storage step in this apply: the UUID it was given at plan time (the same fact).
  const luksUuid = luks !== undefined ? luksUuidOf(luks) : (facts.newUuid ?? null);
  const current = parseRecord(facts.state.kind === 'present' ? facts.state.content : null);
  // Never over a record this keelson cannot read (the check's blocker says why).
  if (current.kind === 'newer' || current.kind === 'unreadable') return [];
  const previous = stackRecordOf(current, m.stack);
  const imageIds = Object.fromEntries(stackImages(m).flatMap((ref) => {
    const id = imageIdOf(facts.images, ref);
    return id === undefined ? [] : [[ref, id] as const];
  }));
  const entry = stackRecord({
    manifest: m, answers: ctx.answers, resolved: ctx.resolved, keelsonVersion: KEELSON_VERSION, top: d.stack.top, files, luksUuid, previous, imageIds, ...(ctx.archive === undefined ? {} : { archive: ctx.archive }),
  });
  // The images this apply makes: their IDs are only known once they exist, so the write asks Podman for them.
  const made = stackImages(m).filter((ref) => imageIds[ref] === undefined);
  const content = renderRecord(current, entry);
  if (facts.state.kind === 'present' && facts.state.content === content) return [];
  const run = { stack: m.stack, kind: runKindFor(previous, m.version), from: previous?.version ?? null, to: m.version };
  const images = made.length === 0 ? {} : { images: { stack: m.stack, target: d.placement.scope, refs: made } };
  return [{ kind: 'state.write', description: `record ${m.stack} ${m.version} in ${RECORD_PATH} (manifest, answers, files and their hashes, users, secret names, image IDs${ctx.archive === undefined ? '' : ', the archive\'s signer'})`, path: RECORD_PATH, content, run, ...images }];
};

/** Quadlet's generator run by the scope's manager: after unit files change, and before an upgrade's restarts. */
export const daemonReloadAction = (scope: Scope): ActionOf<'systemd.daemon-reload'> => ({ kind: 'systemd.daemon-reload', description: 'let Quadlet generate the units', target: scope });

/** The health gate after a start or restart: every unit of the stack active, every health check healthy. */
export const waitHealthyAction = (m: Manifest): ActionOf<'stack.wait-healthy'> => {
  const units = stackUnits(m);
  const healthy = m.containers.filter((c) => c.health !== undefined).map((c) => ({ container: c.name, unit: serviceUnit(c.name) }));
  return {
    kind: 'stack.wait-healthy',
    description: `wait until ${units.length} units are active${healthy.length > 0 ? ` and ${healthy.map((h) => h.container).join(', ')} healthy` : ''} (at most ${waitSeconds({ manifest: m })} s)`,
    target: stackScope(m),
    units,
    healthy,
    timeoutSeconds: waitSeconds({ manifest: m }),
  };
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
  // Jobs are queued (--no-block) and the wait below follows them: it knows every unit and shows a failure's journal.
  const restarts = writes.flatMap((f): Action[] => {
    const c = containerOf(f.file.name);
    if (c === null || f.before === null || !bodyChanged(f.before, f.file.content)) return [];
    return [{ kind: 'systemd.unit', description: `restart ${serviceUnit(c)} (its unit changed)`, target: placement.scope, verb: 'restart', unit: serviceUnit(c), noBlock: true }];
  });
  const changes = [...dirs, ...secretActions(facts, ctx, d), ...imageActions(facts, ctx, d), ...stops, ...files];
  const reload: Action[] =
    files.length === 0 ? [] : [daemonReloadAction(placement.scope)];
  const units = stackUnits(ctx.manifest);
  const down = units.filter((u) => facts.unitStates.get(u) !== 'active');
  const start: Action[] =
    !facts.units.enabled
      ? [{ kind: 'systemd.unit', description: `enable and start ${d.stack.top} (the whole stack, also at boot)`, target: placement.scope, verb: 'enable-now', unit: d.stack.top, noBlock: true }]
      : changes.length > 0 || restarts.length > 0 || down.length > 0
        ? [{ kind: 'systemd.unit', description: `start ${d.stack.top}${changes.length === 0 && down.length > 0 ? ` (${down.join(', ')} not active)` : ''}`, target: placement.scope, verb: 'start', unit: d.stack.top, noBlock: true }]
        : [];
  const wait: Action[] = start.length === 0 ? [] : [waitHealthyAction(ctx.manifest)];
  return [...changes, ...reload, ...restarts, ...start, ...wait, ...stateAction(facts, ctx, d)];
};
