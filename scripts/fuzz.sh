#!/bin/bash
# The libFuzzer harnesses of tests/fuzz, built with clang (ASan+UBSan; the whole tree, with
# -Werror when CI is set) in build-fuzz/ and run
# for FUZZ_SECONDS each (default 20; scripts/test.sh runs this), from the seed corpus in
# tests/fuzz/corpus (copied: new inputs stay in build-fuzz/corpus). Prints a TAP line per
# harness with its executions and coverage; a crash fails it and its input is kept in
# build-fuzz/crashes/, as is an input that runs longer than 60 s. Leaks inside libseccomp are
# not reported (tests/fuzz/lsan.supp says why). A long run:
#
#   FUZZ_SECONDS=3600 bash scripts/fuzz.sh            (one hour each)
#   FUZZ_SECONDS=3600 bash scripts/fuzz.sh state      (one harness)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
. scripts/lib.sh
install_missing clang "${BUILD_DEPS[@]}" >/dev/null || die "cannot install clang"
dir=${FUZZ_BUILD_DIR:-build-fuzz}
secs=${FUZZ_SECONDS:-20}
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(config state mountopts seccomp idmap)
if [[ ! -f "$dir/build.ninja" ]]; then
    werror=()
    [[ -n "${CI:-}" ]] && werror=(-Dwerror=true)
    # shared libraries: tests/fuzz/lsan.supp names libseccomp.so, whose leaks are its own
    CC=clang meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dprefer_static=false -Dstatic=false "${werror[@]}" >"$dir.setup.log" 2>&1 ||
        { cat "$dir.setup.log"; die "meson setup $dir failed"; }
fi
ninja -C "$dir" >/dev/null || die "building the fuzzers failed"
echo "1..${#harnesses[@]}"
i=0 bad=0
for h in "${harnesses[@]}"; do
    i=$((i + 1))
    corpus="$dir/corpus/$h"
    mkdir -p "$corpus" "$dir/crashes"
    cp -n tests/fuzz/corpus/"$h"/* "$corpus"/ 2>/dev/null
    log="$dir/fuzz-$h.log"
    UBSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
        LSAN_OPTIONS=suppressions="$PWD/tests/fuzz/lsan.supp" \
        "$dir/tests/fuzz/fuzz-$h" -max_total_time="$secs" -timeout=60 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$dir/crashes/$h-" "$corpus" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    if ((rc == 0)); then
        echo "ok $i fuzz-$h: ${execs:-?} executions in ${secs}s, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l)"
    else
        bad=1
        echo "not ok $i fuzz-$h: status $rc after ${execs:-?} executions"
        grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5 | sed 's/^/# /'
    fi
done
exit "$bad"
