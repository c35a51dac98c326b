#!/bin/sh
# Runs the real Quadlet generator over one golden variant, then systemd-analyze verify over what it generated.
# For the test host (Podman 5.4 on Debian 13), not for CI: use the *-podman5.4 variants there, since
# Wants=x.container in the 5.5 variants is only understood by Podman 5.5+.
#
#   sh test/golden/quadlet-dry-run.sh test/golden/demo/rootless-podman5.4 rootless
#   sh test/golden/quadlet-dry-run.sh test/golden/demo-rootful/rootful-podman5.4 rootful
#
# Exit 0 only when every .container/.network/.volume produced its service, the generator printed no error or
# warning (it can exit 0 while rejecting a file), and systemd-analyze verify accepted every unit.
set -eu

variant=${1:?usage: quadlet-dry-run.sh VARIANT_DIR rootless|rootful}
mode=${2:?usage: quadlet-dry-run.sh VARIANT_DIR rootless|rootful}
generator=${QUADLET:-/usr/libexec/podman/quadlet}
[ -x "$generator" ] || { echo "no Quadlet generator at $generator: install podman, or set QUADLET=" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/stage" "$work/units"
cp "$variant"/quadlet/* "$work/stage/"

userflag=
analyze="systemd-analyze"
if [ "$mode" = rootless ]; then
  userflag=-user
  analyze="systemd-analyze --user"
  # Generated user units use %t (the runtime directory); root has none unless it logged in.
  if [ ! -d "${XDG_RUNTIME_DIR:-/nonexistent}" ]; then XDG_RUNTIME_DIR="$work/runtime"; mkdir -m 0700 "$XDG_RUNTIME_DIR"; fi
  export XDG_RUNTIME_DIR
fi

QUADLET_UNIT_DIRS="$work/stage" "$generator" -dryrun $userflag >"$work/out" 2>"$work/err" || {
  echo "FAIL: the generator exited non-zero:" >&2; cat "$work/err" >&2; exit 1
}
# Debug lines ("Loading source unit file …") are expected in -dryrun; anything else is a rejection.
if grep -v 'Loading source unit file' "$work/err" | grep -i -E 'error|warning|converting|unsupported|invalid' >&2; then
  echo "FAIL: the generator complained (above)" >&2; exit 1
fi

# Split "---PATH---" sections into one file per generated unit.
awk -v dir="$work/units" '
  /^---.*---$/ { name = $0; gsub(/^---|---$/, "", name); n = split(name, parts, "/"); out = dir "/" parts[n]; next }
  out != "" { print > out }
' "$work/out"

status=0
for f in "$work"/stage/*; do
  base=${f##*/}; stem=${base%.*}
  case "$base" in
    *.container) want="$stem.service" ;;
    *.network) want="$stem-network.service" ;;
    *.volume) want="$stem-volume.service" ;;
    *) continue ;;
  esac
  [ -s "$work/units/$want" ] || { echo "FAIL: $base produced no $want" >&2; status=1; }
done
[ "$status" = 0 ] || exit 1

cp "$variant"/systemd/* "$work/units/" 2>/dev/null || true
# The trailing ":" keeps the default unit path, so system units the stack names (network-online.target…) resolve.
SYSTEMD_UNIT_PATH="$work/units:" $analyze verify "$work"/units/* || { echo "FAIL: systemd-analyze verify" >&2; exit 1; }
echo "OK: $variant ($(ls "$work/units" | wc -l) units) passes the Quadlet dry-run and systemd-analyze verify"
