#!/bin/bash
# Start-up cost: N back-to-back `run` of /bin/true (busybox) under the default spec
# (terminal false), for rt and the peers that are installed. Not part of CI's pass/fail.
#   bash bench/startup.sh [N] [RT]      (default 100, build/src/rt)
set -euo pipefail
n=${1:-100}
rt=$(readlink -f "${2:-build/src/rt}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
ln -s busybox "$work/bundle/rootfs/bin/true"
(cd "$work/bundle" && "$rt" spec)
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$work/bundle/config.json" \
    >"$work/c" && mv "$work/c" "$work/bundle/config.json"

bench() {
    local name=$1 bin=$2 root="$work/root-$1" i t0 t1
    for i in 1 2 3; do "$bin" --root "$root" run -b "$work/bundle" "warm-$i" >/dev/null 2>&1; done
    t0=$(date +%s%N)
    for ((i = 0; i < n; i++)); do
        "$bin" --root "$root" run -b "$work/bundle" "bench-$name-$i" >/dev/null 2>&1 ||
            { echo "$name: run failed" >&2; return 1; }
    done
    t1=$(date +%s%N)
    printf '%-6s %7.2f ms per run (%d runs)\n' "$name" "$(echo "($t1 - $t0) / $n / 1000000" | bc -l)" "$n"
}

bench rt "$rt"
command -v runc >/dev/null && bench runc runc
# crun 1.8 refuses hybrid cgroup hosts; it is measured where it works.
command -v crun >/dev/null && bench crun crun 2>/dev/null || true
