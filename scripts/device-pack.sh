#!/bin/bash
# Pack what the tests need on a bare machine (the lent cgroup v2 machine of docs/testing.md)
# into .device/, to be carried there and installed at /opt/rt-device:
#
#   bash scripts/device-pack.sh            # here, after building build/
#   ... on the other machine, in the repo: bash scripts/device-run.sh [BATS_FILE...]
#
# Every dynamically linked program (rt and its test helpers from build/, bash, jq, runc, crun,
# tini) is copied with the shared libraries it loads, its interpreter and rpath set to
# /opt/rt-device/lib, so it runs whatever that machine's libc is. bats and busybox-static come
# as they are. Needs patchelf (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PREFIX=/opt/rt-device
out=.device
install_missing patchelf bats jq runc crun tini busybox-static >/dev/null || die "cannot install the tools to pack"
[[ -x build/src/rt ]] || die "build rt first (build/src/rt)"
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"

# pack_elf SRC DEST: SRC, and the libraries it loads, with the interpreter and rpath of PREFIX.
pack_elf() {
    local src=$1 dest=$2 lib
    mkdir -p "$(dirname "$dest")"
    cp "$src" "$dest"
    if ! file -L "$src" | grep -q 'dynamically linked'; then
        return 0
    fi
    for lib in $(ldd "$src" | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}'); do
        [[ -e "$out/lib/$(basename "$lib")" ]] || cp -L "$lib" "$out/lib/"
    done
    patchelf --set-interpreter "$PREFIX/lib/ld-linux-x86-64.so.2" --set-rpath "$PREFIX/lib" "$dest"
}

for p in bash jq runc crun tini; do
    pack_elf "$(command -v "$p")" "$out/bin/$p"
done
cp /bin/busybox "$out/bin/busybox"
for p in build/src/rt build/tests/recvtty/recvtty build/tests/sdnotify/sdnotify \
    build/tests/seccomp-agent/seccomp-agent build/tests/seccomp-agent/probe; do
    [[ -x "$p" ]] && pack_elf "$p" "$out/$p"
done
# bats finds its parts from where its script is: PREFIX/{bin,lib,libexec}
mkdir -p "$out/libexec"
cp -a /usr/lib/bats-core "$out/lib/"
cp -a /usr/libexec/bats-core "$out/libexec/"
cp /usr/bin/bats "$out/bin/bats"
du -sh "$out"
