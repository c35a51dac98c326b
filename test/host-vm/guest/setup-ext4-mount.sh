#!/bin/bash
# Gives a directory its own ext4 filesystem on a blank disk, mounted by UUID through fstab.
# The directory's content, mode and owner are carried over. For /var/log/audit, auditd is stopped
# while the directory moves and started again on the new filesystem.
#
#   setup-ext4-mount.sh --device DEV --mount DIR [--label LABEL]
set -euo pipefail

die() { echo "setup-ext4-mount: $*" >&2; exit 1; }

device='' mount='' label=''
while (($#)); do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --mount) mount="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -b "$device" ]] || die "--device must be a block device (got '$device')"
[[ "$mount" == /* ]] || die "--mount must be an absolute path"

mkfs.ext4 -q ${label:+-L "$label"} "$device"

auditd_was_active=0
if [[ "$mount" == /var/log/audit* ]] && systemctl is-active --quiet auditd; then
  auditd_was_active=1
  # auditd.service refuses a manual stop (RefuseManualStop=yes); a TERM through systemd is its way out.
  systemctl kill --signal=TERM auditd
  for _ in $(seq 60); do systemctl is-active --quiet auditd || break; sleep 1; done
  systemctl is-active --quiet auditd && die "auditd did not stop"
fi

staging="$(mktemp -d)"
mount "$device" "$staging"
if [[ -d "$mount" ]]; then
  cp -a "$mount/." "$staging/"
  chmod --reference="$mount" "$staging"
  chown --reference="$mount" "$staging"
fi
umount "$staging"
rmdir "$staging"
mkdir -p "$mount"

echo "UUID=$(blkid -s UUID -o value "$device") $mount ext4 defaults 0 2" >>/etc/fstab
systemctl daemon-reload
mount "$mount"

if ((auditd_was_active)); then
  systemctl start auditd
fi
