// From facts and context to what should be on the host: the rendered files, where they go, and how each
// compares with what is there. check and plan both start here, so they never disagree.
import type { PackageState } from '../../src/facts/packages.js';
import type { Version } from '../../src/facts/version.js';
import type { StepContext } from '../../src/engine/step.js';
import type { TextFile } from '../storage/facts.js';
import type { DataVolume } from '../storage/volume-probe.js';
import type { SelinuxState } from '../../src/facts/selinux.js';
import type { PodmanList, StackUnitStates, UnitDirsState, UnitFileOnHost } from './facts.js';
import { placementFor, type Placement } from './placement.js';
import { missingRequirements, podmanVersionOf } from './podman-features.js';
import { RenderError, type RenderContext } from './render-context.js';
import { renderStack, type RenderedFile, type RenderedStack } from './render-stack.js';
import { bodyOf, headerState, readHeader, type HeaderState } from './unit-header.js';

export interface QuadletFacts {
  readonly units: UnitDirsState;
  /** The installed Podman; null when it is not installed (yet). */
  readonly podman: Version | null;
  /** What the package manager would install, for a host where the preflight step installs Podman. */
  readonly podmanPackage: readonly PackageState[];
  readonly selinux: SelinuxState;
  readonly secrets: PodmanList;
  readonly images: PodmanList;
  /** ActiveState of each of the stack's units; empty when the manager cannot be asked. */
  readonly unitStates: StackUnitStates;
  /** A static busybox on the host (for images built with imageBuild: busybox); null when there is none yet. */
  readonly busybox: string | null;
  /** The data mount's volume (the storage step's fact): its LUKS UUID goes into the host state. */
  readonly volume: DataVolume;
  /** /var/lib/keelson/state.json as it is now. */
  readonly state: TextFile;
  /** Only when the operator asked the storage step to set up LUKS: the UUID it will give the volume (same fact). */
  readonly newUuid?: string | null;
}

export type FileStatus =
  | { readonly kind: 'new' }
  | { readonly kind: 'same' }
  | { readonly kind: 'changed'; readonly before: string }
  /** Ours, but edited by hand, or another stack's, or somebody else's: never overwritten silently. */
  | { readonly kind: 'conflict'; readonly state: Exclude<HeaderState, 'managed-unchanged'> | 'other-stack' | 'symlink'; readonly before: string | null };

export interface Desired {
  readonly podman: Version;
  readonly stack: RenderedStack;
  readonly placement: Placement;
  readonly files: readonly { readonly file: RenderedFile; readonly path: string; readonly status: FileStatus }[];
  /** Files this stack wrote earlier that it no longer renders. */
  readonly stale: readonly { readonly found: UnitFileOnHost; readonly path: string; readonly edited: boolean }[];
}

export type DesiredResult =
  | { readonly ok: true; readonly desired: Desired }
  | { readonly ok: false; readonly problem: 'podman-unknown' | 'home-unknown' }
  /** Below MIN_PODMAN: preflight's blocker says what it lacks; nothing is rendered for it. */
  | { readonly ok: false; readonly problem: 'podman-too-old'; readonly podman: Version }
  | { readonly ok: false; readonly problem: 'render'; readonly error: RenderError };

const ownerGroup = (ctx: StepContext, owner: string): string => {
  const gid = ctx.resolved.users[owner]?.gid;
  const named = Object.entries(ctx.resolved.groups).find(([, g]) => g === gid)?.[0];
  return named ?? owner;
};

const statusOf = (stack: string, found: UnitFileOnHost | undefined, content: string): FileStatus => {
  if (found === undefined) return { kind: 'new' };
  if (found.content === null) return { kind: 'conflict', state: 'symlink', before: null };
  if (found.content === content) return { kind: 'same' };
  const state = headerState(found.content);
  if (state !== 'managed-unchanged') return { kind: 'conflict', state, before: found.content };
  if (readHeader(found.content)?.stack !== stack) return { kind: 'conflict', state: 'other-stack', before: found.content };
  return { kind: 'changed', before: found.content };
};

export const desiredState = (facts: QuadletFacts, ctx: StepContext): DesiredResult => {
  const m = ctx.manifest;
  const podman = podmanVersionOf(facts.podman, facts.podmanPackage);
  if (podman === null) return { ok: false, problem: 'podman-unknown' };
  if (missingRequirements(podman.version).length > 0) return { ok: false, problem: 'podman-too-old', podman: podman.version };
  const owner = m.owner ?? '';
  // The passwd answer wins when the owner exists (paths must match the probe's); else what the accounts step resolved.
  const home = m.mode === 'rootless' ? (facts.units.home ?? ctx.resolved.users[owner]?.home ?? null) : '';
  if (home === null) return { ok: false, problem: 'home-unknown' };
  const placement = placementFor(m, home, m.mode === 'rootless' ? ownerGroup(ctx, owner) : 'root');
  const renderCtx: RenderContext = {
    podman: podman.version,
    selinux: facts.selinux !== 'disabled',
    resolved: ctx.resolved,
    answers: ctx.answers,
  };
  let stack: RenderedStack;
  try {
    stack = renderStack(m, renderCtx);
  } catch (e) {
    if (e instanceof RenderError) return { ok: false, problem: 'render', error: e };
    throw e;
  }
  const onHost = (dir: string, name: string) => facts.units.files.find((f) => f.dir === dir && f.name === name);
  const files = stack.files.map((file) => ({
    file,
    path: `${placement.dirs[file.dir]}/${file.name}`,
    status: statusOf(m.stack, onHost(file.dir, file.name), file.content),
  }));
  const rendered = new Set(stack.files.map((f) => `${f.dir}/${f.name}`));
  const stale = facts.units.files
    .filter((f) => f.content !== null && readHeader(f.content)?.stack === m.stack && !rendered.has(`${f.dir}/${f.name}`))
    .map((found) => ({
      found,
      path: `${placement.dirs[found.dir]}/${found.name}`,
      edited: headerState(found.content ?? '') === 'managed-edited',
    }));
  return { ok: true, desired: { podman: podman.version, stack, placement, files, stale } };
};

/** Did the unit's meaning change (not just its header's version)? Only then is a running container restarted. */
export const bodyChanged = (before: string, after: string): boolean => bodyOf(before) !== bodyOf(after);
