#!/bin/bash
# On a bare machine that .device/ was carried to (scripts/device-pack.sh): install it at
# /opt/rt-device and run bats files against its rt, the way a CI job or a service would run
# it: from a cgroup of its own that holds processes (on cgroup v2, /rt-test-job), under tini.
#
#   bash scripts/device-run.sh [BATS_FILE...]       (default: tests/bats)
#
# Prints what the machine is (kernel, cgroups, the i386 ABI), then TAP, and with OUT set
# writes the TAP to $OUT/device.tap. Environment: DEVICE_BATS_TIMEOUT (seconds for all of
# bats, default 480).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
P=/opt/rt-device
[[ -d .device ]] || { echo "no .device/ here: run scripts/device-pack.sh and carry it" >&2; exit 2; }
rm -rf "$P" && cp -a .device "$P" || exit 2
export PATH="$P/bin:$PATH"
# what the tests use and a bare machine may lack, from busybox
mkdir -p "$P/fallback"
for c in awk sed grep find timeout stat md5sum mktemp xargs sort head tail cut tr wc od \
    readlink realpath sleep ps pkill findmnt script setsid nproc; do
    command -v "$c" >/dev/null || ln -s "$P/bin/busybox" "$P/fallback/$c"
done
export PATH="$PATH:$P/fallback"

echo "# kernel $(uname -r), $(nproc) cpus; fallbacks: $(ls "$P/fallback" | tr '\n' ' ')"
echo "# cgroup mounts: $(grep cgroup /proc/self/mountinfo | awk '{print $5, $9, $NF}' | tr '\n' ';')"
echo "# own cgroup: $(tr '\n' ' ' </proc/self/cgroup)"
if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    echo "# root controllers: $(cat /sys/fs/cgroup/cgroup.controllers); enabled: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
    mkdir -p /sys/fs/cgroup/rt-test-job && echo $$ >/sys/fs/cgroup/rt-test-job/cgroup.procs &&
        echo "# now in $(cat /proc/self/cgroup)"
fi
"$P/build/tests/seccomp-agent/probe" i386-getpid >/dev/null 2>&1
echo "# int \$0x80 on this kernel: status $?"

(($# > 0)) || set -- tests/bats
tap=${OUT:-/tmp}/device.tap
RT="$P/build/src/rt" BUSYBOX="$P/bin/busybox" BATS_TEST_TIMEOUT=120 \
    timeout -k 10 "${DEVICE_BATS_TIMEOUT:-480}" tini -s -g -- bats --tap "$@" | tee "$tap"
echo "# $(grep -c '^ok' "$tap") ok ($(grep -c '# skip' "$tap") skipped), $(grep -c '^not ok' "$tap") not ok"
