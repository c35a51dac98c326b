// One executor per action kind; the mapped type makes a missing one a compile error.
import type { ExecutorTable } from '../executor.js';
import { groupRemove, lingerDisable, subidRemove, userRemove } from './account-removal.js';
import { groupCreate, lingerEnable, subidAssign, userAddGroups, userCreate } from './accounts.js';
import { dirEnsure, fileRemove, fileWrite, stateWrite } from './files.js';
import { podmanImageBuild } from './image-build.js';
import { luksSetup } from './luks.js';
import { dirRemove, podmanRemove } from './podman-removal.js';
import { podmanImageLoad, podmanImageLoadPacked, podmanImagePull, podmanSecret } from './podman.js';
import { probeImage, probeSocketAccess } from './probe.js';
import { systemdSignal } from './signal.js';
import { daemonReload, packageInstall, systemdUnit, tmpfilesCreate } from './system.js';
import { podmanVolumeExport, podmanVolumeRestore } from './volume-archive.js';
import { stackWaitHealthy } from './wait-healthy.js';

export const executors: ExecutorTable = {
  'package.install': packageInstall,
  'file.write': fileWrite,
  'file.remove': fileRemove,
  'dir.ensure': dirEnsure,
  'group.create': groupCreate,
  'user.create': userCreate,
  'user.add-groups': userAddGroups,
  'subid.assign': subidAssign,
  'linger.enable': lingerEnable,
  'tmpfiles.create': tmpfilesCreate,
  'systemd.daemon-reload': daemonReload,
  'systemd.unit': systemdUnit,
  'podman.secret': podmanSecret,
  'podman.image-load': podmanImageLoad,
  'podman.image-load-packed': podmanImageLoadPacked,
  'podman.image-pull': podmanImagePull,
  'podman.image-build': podmanImageBuild,
  'stack.wait-healthy': stackWaitHealthy,
  'state.write': stateWrite,
  'probe.image': probeImage,
  'probe.socket-access': probeSocketAccess,
  'luks.setup': luksSetup,
  'systemd.signal': systemdSignal,
  'linger.disable': lingerDisable,
  'subid.remove': subidRemove,
  'user.remove': userRemove,
  'group.remove': groupRemove,
  'dir.remove': dirRemove,
  'podman.remove': podmanRemove,
  'podman.volume-export': podmanVolumeExport,
  'podman.volume-restore': podmanVolumeRestore,
};
