#!/bin/bash
# README command 2 (and what .ci/run calls): as root on Debian 12, install the build and test
# dependencies, build rt (with -Werror when CI is set), run the unit tests, the unit tests
# again under ASan+UBSan, then the bats behaviour suite, and print a closing line
#
#   N passed, N failed, N skipped
#
# summed over all of them. Exits non-zero if anything failed.
#
#   sudo bash scripts/test.sh [BATS_FILE_OR_DIR...]     (default: tests/bats)
#
# Environment: BUILD_DIR (default build), ASAN_BUILD_DIR (default build-asan),
# SKIP_ASAN=1 to leave out the sanitizer build, SKIP_FUZZ=1 the clang build and the fuzzers,
# FUZZ_SECONDS (each fuzzer's run, default 20), CI (set: -Dwerror=true).
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

require_root
# tini -s: a subreaper for the test run, since PID 1 of some machines (and containers) does
# not reap orphans, and a detached container's init is re-parented to the nearest reaper.
# runc: the compare tests run the same bundles under runc. procps: bats needs ps or pkill
# for BATS_TEST_TIMEOUT. uidmap: newuidmap/newgidmap for the rootless tests. man-db: install.bats
# renders the built man pages with man -l. containerd, podman, docker.io: the clients that
# tests/clients/ drive rt with (python3: its pty helper; python3-grpcio: its CRI client).
install_missing "${BUILD_DEPS[@]}" bats jq tini runc procps uidmap strace man-db \
    containerd podman docker.io python3 python3-grpcio ||
    die "could not install dependencies"

BUILD_DIR="${BUILD_DIR:-build}"
ASAN_BUILD_DIR="${ASAN_BUILD_DIR:-build-asan}"
LOG_DIR="$BUILD_DIR/test-logs"
werror=()
[[ -n "${CI:-}" ]] && werror=(-Dwerror=true)

passed=0 failed=0 skipped=0
summary=()

# count_tap FILE LABEL: add the TAP results of FILE to the totals. A "not ok ... # TODO" (a
# known failure, named in the line) counts as skipped, not failed.
count_tap() {
    local file=$1 label=$2 p f s t plan todo=""
    p=$(grep -cE '^ok ' "$file")
    s=$(grep -cE '^ok .* # [Ss][Kk][Ii][Pp]' "$file")
    f=$(grep -cE '^not ok ' "$file")
    t=$(grep -cE '^not ok .* # TODO' "$file")
    p=$((p - s)) f=$((f - t)) s=$((s + t))
    # a plan "1..N" with fewer results means the runner died: count the missing as failed
    plan=$(grep -oE '^1\.\.[0-9]+' "$file" | head -1 | cut -d. -f3)
    if [[ -n "$plan" ]] && ((p + f + s < plan)); then
        f=$((f + plan - p - f - s))
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    ((t == 0)) || todo=" ($t of them TODO)"
    summary+=("$label: $p passed, $f failed, $s skipped$todo")
}

# count_meson BUILD LABEL: add the results of the last `meson test` in BUILD. A TAP test
# counts its subtests; any other test counts as one.
count_meson() {
    local log="$1/meson-logs/testlog.json" label=$2 tap="$LOG_DIR/$2.tap"
    if [[ ! -s "$log" ]]; then
        failed=$((failed + 1))
        summary+=("$label: no test log ($log)")
        return
    fi
    : >"$tap"
    local name result out
    while IFS=$'\t' read -r name result; do
        out="$(jq -r --arg n "$name" 'select(.name == $n) | .stdout // ""' "$log")"
        if grep -qE '^(not )?ok ' <<<"$out" && [[ "$result" != TIMEOUT ]]; then
            grep -E '^(not )?ok ' <<<"$out" >>"$tap"
            if [[ "$result" != OK && "$result" != EXPECTEDFAIL ]] &&
                ! grep -q '^not ok ' <<<"$out"; then
                echo "not ok - $name: $result" >>"$tap"
            fi
        else
            case "$result" in
            OK | EXPECTEDFAIL) echo "ok - $name" >>"$tap" ;;
            SKIP) echo "ok - $name # skip" >>"$tap" ;;
            *) echo "not ok - $name: $result" >>"$tap" ;;
            esac
        fi
    done < <(jq -r '[.name, .result] | @tsv' "$log")
    count_tap "$tap" "$label"
}

finish() {
    echo
    printf '%s\n' "${summary[@]}"
    echo "$passed passed, $failed failed, $skipped skipped"
    ((failed == 0))
    exit
}

# --- build -------------------------------------------------------------------------------
say "building rt in $BUILD_DIR ${werror[*]}"
if ! build_rt "$BUILD_DIR" "${werror[@]}"; then
    failed=$((failed + 1))
    summary+=("build: FAILED")
    finish
fi
mkdir -p "$LOG_DIR"
RT_BIN="$(realpath "$BUILD_DIR")/src/rt"
[[ -x "$RT_BIN" ]] || RT_BIN="$(realpath "$BUILD_DIR")/rt"

# --- cgroup v2 + AppArmor tests, in one boot of a throwaway VM (docs/vm.md) ---------------
# Only on a full run (no files named), and only the tests tagged vm (`# bats file_tags=vm`:
# cgroups-v2.bats, lsm.bats, rootless.bats; `# bats test_tags=vm`: the lifecycle, exec,
# terminal, hooks, placement and escape tests whose outcome can differ on v2): a test costs
# 5-25 s under the VM's software emulation. The VM's cgroup2 is as the kernel leaves it,
# nothing enabled. It runs beside the rest (its own kernel: no cgroup, mount or process of it
# is seen here), which halves the wall time of a full run on 2 cores.
# Then, in the same background job, a second boot with systemd as PID 1 (run-bats.sh
# --systemd) runs the tests tagged vm-systemd (systemd-cgroup.bats, systemd-docker.bats: the
# systemd cgroup driver, and Docker with native.cgroupdriver=systemd).
vm_pid=""
if ((${#@} == 0)); then
    mapfile -t vm_files < <(grep -lE '^# bats (file|test)_tags=vm$' tests/bats/*.bats)
    mapfile -t vm_systemd_files < <(grep -lE '^# bats (file|test)_tags=vm-systemd$' tests/bats/*.bats)
    say "starting the cgroup v2 + AppArmor VM beside the rest: the tests tagged vm in ${vm_files[*]}; then the systemd VM: the tests tagged vm-systemd in ${vm_systemd_files[*]}"
    {
        RT="$RT_BIN" tests/vm/run-bats.sh --filter-tags vm "${vm_files[@]}" >"$LOG_DIR/vm.tap" \
            2>"$LOG_DIR/vm.log"
        : >"$LOG_DIR/vm-systemd.tap"
        if ((${#vm_systemd_files[@]})); then
            RT="$RT_BIN" tests/vm/run-bats.sh --systemd --filter-tags vm-systemd \
                "${vm_systemd_files[@]}" >"$LOG_DIR/vm-systemd.tap" 2>"$LOG_DIR/vm-systemd.log"
        fi
    } &
    vm_pid=$!
fi

# --- unit tests --------------------------------------------------------------------------
say "unit tests (meson test -C $BUILD_DIR)"
meson test -C "$BUILD_DIR" --print-errorlogs
count_meson "$BUILD_DIR" unit

if [[ -z "${SKIP_ASAN:-}" ]]; then
    say "unit tests under ASan+UBSan ($ASAN_BUILD_DIR)"
    if build_rt "$ASAN_BUILD_DIR" -Db_sanitize=address,undefined -Db_lundef=false -Dstatic=false \
        "${werror[@]}"; then
        ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}" \
            UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}" \
            meson test -C "$ASAN_BUILD_DIR" --suite unit --print-errorlogs
        count_meson "$ASAN_BUILD_DIR" unit-asan
    else
        failed=$((failed + 1))
        summary+=("unit-asan: build FAILED")
    fi
fi

# --- clang: the whole tree with -Werror, its unit tests, and the fuzzers for a short while --
if [[ -z "${SKIP_FUZZ:-}" ]]; then
    say "clang build (build-fuzz), its unit tests, and the fuzzers (scripts/fuzz.sh)"
    FUZZ_SECONDS="${FUZZ_SECONDS:-20}" bash scripts/fuzz.sh | tee "$LOG_DIR/fuzz.tap"
    # a build that failed prints no TAP line at all: it must still count as a failure
    fuzz_status=${PIPESTATUS[0]}
    if ((fuzz_status != 0)) && ! grep -q '^not ok ' "$LOG_DIR/fuzz.tap"; then
        echo "not ok - scripts/fuzz.sh failed (status $fuzz_status)" >>"$LOG_DIR/fuzz.tap"
    fi
    count_tap "$LOG_DIR/fuzz.tap" fuzz
    if [[ -f build-fuzz/build.ninja ]]; then
        ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}" \
            meson test -C build-fuzz --suite unit --print-errorlogs
        count_meson build-fuzz unit-clang
    fi
fi

# --- behaviour tests ---------------------------------------------------------------------
targets=("$@")
((${#targets[@]})) || targets=(tests/bats)
say "bats ${targets[*]} (RT=$RT_BIN)"
reaper=()
if command -v tini >/dev/null; then
    reaper=(tini -s -g --)
else
    echo "warning: tini not found; detached containers may be left as zombies" >&2
fi
# a hung test fails after BATS_TEST_TIMEOUT seconds instead of hanging the run
export BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-120}"
RT="$RT_BIN" "${reaper[@]}" bats --tap "${targets[@]}" | tee "$LOG_DIR/bats.tap"
count_tap "$LOG_DIR/bats.tap" bats

# --- clients: containerd, podman, Docker and the CRI driving rt (tests/clients/) -----------
# On a full run (no files named), unless SKIP_CLIENTS is set. Each script runs its scenarios
# in a private mount namespace with its own daemons and stops them at the end; one that hangs
# is stopped after 5 minutes and its missing results count as failed.
if ((${#@} == 0)) && [[ -z "${SKIP_CLIENTS:-}" ]]; then
    for client in containerd podman docker cri podman-rootless; do
        say "clients: $client (tests/clients/$client.sh, RT=$RT_BIN)"
        RT="$RT_BIN" "${reaper[@]}" timeout -k 10 300 bash "tests/clients/$client.sh" |
            tee "$LOG_DIR/clients-$client.tap"
        count_tap "$LOG_DIR/clients-$client.tap" "clients-$client"
    done
fi

if [[ -n "$vm_pid" ]]; then
    say "waiting for the VMs' tests"
    wait "$vm_pid"
    for phase in vm vm-systemd; do
        cat "$LOG_DIR/$phase.tap"
        grep -q '^ok' "$LOG_DIR/$phase.tap" || tail -20 "$LOG_DIR/$phase.log" 2>/dev/null
        count_tap "$LOG_DIR/$phase.tap" "$phase"
    done
fi

finish
