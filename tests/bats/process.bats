#!/usr/bin/env bats
# process attributes and the linux fields that shape the process (config.md, config-linux.md):
# oomScoreAdj, rlimits, umask, capabilities (ambient, unknown names), sysctl, hostname and
# domainname, the session keyring; each read from inside the container.

load helpers

@test "oomScoreAdj is applied" {
    cfg '.process.oomScoreAdj = 523'
    in_container cat /proc/self/oom_score_adj
    assert_success
    assert_equal "$stdout" 523
}

@test "oomScoreAdj out of range is refused" {
    cfg '.process.oomScoreAdj = 1001'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "process.oomScoreAdj"
    assert_no_leak "$ID"
}

@test "every RLIMIT_* by name is applied" {
    # Values below this machine's hard limits (its bounding set lacks CAP_SYS_RESOURCE, so a
    # hard limit can only be lowered): nice and rtprio are 0 here.
    cfg '.process.rlimits = [
        {"type": "RLIMIT_AS", "soft": 1073741824, "hard": 2147483648},
        {"type": "RLIMIT_CORE", "soft": 1000, "hard": 2000},
        {"type": "RLIMIT_CPU", "soft": 100, "hard": 200},
        {"type": "RLIMIT_DATA", "soft": 1073741824, "hard": 1073741824},
        {"type": "RLIMIT_FSIZE", "soft": 1048576000, "hard": 1048576000},
        {"type": "RLIMIT_LOCKS", "soft": 30, "hard": 40},
        {"type": "RLIMIT_MEMLOCK", "soft": 65536, "hard": 131072},
        {"type": "RLIMIT_MSGQUEUE", "soft": 8192, "hard": 16384},
        {"type": "RLIMIT_NICE", "soft": 0, "hard": 0},
        {"type": "RLIMIT_NOFILE", "soft": 512, "hard": 777},
        {"type": "RLIMIT_NPROC", "soft": 3000, "hard": 4000},
        {"type": "RLIMIT_RSS", "soft": 10485760, "hard": 20971520},
        {"type": "RLIMIT_RTPRIO", "soft": 0, "hard": 0},
        {"type": "RLIMIT_RTTIME", "soft": 1000000, "hard": 2000000},
        {"type": "RLIMIT_SIGPENDING", "soft": 100, "hard": 200},
        {"type": "RLIMIT_STACK", "soft": 8388608, "hard": 16777216}]'
    in_container cat /proc/self/limits
    assert_success
    want() { grep -qE "^$1 +$2 +$3 " <<<"$stdout" || fail "$1: want $2 $3 in: $(grep "^$1" <<<"$stdout")"; }
    want "Max address space" 1073741824 2147483648
    want "Max core file size" 1000 2000
    want "Max cpu time" 100 200
    want "Max data size" 1073741824 1073741824
    want "Max file size" 1048576000 1048576000
    want "Max file locks" 30 40
    want "Max locked memory" 65536 131072
    want "Max msgqueue size" 8192 16384
    want "Max nice priority" 0 0
    want "Max open files" 512 777
    want "Max processes" 3000 4000
    want "Max resident set" 10485760 20971520
    want "Max realtime priority" 0 0
    want "Max realtime timeout" 1000000 2000000
    want "Max pending signals" 100 200
    want "Max stack size" 8388608 16777216
}

@test "an unknown rlimit is refused" {
    cfg '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" 'process.rlimits[0].type: unknown rlimit "RLIMIT_BOGUS"'
    assert_no_leak "$ID"
}

@test "an rlimit whose soft limit is above the hard limit is refused" {
    cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}]'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" "process.rlimits[0]: soft limit is above the hard limit"
    assert_no_leak "$ID"
}

@test "user.umask is applied; the default is 0022" {
    in_container sh -c umask
    assert_success
    assert_equal "$stdout" 0022
    cfg '.process.user.umask = 63'
    in_container sh -c umask
    assert_success
    assert_equal "$stdout" 0077
}

@test "ambient capabilities (with inheritable) survive the exec of a non-root user" {
    cfg '.process.user = {"uid": 1000, "gid": 1000}
        | .process.capabilities.inheritable = ["CAP_NET_BIND_SERVICE"]
        | .process.capabilities.ambient = ["CAP_NET_BIND_SERVICE"]'
    in_container grep -E '^Cap(Amb|Eff|Prm|Inh)' /proc/self/status
    assert_success
    local m
    m="$(cap_mask CAP_NET_BIND_SERVICE)"
    grep -qx "CapAmb:	$m" <<<"$stdout" || fail "CapAmb: $stdout"
    grep -qx "CapEff:	$m" <<<"$stdout" || fail "CapEff: $stdout"
    grep -qx "CapInh:	$m" <<<"$stdout" || fail "CapInh: $stdout"
}

@test "an unknown capability is warned about by name and skipped" {
    rt_only "the warning's wording"
    cfg '.process.capabilities.bounding += ["CAP_BOGUS"] | .process.capabilities.effective += ["CAP_BOGUS"]'
    in_container grep ^CapEff /proc/self/status
    assert_success
    assert_contains "$stderr" 'process.capabilities.bounding: unknown capability "CAP_BOGUS" is ignored'
    assert_contains "$stderr" 'process.capabilities.effective: unknown capability "CAP_BOGUS" is ignored'
    assert_contains "$stdout" "$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"
}

@test "sysctls of the container's own namespaces are set" {
    cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "12345678",
        "fs.mqueue.msg_max": "20"}'
    local host_fwd
    host_fwd="$(cat /proc/sys/net/ipv4/ip_forward)"
    in_container cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max
    assert_success
    assert_equal "$(echo $stdout)" "1 12345678 20"
    assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd"
}

@test "a sysctl that is not namespaced is refused" {
    cfg '.linux.sysctl = {"kernel.pid_max": "100000"}'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" '"kernel.pid_max" is not namespaced'
    assert_no_leak "$ID"
}

@test "a net.* sysctl without a network namespace of its own is refused" {
    cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}
        | .linux.namespaces |= map(select(.type != "network"))'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" '"net.ipv4.ip_forward" needs a new network namespace'
    assert_no_leak "$ID"
}

@test "hostname and domainname are set in the container's uts namespace" {
    cfg '.hostname = "rt-test-h" | .domainname = "rt-test.example"'
    in_container sh -c 'hostname; cat /proc/sys/kernel/domainname'
    assert_success
    assert_equal "$stdout" "rt-test-h
rt-test.example"
    [[ "$(cat /proc/sys/kernel/domainname)" != rt-test.example ]] || fail "the host's domainname changed"
}

@test "a hostname without a uts namespace is refused" {
    cfg '.hostname = "x" | .linux.namespaces |= map(select(.type != "uts"))'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "uts namespace"
    assert_no_leak "$ID"
}

@test "the container gets a session keyring of its own (not with --no-new-keyring)" {
    rt_only "the keyring's name"
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    grep -q "_ses.$ID" /proc/keys || fail "no session keyring _ses.$ID in /proc/keys"
    local id2
    id2="$(new_id nokeyring)"
    rtc run -d --no-new-keyring -b "$BUNDLE" "$id2"
    assert_success
    grep -q "_ses.$id2" /proc/keys && fail "--no-new-keyring made a keyring"
    true
}
