#!/usr/bin/env bats
# cgroups on a cgroup v2 only host: every resource read back from the v2 files with the
# conversions of docs/cgroups.md, the eBPF device filter, OOM, update, pause (cgroup.freeze),
# ps and events.  Run them in the test VM: tests/vm/run-bats.sh tests/bats/cgroups-v2.bats.
# The v1 tests are in cgroups.bats.
#
# The VM emulates its CPU (TCG), where every fork is costly: the tests share one small rootfs
# and base config (made once in setup_file) and edit the config with a single jq call.

# bats file_tags=vm
load helpers

is_v2() { [[ -f /sys/fs/cgroup/cgroup.controllers ]]; }

setup_file() {
    is_v2 || return 0
    local base="$BATS_FILE_TMPDIR/base" a
    mkdir -p "$base/rootfs/bin" "$base/rootfs/etc"
    cp "$BUSYBOX" "$base/rootfs/bin/busybox"
    for a in sh cat echo head sleep dd true; do ln -s busybox "$base/rootfs/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$base/rootfs/etc/passwd"
    (cd "$base" && "$RT" spec) || return 1
    jq --arg r "$base/rootfs" '.process.terminal = false | .root.path = $r' "$base/config.json" \
        >"$base/base.json"
}

# common_setup's bundle: the shared rootfs and a copy of the base config.
make_bundle() {
    mkdir -p "$1"
    cp "$BATS_FILE_TMPDIR/base/base.json" "$1/config.json"
}

# Where the containers' cgroups go. Without linux.cgroupsPath a container's cgroup is made
# below the caller's; that works for limits only where every cgroup from the root down to the
# caller's can hand the controllers down (the root, or a cgroup without processes). Elsewhere
# (a CI job, a service, a shell in a container) the caller's cgroup holds processes, rt
# refuses limits there (the test "the caller's cgroup holds processes" shows it), and these
# tests give the containers an absolute linux.cgroupsPath instead: /<id>.
setup() {
    is_v2 || skip "cgroup v2 tests: this host is not cgroup v2 only (no /sys/fs/cgroup/cgroup.controllers); run them with tests/vm/run-bats.sh"
    common_setup
    ABS_PATHS=""
    OWN_CGS=()
    if ! v2_path_delegates "$(own_cgroup_v2)" memory; then
        v2_delegates /sys/fs/cgroup memory ||
            skip "no cgroup here can hand the memory controller to a container (the root: $(cat /sys/fs/cgroup/cgroup.controllers))"
        ABS_PATHS=1
    fi
}

teardown() {
    local rc=0 d
    common_teardown || rc=$?
    # cgroups the test made itself, deepest first
    for d in "${OWN_CGS[@]}"; do
        [[ ! -d "$d" ]] || rmdir "$d" || rc=1
    done
    return $rc
}

# own_cg PATH: make the cgroup2 directory /sys/fs/cgroup/PATH (teardown removes it).
own_cg() {
    mkdir "/sys/fs/cgroup/$1"
    OWN_CGS=("/sys/fs/cgroup/$1" "${OWN_CGS[@]}")
}

# conf RESOURCES ARGS...: linux.resources and process.args of $BUNDLE in one jq call (and the
# absolute cgroupsPath /$ID where the caller's cgroup cannot take limits).
conf() {
    local f="$BUNDLE/config.json" r=$1 path=""
    shift
    [[ -z "$ABS_PATHS" ]] || path="/$ID"
    jq --argjson r "$r" --arg p "$path" '.linux.resources = $r | .process.args = $ARGS.positional
        | if $p != "" then .linux.cgroupsPath = $p else . end' --args -- "$@" \
        <"$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# cg [ID]: the container's cgroup directory.
cg() {
    cgroups_of "${1:-$ID}" | head -1
}

# has_ctrl CTRL: the host has CTRL (rt enables it on the way to the container's cgroup).
has_ctrl() {
    grep -qw "$1" /sys/fs/cgroup/cgroup.controllers
}

# run_reading RESOURCES FILES...: run $ID detached with RESOURCES; its init prints
# FILE=<content> of each /sys/fs/cgroup/FILE as seen from inside, "done", and sleeps.
run_reading() {
    local r=$1
    shift
    conf "$r" sh -c 'for f; do echo "$f=$(cat /sys/fs/cgroup/$f)"; done; echo done; exec sleep 1000' sh "$@"
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    READ_OUT="$RTC_OUT"
    wait_file_contains "$READ_OUT" done 20
}

inside() {
    grep -m1 "^$1=" "$READ_OUT" | cut -d= -f2-
}

host() {
    cat "$(cg)/$1"
}

# both FILE WANT: the same read from the host and from inside.
both() {
    assert_equal "$(host "$1")" "$2"
    assert_equal "$(inside "$1")" "$2"
}

# next_container: a fresh $ID for the next container of the test.
next_container() {
    ID="$(new_id)"
}

# refused RESOURCES ERE: run with RESOURCES fails with one line matching ERE (teardown checks
# that nothing of it is left).
refused() {
    next_container
    conf "$1" true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "$2"
}

# unprepare_root: in the test VM only (never on a real host), take every controller out of the
# root's cgroup.subtree_control, as a fresh boot without systemd leaves it.
unprepare_root() {
    [[ -n "${RT_VM:-}" ]] || return 0
    local c
    for c in $(cat /sys/fs/cgroup/cgroup.subtree_control); do
        echo "-$c" >/sys/fs/cgroup/cgroup.subtree_control
    done
    assert_equal "$(cat /sys/fs/cgroup/cgroup.subtree_control)" ""
}

# limits_under RUNTIME ROOT ID PATH: run ID under RUNTIME with linux.cgroupsPath PATH, a 64 MiB
# memory limit and a pids limit of 20; stdout is "<memory.max> <pids.max>" as read inside (in
# a cgroup namespace, where runc too shows the container's own cgroup at /sys/fs/cgroup).
limits_under() {
    local f="$BUNDLE/config.json"
    jq --arg p "$4" '.linux.cgroupsPath = $p
        | .linux.namespaces |= (map(select(.type != "cgroup")) + [{"type":"cgroup"}])
        | .linux.resources = {"memory":{"limit":67108864},"pids":{"limit":20}}
        | .process.args = ["sh","-c","echo $(cat /sys/fs/cgroup/memory.max) $(cat /sys/fs/cgroup/pids.max)"]' \
        <"$f" >"$f.tmp" && mv "$f.tmp" "$f"
    RT="$1" rt_raw --root "$2" run -b "$BUNDLE" "$3"
}

@test "v2 unprepared root: /rt-test-top and /a/b/c paths get their memory and pids limits, as under runc" {
    local runtimes=("$RT") rt_root=("$ROOT") runtime i id top nested
    if is_rt && command -v runc >/dev/null; then
        runtimes+=(runc)
        rt_root+=("$TEST_DIR/runc-root")
    fi
    for i in "${!runtimes[@]}"; do
        runtime=${runtimes[$i]}
        unprepare_root
        id="$(new_id top "${rt_root[$i]}" "$runtime")"
        limits_under "$runtime" "${rt_root[$i]}" "$id" "/$id"
        assert_success
        top=$stdout
        assert_equal "$top" "67108864 20"
        # nested: every level from the root down hands memory and pids to the next
        unprepare_root
        id="$(new_id nested "${rt_root[$i]}" "$runtime")"
        OWN_CGS=("/sys/fs/cgroup/$ID_PREFIX-a/b" "/sys/fs/cgroup/$ID_PREFIX-a")
        limits_under "$runtime" "${rt_root[$i]}" "$id" "/$ID_PREFIX-a/b/$id"
        assert_success
        nested=$stdout
        assert_equal "$nested" "67108864 20"
        # rt removes the parents it made with the container; runc leaves them
        if [[ "$runtime" == "$RT" ]] && is_rt; then
            [[ ! -e "/sys/fs/cgroup/$ID_PREFIX-a" ]] || fail "rt left /sys/fs/cgroup/$ID_PREFIX-a"
        else
            rmdir "/sys/fs/cgroup/$ID_PREFIX-a/b" "/sys/fs/cgroup/$ID_PREFIX-a"
        fi
        echo "$runtime: top $top, nested $nested"
    done
}

@test "v2 the caller's cgroup holds processes: limits below it are refused naming it; no limits, or an absolute path, work" {
    rt_only "rt's wording"
    local caller="/sys/fs/cgroup/$ID_PREFIX-caller" id2 id3
    own_cg "$ID_PREFIX-caller"
    # a relative cgroupsPath lands below the caller's cgroup, which cannot delegate memory
    conf '{"memory":{"limit":67108864}}' true
    cfg ".linux.cgroupsPath = \"$ID\""
    RT_CGROUP=$caller rtc run -b "$BUNDLE" "$ID"
    assert_error "^rt: linux.resources.memory.limit: memory.max is not available in $caller/$ID: the memory controller cannot be enabled for the children of $caller, which holds processes \(cgroup v2's no-internal-process rule\): give linux.cgroupsPath an absolute path, or move the caller into a leaf cgroup first\$"
    assert_no_leak "$ID"
    # without limits the container runs there, as under runc
    id2="$(new_id)"
    conf '{}' sleep 1000
    cfg ".linux.cgroupsPath = \"$id2\""
    RT_CGROUP=$caller rtc run -d -b "$BUNDLE" "$id2"
    assert_success
    grep -qx "$(state_field "$id2" .pid)" "$caller/$id2/cgroup.procs"
    rtc delete -f "$id2"
    assert_success
    # an absolute path, from the same caller, gets the limit
    id3="$(new_id)"
    conf '{"memory":{"limit":67108864}}' cat /sys/fs/cgroup/memory.max
    cfg ".linux.cgroupsPath = \"/$id3\""
    RT_CGROUP=$caller rtc run -b "$BUNDLE" "$id3"
    assert_success
    assert_equal "$stdout" 67108864
}

@test "v2 memory: limit -> memory.max, reservation -> memory.low, swap -> memory.swap.max = swap - limit; -1 is max" {
    run_reading '{"memory":{"limit":67108864,"reservation":33554432,"swap":100663296}}' \
        memory.max memory.low memory.swap.max
    both memory.max 67108864
    both memory.low 33554432
    both memory.swap.max 33554432
    next_container
    run_reading '{"memory":{"limit":-1,"swap":-1}}' memory.max memory.swap.max
    both memory.max max
    both memory.swap.max max
}

@test "v2 cpu: shares -> cpu.weight, quota/period -> cpu.max, burst, idle, cpus, mems" {
    run_reading '{"cpu":{"shares":512,"quota":20000,"period":50000,"burst":1000,"idle":0,"cpus":"0","mems":"0"}}' \
        cpu.weight cpu.max cpu.max.burst cpuset.cpus cpuset.mems
    # 1 + (512 - 2) * 9999 / 262142
    both cpu.weight 20
    both cpu.max "20000 50000"
    both cpu.max.burst 1000
    both cpuset.cpus 0
    both cpuset.mems 0
    [[ ! -f "$(cg)/cpu.idle" ]] || assert_equal "$(host cpu.idle)" 0
    next_container
    run_reading '{"cpu":{"quota":-1,"period":100000,"shares":262144}}' cpu.max cpu.weight
    both cpu.max "max 100000"
    both cpu.weight 10000
}

@test "v2 pids, hugetlb, unified: pids.max, hugetlb.<size>.max (+ .rsvd.max), keys as is" {
    local huge='' files=(pids.max memory.high memory.max)
    if has_ctrl hugetlb && [[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]]; then
        huge=',"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]'
        files+=(hugetlb.2MB.max)
    fi
    # unified comes last and wins over the converted values
    run_reading "{\"pids\":{\"limit\":10},\"memory\":{\"limit\":67108864},
                  \"unified\":{\"memory.high\":\"52428800\",\"memory.max\":\"83886080\"}$huge}" \
        "${files[@]}"
    both pids.max 10
    both memory.high 52428800
    both memory.max 83886080
    if [[ -n "$huge" ]]; then
        both hugetlb.2MB.max 4194304
        [[ ! -f "$(cg)/hugetlb.2MB.rsvd.max" ]] || assert_equal "$(host hugetlb.2MB.rsvd.max)" 4194304
    fi
}

@test "v2 io: weight -> io.bfq.weight or io.weight converted; throttles -> io.max" {
    has_ctrl io || skip "no io controller"
    local dev='' d
    for d in /sys/block/*/dev; do
        [[ -e "$d" ]] && dev="$(cat "$d")" && break
    done
    local r='{"blockIO":{"weight":300}}' maj=${dev%:*} min=${dev#*:}
    [[ -z "$dev" ]] || r="{\"blockIO\":{\"weight\":300,
          \"throttleReadBpsDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":1048576}],
          \"throttleWriteBpsDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":2097152}],
          \"throttleReadIOPSDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":100}],
          \"throttleWriteIOPSDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":200}]}}"
    run_reading "$r" io.max
    d="$(cg)"
    if [[ -f "$d/io.bfq.weight" ]]; then
        assert_contains "$(cat "$d/io.bfq.weight")" "default 300"
    elif [[ -f "$d/io.weight" ]]; then
        # 1 + (300 - 10) * 9999 / 990
        assert_contains "$(cat "$d/io.weight")" "default 2930"
    else
        fail "neither io.bfq.weight nor io.weight"
    fi
    [[ -z "$dev" ]] || both io.max "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200"
}

@test "v2 refusals: what v2 cannot do is one line naming the field, nothing left" {
    rt_only "runc 1.1 ignores most of these"
    refused '{"memory":{"swappiness":10}}' "memory.swappiness: not supported on cgroup v2"
    refused '{"memory":{"disableOOMKiller":true}}' "disableOOMKiller: not supported on cgroup v2"
    refused '{"memory":{"useHierarchy":false}}' "useHierarchy"
    refused '{"memory":{"limit":67108864,"swap":1048576}}' "memory.swap"
    refused '{"cpu":{"realtimeRuntime":1000}}' "realtimeRuntime: not supported on cgroup v2"
    refused '{"blockIO":{"leafWeight":300}}' "leafWeight: not supported on cgroup v2"
    refused '{"network":{"classID":1048577}}' "cgroup v2 has no net_cls"
    refused '{"network":{"priorities":[{"name":"eth0","priority":5}]}}' "cgroup v2 has no net_prio"
    refused '{"unified":{"../memory.max":"1"}}' "invalid key"
    refused '{"unified":{"cgroup.procs":"1"}}' "invalid key"
    refused '{"unified":{"nosuch.file":"1"}}' "nosuch.file is not available"
    ! has_ctrl rdma || refused '{"rdma":{"nosuch_rdma0":{"hcaHandles":2}}}' "rdma.max"
}

@test "v2 defaults and warnings: network defaults accepted, kernel memory a warning" {
    rt_only "rt's wording"
    conf '{"network":{"classID":0},"memory":{"kernel":67108864,"kernelTCP":1048576}}' true
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_contains "$stderr" "kernel memory limits are not supported on cgroup v2"
}

@test "v2 memory: 64 MiB limit, no swap: allocating 100 MiB is OOM-killed and events reports it" {
    conf '{"memory":{"limit":67108864,"swap":67108864}}' \
        sh -c 'dd if=/dev/zero of=/dev/null bs=100M count=1; echo "dd=$?"; exec sleep 1000'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local out="$RTC_OUT" ev="$TEST_DIR/events.out"
    "$RT" --root "$ROOT" events --interval 100ms "$ID" >"$ev" 2>&1 </dev/null &
    local evpid=$!
    BG_PIDS+=("$evpid")
    wait_file_contains "$ev" '"type":"stats"' 20
    rtc start "$ID"
    assert_success
    wait_file_contains "$out" "dd=137" 20
    wait_file_contains "$ev" "{\"type\":\"oom\",\"id\":\"$ID\"}" 10
    assert_contains "$(host memory.events)" "oom_kill 1"
    rtc delete -f "$ID"
    assert_success
    wait_pid_exit "$evpid" 10
}

@test "v2 pids: limit 10 stops a fork bomb" {
    conf '{"pids":{"limit":10}}' sh -c 'f() { f | f & }; f 2>/dev/null; echo bombed; exec sleep 1000'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local deadline=$((SECONDS + 20))
    until [[ "$(host pids.events | awk '$1 == "max" {print $2}')" -gt 0 ]]; do
        ((SECONDS < deadline)) || fail "pids.events never counted a refused fork"
        sleep 0.1
    done
    [[ "$(host pids.current)" -le 10 ]]
}

@test "v2 devices: the eBPF program: EPERM on a node not allowed, allowed ones open" {
    cfg '.linux.devices = [{"path":"/dev/kmsg","type":"c","major":1,"minor":11,"fileMode":438},
                           {"path":"/dev/loop-control","type":"c","major":10,"minor":237,"fileMode":438}]'
    # deny all, then /dev/kmsg for writing only (opening it write-only needs no capability)
    conf '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"w"}]}' \
        sh -c 'echo rt-cgroups-v2-test >/dev/kmsg && echo kmsg-ok; head -c0 /dev/null && echo null-ok; head -c0 /dev/loop-control; true'
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_contains "$stdout" "kmsg-ok"
    assert_contains "$stdout" "null-ok"
    assert_contains "$stderr" "/dev/loop-control: Operation not permitted"
    # allow all, then deny /dev/kmsg for writing
    next_container
    conf '{"devices":[{"allow":true,"access":"rwm"},{"allow":false,"type":"c","major":1,"minor":11,"access":"w"}]}' \
        sh -c 'echo x >/dev/kmsg; head -c0 /dev/loop-control; true'
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_contains "$stderr" "/dev/kmsg: Operation not permitted"
    [[ "$stderr" != *"loop-control: Operation not permitted"* ]]
}

@test "v2 update: memory, swap, cpu, pids, cpuset, unified; quota and period alone" {
    conf '{"memory":{"limit":67108864,"swap":134217728},"cpu":{"quota":20000,"period":50000}}' sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc update --memory 100M --memory-swap 300M --cpu-share 1024 --pids-limit 20 --cpuset-cpus 0 "$ID"
    assert_success
    assert_equal "$(host memory.max)" 104857600
    assert_equal "$(host memory.swap.max)" 209715200
    assert_equal "$(host cpu.weight)" 39
    assert_equal "$(host pids.max)" 20
    assert_equal "$(host cpuset.cpus)" 0
    rtc update --cpu-quota 10000 "$ID"
    assert_success
    assert_equal "$(host cpu.max)" "10000 50000"
    rtc update --cpu-period 100000 "$ID"
    assert_success
    assert_equal "$(host cpu.max)" "10000 100000"
    # swap alone: against the current memory.max
    rtc update --memory-swap 200M "$ID"
    assert_success
    assert_equal "$(host memory.swap.max)" 104857600
    echo '{"unified":{"memory.high":"90000000"}}' | "$RT" --root "$ROOT" update -r - "$ID"
    assert_equal "$(host memory.high)" 89997312
}

@test "v2 pause: cgroup.events frozen 1 and state paused; resume; delete -f of a paused one" {
    conf '{}' sh -c 'while :; do :; done'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc pause "$ID"
    assert_success
    assert_contains "$(host cgroup.events)" "frozen 1"
    assert_equal "$(container_status "$ID")" paused
    rtc pause "$ID"
    assert_error "container not running"
    rtc resume "$ID"
    assert_success
    assert_contains "$(host cgroup.events)" "frozen 0"
    assert_equal "$(container_status "$ID")" running
    rtc pause "$ID"
    assert_success
    rtc delete -f "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "v2 ps and events --stats: pids, memory and cpu figures that move" {
    conf '{"pids":{"limit":50},"memory":{"limit":67108864}}' sh -c 'sleep 1000 & while :; do :; done'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local deadline=$((SECONDS + 10))
    until [[ "$("$RT" --root "$ROOT" ps --format json "$ID")" == \[*,*\] ]]; do
        ((SECONDS < deadline)) || fail "ps never listed 2 processes"
        sleep 0.1
    done
    rtc ps "$ID"
    assert_success
    assert_equal "${#lines[@]}" 3
    rtc events --stats "$ID"
    assert_success
    local s1="$stdout"
    jq -e '.data.pids.current == 2 and .data.pids.limit == 50
        and .data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0
        and (.data.memory.raw.anon | type) == "number"' <<<"$s1"
    # the busy loop's cpu time grows (polled: a loaded machine may give it little)
    deadline=$((SECONDS + 20))
    until rtc events --stats "$ID" &&
        jq -e --argjson a "$s1" '.data.cpu.usage.total > $a.data.cpu.usage.total' <<<"$stdout" >/dev/null; do
        ((SECONDS < deadline)) || fail "cpu usage did not move in 20 s: $stdout"
        sleep 0.1
    done
}

@test "v2 placement: the init is in its cgroup; cgroupns shows it as /; delete removes nested cgroups" {
    cfg '.linux.namespaces += [{"type":"cgroup"}]'
    conf '{}' sh -c 'cat /proc/self/cgroup; exec sleep 1000'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    wait_file_contains "$RTC_OUT" "0::/" 20
    assert_equal "$(cat "$RTC_OUT")" "0::/"
    grep -qx "$(state_field "$ID" .pid)" "$(cg)/cgroup.procs"
    mkdir "$(cg)/child"
    rtc delete -f "$ID"
    assert_success
    assert_equal "$(cgroups_of "$ID")" ""
}
