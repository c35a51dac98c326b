#!/bin/bash
# Builds a container image from the guest's static busybox (Debian's busybox-static), offline:
# no registry is reachable from the test VM. Works rootful and rootless.
#
#   import-busybox.sh TAG [ARCHIVE]     e.g. import-busybox.sh localhost/busybox:1 /tmp/busybox.oci.tar
#
# With ARCHIVE, the image is also saved there (podman save, oci-archive) for imageArchive tests.
set -euo pipefail
tag="${1:?usage: import-busybox.sh TAG [ARCHIVE]}"
archive="${2:-}"

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/root/bin"
cp "$(command -v busybox)" "$dir/root/bin/busybox"
# Applet links, so images can say /bin/sh or /bin/httpd like any busybox image. One perl process
# (perl-base is essential in Debian) rather than ~400 `ln` runs: each process start is slow under emulation.
"$dir/root/bin/busybox" --list |
  BIN="$dir/root/bin" perl -ne 'chomp; next if $_ eq "busybox"; symlink("busybox", "$ENV{BIN}/$_") or die "$_: $!\n"'
tar -C "$dir/root" -cf "$dir/busybox.tar" .
podman import --quiet --change 'CMD ["/bin/sh"]' "$dir/busybox.tar" "$tag" >/dev/null
if [[ -n "$archive" ]]; then
  podman save --quiet --format oci-archive -o "$archive" "$tag"
fi
