#!/usr/bin/env bash
# Builds keelson's base test VM image once and caches it.
#
#   test/host-vm/build-image.sh [--print-key] [--host-deps-only] [--prune]
#
# The image is a Debian trixie root (debootstrap) booted with Debian bookworm's cloud kernel
# (trixie's 6.12 kernel double-faults under this machine's qemu), disk built with `mkfs.ext4 -d`
# so nothing is ever mounted. It lands in ${KEELSON_VM_CACHE:-/var/cache/keelson-vm}/images/<key>/,
# where <key> hashes the package list, the kernel package and version, and this script's own text.
# A second run with the same key only checks host tools and prints the directory.
#
# stdout: exactly one line, the image directory. Progress goes to stderr.
set -Eeuo pipefail

CACHE="${KEELSON_VM_CACHE:-/var/cache/keelson-vm}"
MIRROR="${KEELSON_VM_MIRROR:-http://deb.debian.org/debian}"
SUITE=trixie
KERNEL_META=linux-image-cloud-amd64   # resolved against the HOST's apt (bookworm)
DISK_SIZE_MIB=8192
HOSTNAME_VM=keelson-vm

# What a hardened keelson target needs, plus what the tests use to look inside it.
PACKAGES=(
  systemd systemd-sysv udev dbus dbus-user-session libpam-systemd libnss-systemd systemd-container
  openssh-server openssh-sftp-server sudo
  podman crun conmon catatonit passt uidmap netavark aardvark-dns nftables apparmor
  cryptsetup cryptsetup-bin systemd-cryptsetup auditd
  busybox-static curl kmod iproute2 e2fsprogs util-linux procps
  initramfs-tools zstd linux-base
)
# Host tools: build (debootstrap, mkfs, sfdisk) and boot (qemu, ssh client, setpriv).
HOST_PACKAGES=(qemu-system-x86 qemu-utils debootstrap e2fsprogs fdisk openssh-client util-linux zstd)
HOST_COMMANDS=(qemu-system-x86_64 qemu-img debootstrap mkfs.ext4 sfdisk ssh ssh-keygen setpriv zstd)

log() { printf '[build-image %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

apt_get() {
  # Another apt may be running on a shared machine: wait for its lock rather than failing.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q "$@"
}

ensure_host_tools() {
  local missing=() c
  for c in "${HOST_COMMANDS[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  ((${#missing[@]} == 0)) && return 0
  [[ $EUID -eq 0 ]] || die "missing ${missing[*]}; run as root or: apt-get install ${HOST_PACKAGES[*]}"
  log "installing host tools (missing: ${missing[*]})"
  apt_get update >&2
  apt_get install -y --no-install-recommends "${HOST_PACKAGES[@]}" >&2
}

# The concrete kernel package (e.g. linux-image-6.1.0-37-cloud-amd64) and its version, from host apt.
resolve_kernel() {
  KERNEL_PKG="$(apt-cache depends "$KERNEL_META" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')" || true
  [[ -n "${KERNEL_PKG:-}" ]] || return 1
  KERNEL_VERSION="$(apt-cache show --no-all-versions "$KERNEL_PKG" 2>/dev/null | awk '/^Version:/{print $2; exit}')" || true
  [[ -n "${KERNEL_VERSION:-}" ]]
}

compute_key() {
  KEY="$({
    printf '%s\n' "$SUITE" "$MIRROR" "$DISK_SIZE_MIB" "${PACKAGES[@]}" "$KERNEL_PKG" "$KERNEL_VERSION"
    cat "${BASH_SOURCE[0]}"
  } | sha256sum | cut -c1-16)"
}

prune() {
  local d
  for d in "$CACHE"/images/*/; do
    [[ "$(basename "$d")" == "$KEY" ]] && continue
    log "pruning $d"
    rm -rf --one-file-system "$d"
  done
}

PRINT_KEY=0 HOST_ONLY=0 PRUNE=0
for arg in "$@"; do
  case "$arg" in
    --print-key) PRINT_KEY=1 ;;
    --host-deps-only) HOST_ONLY=1 ;;
    --prune) PRUNE=1 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

ensure_host_tools
((HOST_ONLY)) && exit 0

# Resolve the kernel from the host's current package lists first, so a cached image needs no network.
if ! resolve_kernel; then
  log "apt lists do not know $KERNEL_META yet; running apt-get update"
  apt_get update >&2
  resolve_kernel || die "cannot resolve $KERNEL_META from the host's apt sources (bookworm needed)"
fi
compute_key
((PRINT_KEY)) && { echo "$KEY"; exit 0; }

IMAGE_DIR="$CACHE/images/$KEY"
if [[ -f "$IMAGE_DIR/image.json" ]]; then
  ((PRUNE)) && prune
  log "cached: $IMAGE_DIR"
  echo "$IMAGE_DIR"
  exit 0
fi

[[ $EUID -eq 0 ]] || die "building the image needs root (debootstrap, chroot)"
mkdir -p "$CACHE/images"

# One builder at a time; whoever waited finds the image already there.
exec 9>"$CACHE/build.lock"
log "waiting for the build lock"
flock 9
if [[ -f "$IMAGE_DIR/image.json" ]]; then echo "$IMAGE_DIR"; exit 0; fi

START=$SECONDS
WORK="$(mktemp -d "$CACHE/images/.build-$KEY-XXXXXX")"
chmod 0755 "$WORK"   # apt-get download runs as _apt and must reach debs/
ROOT="$WORK/rootfs"

cleanup() {
  local rc=$?
  # Unmount anything under the build dir before deleting it (a bind-mounted /dev must never be rm'd).
  local m
  for m in $(awk -v w="$WORK" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  if [[ -d "$WORK" ]]; then
    rm -rf --one-file-system "$WORK"
  fi
  ((rc == 0)) || log "FAILED (exit $rc); partial output removed"
}
trap cleanup EXIT
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR

log "key $KEY, kernel $KERNEL_PKG $KERNEL_VERSION, building in $WORK"

# --- 1. root filesystem ---------------------------------------------------------------------------
log "debootstrap $SUITE (minbase + ${#PACKAGES[@]} packages)"
include="$(IFS=,; echo "${PACKAGES[*]}")"
if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
  tail -n 40 "$WORK/debootstrap.log" >&2
  [[ -f "$ROOT/debootstrap/debootstrap.log" ]] && tail -n 40 "$ROOT/debootstrap/debootstrap.log" >&2
  die "debootstrap failed"
fi
log "debootstrap done ($((SECONDS - START)) s)"

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# --- 2. kernel from bookworm, initramfs built by trixie's initramfs-tools --------------------------
mkdir -p "$WORK/debs" "$ROOT/etc/initramfs-tools/conf.d"
chmod 0777 "$WORK/debs"   # apt-get download drops privileges to _apt
(cd "$WORK/debs" && apt-get download -q "$KERNEL_PKG=$KERNEL_VERSION" >&2)
# Only the drivers a qemu guest needs: a small initramfs unpacks fast under emulation.
cat >"$ROOT/etc/initramfs-tools/conf.d/keelson.conf" <<'EOF'
MODULES=list
EOF
cat >>"$ROOT/etc/initramfs-tools/modules" <<'EOF'
virtio_pci
virtio_blk
virtio_scsi
virtio_net
ext4
crc32c_generic
EOF
cp "$WORK"/debs/*.deb "$ROOT/tmp/"
# update-initramfs and systemctl want /proc, /sys and /dev; unmounted again before the disk is built.
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
mount -t sysfs sysfs "$ROOT/sys"
in_root sh -c 'dpkg -i /tmp/linux-image-*.deb' >"$WORK/kernel.log" 2>&1 || { tail -n 40 "$WORK/kernel.log" >&2; die "kernel install failed"; }
rm -f "$ROOT"/tmp/*.deb
KREL="${KERNEL_PKG#linux-image-}"
[[ -f "$ROOT/boot/vmlinuz-$KREL" && -f "$ROOT/boot/initrd.img-$KREL" ]] || die "no kernel/initrd for $KREL in /boot"
cp "$ROOT/boot/vmlinuz-$KREL" "$WORK/vmlinuz"
cp "$ROOT/boot/initrd.img-$KREL" "$WORK/initrd.img"
log "kernel $KREL installed ($((SECONDS - START)) s)"

# --- 3. configuration --------------------------------------------------------------------------------
ROOT_UUID="$(cat /proc/sys/kernel/random/uuid)"

echo "$HOSTNAME_VM" >"$ROOT/etc/hostname"
cat >"$ROOT/etc/hosts" <<EOF
127.0.0.1 localhost
127.0.1.1 $HOSTNAME_VM
::1 localhost ip6-localhost ip6-loopback
EOF
cat >"$ROOT/etc/fstab" <<EOF
# <file system> <mount point> <type> <options> <dump> <pass>
UUID=$ROOT_UUID / ext4 errors=remount-ro 0 1
EOF

# A fixed machine-id (per image): an empty one would make every boot a "first boot" (presets, firstboot).
in_root systemd-machine-id-setup >/dev/null 2>&1 || tr -dc 'a-f0-9' </dev/urandom | head -c 32 >"$ROOT/etc/machine-id"

# DHCP on qemu's user-mode NIC. Name match covers ens*/enp*/eth*.
mkdir -p "$ROOT/etc/systemd/network"
cat >"$ROOT/etc/systemd/network/20-wired.network" <<'EOF'
[Match]
Name=en* eth*

[Network]
DHCP=ipv4
EOF
# No resolved in the image; qemu's slirp answers DNS on 10.0.2.3.
rm -f "$ROOT/etc/resolv.conf"
echo "nameserver 10.0.2.3" >"$ROOT/etc/resolv.conf"

# SSH: keys only. Host keys were generated by openssh-server's postinst: fixed per image, exported below.
mkdir -p "$ROOT/etc/ssh/sshd_config.d"
cat >"$ROOT/etc/ssh/sshd_config.d/10-keelson-test.conf" <<'EOF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
EOF
[[ -f "$ROOT/etc/ssh/ssh_host_ed25519_key" ]] || in_root ssh-keygen -A >&2
cp "$ROOT/etc/ssh/ssh_host_ed25519_key.pub" "$WORK/ssh_host_ed25519_key.pub"

ssh-keygen -q -t ed25519 -N '' -C keelson-test-client -f "$WORK/id_ed25519"
install -d -m 0700 "$ROOT/root/.ssh"
install -m 0600 "$WORK/id_ed25519.pub" "$ROOT/root/.ssh/authorized_keys"

# admin: a sudoer without a password, to exercise keelson's `sudo -n` path.
in_root useradd --create-home --shell /bin/bash --comment 'keelson test admin' admin
in_root usermod -p '*' admin   # no password, but not "locked" (sshd refuses locked accounts)
grep -q '^admin:' "$ROOT/etc/subuid" 2>/dev/null || in_root usermod --add-subuids 100000-165535 --add-subgids 100000-165535 admin
install -d -m 0700 -o "$(in_root id -u admin)" -g "$(in_root id -g admin)" "$ROOT/home/admin/.ssh"
install -m 0600 -o "$(in_root id -u admin)" -g "$(in_root id -g admin)" "$WORK/id_ed25519.pub" "$ROOT/home/admin/.ssh/authorized_keys"
echo 'admin ALL=(ALL:ALL) NOPASSWD: ALL' >"$ROOT/etc/sudoers.d/90-admin"
chmod 0440 "$ROOT/etc/sudoers.d/90-admin"
in_root visudo -cq

# Services: network and serial console on; background chores that only burn emulated CPU off.
in_root systemctl enable systemd-networkd.service serial-getty@ttyS0.service ssh.service auditd.service >&2
for unit in apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer dpkg-db-backup.timer; do
  if [[ -e "$ROOT/usr/lib/systemd/system/$unit" ]]; then in_root systemctl mask "$unit" >&2; fi
done

# AppArmor stays on (podman applies its container profile), but the ~90 profiles that only exempt desktop
# programs (flags=(unconfined)) or belong to sbuild are disabled: loading them held up every boot by about
# a minute under emulation, and none of those programs exist here.
for profile in "$ROOT"/etc/apparmor.d/*; do
  [[ -f "$profile" ]] || continue
  name="$(basename "$profile")"
  if [[ "$name" == sbuild* ]] || grep -q 'flags=(unconfined)' "$profile"; then
    ln -sf "/etc/apparmor.d/$name" "$ROOT/etc/apparmor.d/disable/$name"
  fi
done

# Warm-up boot (step 5) runs this once: it lets the first-boot chores (apparmor's profile cache, ldconfig,
# journal catalog, ...) happen at build time, not in every test's boot. It removes itself, then powers off.
cat >"$ROOT/etc/systemd/system/keelson-warmup.service" <<'EOF'
[Unit]
Description=keelson image warm-up (build time only)

[Service]
# simple, not oneshot: boot must be able to finish while this waits for it.
Type=simple
ExecStart=/bin/sh -c 'state=$$(systemctl is-system-running --wait); echo "KEELSON-WARMUP state=$$state" >/dev/ttyS0; systemctl --failed --no-legend --plain >/dev/ttyS0; rm -f /etc/systemd/system/keelson-warmup.service; echo KEELSON-WARMUP-DONE >/dev/ttyS0; systemctl poweroff'
EOF

# Smaller image: package caches and lists are not needed offline (dpkg's status is enough to remove packages).
in_root apt-get clean
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/*.log "$ROOT"/var/cache/debconf/*-old "$ROOT/debootstrap"

# --- 4. disk image (never mounted) -------------------------------------------------------------------
umount "$ROOT/sys" "$ROOT/dev" "$ROOT/proc"
log "building disk ($((SECONDS - START)) s)"
PART_START_MIB=1
PART_SIZE_MIB=$((DISK_SIZE_MIB - 2))
truncate -s "${DISK_SIZE_MIB}M" "$WORK/disk.raw"
sfdisk -q "$WORK/disk.raw" >&2 <<EOF
label: gpt
start=$((PART_START_MIB * 2048)), size=$((PART_SIZE_MIB * 2048)), type=linux, name=keelson-root
EOF
truncate -s "${PART_SIZE_MIB}M" "$WORK/root.ext4"
mkfs.ext4 -q -F -L keelson-root -U "$ROOT_UUID" -d "$ROOT" "$WORK/root.ext4" >&2
dd if="$WORK/root.ext4" of="$WORK/disk.raw" bs=1M seek="$PART_START_MIB" conv=notrunc,sparse status=none
rm -f "$WORK/root.ext4"
# mitigations=off: emulation does not speculate, so the kernel's Spectre-class mitigations are pure cost.
CMDLINE="root=UUID=$ROOT_UUID rw console=ttyS0,115200 systemd.firstboot=off net.ifnames=1 mitigations=off"

# --- 5. warm-up boot -----------------------------------------------------------------------------------
log "warm-up boot (first-boot chores at build time; a few minutes under emulation)"
WARMUP_TIMEOUT="${KEELSON_VM_WARMUP_TIMEOUT:-1200}"
set +e
timeout --kill-after=10 "$WARMUP_TIMEOUT" qemu-system-x86_64 \
  -machine q35 -accel tcg -smp 1 -m 2048 -nodefaults -no-user-config -display none -monitor none -no-reboot \
  -serial "file:$WORK/warmup-console.log" \
  -kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" -append "$CMDLINE systemd.wants=keelson-warmup.service" \
  -drive "file=$WORK/disk.raw,if=none,id=root,format=raw" -device virtio-blk-pci,drive=root \
  -netdev user,id=net0,restrict=on -device virtio-net-pci,netdev=net0 -device virtio-rng-pci >&2
rc=$?
set -e
if ((rc != 0)) || ! grep -aq KEELSON-WARMUP-DONE "$WORK/warmup-console.log"; then
  tail -n 60 "$WORK/warmup-console.log" | tr -d '\r' >&2
  die "warm-up boot failed (qemu exit $rc)"
fi
grep -a 'KEELSON-WARMUP state=' "$WORK/warmup-console.log" | tr -d '\r' >&2
log "warm-up done ($((SECONDS - START)) s)"

qemu-img convert -O qcow2 "$WORK/disk.raw" "$WORK/base.qcow2"
rm -f "$WORK/disk.raw"
echo "$CMDLINE" >"$WORK/cmdline"
cat >"$WORK/image.json" <<EOF
{
  "key": "$KEY",
  "suite": "$SUITE",
  "kernelPackage": "$KERNEL_PKG",
  "kernelVersion": "$KERNEL_VERSION",
  "rootUuid": "$ROOT_UUID",
  "cmdline": "$CMDLINE",
  "hostname": "$HOSTNAME_VM",
  "users": ["root", "admin"],
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "buildSeconds": $((SECONDS - START))
}
EOF
rm -rf --one-file-system "$ROOT"
rm -rf "$WORK/debs"
chmod 0600 "$WORK/id_ed25519"

mv -T "$WORK" "$IMAGE_DIR"
log "built $IMAGE_DIR in $((SECONDS - START)) s"
((PRUNE)) && prune
echo "$IMAGE_DIR"
