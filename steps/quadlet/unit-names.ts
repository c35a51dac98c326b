// Names of files, units and Podman resources. Networks, volumes and secrets carry the stack's name so two
// stacks of one owner cannot collide, and so Quadlet does not add its "systemd-" prefix. Containers and targets
// keep the manifest's names: they are what operators type (`systemctl --user status zammad-nginx`).
import type { Manifest } from '../../src/manifest/schema.js';
import type { PodmanFeatures } from './podman-features.js';

export const containerFile = (name: string): string => `${name}.container`;
export const serviceUnit = (name: string): string => `${name}.service`;
export const targetUnit = (name: string): string => `${name}.target`;
/** The unit Quadlet generates from a file: web.container → web.service, x.network → x-network.service; a plain unit is itself. */
export const generatedUnit = (file: string): string =>
  file.endsWith('.container') ? serviceUnit(file.slice(0, -'.container'.length)) : file.replace(/\.(network|volume|pod|image|build|kube)$/, '-$1.service');

/** "demo" + "backend" → "demo-backend"; a name that already starts with the stack's is not prefixed twice. */
export const resourceName = (stack: string, name: string): string => (name.startsWith(`${stack}-`) ? name : `${stack}-${name}`);
export const networkFile = (stack: string, name: string): string => `${resourceName(stack, name)}.network`;
export const volumeFile = (stack: string, name: string): string => `${resourceName(stack, name)}.volume`;
export const secretName = resourceName;

/** The unit that pulls in the whole stack and is started at boot. */
export const topTargetName = (m: Manifest): string => m.stack;

export const isTarget = (m: Manifest, name: string): boolean => m.targets.some((t) => t.name === name);

/**
 * How one unit names another in Wants=/Requires=/After=. Plain systemd units (targets) only know generated
 * service names; a Quadlet file may say x.container from Podman 5.5, which translates it.
 */
export const dependencyName = (m: Manifest, name: string, from: 'quadlet' | 'systemd', features: PodmanFeatures): string => {
  if (isTarget(m, name)) return targetUnit(name);
  return from === 'quadlet' && features.quadletDependencies ? containerFile(name) : serviceUnit(name);
};
