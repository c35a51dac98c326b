// Where the files go and who owns them. Quadlet reads only its own directory; plain .target units are not
// Quadlet's and live where the (user or system) manager reads units.
import type { Scope } from '../../src/engine/action.js';
import type { Manifest } from '../../src/manifest/schema.js';

export type UnitDir = 'quadlet' | 'systemd';

export interface Placement {
  readonly dirs: Readonly<Record<UnitDir, string>>;
  /** Directories that must exist, parents first, with their owner (rootless: the owner's, else Podman runs fine
   *  as root but the owner's own `podman` would find ~/.config/containers owned by root). */
  readonly chain: readonly string[];
  readonly owner: string;
  readonly group: string;
  readonly scope: Scope;
  /** What the top unit is WantedBy=: a user manager has no multi-user.target. */
  readonly bootTarget: 'default.target' | 'multi-user.target';
}

/** A user manager has no multi-user.target; default.target is what lingering starts at boot. */
export const bootTargetFor = (mode: Manifest['mode']): Placement['bootTarget'] =>
  mode === 'rootless' ? 'default.target' : 'multi-user.target';

/** The manager the stack's units, Podman secrets and images live in: the owner's (rootless) or the system's. */
export const stackScope = (m: Manifest): Scope => (m.mode === 'rootless' && m.owner !== undefined ? { scope: 'user', user: m.owner } : { scope: 'system' });

interface Layout {
  readonly dirs: Readonly<Record<UnitDir, string>>;
  readonly chain: readonly string[];
}

// The one list of where unit files live. Rootless paths follow the owner's home (which the host knows: the fact
// probe prefixes them with what getent says); rootful paths are absolute.
const LAYOUT: Readonly<Record<Manifest['mode'], Layout>> = {
  rootless: {
    dirs: { quadlet: '/.config/containers/systemd', systemd: '/.config/systemd/user' },
    chain: ['/.config', '/.config/containers', '/.config/containers/systemd', '/.config/systemd', '/.config/systemd/user'],
  },
  rootful: {
    dirs: { quadlet: '/etc/containers/systemd', systemd: '/etc/systemd/system' },
    chain: ['/etc/containers', '/etc/containers/systemd'],
  },
};

/** The unit directories and the chain of directories leading to them; rootless below `home` ("" gives them relative to it). */
export const unitPaths = (mode: Manifest['mode'], home: string): Layout => {
  const base = mode === 'rootless' ? home : '';
  const { dirs, chain } = LAYOUT[mode];
  return { dirs: { quadlet: `${base}${dirs.quadlet}`, systemd: `${base}${dirs.systemd}` }, chain: chain.map((d) => `${base}${d}`) };
};

/** The owner's home, read back from a rootless Quadlet directory; null when the path is not one. */
export const homeOfQuadletDir = (dir: string): string | null =>
  dir.endsWith(LAYOUT.rootless.dirs.quadlet) ? dir.slice(0, -LAYOUT.rootless.dirs.quadlet.length) : null;

export const placementFor = (m: Manifest, home: string, ownerGroup: string): Placement => {
  const { dirs, chain } = unitPaths(m.mode, home);
  const scope = stackScope(m);
  return {
    dirs,
    chain,
    owner: scope.scope === 'user' ? scope.user : 'root',
    group: scope.scope === 'user' ? ownerGroup : 'root',
    scope,
    bootTarget: bootTargetFor(m.mode),
  };
};
