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
# apt-get update first); nothing when all are there, so a second run works offline. No
# service starts on the host meanwhile (hold_services): containerd's and docker.io's packages
# would start their daemons on the default sockets.
install_missing() {
    local missing=() p rc
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    hold_services
    apt-get update -q &&
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    rc=$?
    release_services
    return "$rc"
}

# hold_services / release_services: a /usr/sbin/policy-rc.d that denies every action
# (exit 101: invoke-rc.d and deb-systemd-invoke then start nothing), and the one that was
# there before (or none) again afterwards.
POLICY_RC_D=/usr/sbin/policy-rc.d
hold_services() {
    # a saved copy left by an interrupted run is the host's: keep it
    if [[ -e "$POLICY_RC_D" && ! -e "$POLICY_RC_D.rt-test-saved" ]]; then
        cp -p "$POLICY_RC_D" "$POLICY_RC_D.rt-test-saved"
    fi
    printf '#!/bin/sh\n# scripts/lib.sh: no service starts while packages are installed\nexit 101\n' \
        >"$POLICY_RC_D.rt-test-new"
    chmod 0755 "$POLICY_RC_D.rt-test-new"
    mv -f "$POLICY_RC_D.rt-test-new" "$POLICY_RC_D"
}
release_services() {
    if [[ -e "$POLICY_RC_D.rt-test-saved" ]]; then
        mv -f "$POLICY_RC_D.rt-test-saved" "$POLICY_RC_D"
    else
        rm -f "$POLICY_RC_D"
    fi
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
