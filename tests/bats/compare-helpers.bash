# shellcheck shell=bash
# Helpers for the compare tests (compare.bats, compat-*.bats): the same bundle and commands
# under runc and under the runtime being tested, each scenario printing a normalised
# transcript of what a user sees; the transcripts of both runtimes must be equal.
# Load after helpers (`load helpers` then `load compare-helpers`).

setup() {
    common_setup
    PEER="$(command -v runc)" || skip "runc is not installed"
    RUNTIMES=("$RT" "$PEER")
}

# on I ARGS...: run runtime I (0 = the one under test, 1 = runc) with its own root.
on() {
    local i=$1
    shift
    local saved="$RT"
    RT="${RUNTIMES[$i]}"
    rt_raw --root "$TEST_DIR/root-$i" "$@"
    RT="$saved"
}

# cid I [SUFFIX]: a new container id for runtime I, remembered for teardown.
cid() {
    new_id "${2:-}" "$TEST_DIR/root-$1" "${RUNTIMES[$1]}"
}

# bundle_for I: a copy of $BUNDLE (same config.json) for runtime I.
bundle_for() {
    local b="$TEST_DIR/bundle-$1"
    if [[ ! -d "$b" ]]; then
        mkdir -p "$b"
        cp -a "$BUNDLE/rootfs" "$b/rootfs"
    fi
    cp "$BUNDLE/config.json" "$b/config.json"
    echo "$b"
}

# compare SCENARIO: run the scenario function for both runtimes and compare the transcripts.
compare() {
    local t0 t1
    t0="$("$1" 0)"
    t1="$("$1" 1)"
    if [[ "$t0" != "$t1" ]]; then
        echo "transcripts differ ($RT_NAME left, runc right):" >&2
        diff -y -W 160 <(echo "$t0") <(echo "$t1") >&2 || true
        return 1
    fi
}

# norm ID BUNDLE: mask what legitimately differs between runs.
norm() {
    sed -E -e "s#$2#BUNDLE#g" -e "s#$1#ID#g" \
        -e 's#[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z#TIME#g'
}
