// A stack image built on the host from its static busybox (manifest `imageBuild: busybox`): see busybox-image.ts.
import { buildBusyboxImage } from '../busybox-image.js';
import type { Executor } from '../executor.js';

export const podmanImageBuild: Executor<'podman.image-build'> = (a, ctx) => buildBusyboxImage(ctx, a.target, a.busybox, a.image);
