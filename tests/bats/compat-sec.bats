#!/usr/bin/env bats
# Issue #13, items E, J and P, against runc 1.1.5: the caller's fds reach neither the
# container nor its hooks (also under a profile that refuses close_range), runc's -ENOSYS stub
# for syscalls newer than the profile, the createContainer hooks' cwd, and the error texts
# tools match for failing hooks and seccomp agents.

load helpers
load compare-helpers

FIXTURE="$BATS_TEST_DIRNAME/../fixtures/docker-default-seccomp.json"

setup() {
    common_setup
    PEER="$(command -v runc)" || skip "runc is not installed"
    RUNTIMES=("$RT" "$PEER")
    [[ "$(timeout 10 "$RT" features 2>/dev/null | jq -r '.linux.seccomp.enabled // false')" == true ]] ||
        skip "$RT_NAME is built without seccomp"
    local tools="$(dirname "$RT")/../tests/seccomp-agent"
    [[ -d "$tools" ]] || tools="$BATS_TEST_DIRNAME/../../build/tests/seccomp-agent"
    PROBE="${SECCOMP_PROBE:-$tools/probe}"
    echo marker3 >"$TEST_DIR/marker3"
    echo marker4 >"$TEST_DIR/marker4"
    # writable rootfs (hooks write into it); no core files from SIGSYS
    cfg '.root.readonly = false | .process.rlimits += [{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
}

# with_fds I ARGS...: `on I ARGS` with the caller's fds 3 and 4 open on the two marker files.
with_fds() {
    on "$@" 3<"$TEST_DIR/marker3" 4<"$TEST_DIR/marker4"
}

# How many fds of ls (inherited from its shell) lead to a marker file.
COUNT_MARKERS='{ ls -l /proc/self/fd | grep -c marker || true; }'

# Docker's default profile (default SCMP_ACT_ERRNO) as it was before close_range.
old_docker_profile() {
    cfg ".linux.seccomp = $(jq -c '.syscalls |= map(.names -= ["close_range"])' "$FIXTURE")" "$1"
}

# --- E: the caller's fds ----------------------------------------------------------------------

scenario_fds_under_filter() {
    local b id
    b="$(bundle_for "$1")"
    old_docker_profile "$b"
    set_args_in "$b" sh -c "$COUNT_MARKERS"
    id="$(cid "$1")"
    with_fds "$1" run -b "$b" "$id"
    echo "run: status=$status markers=$stdout"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    with_fds "$1" run -d -b "$b" "$id"
    echo "run -d: status=$status"
    with_fds "$1" exec "$id" sh -c "$COUNT_MARKERS"
    echo "exec: status=$status markers=$stdout"
    on "$1" kill "$id" KILL
}

@test "E: the caller's fds reach no container process, also when the profile refuses close_range" {
    compare scenario_fds_under_filter
}

scenario_fds_in_hooks() {
    local b id out="$TEST_DIR/hooks-$1"
    b="$(bundle_for "$1")"
    mkdir -p "$out"
    # createContainer: path in the runtime namespace; startContainer: in the container's
    cfg ".hooks = $(jq -nc --arg cc "$COUNT_MARKERS > $out/cc" --arg sc "$COUNT_MARKERS > /sc" \
        '{createContainer: [{path: "/bin/sh", args: ["sh", "-c", $cc]}],
          startContainer: [{path: "/bin/sh", args: ["sh", "-c", $sc]}]}')" "$b"
    set_args_in "$b" true
    id="$(cid "$1")"
    with_fds "$1" run -b "$b" "$id"
    echo "run: status=$status"
    echo "createContainer hook: markers=$(cat "$out/cc")"
    echo "startContainer hook: markers=$(cat "$b/rootfs/sc")"
}

@test "E: the caller's fds reach no createContainer or startContainer hook" {
    compare scenario_fds_in_hooks
}

@test "E: where close_range fails, rt marks the fds through /proc/self/fd" {
    command -v strace >/dev/null || skip "strace is not installed"
    # close_range fails in every process of the run (as before Linux 5.11): the fallback
    set_args sh -c "$COUNT_MARKERS"
    status=0
    stdout="$(timeout -k 5 "$RT_CMD_TIMEOUT" strace -f -o /dev/null -e trace=close_range \
        -e inject=close_range:error=ENOSYS "$RT" --root "$ROOT" run -b "$BUNDLE" "$ID" \
        </dev/null 3<"$TEST_DIR/marker3" 4<"$TEST_DIR/marker4" 2>"$TEST_DIR/err")" || status=$?
    stderr="$(cat "$TEST_DIR/err")"
    assert_success
    assert_equal "$stdout" 0
}

# --- E: runc's -ENOSYS stub -------------------------------------------------------------------

# probe_all: each number, its result, on one line ("1000=Function not implemented").
PROBE_ALL='for n in "$@"; do printf "%s=%s " "$n" "$(probe nr "$n" | sed "s/^nr: //")"; done'

scenario_enosys() {
    local b id
    b="$(bundle_for "$1")"
    cp "$PROBE" "$b/rootfs/bin/probe"
    cfg ".linux.seccomp = $(jq -c . "$FIXTURE")" "$b"
    # 1000: no such syscall; 452 fchmodat2 and 450 set_mempolicy_home_node: newer than the
    # profile; 246 kexec_load: older, not allowed (the default errno); 0x400003e8: x32's 1000
    set_args_in "$b" sh -c "$PROBE_ALL" sh 1000 452 450 246 0x400003e8
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "run: status=$status $stdout"
    # an x32 syscall without SCMP_ARCH_X32 in the profile: the bad-arch action (SIGSYS)
    cfg '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64"]' "$b"
    set_args_in "$b" sh -c "$PROBE_ALL; probe nr 0x400003e8" sh 1000 452
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "x86_64 only: status=$status $stdout"
    # the stub is for the filter of exec too
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    on "$1" run -d -b "$b" "$id"
    on "$1" exec "$id" sh -c "$PROBE_ALL" sh 1000 452 246
    echo "exec: status=$status $stdout"
    on "$1" kill "$id" KILL
}

@test "E: syscalls newer than the profile fail with ENOSYS, as with runc's stub" {
    [[ "$(uname -m)" == x86_64 ]] || skip "the syscall numbers are x86_64's"
    [[ -x "$PROBE" ]] || skip "no probe helper at $PROBE (build tests/seccomp-agent)"
    compare scenario_enosys
}

scenario_no_stub_when_allowing() {
    local b id
    b="$(bundle_for "$1")"
    cp "$PROBE" "$b/rootfs/bin/probe"
    # a permissive default: the kernel answers (ENOSYS for 1000, EFAULT for fchmodat2)
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}' "$b"
    set_args_in "$b" sh -c "$PROBE_ALL" sh 1000 452
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "run: status=$status $stdout"
}

@test "E: no stub with a permissive default action" {
    [[ "$(uname -m)" == x86_64 ]] || skip "the syscall numbers are x86_64's"
    [[ -x "$PROBE" ]] || skip "no probe helper at $PROBE (build tests/seccomp-agent)"
    compare scenario_no_stub_when_allowing
}

# --- J: where createContainer hooks run -------------------------------------------------------

scenario_hook_cwd() {
    local b id out="$TEST_DIR/cwd-$1"
    b="$(bundle_for "$1")"
    mkdir -p "$out"
    cfg ".hooks = $(jq -nc --arg cc "pwd > $out/cc" '{
        createContainer: [{path: "/bin/sh", args: ["sh", "-c", $cc]}],
        startContainer: [{path: "/bin/sh", args: ["sh", "-c", "pwd > /sc"]}]}')" "$b"
    cfg '.process.cwd = "/etc"' "$b"
    set_args_in "$b" true
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "run: status=$status"
    echo "createContainer cwd: $(norm "$id" "$b" <"$out/cc")"
    echo "startContainer cwd: $(cat "$b/rootfs/sc")"
}

@test "J: createContainer hooks start in the container's root" {
    compare scenario_hook_cwd
}

# --- P: the error texts tools match -----------------------------------------------------------

# phrase: the first of the phrases tools match that stderr contains.
phrase() {
    local p
    for p in "error running hook: exit status 3" "error running hook: signal: bad system call" \
        "ran past specified timeout" "failed to connect with seccomp agent" \
        "SCMP_ACT_NOTIFY cannot be used for the write syscall"; do
        if [[ "$stderr" == *"$p"* ]]; then
            echo "$p"
            return
        fi
    done
    echo "none of them: $stderr"
}

scenario_hook_errors() {
    local b id phase script
    b="$(bundle_for "$1")"
    set_args_in "$b" true
    for phase in createRuntime createContainer startContainer poststart; do
        for script in 'exit 3' 'kill -SYS $$' 'exec sleep 60'; do
            cfg ".hooks = $(jq -nc --arg p "$phase" --arg s "$script" \
                '{($p): [{path: "/bin/sh", args: ["sh", "-c", $s], timeout: 1}]}')" "$b"
            id="$(cid "$1")"
            on "$1" run -b "$b" "$id"
            echo "$phase [$script]: status=$status $(phrase)"
            on "$1" state "$id"
            echo "  state: $status"
        done
    done
}

@test "P: a failing hook's error says \"error running hook\" and names the signal" {
    compare scenario_hook_errors
    # and rt's error stays one line
    cfg '.hooks = {"createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "kill -SYS $$"]}]}'
    rtc run -b "$BUNDLE" "$ID"
    assert_error 'hooks.createContainer\[0\] /bin/sh: error running hook: signal: bad system call$'
}

scenario_agent_errors() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" true
    touch "$TEST_DIR/not-listening.sock"
    for sock in "$TEST_DIR/no-such.sock" "$TEST_DIR/not-listening.sock"; do
        cfg ".linux.seccomp = $(jq -nc --arg s "$sock" '{defaultAction: "SCMP_ACT_ALLOW",
            listenerPath: $s, syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}')" "$b"
        id="$(cid "$1")"
        on "$1" run -b "$b" "$id"
        echo "$(basename "$sock"): status=$status $(phrase)"
        on "$1" state "$id"
        echo "  state: $status"
    done
    cfg '.linux.seccomp.syscalls[0].names = ["mkdir", "write"]' "$b"
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "notify write: status=$status $(phrase)"
    on "$1" state "$id"
    echo "  state: $status"
}

@test "P: seccomp agent errors: \"failed to connect with seccomp agent\", NOTIFY on write refused" {
    compare scenario_agent_errors
    cfg ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$TEST_DIR/x.sock\",
        \"syscalls\": [{\"names\": [\"write\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
    rtc run -b "$BUNDLE" "$ID"
    assert_error 'linux.seccomp.syscalls\[0\]: SCMP_ACT_NOTIFY cannot be used for the write syscall$'
}
