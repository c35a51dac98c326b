#!/bin/bash
# Puts LUKS on a blank disk, ext4 inside, and mounts it at MOUNT through crypttab + fstab, as an
# installer would. Whatever MOUNT held before (e.g. /home/admin with its SSH key) is copied across.
#
#   setup-luks.sh --device DEV --name NAME --mount DIR [--luks1] [--key-file PATH] [--iter-time MS]  <passphrase
#
# The passphrase is read from stdin (the first line, without its newline): never an argument.
# LUKS2 (default): argon2id, aes-xts-plain64, 512-bit key. --luks1: pbkdf2 (sha256), same cipher.
# --key-file: a random key file is added to a second key slot and named in crypttab, so the volume
# opens unattended at boot; without it crypttab says `none` (asks on the console at boot).
set -euo pipefail

die() { echo "setup-luks: $*" >&2; exit 1; }

device='' name='' mount='' luks1=0 key_file='' iter_time=''
while (($#)); do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --mount) mount="$2"; shift 2 ;;
    --luks1) luks1=1; shift ;;
    --key-file) key_file="$2"; shift 2 ;;
    --iter-time) iter_time="$2"; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -b "$device" ]] || die "--device must be a block device (got '$device')"
[[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || die "--name must be a plain mapper name"
[[ "$mount" == /* ]] || die "--mount must be an absolute path"

IFS= read -r passphrase || true
[[ -n "$passphrase" ]] || die "no passphrase on stdin"

if ((luks1)); then
  format=(--type luks1 --pbkdf pbkdf2 --hash sha256 --cipher aes-xts-plain64 --key-size 512)
else
  format=(--type luks2 --pbkdf argon2id --hash sha256 --cipher aes-xts-plain64 --key-size 512)
fi
[[ -n "$iter_time" ]] && format+=(--iter-time "$iter_time")

# printf is a shell builtin: the passphrase never shows in a process list. --key-file=- takes stdin
# byte for byte, so what is formatted is exactly what a prompt would have read.
printf '%s' "$passphrase" | cryptsetup luksFormat --batch-mode "${format[@]}" --key-file=- "$device"

if [[ -n "$key_file" ]]; then
  install -d -m 0700 "$(dirname "$key_file")"
  (umask 077 && head -c 64 /dev/urandom >"$key_file")
  chmod 0400 "$key_file"
  printf '%s' "$passphrase" | cryptsetup luksAddKey --batch-mode --key-file=- "$device" "$key_file"
fi

printf '%s' "$passphrase" | cryptsetup open --key-file=- "$device" "$name"
mkfs.ext4 -q -L "$name" "/dev/mapper/$name"

# Carry over what the directory holds now, with owners and modes.
staging="$(mktemp -d)"
mount "/dev/mapper/$name" "$staging"
if [[ -d "$mount" ]]; then
  cp -a "$mount/." "$staging/"
  chmod --reference="$mount" "$staging"
  chown --reference="$mount" "$staging"
fi
umount "$staging"
rmdir "$staging"
mkdir -p "$mount"

luks_uuid="$(cryptsetup luksUUID "$device")"
echo "$name UUID=$luks_uuid ${key_file:-none} luks" >>/etc/crypttab
echo "/dev/mapper/$name $mount ext4 defaults 0 2" >>/etc/fstab
systemctl daemon-reload
mount "$mount"
