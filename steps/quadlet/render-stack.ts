// The whole manifest → the list of files keelson manages for it, each with its header. Pure and deterministic:
// the same manifest and context give the same bytes, which is what makes a second plan empty.
import type { Manifest } from '../../src/manifest/schema.js';
import { bootTargetFor, type UnitDir } from './placement.js';
import { podmanFeatures } from './podman-features.js';
import { renderContainer } from './render-container.js';
import type { RenderContext } from './render-context.js';
import { renderNetwork } from './render-network.js';
import { renderTarget } from './render-target.js';
import { renderVolume } from './render-volume.js';
import { renderUnit, type UnitSection } from './unit-file.js';
import { withHeader } from './unit-header.js';
import { containerFile, networkFile, targetUnit, topTargetName, volumeFile } from './unit-names.js';

export interface RenderedFile {
  readonly dir: UnitDir;
  readonly name: string;
  readonly content: string;
}

export interface RenderedStack {
  readonly files: readonly RenderedFile[];
  /** The unit to start (and, rootless or rootful, the one WantedBy= the boot target). */
  readonly top: string;
}

/** What each unit pulls in (Requires= and Wants= alike start the other unit). */
const edges = (m: Manifest, name: string): string[] => {
  const t = m.targets.find((x) => x.name === name);
  if (t !== undefined) return [...t.members, ...t.requires];
  const c = m.containers.find((x) => x.name === name);
  return c === undefined ? [] : [...c.requires, ...c.wants];
};

const closure = (m: Manifest, roots: readonly string[]): Set<string> => {
  const seen = new Set<string>();
  const todo = [...roots];
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    if (seen.has(n)) continue;
    seen.add(n);
    todo.push(...edges(m, n));
  }
  return seen;
};

/**
 * The top target: the manifest's target named like the stack if there is one, else a generated one that requires
 * `start` (or, without it, every target and container nothing else groups). Whatever it would not pull in is
 * added as Wants=, so every container of the stack starts at boot.
 */
const topSections = (m: Manifest, ctx: RenderContext): UnitSection[] => {
  const name = topTargetName(m);
  const declared = m.targets.find((t) => t.name === name);
  const grouped = new Set(m.targets.flatMap((t) => t.members));
  const requires =
    declared !== undefined
      ? [...declared.members, ...declared.requires]
      : m.start !== undefined
        ? [m.start]
        : [...m.targets, ...m.containers].map((u) => u.name).filter((n) => !grouped.has(n));
  const reached = closure(m, requires);
  const wants = [...m.targets.filter((t) => t.name !== name), ...m.containers].map((u) => u.name).filter((n) => !reached.has(n));
  return renderTarget(
    m,
    { name, description: `${m.stack}: the whole stack (keelson)`, requires, wants, wantedBy: bootTargetFor(m.mode) },
    podmanFeatures(ctx.podman),
  );
};

export const renderStack = (m: Manifest, ctx: RenderContext): RenderedStack => {
  const features = podmanFeatures(ctx.podman);
  const file = (dir: UnitDir, name: string, sections: UnitSection[]): RenderedFile => ({
    dir,
    name,
    content: withHeader(m.stack, renderUnit(sections)),
  });
  const top = topTargetName(m);
  return {
    top: targetUnit(top),
    files: [
      ...m.containers.map((c) => file('quadlet', containerFile(c.name), renderContainer(m, c, ctx))),
      ...m.networks.map((n) => file('quadlet', networkFile(m.stack, n.name), renderNetwork(m, n))),
      ...m.volumes.map((v) => file('quadlet', volumeFile(m.stack, v.name), renderVolume(m, v, ctx))),
      ...m.targets
        .filter((t) => t.name !== top)
        .map((t) =>
          file(
            'systemd',
            targetUnit(t.name),
            renderTarget(m, { name: t.name, description: `${m.stack}: ${t.name}`, requires: [...t.members, ...t.requires], wants: [] }, features),
          ),
        ),
      file('systemd', targetUnit(top), topSections(m, ctx)),
    ],
  };
};
