// The one way keelson builds an image on the host without a registry or an archive: the host's static busybox, one
// link per applet, an empty /etc and a sticky /tmp, `podman import`ed in the target scope (rootless: as the owner,
// into the owner's storage). A stack's `imageBuild: busybox` images and the socket probe's image are both made here.
import type { Scope } from '../engine/action.js';
import { runAs } from '../engine/scope.js';
import type { ExecutorContext, ExecutorResult } from './executor.js';
import { runChecked } from './run-checked.js';

// Constant script: $1 the busybox binary, $2 the image. A dynamically linked busybox would not run in the image.
export const BUILD_BUSYBOX_IMAGE = `set -eu
bb=$1; image=$2
[ -x "$bb" ] || { echo "no busybox at $bb: install busybox-static" >&2; exit 3; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/root/bin" "$d/root/etc" "$d/root/tmp"
chmod 1777 "$d/root/tmp"
cp "$bb" "$d/root/bin/busybox"
chmod 0755 "$d/root/bin/busybox"
for applet in $("$d/root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$d/root/bin/$applet"
done
tar -C "$d/root" -cf "$d/image.tar" .
podman import --quiet --change 'CMD ["/bin/sh"]' "$d/image.tar" "$image" >/dev/null
echo "built $image"`;

/** 'skipped' when the image is already in the scope's storage (a re-run converges). */
export const buildBusyboxImage = async (ctx: ExecutorContext, target: Scope, busybox: string, image: string): Promise<ExecutorResult> => {
  const exists = await ctx.host.run(['podman', 'image', 'exists', image], { ...runAs(target), timeoutMs: 2 * 60_000 });
  if (exists.exitCode === 0) return 'skipped';
  await runChecked(ctx.host, ['sh', '-c', BUILD_BUSYBOX_IMAGE, 'keelson-image-build', busybox, image], {
    ...runAs(target),
    timeoutMs: 5 * 60_000,
    // stdout only: rootless Podman outside a login session warns about its cgroup manager on stderr, harmlessly.
    onLine: (l, stream) => {
      if (stream === 'stdout') ctx.onLine?.(l);
    },
  });
  return 'done';
};
