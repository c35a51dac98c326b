// How the plan shows an action (+ create, ~ change, - remove, > run), apart from the action schema: the wizard's
// first frame renders plan lines, and should not load zod for a switch over the kinds.
import type { Action } from './action.js';

export type ActionOp = 'create' | 'change' | 'remove' | 'run';

/** How the plan renders an action: + create, ~ change, - remove, > run. */
export const actionOp = (a: Action): ActionOp => {
  switch (a.kind) {
    case 'file.write':
      return a.before === null ? 'create' : 'change';
    case 'file.remove':
    case 'linger.disable':
    case 'subid.remove':
    case 'user.remove':
    case 'group.remove':
    case 'dir.remove':
    case 'podman.remove':
      return 'remove';
    case 'group.create':
    case 'user.create':
    case 'dir.ensure':
    case 'subid.assign':
    case 'podman.secret':
    case 'podman.image-build':
    case 'probe.image':
    case 'luks.setup':
    case 'podman.volume-export':
      return 'create';
    case 'user.add-groups':
    case 'linger.enable':
    case 'state.write':
    case 'podman.volume-restore':
      return 'change';
    case 'package.install':
    case 'tmpfiles.create':
    case 'systemd.daemon-reload':
    case 'systemd.unit':
    case 'systemd.signal':
    case 'podman.image-load':
    case 'podman.image-load-packed':
    case 'podman.image-pull':
    case 'stack.wait-healthy':
    case 'probe.socket-access':
      return 'run';
  }
};
