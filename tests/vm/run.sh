#!/bin/bash
# Run a command as root inside a throwaway qemu VM with cgroup v2 only and AppArmor enabled:
#
#   tests/vm/run.sh CMD [ARG...]      exits with CMD's status; its stdout/stderr stream here
#   tests/vm/run.sh --prepare         only fetch and check what a boot needs (exit 0 if ready)
#
# RT_VM_INIT=systemd boots the host's systemd as PID 1 (with dbus, cgroup2 set up by
# systemd) and runs CMD as its service rt-vm-job.service; by default the guest's PID 1 is tini
# and nothing else runs.
#
# The guest runs Debian's bookworm kernel under TCG (software emulation), with the host's / as
# its root (read-only over virtio-9p, a tmpfs overlay on top), so it has the host's programs
# and libraries; the repo is mounted read-write at its host path and is CMD's cwd. See
# docs/vm.md. Exit status: CMD's; or 124 on timeout, 125 when the VM did not boot (qemu or
# the kernel failed), 126 when it broke later (init failed, or the VM stopped mid-command).
#
# Environment: RT_VM_CACHE (default /var/cache/rt-vm), RT_VM_TIMEOUT (seconds, default 900),
# RT_VM_MEM (MiB, default 1024), RT_VM_CPUS (default 2), RT_VM_CPU (qemu -cpu, default max),
# RT_VM_APPEND (more kernel arguments), RT_VM_VERBOSE=1 (timings and the kernel's console),
# RT_VM_REFRESH=1 (fetch the kernel again), RT_VM_INIT (tini or systemd, default tini). Pass
# variables to CMD with `env VAR=value CMD`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/scripts/lib.sh"

cache=${RT_VM_CACHE:-/var/cache/rt-vm}
timeout=${RT_VM_TIMEOUT:-900}
verbose=${RT_VM_VERBOSE:-}
init=${RT_VM_INIT:-tini}

fail() {
    printf 'rt-vm: %s\n' "$*" >&2
    exit 125
}
log() {
    [[ -n "$verbose" ]] && printf 'rt-vm: %s\n' "$*" >&2
    return 0
}

# kmod_deps KO: the modules KO depends on, from its .modinfo section (no modinfo on the host).
kmod_deps() {
    tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | tr ',' ' '
}

# prepare_kernel: $cache/vmlinux (uncompressed, booted through the PVH entry point: booting
# the compressed bzImage under TCG takes 3x longer) and $cache/modules/ (the .ko files needed
# for 9p and overlay, and `order`, a load order with dependencies first) from Debian's
# linux-image-amd64, downloaded, not installed.
prepare_kernel() {
    [[ -s "$cache/version" && -z "${RT_VM_REFRESH:-}" ]] && return 0
    local pkg tmp
    # the versioned package that the metapackage depends on (linux-image-6.1.0-N-amd64)
    pkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'; }
    pkg=$(pkg)
    [[ -n "$pkg" ]] || { apt-get update -q >&2 && pkg=$(pkg); }
    [[ -n "$pkg" ]] || { echo "rt-vm: no linux-image-amd64 package in apt's lists" >&2; return 1; }
    echo "rt-vm: fetching $pkg into $cache" >&2
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/fetch.XXXXXX") || return 1
    (
        set -e
        cd "$tmp"
        apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2
        dpkg-deb -x ./*.deb x
        # the bzImage holds an xz-compressed ELF vmlinux: find the stream, decompress it
        local bz off
        bz=$(echo x/boot/vmlinuz-*)
        off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | head -1 | cut -d: -f1)
        tail -c +$((off + 1)) "$bz" | xz -dc --single-stream >vmlinux 2>/dev/null || true
        [[ "$(head -c 4 vmlinux | od -An -c | tr -d ' ')" == '177ELF' ]] ||
            { echo "rt-vm: no ELF vmlinux found in $bz" >&2; exit 1; }
        mkdir modules
        local todo=(virtio_pci 9pnet_virtio 9p overlay) order=() m ko
        declare -A seen
        # depth-first: a module goes into the order after its dependencies
        visit() {
            [[ -n "${seen[$1]:-}" ]] && return
            seen[$1]=1
            ko=$(find x/lib/modules -name "$1.ko*" | head -1)
            [[ -n "$ko" ]] || { echo "rt-vm: module $1 not in $pkg" >&2; exit 1; }
            case "$ko" in
            *.xz) xz -dc "$ko" >"modules/$1.ko" ;;
            *.zst) zstd -qdc "$ko" >"modules/$1.ko" ;;
            *) cp "$ko" "modules/$1.ko" ;;
            esac
            local d
            for d in $(kmod_deps "modules/$1.ko"); do visit "$d"; done
            order+=("$1")
        }
        for m in "${todo[@]}"; do visit "$m"; done
        printf '%s\n' "${order[@]}" >modules/order
        rm -rf "$cache/vmlinux" "$cache/modules"
        mv vmlinux modules "$cache/"
        echo "$pkg" >"$cache/version"
    )
    local rc=$?
    rm -rf "$tmp"
    return $rc
}

# prepare: the host packages (qemu, a static busybox for the initramfs, tini as the guest's
# PID 1, apparmor_parser for the guest, which sees the host's /; systemd and dbus for
# RT_VM_INIT=systemd) and the kernel.
prepare() {
    local pkgs=(qemu-system-x86 busybox-static tini apparmor)
    [[ "$init" == systemd ]] && pkgs+=(systemd dbus)
    install_missing "${pkgs[@]}" >&2 ||
        { echo "rt-vm: cannot install the host packages" >&2; return 1; }
    mkdir -p "$cache" || return 1
    (flock 9 && prepare_kernel) 9>"$cache/.lock"
}

require_root
case "$init" in
tini | systemd) ;;
*) echo "rt-vm: RT_VM_INIT must be tini or systemd, not '$init'" >&2; exit 2 ;;
esac
[[ "${1:-}" == --prepare ]] && { prepare; exit; }
(($# > 0)) || { echo "usage: $0 CMD [ARG...] | --prepare" >&2; exit 2; }
prepare || fail "cannot prepare the VM (see above)"

tmp=$(mktemp -d /tmp/rt-vm.XXXXXX) || fail "mktemp failed"
qpid='' tails=()
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    [[ -n "$qpid" ]] && kill "$qpid" 2>/dev/null && wait "$qpid"
    ((${#tails[@]})) && kill "${tails[@]}" 2>/dev/null && wait "${tails[@]}"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the initramfs: static busybox, the init script, the modules; uncompressed (faster under TCG)
mkdir -p "$tmp/initramfs/bin" "$tmp/out"
cp /bin/busybox "$tmp/initramfs/bin/"
for a in sh mount insmod mkdir cat cp ln rm hostname ip switch_root poweroff; do
    ln -s busybox "$tmp/initramfs/bin/$a"
done
install -m 755 "$here/init" "$tmp/initramfs/init"
cp -r "$cache/modules" "$tmp/initramfs/"
# the systemd boot's units (tests/vm/init copies them to /run/systemd/system)
[[ "$init" == systemd ]] && cp -r "$here/systemd" "$tmp/initramfs/systemd"
(cd "$tmp/initramfs" && find . | busybox cpio -o -H newc 2>/dev/null) >"$tmp/initramfs.cpio" ||
    fail "cannot build the initramfs"

# the job: CMD with cwd = the repo; the guest runs it with bash and a clean environment
echo "$repo" >"$tmp/out/repo"
echo "$init" >"$tmp/out/init"
{
    printf 'cd %q || exit 126\nexec' "$repo"
    printf ' %q' "$@"
    printf '\n'
} >"$tmp/out/job"
: >"$tmp/out/stdout"
: >"$tmp/out/stderr"

# qboot boots faster than SeaBIOS (both from qemu-system-data)
bios=()
[[ -f /usr/share/qemu/qboot.rom ]] && bios=(-bios /usr/share/qemu/qboot.rom)
# tsc=reliable: with 2 vCPUs the kernel would otherwise fall back to the emulated HPET, and
# every clock read would be slow
cmdline='console=ttyS0 rdinit=/init panic=-1 quiet cgroup_no_v1=all apparmor=1 security=apparmor'
cmdline+=' mitigations=off tsc=reliable'
# systemd: the target of tests/vm/systemd instead of default.target; cgroup2 only
[[ "$init" == systemd ]] && cmdline+=' systemd.unit=rt-vm.target systemd.unified_cgroup_hierarchy=1'
start=$(date +%s.%N)
fsdevs=()
fs() { # fs TAG PATH [OPTIONS]: a virtio-9p export (qemu escapes a comma by doubling it)
    fsdevs+=(-fsdev "local,id=$1,path=${2//,/,,},security_model=passthrough,multidevs=remap${3:-}"
        -device "virtio-9p-pci,fsdev=$1,mount_tag=$1")
}
fs root / ,readonly=on
fs repo "$repo"
fs out "$tmp/out"
setpriv --pdeathsig KILL timeout -k 5 "$timeout" setpriv --pdeathsig KILL \
    qemu-system-x86_64 -nodefaults -no-user-config -display none -monitor none -no-reboot \
    -M q35 -accel tcg,thread=multi -cpu "${RT_VM_CPU:-max}" -smp "${RT_VM_CPUS:-2}" \
    -m "${RT_VM_MEM:-1024}" "${bios[@]}" -kernel "$cache/vmlinux" -initrd "$tmp/initramfs.cpio" \
    -append "$cmdline ${RT_VM_APPEND:-}" \
    -serial "file:$tmp/console" \
    "${fsdevs[@]}" \
    >"$tmp/qemu.log" 2>&1 &
qpid=$!
# stream the output as the guest writes it (tail exits when qemu has, after a last read)
tail -q -f -s 0.1 -n +1 --pid=$qpid "$tmp/out/stdout" &
tails+=($!)
tail -q -f -s 0.1 -n +1 --pid=$qpid "$tmp/out/stderr" >&2 &
tails+=($!)
wait $qpid
qrc=$?
qpid=''
wait "${tails[@]}"
tails=()
end=$(date +%s.%N)

if [[ -s "$tmp/out/started" ]]; then
    log "$(awk -v s="$start" -v e="$end" -v u="$(cat "$tmp/out/started")" \
        'BEGIN { printf "guest uptime at command start %.1fs; total %.1fs", u, e - s }')"
fi
[[ -n "$verbose" ]] && sed 's/^/rt-vm console: /' "$tmp/console" >&2
if [[ -s "$tmp/out/status" ]]; then
    exit "$(cat "$tmp/out/status")"
fi
# no status: say why
if ((qrc == 124 || qrc == 137)); then
    echo "rt-vm: timed out after ${timeout}s (RT_VM_TIMEOUT); killed the VM" >&2
elif [[ -e "$tmp/out/started" ]]; then
    echo "rt-vm: the VM stopped (qemu status $qrc) before the command finished" >&2
else
    echo "rt-vm: the VM did not get to the command (qemu status $qrc)" >&2
fi
[[ -s "$tmp/out/error" ]] && echo "rt-vm: guest: $(cat "$tmp/out/error")" >&2
[[ -s "$tmp/qemu.log" ]] && sed 's/^/rt-vm qemu: /' "$tmp/qemu.log" >&2
[[ -z "$verbose" && -s "$tmp/console" ]] && tail -n 30 "$tmp/console" | sed 's/^/rt-vm console: /' >&2
((qrc == 124 || qrc == 137)) && exit 124
# 125 only when the VM did not boot at all (qemu or kernel): a machine that cannot run it
if [[ -e "$tmp/out/booted" || -e "$tmp/out/error" ]] || grep -q 'rt-vm init:' "$tmp/console"; then
    exit 126
fi
exit 125
