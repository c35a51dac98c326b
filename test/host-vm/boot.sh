#!/usr/bin/env bash
# Boots one test VM by hand and prints how to SSH in; Ctrl-C stops it and deletes its disks.
#   test/host-vm/boot.sh [--disk home:1024] [--disk audit:512] [--nat] [--accel tcg|kvm|auto]
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx tsx test/host-vm/cli.ts "$@"
