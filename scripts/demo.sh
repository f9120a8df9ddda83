#!/bin/bash
# README command 1: on a fresh Debian 12, as root: install the build dependencies, build rt,
# make a bundle from Debian's busybox-static and run a container from it, printing what the
# container sees (its hostname, `id`, `ls /`).
#
#   sudo bash scripts/demo.sh
#
# Environment: BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

require_root
install_missing "${BUILD_DEPS[@]}" jq

BUILD_DIR="${BUILD_DIR:-build}"
say "building rt in $BUILD_DIR"
build_rt "$BUILD_DIR"
RT="$(realpath "$BUILD_DIR")/src/rt"
[[ -x "$RT" ]] || RT="$(realpath "$BUILD_DIR")/rt"

bundle="$(mktemp -d /tmp/rt-demo.XXXXXX)"
trap 'rm -rf "$bundle"' EXIT
say "making a bundle in $bundle from busybox-static"
chmod 755 "$bundle"
make_busybox_rootfs "$bundle/rootfs"
(cd "$bundle" && "$RT" spec)
# `rt spec` writes runc's default (terminal: true); the demo runs without a terminal
jq '.process.terminal = false | .process.args = ["sh", "-c", "hostname; id; ls /"]' \
    "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

id="demo-$$"
say "$RT run -b $bundle $id   (output from inside the container follows)"
status=0
"$RT" run -b "$bundle" "$id" </dev/null || status=$?
say "the container exited with status $status"
exit "$status"
