#!/bin/bash
# Run bats files inside one boot of the test VM (cgroup v2 only, AppArmor), printing TAP:
#
#   tests/vm/run-bats.sh [--systemd] [--filter-tags TAGS] FILE...
#
# With --filter-tags, only the tests tagged so (`# bats test_tags=vm` above a test, or
# `# bats file_tags=vm` for a whole file) run. With --systemd, the VM boots systemd as PID 1
# (RT_VM_INIT=systemd of run.sh: dbus runs, cgroup2 as systemd sets it up) and bats runs as
# its service.
# The files (and RT) must be in the repo or elsewhere on the host's / except under /tmp, /run,
# /dev, /proc, /sys, which the guest mounts afresh. Environment: RT (default
# <repo>/build/src/rt), RT_VM_TEST_TIMEOUT (BATS_TEST_TIMEOUT inside, default 600: processes
# start ~30x slower under TCG), RT_VM_TIMEOUT (for the whole run, default 2400), RT_VM_ENV
# (names of more variables to pass in, e.g. "RT_CMD_TIMEOUT"), RT_VM_REQUIRED=1 (a VM that
# cannot boot is a failure, not a skip), and the others of tests/vm/run.sh.
#
# When the VM cannot be prepared or booted on this machine, it prints a TAP plan with every
# test skipped and the reason, and exits 0.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
usage() {
    echo "usage: $0 [--systemd] [--filter-tags TAGS] FILE..." >&2
    exit 2
}
flags=()
while (($# > 0)); do
    case "$1" in
    --systemd) export RT_VM_INIT=systemd ;;
    --filter-tags)
        (($# > 1)) || usage
        flags=(--filter-tags "$2")
        shift
        ;;
    *) break ;;
    esac
    shift
done
(($# > 0)) || usage

files=()
for f in "$@"; do
    files+=("$(realpath -- "$f")") || exit 2
done

# skip_all REASON: every test of the files as skipped, for scripts/test.sh to count
skip_all() {
    if [[ -n "${RT_VM_REQUIRED:-}" ]]; then
        echo "rt-vm: $1 (RT_VM_REQUIRED is set)" >&2
        exit 1
    fi
    local n i=0 name
    n=$(bats --count "${flags[@]}" "${files[@]}" 2>/dev/null) || n=0
    echo "1..$n"
    # the names, when no filter hides which tests they are
    while ((${#flags[@]} == 0 && i < n)) && IFS= read -r name; do
        i=$((i + 1))
        echo "ok $i $name # skip $1"
    done < <(sed -n 's/^@test "\(.*\)" {.*/\1/p' "${files[@]}")
    while ((i < n)); do
        i=$((i + 1))
        echo "ok $i # skip $1"
    done
    exit 0
}

command -v bats >/dev/null || skip_all "bats is not installed"
"$here/run.sh" --prepare >&2 || skip_all "the VM cannot be prepared on this machine"

export RT_VM_TIMEOUT="${RT_VM_TIMEOUT:-2400}"
rt=${RT:-$repo/build/src/rt}
[[ "$rt" == */* ]] && rt=$(realpath -m -- "$rt")
vars=(RT="$rt" BATS_TEST_TIMEOUT="${RT_VM_TEST_TIMEOUT:-600}")
for v in CI ${RT_VM_ENV:-}; do
    [[ -n "${!v+set}" ]] && vars+=("$v=${!v}")
done

tap=$(mktemp) || exit 1
trap 'rm -f "$tap"' EXIT
"$here/run.sh" env "${vars[@]}" bats --tap "${flags[@]}" "${files[@]}" | tee "$tap"
rc=${PIPESTATUS[0]}
# 125: the VM failed; if bats printed nothing, it did not boot here
if ((rc == 125)) && [[ ! -s "$tap" ]]; then
    skip_all "the VM did not boot on this machine (see stderr)"
fi
exit "$rc"
