# shellcheck shell=bash
# Small helpers shared by scripts/demo.sh and scripts/test.sh.

# Packages needed to build rt (go-md2man: the man pages).
BUILD_DEPS=(meson ninja-build gcc libc6-dev pkg-config libyajl-dev libcap-dev libseccomp-dev
    libselinux1-dev libapparmor-dev go-md2man busybox-static)

say() {
    printf '\n==> %s\n' "$*"
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

require_root() {
    [[ $EUID -eq 0 ]] || die "run this as root (e.g. sudo bash $0)"
}

# install_missing PKG...: apt-get install the packages that are not installed yet (and run
# apt-get update first); nothing when all are there, so a second run works offline.
install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build_rt DIR [MESON_OPTIONS...]: configure DIR once (reconfigure with the options if it
# exists), then build.
build_rt() {
    local dir=$1
    shift
    if [[ -f "$dir/build.ninja" ]]; then
        if (($# > 0)); then
            meson configure "$dir" "$@"
        fi
    else
        meson setup "$dir" "$@"
    fi
    ninja -C "$dir"
}

# make_busybox_rootfs DIR: DIR/bin/busybox from Debian's busybox-static and its applets.
make_busybox_rootfs() {
    local dir=$1 applet
    mkdir -p "$dir/bin" "$dir/etc"
    cp /bin/busybox "$dir/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [[ "$applet" == busybox ]] || ln -sf busybox "$dir/bin/$applet"
    done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
    echo 'root:x:0:' >"$dir/etc/group"
}
