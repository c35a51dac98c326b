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

export const placementFor = (m: Manifest, home: string, ownerGroup: string): Placement => {
  if (m.mode === 'rootful') {
    return {
      dirs: { quadlet: '/etc/containers/systemd', systemd: '/etc/systemd/system' },
      chain: ['/etc/containers', '/etc/containers/systemd'],
      owner: 'root',
      group: 'root',
      scope: { scope: 'system' },
      bootTarget: bootTargetFor('rootful'),
    };
  }
  const owner = m.owner ?? '';
  const config = `${home}/.config`;
  return {
    dirs: { quadlet: `${config}/containers/systemd`, systemd: `${config}/systemd/user` },
    chain: [config, `${config}/containers`, `${config}/containers/systemd`, `${config}/systemd`, `${config}/systemd/user`],
    owner,
    group: ownerGroup,
    scope: { scope: 'user', user: owner },
    bootTarget: bootTargetFor('rootless'),
  };
};
