#!/usr/bin/env bats
# process.scheduler, process.ioPriority, process.execCPUAffinity, linux.memoryPolicy,
# linux.personality, linux.netDevices and linux.intelRdt: each effect read from inside the
# container (or from the host for the init's I/O priority), and each rejection.

load helpers

setup() {
    common_setup
    # veth pairs of this test (the kernel has no dummy driver here): "rtp<token><n>a/b"
    VETHS=()
}

teardown() {
    local v
    for v in "${VETHS[@]}"; do
        ip link del "$v" 2>/dev/null || true
    done
    common_teardown
}

# new_veth: a veth pair on the host, remembered for teardown; VETH is the name of its "a"
# end (the one to move), its peer is the same name ending in "b".
new_veth() {
    command -v ip >/dev/null || skip "ip (iproute2) is not installed"
    local base="rtp${TEST_TOKEN}${BATS_TEST_NUMBER}${#VETHS[@]}"
    ip link add "${base}a" type veth peer name "${base}b" || return 1
    VETHS+=("${base}a")
    VETH="${base}a"
}

# reject JQ ERE: with JQ applied to a fresh bundle, `run` fails with one `rt: ` line
# matching ERE, exit 1, and leaves nothing behind.
reject() {
    local id
    [[ -e "$BUNDLE/config.orig" ]] || cp "$BUNDLE/config.json" "$BUNDLE/config.orig"
    cp "$BUNDLE/config.orig" "$BUNDLE/config.json"
    cfg "$1"
    id="$(new_id)"
    rtc run -b "$BUNDLE" "$id"
    assert_error "$2"
    assert_no_leak "$id"
}

@test "scheduler: SCHED_BATCH with a nice value" {
    cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
    in_container sh -c 'grep ^policy /proc/self/sched; cut -d" " -f19 /proc/self/stat'
    assert_success
    assert_match "${lines[0]}" 'policy +: +3$'
    assert_equal "${lines[1]}" 7
}

@test "scheduler: SCHED_IDLE" {
    cfg '.process.scheduler = {policy: "SCHED_IDLE"}'
    in_container grep ^policy /proc/self/sched
    assert_success
    assert_match "$output" 'policy +: +5$'
}

@test "scheduler: SCHED_DEADLINE with runtime, deadline and period" {
    # a deadline task cannot fork: the container process reads its own /proc entry
    cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 10000000, deadline: 50000000,
                               period: 100000000}'
    in_container cat /proc/self/sched
    assert_success
    assert_match "$output" 'policy +: +6'
}

@test "scheduler: SCHED_FLAG_RESET_ON_FORK gives children nice 0" {
    cfg '.process.scheduler = {policy: "SCHED_OTHER", nice: -5, flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
    # /bin/cut by path and not last: busybox sh runs a bare "cut" in its own process, and
    # execs the last command without a fork
    in_container sh -c 'cut -d" " -f19 /proc/$$/stat; /bin/cut -d" " -f19 /proc/self/stat; true'
    assert_success
    assert_equal "${lines[0]}" -5
    assert_equal "${lines[1]}" 0
}

# fifo_in_new_cgroup: whether a process in a new cgroup below ours (where the container's goes)
# may take SCHED_FIFO: a kernel with CONFIG_RT_GROUP_SCHED gives a new group no realtime runtime.
fifo_in_new_cgroup() {
    local top=/sys/fs/cgroup own
    if cgroup_v2; then
        own="$(own_cgroup_v2)"
    else
        top=/sys/fs/cgroup/cpu
        own="$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' /proc/self/cgroup)"
    fi
    local d="$top${own%/}/rt-test-probe-$$-$RANDOM" r=0
    mkdir "$d" || return 2
    (in_cgroup "$d" chrt -f 10 true) 2>/dev/null || r=1
    rmdir "$d"
    return "$r"
}

@test "scheduler: SCHED_FIFO runs realtime, or says the cgroup has no realtime runtime" {
    command -v chrt >/dev/null || skip "chrt (util-linux) is needed to probe the host's realtime scheduling"
    local fifo=0
    fifo_in_new_cgroup || fifo=$?
    ((fifo < 2)) || fail "cannot make a probe cgroup"
    cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 10}'
    in_container grep -E '^(policy|prio) ' /proc/self/sched
    if ((fifo == 1)) && [[ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]]; then
        # cgroup v1 with CONFIG_RT_GROUP_SCHED: a new cpu cgroup has no realtime runtime
        assert_error 'process.scheduler: sched_setattr SCHED_FIFO: .*realtimeRuntime'
    elif ((fifo == 1)); then
        # cgroup v2 with CONFIG_RT_GROUP_SCHED: the same, and no file to give it some
        assert_error 'process.scheduler: sched_setattr SCHED_FIFO: Operation not permitted'
    else
        assert_success
        assert_match "${lines[0]}" 'policy +: +1$'
        assert_match "${lines[1]}" 'prio +: +89$'
    fi
}

@test "ioPriority: the class and priority the container sees" {
    cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
    in_container ionice
    assert_success
    assert_equal "$output" "best-effort: prio 6"
    cfg '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE"}'
    in_container ionice
    assert_success
    assert_equal "$output" "idle"
}

@test "ioPriority: a created container's init has it, seen from the host" {
    cfg '.process.ioPriority = {class: "IOPRIO_CLASS_RT", priority: 3}'
    set_args sleep 100
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    run ionice -p "$(state_field "$ID" .pid)"
    assert_equal "$output" "realtime: prio 3"
}

@test "execCPUAffinity: accepted and, as config.md says, not applied to the init" {
    local ours
    ours="$(grep Cpus_allowed_list /proc/self/status)"
    cfg '.process.execCPUAffinity = {initial: "0", final: "0"}'
    in_container grep Cpus_allowed_list /proc/self/status
    assert_success
    assert_equal "$output" "$ours"
}

# exec_or_skip ARGS...: `rtc exec ARGS`, skipping the test where exec is not there yet.
exec_or_skip() {
    rtc exec "$@"
    [[ "$stderr" != *"not implemented yet"* ]] || skip "exec is not implemented yet"
}

@test "execCPUAffinity: an exec'd process runs on the final CPUs, or stays on the initial ones" {
    (($(nproc) >= 2)) || skip "needs 2 CPUs"
    cfg '.process.execCPUAffinity = {initial: "0", final: "1"}'
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    exec_or_skip "$ID" grep Cpus_allowed_list /proc/self/status
    assert_success
    assert_equal "$output" $'Cpus_allowed_list:\t1'
    jq '.process | .args = ["grep", "Cpus_allowed_list", "/proc/self/status"] |
        .execCPUAffinity = {initial: "1"}' \
        "$BUNDLE/config.json" >"$TEST_DIR/process.json"
    rtc exec --process "$TEST_DIR/process.json" "$ID"
    assert_success
    assert_equal "$output" $'Cpus_allowed_list:\t1'
}

@test "scheduler and ioPriority of an exec'd process (--process)" {
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    jq '.process | .args = ["sh", "-c", "grep ^policy /proc/self/sched; ionice"] |
        .scheduler = {policy: "SCHED_BATCH", nice: 3} |
        .ioPriority = {class: "IOPRIO_CLASS_BE", priority: 1}' \
        "$BUNDLE/config.json" >"$TEST_DIR/process.json"
    exec_or_skip --process "$TEST_DIR/process.json" "$ID"
    assert_success
    assert_match "${lines[0]}" 'policy +: +3$'
    assert_equal "${lines[1]}" "best-effort: prio 1"
    jq '.scheduler = {policy: "SCHED_NONE"}' "$TEST_DIR/process.json" >"$TEST_DIR/bad.json"
    rtc exec --process "$TEST_DIR/bad.json" "$ID"
    assert_failure 255
    assert_rt_error_line
    assert_contains "$stderr" 'process.scheduler.policy: unknown policy "SCHED_NONE"'
}

@test "memoryPolicy: bind, interleave with static nodes, preferred, local" {
    local mode nodes flags want
    while read -r mode nodes flags want; do
        cfg ".linux.memoryPolicy = {mode: \"$mode\", nodes: \"${nodes//-/}\", flags: $flags}"
        # the policy of the process shows on each of its mappings
        in_container head -n1 /proc/self/numa_maps
        assert_success
        assert_match "$output" "^[0-9a-f]+ $want "
    done <<'EOF'
MPOL_BIND 0 [] bind:0
MPOL_INTERLEAVE 0 ["MPOL_F_STATIC_NODES"] interleave=static:0
MPOL_PREFERRED 0 [] prefer:0
MPOL_LOCAL - [] local
EOF
}

@test "personality: LINUX32 makes uname report a 32-bit machine" {
    [[ "$(uname -m)" == x86_64 ]] || skip "needs x86_64"
    cfg '.linux.personality = {domain: "LINUX32"}'
    in_container uname -m
    assert_success
    assert_equal "$output" i686
    cfg '.linux.personality = {domain: "LINUX"}'
    in_container uname -m
    assert_success
    assert_equal "$output" x86_64
}

@test "personality: a flag is warned about by name and ignored" {
    rt_only "warning wording"
    cfg '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}'
    in_container true
    assert_success
    assert_contains "$stderr" 'ADDR_NO_RANDOMIZE'
}

@test "netDevices: moved, renamed, addresses kept, up; gone from the host" {
    local dev
    new_veth
    dev=$VETH
    ip addr add 10.231.7.2/24 dev "$dev"
    ip addr add 2001:db8:7::2/64 dev "$dev"
    cfg ".linux.netDevices = {\"$dev\": {name: \"ctr0\"}}"
    set_args sh -c 'ls /sys/class/net; ip -o addr show dev ctr0; ip -o link show dev ctr0; echo listed; sleep 100'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    wait_file_contains "$RTC_OUT" listed
    run cat "$RTC_OUT"
    assert_contains "$output" "lo"
    assert_contains "$output" "inet 10.231.7.2/24 scope global ctr0"
    assert_contains "$output" "inet6 2001:db8:7::2/64 scope global"
    assert_match "$output" "ctr0[@:].*<[^>]*UP"
    run ! ip link show "$dev"
}

@test "netDevices: the host name is kept without a name, and a %d template is filled in" {
    local a b
    new_veth
    a=$VETH
    new_veth
    b=$VETH
    cfg ".linux.netDevices = {\"$a\": {}, \"$b\": {name: \"eth%d\"}}"
    in_container ls /sys/class/net
    assert_success
    assert_equal "$(echo $output)" "eth0 lo $a"
}

@test "netDevices: a name taken in the container fails cleanly and the interface stays" {
    local dev
    new_veth
    dev=$VETH
    cfg ".linux.netDevices = {\"$dev\": {name: \"lo\"}}"
    in_container true
    assert_error "linux.netDevices: \"$dev\": an interface named \"lo\" already exists"
    ip link show "$dev" >/dev/null
}

@test "rejected: scheduler" {
    rt_only "error wording"
    reject '.process.scheduler = {policy: "SCHED_FOO"}' 'process.scheduler.policy: unknown policy "SCHED_FOO"'
    reject '.process.scheduler = {policy: "SCHED_ISO"}' 'process.scheduler.policy: SCHED_ISO is not implemented'
    reject '.process.scheduler = {policy: "SCHED_OTHER", flags: ["SCHED_FLAG_BOGUS"]}' 'process.scheduler.flags\[0\]: unknown flag "SCHED_FLAG_BOGUS"'
    reject '.process.scheduler = {policy: "SCHED_OTHER", nice: 20}' 'process.scheduler.nice: 20 is out of range -20..19'
    reject '.process.scheduler = {policy: "SCHED_BATCH", nice: -21}' 'process.scheduler.nice: -21 is out of range'
    reject '.process.scheduler = {policy: "SCHED_OTHER", priority: 5}' 'process.scheduler.priority: only SCHED_FIFO and SCHED_RR'
    reject '.process.scheduler = {policy: "SCHED_RR"}' 'process.scheduler.priority: SCHED_RR needs a priority in 1..99'
    reject '.process.scheduler = {policy: "SCHED_OTHER", runtime: 1000000}' 'process.scheduler: runtime, deadline and period are only for SCHED_DEADLINE'
    reject '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 2000000, deadline: 1000000}' 'process.scheduler.deadline: must be at least the runtime'
}

@test "rejected: ioPriority and execCPUAffinity" {
    rt_only "error wording"
    reject '.process.ioPriority = {class: "IOPRIO_CLASS_NONE"}' 'process.ioPriority.class: unknown class "IOPRIO_CLASS_NONE"'
    reject '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 8}' 'process.ioPriority.priority: 8 is out of range 0..7'
    reject '.process.execCPUAffinity = {initial: "3-1"}' 'process.execCPUAffinity.initial: invalid list "3-1"'
    reject '.process.execCPUAffinity = {final: "0,,1"}' 'process.execCPUAffinity.final: invalid list'
}

@test "rejected: memoryPolicy and personality" {
    rt_only "error wording"
    reject '.linux.memoryPolicy = {mode: "MPOL_SOMETIMES"}' 'linux.memoryPolicy.mode: unknown mode "MPOL_SOMETIMES"'
    reject '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_FAST"]}' 'linux.memoryPolicy.flags\[0\]: unknown flag "MPOL_F_FAST"'
    reject '.linux.memoryPolicy = {mode: "MPOL_BIND"}' 'linux.memoryPolicy.nodes: MPOL_BIND needs at least one node'
    reject '.linux.memoryPolicy = {mode: "MPOL_DEFAULT", nodes: "0"}' 'linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes'
    reject '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}' 'exclude each other'
    reject '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0-x"}' 'linux.memoryPolicy.nodes: invalid list "0-x"'
    # a node the machine does not have: refused by the kernel in the init
    reject '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "1000"}' 'linux.memoryPolicy: set_mempolicy MPOL_BIND nodes "1000": Invalid argument'
    reject '.linux.personality = {domain: "LINUX64"}' 'linux.personality.domain: unknown domain "LINUX64"'
}

@test "rejected: netDevices and intelRdt" {
    rt_only "error wording"
    local dev
    new_veth
    dev=$VETH
    reject '.linux.netDevices = {"rt-no-such-if": {}}' 'linux.netDevices: no interface "rt-no-such-if" on the host'
    reject ".linux.netDevices = {\"$dev\": {}} | .linux.namespaces |= map(select(.type != \"network\"))" 'linux.netDevices: moving interfaces needs a network namespace'
    reject ".linux.netDevices = {\"$dev\": {name: \"a/b\"}}" "linux.netDevices\[\"$dev\"\].name: invalid interface name \"a/b\""
    reject ".linux.netDevices = {\"$dev\": {name: \"much-too-long-name\"}}" 'invalid interface name "much-too-long-name"'
    reject ".linux.netDevices = {\"$dev\": {name: \"lo\"}, \"${dev%a}b\": {name: \"lo\"}}" 'would both be named "lo"'
    ip link show "$dev" >/dev/null
    if ! awk '$2 == "/sys/fs/resctrl" && $3 == "resctrl" { f = 1 } END { exit !f }' /proc/self/mounts; then
        reject '.linux.intelRdt = {closID: "gold"}' 'linux.intelRdt: no resctrl filesystem is mounted at /sys/fs/resctrl'
    fi
    reject '.linux.intelRdt = {memBwSchema: "L3:0=ff"}' 'linux.intelRdt.memBwSchema: must start with "MB:"'
}
