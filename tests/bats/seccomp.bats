#!/usr/bin/env bats
# linux.seccomp (config-linux.md "Seccomp"): every action, operator and flag, the architecture
# list, SCMP_ACT_NOTIFY with an agent on listenerPath (tests/seccomp-agent), Docker's default
# profile (tests/fixtures/docker-default-seccomp.json), the filter on `exec`, when it is loaded
# (before the capabilities go, or with noNewPrivileges just before execve), and the errors.
# Each effect is observed from inside: the errno text of a busybox command, a status of 159
# (128 + SIGSYS) for a killed one.

load helpers

FIXTURE="$BATS_TEST_DIRNAME/../fixtures/docker-default-seccomp.json"

setup() {
    common_setup
    SECCOMP_ON="$(timeout 10 "$RT" features 2>/dev/null | jq -r '.linux.seccomp.enabled // false')"
    local tools="$(dirname "$RT")/../tests/seccomp-agent"
    [[ -d "$tools" ]] || tools="$BATS_TEST_DIRNAME/../../build/tests/seccomp-agent"
    AGENT="${SECCOMP_AGENT:-$tools/seccomp-agent}"
    PROBE="${SECCOMP_PROBE:-$tools/probe}"
    # mkdir is the syscall most tests filter: a writable rootfs; no core files from SIGSYS.
    cfg '.root.readonly = false | .process.rlimits += [{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
    AGENT_PID=""
}

teardown() {
    [[ -z "$AGENT_PID" ]] || kill "$AGENT_PID" 2>/dev/null || true
    common_teardown
}

need_seccomp() {
    [[ "$SECCOMP_ON" == true ]] || skip "$RT_NAME is built without seccomp"
}

# profile DEFAULT_ACTION SYSCALLS_JSON [MORE_JQ]: set linux.seccomp.
profile() {
    cfg ".linux.seccomp = {\"defaultAction\": \"$1\", \"syscalls\": $2}${3:+ | $3}"
}

# mkdir_rule ACTION [MORE_FIELDS]: the syscalls JSON of one rule for mkdir and mkdirat.
mkdir_rule() {
    echo "[{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"$1\"${2:+, $2}}]"
}

# try_mkdir: run a container that makes /x and reports the status and whether /x exists.
try_mkdir() {
    in_container sh -c 'mkdir /x; echo status=$?; if [ -d /x ]; then echo exists; else echo absent; fi'
}

# with_probe: put tests/seccomp-agent/probe into the bundle as /bin/probe.
with_probe() {
    [[ -x "$PROBE" ]] || skip "no probe helper at $PROBE (build tests/seccomp-agent)"
    cp "$PROBE" "$BUNDLE/rootfs/bin/probe"
}

add_caps() {
    local c
    for c in "$@"; do
        cfg ".process.capabilities.bounding += [\"$c\"] | .process.capabilities.effective += [\"$c\"] |
             .process.capabilities.permitted += [\"$c\"]"
    done
}

# start_agent MODE: the seccomp agent on $AGENT_SOCK, writing $AGENT_STATE (see agent.c).
start_agent() {
    [[ -x "$AGENT" ]] || skip "no seccomp agent at $AGENT (build tests/seccomp-agent)"
    AGENT_SOCK="$TEST_DIR/agent.sock"
    AGENT_STATE="$TEST_DIR/agent.state"
    "$AGENT" "$AGENT_SOCK" "$AGENT_STATE" "$1" >"$TEST_DIR/agent.out" 2>&1 &
    AGENT_PID=$!
    wait_file_contains "$TEST_DIR/agent.out" ready
}

notify_profile() {
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_NOTIFY)" \
        ".linux.seccomp.listenerPath = \"$AGENT_SOCK\" ${1:+| $1}"
}

# --- actions ----------------------------------------------------------------------------------

@test "SCMP_ACT_ERRNO: the syscall fails with EPERM by default" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)"
    try_mkdir
    assert_success
    assert_contains "$stdout" "status=1"
    assert_contains "$stdout" "absent"
    assert_contains "$stderr" "Operation not permitted"
}

@test "SCMP_ACT_ERRNO with errnoRet: the syscall fails with that errno" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO '"errnoRet": 18')"
    try_mkdir
    assert_success
    assert_contains "$stdout" "absent"
    assert_contains "$stderr" "Invalid cross-device link"
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet: unlisted syscalls fail with it" {
    need_seccomp
    cfg ".linux.seccomp = $(jq -c '.defaultErrnoRet = 18' "$FIXTURE")"
    in_container sh -c 'hostname foo; echo status=$?'
    assert_success
    assert_contains "$stdout" "status=1"
    assert_contains "$stderr" "Invalid cross-device link"
}

@test "SCMP_ACT_KILL: the process is killed by SIGSYS" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_KILL)"
    try_mkdir
    assert_success
    assert_contains "$stdout" "status=159"
    assert_contains "$stdout" "absent"
}

@test "SCMP_ACT_KILL_THREAD: the process is killed by SIGSYS" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_KILL_THREAD)"
    try_mkdir
    assert_success
    assert_contains "$stdout" "status=159"
}

@test "SCMP_ACT_KILL_PROCESS: the process is killed by SIGSYS" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_KILL_PROCESS)"
    try_mkdir
    assert_success
    assert_contains "$stdout" "status=159"
}

@test "SCMP_ACT_KILL on the container's first process: run exits 159" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_KILL_PROCESS)"
    in_container mkdir /x
    assert_status 159
}

@test "SCMP_ACT_TRAP: SIGSYS is delivered (default action: killed)" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_TRAP)"
    try_mkdir
    assert_success
    assert_contains "$stdout" "status=159"
    assert_contains "$stderr" "Bad system call"
}

@test "SCMP_ACT_TRACE: without a tracer the syscall fails with ENOSYS" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_TRACE '"errnoRet": 5')"
    try_mkdir
    assert_success
    assert_contains "$stdout" "absent"
    assert_contains "$stderr" "Function not implemented"
}

@test "SCMP_ACT_LOG: the syscall runs" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_LOG)"
    try_mkdir
    assert_success
    assert_contains "$stdout" "status=0"
    assert_contains "$stdout" "exists"
}

@test "SCMP_ACT_ALLOW: listed syscalls run under a default of SCMP_ACT_ERRNO" {
    need_seccomp
    # Docker's profile without mkdir and mkdirat: they get the default errno, the rest runs
    cfg ".linux.seccomp = $(jq -c '.syscalls[0].names -= ["mkdir", "mkdirat"] | .defaultErrnoRet = 18' "$FIXTURE")"
    in_container sh -c 'ls / >/dev/null && echo ls-ok; mkdir /x; echo status=$?'
    assert_success
    assert_contains "$stdout" "ls-ok"
    assert_contains "$stdout" "status=1"
    assert_contains "$stderr" "Invalid cross-device link"
}

@test "the filter is in force: /proc/self/status shows one filter" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)"
    in_container grep -E '^Seccomp(_filters)?:' /proc/self/status
    assert_success
    assert_contains "$stdout" "Seccomp:	2"
    assert_contains "$stdout" "Seccomp_filters:	1"
}

@test "unknown syscall names are skipped, the rest of the rule applies" {
    need_seccomp
    profile SCMP_ACT_ALLOW '[{"names": ["rt_no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]'
    try_mkdir
    assert_success
    assert_contains "$stderr" "Invalid cross-device link"
}

# --- operators: kill(1, SIG) from the shell (pid 1, which ignores these signals) --------------

# kill_probe ARGS_JSON: a rule ERRNO on kill with ARGS_JSON; prints "SIG ok|blocked" for the
# signals 17 18 23 sent to pid 1.
kill_probe() {
    profile SCMP_ACT_ALLOW "[{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": $1}]"
    in_container sh -c 'for s in 17 18 23; do if kill -$s 1 2>/dev/null; then echo "$s ok"; else echo "$s blocked"; fi; done'
    assert_success
    RESULT="$(echo $stdout)"
}

@test "operator SCMP_CMP_EQ" {
    need_seccomp
    kill_probe '[{"index": 1, "value": 18, "op": "SCMP_CMP_EQ"}]'
    assert_equal "$RESULT" "17 ok 18 blocked 23 ok"
}

@test "operator SCMP_CMP_NE" {
    need_seccomp
    kill_probe '[{"index": 1, "value": 18, "op": "SCMP_CMP_NE"}]'
    assert_equal "$RESULT" "17 blocked 18 ok 23 blocked"
}

@test "operator SCMP_CMP_LT" {
    need_seccomp
    kill_probe '[{"index": 1, "value": 18, "op": "SCMP_CMP_LT"}]'
    assert_equal "$RESULT" "17 blocked 18 ok 23 ok"
}

@test "operator SCMP_CMP_LE" {
    need_seccomp
    kill_probe '[{"index": 1, "value": 18, "op": "SCMP_CMP_LE"}]'
    assert_equal "$RESULT" "17 blocked 18 blocked 23 ok"
}

@test "operator SCMP_CMP_GT" {
    need_seccomp
    kill_probe '[{"index": 1, "value": 18, "op": "SCMP_CMP_GT"}]'
    assert_equal "$RESULT" "17 ok 18 ok 23 blocked"
}

@test "operator SCMP_CMP_GE" {
    need_seccomp
    kill_probe '[{"index": 1, "value": 18, "op": "SCMP_CMP_GE"}]'
    assert_equal "$RESULT" "17 ok 18 blocked 23 blocked"
}

@test "operator SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the value" {
    need_seccomp
    # 17 & 3 = 1, 18 & 3 = 2, 23 & 3 = 3
    kill_probe '[{"index": 1, "value": 3, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]'
    assert_equal "$RESULT" "17 ok 18 blocked 23 ok"
}

@test "two comparisons of one argument: either matches (as runc)" {
    need_seccomp
    kill_probe '[{"index": 1, "value": 17, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 23, "op": "SCMP_CMP_EQ"}]'
    assert_equal "$RESULT" "17 blocked 18 ok 23 blocked"
}

@test "comparisons of two arguments: both must match" {
    need_seccomp
    profile SCMP_ACT_ALLOW '[{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18, "args": [
        {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 18, "op": "SCMP_CMP_EQ"}]}]'
    in_container sh -c 'sleep 5 & kill -18 $! && echo other-ok; kill -17 1 && echo sig17-ok; kill -18 1; echo status=$?; kill $!'
    assert_success
    assert_contains "$stdout" "other-ok"
    assert_contains "$stdout" "sig17-ok"
    assert_contains "$stdout" "status=1"
    assert_contains "$stderr" "Invalid cross-device link"
}

# --- flags and architectures ------------------------------------------------------------------

@test "flags: TSYNC, LOG and SPEC_ALLOW are accepted and the filter is in force" {
    need_seccomp
    rt_only "runc 1.1.5: seccomp flags are not yet supported by runc"
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)" \
        '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
    in_container sh -c 'mkdir /x; grep -E "^(Seccomp_filters|Speculation_Store_Bypass):" /proc/self/status'
    assert_success
    assert_contains "$stderr" "Operation not permitted"
    assert_contains "$stdout" "Seccomp_filters:	1"
    # SPEC_ALLOW: the filter does not force the store-bypass mitigation on
    [[ "$stdout" != *"force mitigated"* ]] || fail "SPEC_ALLOW: $stdout"
}

# audit_records NAME: how many seccomp audit records (type=1326) the kernel log has for comm NAME.
audit_records() {
    dmesg | grep 'type=1326' | grep -c "comm=\"$1\"" || true
}

@test "flag SECCOMP_FILTER_FLAG_LOG: SCMP_ACT_ERRNO results reach the audit log" {
    need_seccomp
    rt_only "runc 1.1.5: seccomp flags are not yet supported by runc"
    dmesg >/dev/null 2>&1 || skip "cannot read the kernel log"
    # A name of our own marks the records (the audit record names the command, comm):
    # busybox runs "busybox<anything> APPLET".
    local name="busyboxL$TEST_TOKEN"
    ln -s busybox "$BUNDLE/rootfs/bin/$name"
    # without the flag an SCMP_ACT_ERRNO result is not logged ...
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)"
    in_container "$name" mkdir /x
    assert_failure
    assert_contains "$stderr" "Operation not permitted"
    # ... with it, it is
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)" '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_LOG"]'
    in_container "$name" mkdir /y
    assert_failure
    local n deadline=$((SECONDS + 3))
    while n="$(audit_records "$name")"; ((n < 1 && SECONDS < deadline)); do
        sleep 0.1
    done
    if ((n < 1)); then
        dmesg | tail -30 | grep -qE 'printk limit exceeded|callbacks suppressed|audit_lost' &&
            skip "the kernel rate-limited the audit log"
        fail "no audit record for $name with SECCOMP_FILTER_FLAG_LOG"
    fi
    assert_equal "$n" 1
}

@test "flag SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: accepted with SCMP_ACT_NOTIFY and without" {
    need_seccomp
    rt_only "runc 1.1.5: seccomp flags are not yet supported by runc"
    rtc features
    jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")' <<<"$stdout" >/dev/null ||
        skip "the kernel has no SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux < 5.19)"
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)" \
        '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
    try_mkdir
    assert_success
    assert_contains "$stdout" "absent"
    start_agent errno:18
    notify_profile '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"]'
    try_mkdir
    assert_success
    assert_contains "$stderr" "Invalid cross-device link"
}

@test "architectures: the i386 ABI is filtered only when listed (else killed as a bad arch)" {
    need_seccomp
    [[ "$(uname -m)" == x86_64 ]] || skip "x86_64 only"
    with_probe
    # the host first: a kernel without IA32 emulation (or booted with ia32_emulation=0) kills
    # an int $0x80 with SIGSEGV before any filter sees it
    local host_status=0
    "$PROBE" i386-getpid >/dev/null 2>&1 || host_status=$?
    ((host_status == 0)) ||
        skip "this kernel runs no i386 system calls (int \$0x80 on the host: status $host_status), so there is no i386 ABI to filter"
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)"
    in_container sh -c 'probe i386-getpid; echo status=$?'
    assert_success
    assert_contains "$stdout" "status=159"
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)" \
        '.linux.seccomp.architectures = ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
    in_container sh -c 'probe i386-getpid; echo status=$?; mkdir /x; true'
    assert_success
    [[ "$stdout" == *"i386-getpid: ok"* || "$stdout" == *"i386-getpid: Function not implemented"* ]] ||
        fail "i386 getpid under a filter listing SCMP_ARCH_X86: $stdout"
    assert_contains "$stdout" "status="
    assert_contains "$stderr" "Operation not permitted"
}

# --- SCMP_ACT_NOTIFY --------------------------------------------------------------------------

@test "SCMP_ACT_NOTIFY: the agent gets the fd and the state, and its answer is the result" {
    need_seccomp
    start_agent errno:18
    notify_profile ".linux.seccomp.listenerMetadata = \"meta-$TEST_TOKEN\""
    set_args sh -c 'mkdir /x; echo status=$?'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local out="$RTC_OUT" pid
    pid="$(state_field "$ID" .pid)"
    wait_file_contains "$AGENT_STATE" seccompFd
    local s
    s="$(head -1 "$AGENT_STATE")"
    assert_equal "$(jq -c .fds <<<"$s")" '["seccompFd"]'
    assert_equal "$(jq -r .pid <<<"$s")" "$pid"
    assert_equal "$(jq -r .metadata <<<"$s")" "meta-$TEST_TOKEN"
    assert_equal "$(jq -r .state.id <<<"$s")" "$ID"
    assert_equal "$(jq -r .state.status <<<"$s")" creating
    assert_equal "$(jq -r .state.pid <<<"$s")" "$pid"
    jq -e '.ociVersion | length > 0' <<<"$s" >/dev/null || fail "no ociVersion: $s"
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    wait_file_contains "$out" "status=1"
    wait_file_contains "$AGENT_STATE.log" mkdir
}

@test "SCMP_ACT_NOTIFY: an agent may make the syscall succeed without running it, or let it run" {
    need_seccomp
    start_agent ok
    notify_profile
    try_mkdir
    assert_success
    assert_contains "$stdout" "status=0"
    assert_contains "$stdout" "absent"
    # (the agent ends when the last process under its filters is gone)
    kill "$AGENT_PID" 2>/dev/null || true
    wait "$AGENT_PID" || true
    start_agent continue
    notify_profile
    try_mkdir
    assert_success
    assert_contains "$stdout" "status=0"
    assert_contains "$stdout" "exists"
}

@test "SCMP_ACT_NOTIFY on exec: the exec'd process's fd goes to the agent with state running" {
    need_seccomp
    start_agent errno:18
    notify_profile
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec "$ID" sh -c 'mkdir /y; echo status=$?'
    assert_success
    assert_contains "$stdout" "status=1"
    assert_contains "$stderr" "Invalid cross-device link"
    wait_file_contains "$AGENT_STATE" running
    assert_equal "$(wc -l <"$AGENT_STATE")" 2
    assert_equal "$(sed -n 2p "$AGENT_STATE" | jq -r .state.status)" running
}

@test "SCMP_ACT_NOTIFY: no agent on listenerPath is an error, and nothing is left" {
    need_seccomp
    AGENT_SOCK="$TEST_DIR/nobody.sock"
    notify_profile
    rtc create -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" "failed to connect with seccomp agent"
    assert_contains "$stderr" "nobody.sock"
    assert_no_leak "$ID"
}

# --- the filter on exec, and when it is loaded ------------------------------------------------

@test "exec: the config's filter applies to the exec'd process (also with --process)" {
    need_seccomp
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO '"errnoRet": 18')"
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec "$ID" sh -c 'mkdir /y; grep ^Seccomp_filters: /proc/self/status'
    assert_success
    assert_contains "$stderr" "Invalid cross-device link"
    assert_contains "$stdout" "Seccomp_filters:	1"
    jq '.process | .args = ["mkdir", "/z"]' "$BUNDLE/config.json" >"$TEST_DIR/process.json"
    rtc exec --process "$TEST_DIR/process.json" "$ID"
    assert_failure
    assert_contains "$stderr" "Invalid cross-device link"
}

@test "without noNewPrivileges the filter is loaded before the capabilities are dropped" {
    need_seccomp
    # The init itself sets the capabilities after loading: a filter denying capset stops it.
    profile SCMP_ACT_ALLOW '[{"names": ["capset"], "action": "SCMP_ACT_ERRNO"}]' \
        '.process.noNewPrivileges = false'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "${stderr,,}" "operation not permitted"
    assert_no_leak "$ID"
    # ... and a user without CAP_SYS_ADMIN gets it all the same (loaded while still root).
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)" \
        '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
    in_container sh -c 'id -u; grep ^NoNewPrivs: /proc/self/status; mkdir /tmp-x; true'
    assert_success
    assert_contains "$stdout" "1000"
    assert_contains "$stdout" "NoNewPrivs:	0"
    assert_contains "$stderr" "Operation not permitted"
}

@test "with noNewPrivileges the filter is loaded after the capabilities are set" {
    need_seccomp
    profile SCMP_ACT_ALLOW '[{"names": ["capset", "setresuid", "setgroups"], "action": "SCMP_ACT_ERRNO"}]' \
        '.process.noNewPrivileges = true'
    in_container sh -c 'grep ^NoNewPrivs: /proc/self/status'
    assert_success
    assert_contains "$stdout" "NoNewPrivs:	1"
}

# --- Docker's default profile -----------------------------------------------------------------

DOCKER_SCRIPT='echo hello | tr a-z A-Z; ls / >/dev/null && echo ls-ok; mkdir /d && echo mkdir-ok
(sleep 0.01 &); wait; echo $((6 * 7)); cat /proc/self/status | grep -c ^Name
unshare -m true; echo unshare=$?; mount -t tmpfs none /d; echo mount=$?; hostname foo; echo hostname=$?'

@test "Docker's default profile: a busybox shell runs normally" {
    need_seccomp
    [[ "$(uname -m)" == x86_64 ]] || skip "the fixture is Docker's profile for x86_64"
    cfg ".linux.seccomp = $(jq -c . "$FIXTURE")"
    in_container sh -c "$DOCKER_SCRIPT"
    assert_success
    assert_contains "$stdout" "HELLO"
    assert_contains "$stdout" "ls-ok"
    assert_contains "$stdout" "mkdir-ok"
    assert_contains "$stdout" "42"
}

@test "Docker's default profile blocks unshare, mount, sethostname even with CAP_SYS_ADMIN" {
    need_seccomp
    [[ "$(uname -m)" == x86_64 ]] || skip "the fixture is Docker's profile for x86_64"
    add_caps CAP_SYS_ADMIN
    # without the profile, CAP_SYS_ADMIN lets all three through: the block is seccomp's
    in_container sh -c "$DOCKER_SCRIPT"
    assert_success
    assert_contains "$stdout" "unshare=0"
    assert_contains "$stdout" "mount=0"
    assert_contains "$stdout" "hostname=0"
    cfg ".linux.seccomp = $(jq -c . "$FIXTURE")"
    in_container sh -c "$DOCKER_SCRIPT"
    assert_success
    assert_contains "$stdout" "unshare=1"
    assert_contains "$stdout" "mount=1"
    assert_contains "$stdout" "hostname=1"
    assert_contains "$stderr" "unshare(0x20000): Operation not permitted"
}

@test "Docker's default profile: keyctl, add_key, AF_VSOCK blocked, clone3 ENOSYS, personality by value" {
    need_seccomp
    [[ "$(uname -m)" == x86_64 ]] || skip "the fixture is Docker's profile for x86_64"
    with_probe
    cfg ".linux.seccomp = $(jq -c . "$FIXTURE")"
    in_container sh -c 'probe keyctl; probe add_key; probe clone3; probe socket 40; probe socket 1
        probe personality 0xffffffff; probe personality 8; probe personality 4; true'
    assert_success
    local want
    for want in "keyctl: Operation not permitted" "add_key: Operation not permitted" \
        "clone3: Function not implemented" "socket: Operation not permitted" "socket: ok" \
        "personality: ok" "personality: Operation not permitted"; do
        assert_contains "$stdout" "$want"
    done
}

# --- errors: the JSON path named, nothing created ---------------------------------------------

# bad_profile JQ ERE: create with the profile changed by JQ fails naming ERE, leaves nothing.
bad_profile() {
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)" "$1"
    rtc create -b "$BUNDLE" "$ID"
    assert_error "$2"
    assert_no_leak "$ID"
    [[ ! -e "$ROOT/$ID" ]] || fail "state dir left"
}

@test "an unknown action is an error naming the JSON path" {
    need_seccomp
    rt_only "wording"
    bad_profile '.linux.seccomp.syscalls += [{"names": ["getpid"], "action": "SCMP_ACT_FOO"}]' \
        'config.json: linux.seccomp.syscalls\[1\].action: unknown action "SCMP_ACT_FOO"'
}

@test "an unknown default action is an error naming the JSON path" {
    need_seccomp
    rt_only "wording"
    bad_profile '.linux.seccomp.defaultAction = "SCMP_ACT_BAR"' \
        'linux.seccomp.defaultAction: unknown action "SCMP_ACT_BAR"'
}

@test "an unknown operator is an error naming the JSON path" {
    need_seccomp
    rt_only "wording"
    bad_profile '.linux.seccomp.syscalls[0].args = [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]' \
        'linux.seccomp.syscalls\[0\].args\[0\].op: unknown operator "SCMP_CMP_FOO"'
}

@test "an unknown flag or architecture is an error naming the JSON path" {
    need_seccomp
    rt_only "wording"
    bad_profile '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_FOO"]' \
        'linux.seccomp.flags\[1\]: unknown flag "SECCOMP_FILTER_FLAG_FOO"'
    bad_profile '.linux.seccomp.architectures = ["SCMP_ARCH_FOO"]' \
        'linux.seccomp.architectures\[0\]: unknown architecture "SCMP_ARCH_FOO"'
}

@test "errnoRet on an action that takes none, an argument index over 5: errors" {
    need_seccomp
    rt_only "wording"
    bad_profile '.linux.seccomp.syscalls[0].action = "SCMP_ACT_KILL" | .linux.seccomp.syscalls[0].errnoRet = 3' \
        'linux.seccomp.syscalls\[0\].errnoRet: set, but .*SCMP_ACT_KILL.* takes no errno'
    bad_profile '.linux.seccomp.defaultErrnoRet = 3' 'linux.seccomp.defaultErrnoRet: set'
    bad_profile '.linux.seccomp.syscalls[0].args = [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]' \
        'linux.seccomp.syscalls\[0\].args\[0\].index'
}

@test "SCMP_ACT_NOTIFY without listenerPath, or as the default action: errors" {
    need_seccomp
    rt_only "wording"
    bad_profile '.linux.seccomp.syscalls[0].action = "SCMP_ACT_NOTIFY"' 'linux.seccomp.listenerPath: required'
    bad_profile '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | .linux.seccomp.listenerPath = "/x"' \
        'linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action'
}

@test "a build without seccomp refuses a config that asks for it" {
    [[ "$SECCOMP_ON" != true ]] || skip "$RT_NAME is built with seccomp (build with -Dseccomp=disabled)"
    rt_only "wording"
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO)"
    rtc run -b "$BUNDLE" "$ID"
    assert_error "linux.seccomp: this rt was built without seccomp support"
    assert_no_leak "$ID"
}

@test "features: seccomp actions, operators, archs and flags" {
    need_seccomp
    rtc features
    assert_success
    local s
    s="$(jq -c .linux.seccomp <<<"$stdout")"
    local a
    for a in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP SCMP_ACT_ERRNO \
        SCMP_ACT_TRACE SCMP_ACT_ALLOW SCMP_ACT_LOG SCMP_ACT_NOTIFY SCMP_CMP_NE SCMP_CMP_LT \
        SCMP_CMP_LE SCMP_CMP_EQ SCMP_CMP_GE SCMP_CMP_GT SCMP_CMP_MASKED_EQ SCMP_ARCH_X86_64 \
        SCMP_ARCH_X86 SCMP_ARCH_AARCH64; do
        assert_contains "$s" "\"$a\""
    done
    if is_rt; then
        assert_equal "$(jq -c .knownFlags <<<"$s")" \
            '["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW","SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
        jq -e '.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG")' <<<"$s" >/dev/null ||
            fail "supportedFlags: $s"
    fi
}

@test "a profile that refuses openat2 and getcwd still runs the container and exec" {
    # rt resolves the cwd with openat2 and checks it with getcwd: both must happen before
    # the filter is loaded, which without noNewPrivileges is before the capabilities are
    # dropped (found by the runtime-tools suite, whose profiles predate openat2 and deny
    # getcwd).
    cfg '.process.noNewPrivileges = false | .process.cwd = "/dev"
        | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["openat2", "getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
    set_args sh -c 'exec sleep 1000'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    # the cwd is /dev: its listing (getcwd itself is refused by the profile)
    rtc exec "$ID" ls
    assert_success
    assert_contains "$stdout" null
}

# set_slow_profile NAME: the bundle's profile is tests/fuzz/known/libseccomp-slow-NAME.json,
# one libseccomp 2.5.4 does not finish compiling (docs/seccomp.md, issue #14); the process is
# `true`.
set_slow_profile() {
    local known="$BATS_TEST_DIRNAME/../fuzz/known/libseccomp-slow-$1.json"
    jq --slurpfile s "$known" '.linux.seccomp = $s[0]' "$BUNDLE/config.json" >"$BUNDLE/c" &&
        mv "$BUNDLE/c" "$BUNDLE/config.json"
    set_args true
}

# Before the fix `rt run` blocked the signals it forwards before the compile, so neither Ctrl-C
# nor SIGTERM stopped it; now they are blocked only once the profile is compiled, and nothing
# exists yet to be left behind.
@test "run: SIGTERM stops a run whose seccomp profile libseccomp is still compiling" {
    rt_only "where rt blocks its signals"
    set_slow_profile three-kill-rules
    local st=0
    timeout -k 5 3 "$RT" --root "$ROOT" run -b "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/run.out" 2>&1 ||
        st=$?
    ((st != 0)) || skip "this libseccomp compiles the profile at once"
    assert_equal "$st" 124
    assert_no_leak "$ID"
    # nor is the child that compiles it left running
    local i
    for i in $(seq 50); do pgrep -f -- "run -b $BUNDLE $ID" >/dev/null || break; sleep 0.1; done
    run pgrep -af -- "run -b $BUNDLE $ID"
    assert_equal "$output" ""
}

# The same profile under create: rt compiles it in a child it kills after 30 s, so create ends
# with an error naming libseccomp instead of waiting for ever (runc 1.1.5 waits).
@test "create: a profile libseccomp does not compile within 30 s is an error, nothing left" {
    rt_only "runc waits for libseccomp"
    set_slow_profile two-kill-rules
    local st=0
    timeout -k 5 120 "$RT" --root "$ROOT" create -b "$BUNDLE" "$ID" </dev/null \
        >"$TEST_DIR/create.out" 2>&1 || st=$?
    if ((st == 0)); then
        rtc delete -f "$ID"
        skip "this libseccomp compiles the profile at once"
    fi
    assert_equal "$st" 1
    assert_equal "$(cat "$TEST_DIR/create.out")" \
        "rt: config.json: linux.seccomp: libseccomp did not compile the profile within 30 s (overlapping rules with argument conditions for one syscall can take it minutes)"
    assert_no_leak "$ID"
}

# --- the cache of compiled filters (seccomp-cache.c) ----------------------------------------

# cache_entries: the files of the root's cache, one per line.
cache_entries() {
    find "$ROOT/.seccomp@cache" -mindepth 1 -maxdepth 1 2>/dev/null | sort
}

@test "the compiled filter is cached under the root and used by the next container" {
    need_seccomp
    rt_only "rt's cache of compiled filters"
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO '"errnoRet": 18')"
    try_mkdir
    assert_contains "$stderr" "Invalid cross-device link"
    local entry
    entry="$(cache_entries)"
    assert_equal "$(wc -l <<<"$entry")" 1
    [[ "$(stat -c '%a %U' "$ROOT/.seccomp@cache")" == "700 root" ]] || fail "cache folder: $(stat -c '%a %U' "$ROOT/.seccomp@cache")"
    local inode
    inode="$(stat -c %i "$entry")"
    # the same profile again: the same filter, and the entry is not written again
    try_mkdir
    assert_contains "$stderr" "Invalid cross-device link"
    assert_equal "$(cache_entries)" "$entry"
    assert_equal "$(stat -c %i "$entry")" "$inode"
    # another profile gets an entry and a filter of its own
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO '"errnoRet": 20')"
    try_mkdir
    assert_contains "$stderr" "Not a directory"
    assert_equal "$(cache_entries | wc -l)" 2
    # nor does list show the cache
    rtc list -q
    assert_success
    assert_equal "$stdout" ""
}

@test "a cache entry that is corrupt or cut short is compiled again, never loaded" {
    need_seccomp
    rt_only "rt's cache of compiled filters"
    profile SCMP_ACT_ALLOW "$(mkdir_rule SCMP_ACT_ERRNO '"errnoRet": 18')"
    try_mkdir
    local entry size
    entry="$(cache_entries)"
    size="$(stat -c %s "$entry")"
    local damage
    for damage in "truncate -s 10" "truncate -s -8" "truncate -s +8" "shred -n 1"; do
        $damage "$entry"
        try_mkdir
        assert_success
        assert_contains "$stderr" "Invalid cross-device link"
        assert_contains "$stdout" "absent"
        # and the entry is whole again
        assert_equal "$(stat -c %s "$entry")" "$size"
    done
}
