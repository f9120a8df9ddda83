#!/bin/bash
# exec cost: N back-to-back `exec CONTAINER /bin/true` into one running busybox container,
# for rt and the peers that are installed. Not part of CI's pass/fail.
#   bash bench/exec.sh [N] [RT]      (default 100, build/src/rt)
set -euo pipefail
n=${1:-100}
rt=$(readlink -f "${2:-build/src/rt}")
work=$(mktemp -d)
mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
for a in true sleep; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
(cd "$work/bundle" && "$rt" spec)
jq '.process.terminal = false | .process.args = ["sleep", "1000"]' "$work/bundle/config.json" \
    >"$work/c" && mv "$work/c" "$work/bundle/config.json"
started=()
cleanup() {
    local s
    for s in "${started[@]}"; do "${s% *}" --root "$work/root-${s#* }" delete -f bench >/dev/null 2>&1; done
    rm -rf "$work"
}
trap cleanup EXIT

bench() {
    local name=$1 bin=$2 root="$work/root-$1" i t0 t1
    "$bin" --root "$root" run -d -b "$work/bundle" bench >/dev/null 2>&1 || { echo "$name: run failed" >&2; return 1; }
    started+=("$bin $name")
    for i in 1 2 3; do "$bin" --root "$root" exec bench /bin/true >/dev/null 2>&1; done
    t0=$(date +%s%N)
    for ((i = 0; i < n; i++)); do
        "$bin" --root "$root" exec bench /bin/true >/dev/null 2>&1 || { echo "$name: exec failed" >&2; return 1; }
    done
    t1=$(date +%s%N)
    printf '%-6s %7.2f ms per exec (%d execs)\n' "$name" "$(echo "($t1 - $t0) / $n / 1000000" | bc -l)" "$n"
}

bench rt "$rt"
command -v runc >/dev/null && bench runc runc
# crun 1.8 refuses hybrid cgroup hosts; it is measured where it works.
command -v crun >/dev/null && { bench crun crun 2>/dev/null || true; }
