#!/usr/bin/env bats
# cgroups on a v1 (or hybrid) host: every resource of linux.resources read back from the kernel
# files (host side and inside the container), the refusals of what this host lacks, cgroupsPath
# and what delete removes, and the commands update, pause, resume, ps, events.  The v2 tests are
# in cgroups-v2.bats.

load helpers

setup() {
    common_setup
    [[ -d /sys/fs/cgroup/memory && -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]] ||
        skip "cgroup v1 tests: this host has no cgroup v1 memory hierarchy (see cgroups-v2.bats)"
}

teardown() {
    local rc=0
    common_teardown || rc=$?
    # a cgroup a test made itself (not the runtime)
    if [[ -n "${OWN_CG:-}" && -d "$OWN_CG" ]]; then rmdir "$OWN_CG" || rc=1; fi
    return $rc
}

# res JSON: linux.resources of $BUNDLE.
res() {
    cfg ".linux.resources = $1"
}

# cg CTRL [ID]: the container's directory in the v1 hierarchy mounted at /sys/fs/cgroup/CTRL.
cg() {
    cgroups_of "${2:-$ID}" | grep -m1 "^/sys/fs/cgroup/$1/" || {
        echo "no $1 cgroup directory for ${2:-$ID}" >&2
        return 1
    }
}

# run_reading FILES...: run $ID detached; its init prints FILE=<content> of each
# /sys/fs/cgroup/FILE as it sees it from inside, then "done", then sleeps.
run_reading() {
    set_args sh -c 'for f; do echo "$f=$(cat /sys/fs/cgroup/$f)"; done; echo done; exec sleep 1000' sh "$@"
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    READ_OUT="$RTC_OUT"
    wait_file_contains "$READ_OUT" done
}

# inside FILE: the value the container read for /sys/fs/cgroup/FILE.
inside() {
    grep -m1 "^$1=" "$READ_OUT" | cut -d= -f2-
}

# host CTRL FILE: the value of FILE in the container's CTRL cgroup, read from the host.
host() {
    cat "$(cg "$1")/$2"
}

# both CTRL FILE WANT: host and inside both read WANT.
both() {
    assert_equal "$(host "$1" "$2")" "$3"
    assert_equal "$(inside "$1/$2")" "$3"
}

# a whole block device of the host, as MAJOR:MINOR
block_dev() {
    local d
    for d in /sys/block/*/dev; do
        cat "$d"
        return
    done
}

# --- memory -----------------------------------------------------------------------------------

@test "memory: limit, reservation, swap, swappiness, kernelTCP, disableOOMKiller, useHierarchy" {
    [[ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]] || skip "no swap accounting (memsw)"
    res '{"memory":{"limit":67108864,"reservation":33554432,"swap":134217728,"swappiness":10,
          "kernelTCP":16777216,"disableOOMKiller":true,"useHierarchy":true}}'
    run_reading memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes \
        memory/memory.memsw.limit_in_bytes memory/memory.swappiness \
        memory/memory.kmem.tcp.limit_in_bytes memory/memory.oom_control memory/memory.use_hierarchy
    both memory memory.limit_in_bytes 67108864
    both memory memory.soft_limit_in_bytes 33554432
    both memory memory.memsw.limit_in_bytes 134217728
    both memory memory.swappiness 10
    # runc 1.1 ignores kernelTCP; rt sets it where the kernel still has it
    if is_rt; then both memory memory.kmem.tcp.limit_in_bytes 16777216; fi
    both memory memory.use_hierarchy 1
    assert_contains "$(host memory memory.oom_control)" "oom_kill_disable 1"
    assert_contains "$(inside memory/memory.oom_control)" "oom_kill_disable 1"
}

@test "memory: -1 means unlimited for limit and swap" {
    res '{"memory":{"limit":-1,"swap":-1}}'
    run_reading memory/memory.limit_in_bytes
    assert_equal "$(host memory memory.limit_in_bytes)" 9223372036854771712
}

@test "memory: kernel (gone from new kernels) is a warning naming the file, not an error" {
    rt_only "runc ignores kernel memory with a warning of its own"
    # does this kernel still take a kernel memory limit?
    local probe="/sys/fs/cgroup/memory/rt-kmem-probe-$TEST_TOKEN" has=0
    mkdir "$probe"
    echo 67108864 2>/dev/null >"$probe/memory.kmem.limit_in_bytes" && has=1
    rmdir "$probe"
    res '{"memory":{"kernel":67108864,"kernelTCP":-1}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    if ((has)); then
        assert_equal "$stderr" ""
    else
        assert_contains "$stderr" "linux.resources.memory.kernel"
        assert_contains "$stderr" "memory.kmem.limit_in_bytes"
        assert_equal "$(grep -c . <<<"$stderr")" 1
    fi
}

@test "memory: swap below limit, swappiness over 100 and useHierarchy false are refused" {
    res '{"memory":{"limit":67108864,"swap":33554432}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "memory.swap|memsw"
    assert_no_leak "$ID"

    res '{"memory":{"swappiness":101}}'
    local id2
    id2="$(new_id)"
    rtc run -b "$BUNDLE" "$id2"
    assert_error "swappiness"
    assert_no_leak "$id2"

    # runc 1.1 ignores useHierarchy; rt says the kernel refuses it
    is_rt || return 0
    res '{"memory":{"useHierarchy":false}}'
    local id3
    id3="$(new_id)"
    rtc run -b "$BUNDLE" "$id3"
    assert_error "memory.use_hierarchy"
    assert_no_leak "$id3"
}

@test "memory: 64 MiB limit and memsw: allocating 100 MiB is OOM-killed and events reports it" {
    [[ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]] || skip "no swap accounting (memsw)"
    res '{"memory":{"limit":67108864,"swap":67108864}}'
    set_args sh -c 'dd if=/dev/zero of=/dev/null bs=100M count=1; echo "dd=$?"; exec sleep 1000'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local out="$RTC_OUT" ev="$TEST_DIR/events.out"
    "$RT" --root "$ROOT" events --interval 100ms "$ID" >"$ev" 2>&1 </dev/null &
    local evpid=$!
    BG_PIDS+=("$evpid")
    # the first stats record: the OOM notifier is registered by then
    wait_file_contains "$ev" '"type":"stats"'
    rtc start "$ID"
    assert_success
    wait_file_contains "$out" "dd=137"
    wait_file_contains "$ev" "{\"type\":\"oom\",\"id\":\"$ID\"}"
    # and it goes on reporting stats after the OOM record
    local i
    for i in $(seq 100); do
        awk '/"type":"oom"/ {o = 1} o && /"type":"stats"/ {s = 1} END {exit !s}' "$ev" && break
        sleep 0.1
    done
    awk '/"type":"oom"/ {o = 1} o && /"type":"stats"/ {s = 1} END {exit !s}' "$ev" ||
        fail "no stats record after the OOM record: $(cat "$ev")"
    rtc events --stats "$ID"
    assert_success
    assert_equal "$(jq -r .data.memory.usage.limit <<<"$stdout")" 67108864
    [[ "$(jq -r .data.memory.raw.total_rss <<<"$stdout")" -lt 67108864 ]]
    # events ends by itself when the container's cgroup goes
    rtc delete -f "$ID"
    assert_success
    wait_pid_exit "$evpid" 5
}

# --- cpu --------------------------------------------------------------------------------------

@test "cpu: shares, quota, period, burst, idle, cpus and mems" {
    local burst='' idle=''
    # runc 1.1 predates burst
    [[ -f /sys/fs/cgroup/cpu/cpu.cfs_burst_us ]] && is_rt && burst=',"burst":1000'
    [[ -f /sys/fs/cgroup/cpu/cpu.idle ]] && idle=',"idle":0'
    res "{\"cpu\":{\"shares\":512,\"quota\":20000,\"period\":50000,\"cpus\":\"0\",\"mems\":\"0\"$burst$idle}}"
    run_reading cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuset/cpuset.cpus \
        cpuset/cpuset.mems
    both cpu cpu.shares 512
    both cpu cpu.cfs_quota_us 20000
    both cpu cpu.cfs_period_us 50000
    both cpuset cpuset.cpus 0
    both cpuset cpuset.mems 0
    [[ -z "$burst" ]] || assert_equal "$(host cpu cpu.cfs_burst_us)" 1000
    [[ -z "$idle" ]] || assert_equal "$(host cpu cpu.idle)" 0
    # the init is bound to the cpuset from its first instruction
    local pid
    pid="$(state_field "$ID" .pid)"
    assert_match "$(grep Cpus_allowed_list "/proc/$pid/status")" $'\t0$'
}

@test "cpu: realtimeRuntime and realtimePeriod" {
    [[ -f /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]] || skip "kernel without CONFIG_RT_GROUP_SCHED"
    res '{"cpu":{"realtimeRuntime":10000,"realtimePeriod":500000}}'
    run_reading cpu/cpu.rt_runtime_us cpu/cpu.rt_period_us
    both cpu cpu.rt_runtime_us 10000
    both cpu cpu.rt_period_us 500000
}

@test "cpu: shares beyond the kernel's range are refused with its bound" {
    rt_only "runc's wording"
    res '{"cpu":{"shares":300000}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "maximum allowed cpu-shares is 262144"
}

@test "cpu: a cpuset the host lacks is refused naming cpuset.cpus" {
    res '{"cpu":{"cpus":"4095"}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "cpuset.cpus"
}

@test "cpu: an empty cpu object leaves the kernel's defaults and the parent's cpuset" {
    res '{"cpu":{}}'
    run_reading cpu/cpu.shares cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us cpuset/cpuset.cpus \
        cpuset/cpuset.mems
    both cpu cpu.shares 1024
    both cpu cpu.cfs_period_us 100000
    both cpu cpu.cfs_quota_us -1
    local parent
    parent="$(dirname "$(cg cpuset)")"
    both cpuset cpuset.cpus "$(cat "$parent/cpuset.cpus")"
    both cpuset cpuset.mems "$(cat "$parent/cpuset.mems")"
}

# --- blkio, pids ------------------------------------------------------------------------------

# blkio_weight_file: the weight file a new blkio cgroup of this host has (CFQ's blkio.weight,
# gone from new kernels, else BFQ's blkio.bfq.weight), as rt picks it; empty when neither (the
# disks' I/O schedulers have no weights: only the throttles are there).
blkio_weight_file() {
    local f
    for f in blkio.weight blkio.bfq.weight; do
        probe_cgroup_file /sys/fs/cgroup/blkio "$f" && echo "$f" && return
    done
    return 0
}

@test "blockIO: weight and the four throttles (weight refused where the host has no weight file)" {
    local dev wfile
    dev="$(block_dev)"
    [[ -n "$dev" ]] || skip "no block device"
    wfile="$(blkio_weight_file)"
    local maj=${dev%:*} min=${dev#*:}
    local throttles="\"throttleReadBpsDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":1048576}],
          \"throttleWriteBpsDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":2097152}],
          \"throttleReadIOPSDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":100}],
          \"throttleWriteIOPSDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":200}]"
    if [[ -z "$wfile" ]]; then
        rt_only "runc's wording"
        res '{"blockIO":{"weight":300}}'
        set_args true
        local id2
        id2="$(new_id)"
        rtc run -b "$BUNDLE" "$id2"
        assert_error "^rt: linux.resources.blockIO.weight: blkio.weight is not available on this host"
        assert_no_leak "$id2"
        res "{\"blockIO\":{$throttles}}"
    else
        res "{\"blockIO\":{\"weight\":300,$throttles}}"
    fi
    run_reading blkio/blkio.throttle.read_bps_device blkio/blkio.throttle.write_bps_device \
        blkio/blkio.throttle.read_iops_device blkio/blkio.throttle.write_iops_device
    both blkio blkio.throttle.read_bps_device "$dev 1048576"
    both blkio blkio.throttle.write_bps_device "$dev 2097152"
    both blkio blkio.throttle.read_iops_device "$dev 100"
    both blkio blkio.throttle.write_iops_device "$dev 200"
    [[ -z "$wfile" ]] || assert_contains "$(host blkio "$wfile")" 300
}

@test "blockIO: leafWeight and a device's leafWeight, which this kernel lacks, are refused naming the file" {
    [[ ! -f /sys/fs/cgroup/blkio/blkio.leaf_weight ]] || skip "this kernel has blkio.leaf_weight"
    rt_only "runc's wording"
    res '{"blockIO":{"leafWeight":300}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "linux.resources.blockIO.leafWeight: blkio.leaf_weight is not available"
    res '{"blockIO":{"weightDevice":[{"major":8,"minor":0,"leafWeight":300}]}}'
    local id2
    id2="$(new_id)"
    rtc run -b "$BUNDLE" "$id2"
    assert_error "linux.resources.blockIO.weightDevice.leafWeight: blkio.leaf_weight_device is not available"
    assert_no_leak "$id2"
}

@test "blockIO: weightDevice is written for the device (refused where the host has no weights)" {
    local dev wfile
    dev="$(block_dev)"
    [[ -n "$dev" ]] || skip "no block device"
    wfile="$(blkio_weight_file)"
    res "{\"blockIO\":{\"weightDevice\":[{\"major\":${dev%:*},\"minor\":${dev#*:},\"weight\":500}]}}"
    if [[ -z "$wfile" ]]; then
        rt_only "runc's wording"
        set_args true
        rtc run -b "$BUNDLE" "$ID"
        assert_error "^rt: linux.resources.blockIO.weightDevice: blkio.weight_device is not available on this host"
        assert_no_leak "$ID"
    elif [[ "$wfile" == blkio.weight ]] || grep -q '\[bfq\]' "/sys/dev/block/$dev/queue/scheduler"; then
        run_reading blkio/${wfile}_device
        assert_contains "$(host blkio "${wfile}_device")" "$dev 500"
    else
        # BFQ's per-device weight needs BFQ on that device; the kernel says so and rt passes it on
        set_args true
        rtc run -b "$BUNDLE" "$ID"
        assert_error "linux.resources.blockIO.weightDevice: .*blkio.bfq.weight_device"
        assert_no_leak "$ID"
    fi
}

@test "pids: limit 10 shows in pids.max and stops a fork bomb" {
    res '{"pids":{"limit":10}}'
    set_args sh -c 'echo "max=$(cat /sys/fs/cgroup/pids/pids.max)"; f() { f | f & }; f 2>/dev/null; echo bombed; exec sleep 1000'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    wait_file_contains "$RTC_OUT" "max=10"
    assert_equal "$(host pids pids.max)" 10
    local d deadline=$((SECONDS + 10))
    d="$(cg pids)"
    # forks were refused, and the cgroup never holds more than 10 tasks
    until [[ "$(awk '{print $2}' "$d/pids.events")" -gt 0 ]]; do
        ((SECONDS < deadline)) || fail "pids.events never counted a refused fork"
        sleep 0.05
    done
    [[ "$(cat "$d/pids.current")" -le 10 ]]
    [[ "$(cat "$d/pids.peak" 2>/dev/null || echo 10)" -le 10 ]]
}

@test "pids: -1 is max" {
    res '{"pids":{"limit":-1}}'
    run_reading pids/pids.max
    both pids pids.max max
}

# --- what this host lacks ---------------------------------------------------------------------

@test "hugepageLimits: no hugetlb v1 hierarchy: refused naming the file; unlimited accepted" {
    [[ ! -d /sys/fs/cgroup/hugetlb ]] || skip "this host has a hugetlb v1 hierarchy"
    [[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]] || skip "no 2MB huge pages"
    rt_only "runc ignores hugepageLimits without a hugetlb hierarchy"
    res '{"hugepageLimits":[{"pageSize":"2MB","limit":1073741824}]}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "hugetlb.2MB.limit_in_bytes"
    assert_no_leak "$ID"
    res '{"hugepageLimits":[{"pageSize":"2MB","limit":9223372036854771712}]}'
    local id2
    id2="$(new_id)"
    rtc run -b "$BUNDLE" "$id2"
    assert_success
}

@test "hugepageLimits: a page size the host does not have is refused" {
    rt_only "rt's wording"
    res '{"hugepageLimits":[{"pageSize":"3MB","limit":1048576}]}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "hugepageLimits\\[0\\].pageSize: this host has no 3MB huge pages"
}

@test "network: no net_cls/net_prio hierarchy: refused naming the file; defaults accepted" {
    [[ ! -d /sys/fs/cgroup/net_cls ]] || skip "this host has net_cls"
    rt_only "runc ignores network without the hierarchies"
    res '{"network":{"classID":1048577}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "net_cls.classid"
    assert_no_leak "$ID"
    res '{"network":{"priorities":[{"name":"eth0","priority":5}]}}'
    local id2 id3
    id2="$(new_id)"
    rtc run -b "$BUNDLE" "$id2"
    assert_error "net_prio.ifpriomap"
    assert_no_leak "$id2"
    res '{"network":{"classID":0,"priorities":[{"name":"eth0","priority":0}]}}'
    id3="$(new_id)"
    rtc run -b "$BUNDLE" "$id3"
    assert_success
}

@test "rdma: no rdma hierarchy: refused naming rdma.max" {
    [[ ! -d /sys/fs/cgroup/rdma ]] || skip "this host has an rdma hierarchy"
    rt_only "rt's wording"
    res '{"rdma":{"mlx4_0":{"hcaHandles":2,"hcaObjects":2000}}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "rdma.max"
}

@test "unified: refused on cgroup v1" {
    rt_only "rt's wording"
    res '{"unified":{"memory.high":"1000000"}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_error "linux.resources.unified: invalid configuration: cannot use unified on cgroup v1"
}

# --- devices ----------------------------------------------------------------------------------

@test "devices: a node not allowed gives EPERM on open; an allowed one opens" {
    cfg '.linux.devices = [{"path":"/dev/kmsg","type":"c","major":1,"minor":11,"fileMode":438},
                           {"path":"/dev/loop-control","type":"c","major":10,"minor":237,"fileMode":438}]'
    # deny all, then /dev/kmsg for writing only (opening it write-only needs no capability)
    res '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"w"}]}'
    set_args sh -c 'echo rt-cgroups-test >/dev/kmsg && echo kmsg-ok; head -c0 /dev/null && echo null-ok; head -c0 /dev/loop-control; true'
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_contains "$stdout" "kmsg-ok"
    assert_contains "$stdout" "null-ok"
    assert_contains "$stderr" "/dev/loop-control: Operation not permitted"
    # allow all, then deny /dev/kmsg for writing
    local id2
    id2="$(new_id)"
    res '{"devices":[{"allow":true,"access":"rwm"},{"allow":false,"type":"c","major":1,"minor":11,"access":"w"}]}'
    set_args sh -c 'echo x >/dev/kmsg; head -c0 /dev/loop-control; true'
    rtc run -b "$BUNDLE" "$id2"
    assert_success
    assert_contains "$stderr" "/dev/kmsg: Operation not permitted"
    [[ "$stderr" != *"loop-control: Operation not permitted"* ]]
}

@test "devices: the rules show in devices.list" {
    res '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"w"}]}'
    run_reading devices/devices.list
    assert_contains "$(host devices devices.list)" "c 1:11 w"
    assert_contains "$(host devices devices.list)" "c 1:3 rwm"
    [[ "$(host devices devices.list)" != *"a *:* rwm"* ]]
}

# --- update -----------------------------------------------------------------------------------

@test "update: the flags change a running container's limits" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc update --memory 100M --memory-swap 200M --memory-reservation 50M --cpu-share 256 \
        --cpu-period 100000 --cpu-quota 30000 --pids-limit 20 --cpuset-cpus 0 --cpuset-mems 0 "$ID"
    assert_success
    assert_equal "$(host memory memory.limit_in_bytes)" 104857600
    if [[ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]]; then
        assert_equal "$(host memory memory.memsw.limit_in_bytes)" 209715200
    fi
    assert_equal "$(host memory memory.soft_limit_in_bytes)" 52428800
    assert_equal "$(host cpu cpu.shares)" 256
    assert_equal "$(host cpu cpu.cfs_quota_us)" 30000
    assert_equal "$(host pids pids.max)" 20
    assert_equal "$(host cpuset cpuset.cpus)" 0
    # lowering memory below memsw: memory first, then memsw
    rtc update --memory 32M --memory-swap 32M "$ID"
    assert_success
    assert_equal "$(host memory memory.limit_in_bytes)" 33554432
    # only the quota: the period stays
    rtc update --cpu-quota 10000 "$ID"
    assert_success
    assert_equal "$(host cpu cpu.cfs_quota_us)" 10000
    assert_equal "$(host cpu cpu.cfs_period_us)" 100000
    rtc update --pids-limit -1 "$ID"
    assert_success
    assert_equal "$(host pids pids.max)" max
}

@test "update --resources FILE and -r - (stdin), as containerd calls it" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    echo '{"memory":{"limit":83886080},"cpu":{"shares":300},"pids":{"limit":33}}' >"$TEST_DIR/r.json"
    rtc update --resources "$TEST_DIR/r.json" "$ID"
    assert_success
    assert_equal "$(host memory memory.limit_in_bytes)" 83886080
    assert_equal "$(host cpu cpu.shares)" 300
    assert_equal "$(host pids pids.max)" 33
    # stdin: rtc gives /dev/null, so call the runtime directly
    echo '{"pids":{"limit":44}}' | "$RT" --root "$ROOT" update -r - "$ID"
    assert_equal "$(host pids pids.max)" 44
    # -r wins over the other flags
    echo '{"pids":{"limit":45}}' | "$RT" --root "$ROOT" update -r - --pids-limit 99 "$ID"
    assert_equal "$(host pids pids.max)" 45
}

@test "update: refusals are one line and change nothing" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc update --memory abc "$ID"
    assert_error "invalid value for memory"
    rtc update --cpu-share x "$ID"
    assert_error "invalid value for cpu-share"
    rtc update --memory 1000 "$ID"
    assert_error "unable to set memory limit to 1000"
    rtc update --l3-cache-schema "L3:0=f" "$ID"
    assert_error "l3 cache schema is not enabled"
    rtc update --mem-bw-schema "MB:0=50" "$ID"
    assert_error "memory bandwidth schema is not enabled"
    echo 'garbage' >"$TEST_DIR/bad.json"
    rtc update -r "$TEST_DIR/bad.json" "$ID"
    assert_error "bad.json|invalid character"
    rtc update -r "$TEST_DIR/missing.json" "$ID"
    assert_error "missing.json"
    rtc update --pids-limit 5 nosuch-container
    assert_error "does not exist"
    assert_equal "$(host pids pids.max)" max
    rtc kill "$ID" KILL
    wait_status "$ID" stopped
    rtc update --pids-limit 5 "$ID"
    assert_error "container not running"
}

# --- pause, resume ----------------------------------------------------------------------------

@test "pause: freezer FROZEN and state paused; resume: THAWED and running" {
    set_args sh -c 'while :; do echo tick >/dev/null; done'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc pause "$ID"
    assert_success
    assert_equal "$(host freezer freezer.state)" FROZEN
    assert_equal "$(container_status "$ID")" paused
    local pid
    pid="$(state_field "$ID" .pid)"
    # a frozen task is stopped in the kernel's freezer
    local t1 t2
    t1="$(awk '{print $14}' "/proc/$pid/stat")"
    sleep 0.2
    t2="$(awk '{print $14}' "/proc/$pid/stat")"
    assert_equal "$t2" "$t1"
    rtc pause "$ID"
    assert_error "container not running"
    rtc resume "$ID"
    assert_success
    assert_equal "$(host freezer freezer.state)" THAWED
    assert_equal "$(container_status "$ID")" running
    rtc resume "$ID"
    assert_error "container not paused"
}

@test "pause: a paused container is killed and deleted by delete --force" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc pause "$ID"
    assert_success
    rtc delete "$ID"
    assert_error "not stopped: paused"
    rtc delete --force "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "pause, resume of a stopped or missing container" {
    set_args true
    rtc run -d -b "$BUNDLE" "$ID"
    wait_status "$ID" stopped
    rtc pause "$ID"
    assert_error "container not running"
    rtc resume "$ID"
    assert_error "container not paused"
    rtc pause nosuch
    assert_error "does not exist"
    rtc pause
    assert_failure
}

# --- ps ---------------------------------------------------------------------------------------

@test "ps: table (ps -ef filtered), json, and ps arguments" {
    set_args sh -c 'sleep 1000 & exec sleep 1001'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local pid deadline=$((SECONDS + 5))
    pid="$(state_field "$ID" .pid)"
    until [[ "$(jq length <<<"$("$RT" --root "$ROOT" ps --format json "$ID")")" == 2 ]]; do
        ((SECONDS < deadline)) || fail "ps never listed 2 processes"
        sleep 0.05
    done
    rtc ps --format json "$ID"
    assert_success
    jq -e --argjson p "$pid" 'index($p) != null' <<<"$stdout"
    rtc ps -f json "$ID"
    assert_success
    rtc ps "$ID"
    assert_success
    assert_match "${lines[0]}" "UID +PID +PPID"
    assert_equal "${#lines[@]}" 3
    assert_contains "$stdout" "sleep 1001"
    rtc ps "$ID" -o pid,comm
    assert_success
    assert_match "${lines[0]}" "PID +COMMAND"
    assert_match "$stdout" " *$pid sleep"
    rtc ps "$ID" -o comm
    assert_error "couldn't find PID field in ps output"
    rtc ps --format xml "$ID"
    assert_error "invalid format option"
}

# --- events -----------------------------------------------------------------------------------

@test "events --stats: runc's record, with figures that move as the container works" {
    set_args sh -c 'while read x; do :; done </dev/zero'
    res '{"pids":{"limit":50}}'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc events --stats "$ID"
    assert_success
    assert_equal "${#lines[@]}" 1
    assert_equal "$(jq -r .type <<<"$stdout")" stats
    assert_equal "$(jq -r .id <<<"$stdout")" "$ID"
    jq -e '.data | has("cpu") and has("cpuset") and has("memory") and has("pids") and has("blkio")
           and has("hugetlb") and has("intel_rdt") and has("network_interfaces")' <<<"$stdout"
    jq -e '.data.memory.usage.usage > 0 and (.data.memory.raw | type) == "object"' <<<"$stdout"
    assert_equal "$(jq .data.pids.current <<<"$stdout")" 1
    assert_equal "$(jq .data.pids.limit <<<"$stdout")" 50
    local c1 c2
    c1="$(jq .data.cpu.usage.total <<<"$stdout")"
    # the cpu time grows (polled: a loaded machine may give the container little)
    local deadline=$((SECONDS + 20))
    while :; do
        rtc events --stats "$ID"
        c2="$(jq .data.cpu.usage.total <<<"$stdout")"
        [[ "$c2" -le "$c1" ]] || break
        ((SECONDS < deadline)) || fail "cpu usage did not move in 20 s: $c1 -> $c2"
        sleep 0.1
    done
}

@test "events: a stats record every --interval until the container is deleted" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local ev="$TEST_DIR/ev.out"
    "$RT" --root "$ROOT" events --interval 100ms "$ID" >"$ev" 2>&1 </dev/null &
    local evpid=$!
    BG_PIDS+=("$evpid")
    # records keep coming (bounded wait: a busy machine may be slow to run events at all)
    local deadline=$((SECONDS + 20))
    until [[ "$(grep -c '"type":"stats"' "$ev")" -ge 3 ]]; do
        ((SECONDS < deadline)) || fail "fewer than 3 records in 20 s: $(cat "$ev")"
        sleep 0.1
    done
    rtc delete -f "$ID"
    wait_pid_exit "$evpid" 5 || fail "events did not end after delete"
}

@test "events: refusals" {
    set_args true
    rtc run -d -b "$BUNDLE" "$ID"
    wait_status "$ID" stopped
    rtc events --stats "$ID"
    assert_error "container with id $ID is not running"
    rtc events --interval 0 "$ID"
    assert_error "duration interval must be greater than 0"
    rtc events --interval x "$ID"
    assert_error "for flag -interval"
}

# --- placement and removal --------------------------------------------------------------------

@test "the init is in the container's cgroup of every hierarchy; delete removes them all" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local pid n dir
    pid="$(state_field "$ID" .pid)"
    n=0
    while read -r dir; do
        grep -qx "$pid" "$dir/cgroup.procs" || fail "$pid is not in $dir"
        n=$((n + 1))
    done < <(cgroups_of "$ID")
    [[ "$n" -ge 8 ]] || fail "only $n hierarchies: $(cgroups_of "$ID")"
    # a cgroup the container made below its own goes too
    mkdir "$(cg memory)/child" "$(cg pids)/child"
    rtc delete -f "$ID"
    assert_success
    assert_equal "$(cgroups_of "$ID")" ""
}

# own_cgroup CTRL: the path of this shell's cgroup in the v1 hierarchy of CTRL.
own_cgroup() {
    awk -F: -v c="$1" '{n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3}' \
        /proc/self/cgroup
}

# delete_and_rmdir_parents ID: delete -f the container; the parent directories of its cgroups
# (made by the runtime for a nested cgroupsPath) are gone with it under rt, and empty under
# runc, which leaves them (they are removed here).
delete_and_rmdir_parents() {
    local parents
    parents="$(cgroups_of "$1" | xargs -r -n1 dirname | sort -u)"
    rtc delete -f "$1"
    assert_success
    if is_rt; then
        # shellcheck disable=SC2086
        ! ls -d $parents 2>/dev/null || fail "parents of the cgroups of $1 left after delete"
    else
        # shellcheck disable=SC2086
        rmdir $parents || fail "parents of the cgroups of $1 not empty after delete"
    fi
}

@test "linux.cgroupsPath: absolute and relative" {
    cfg ".linux.cgroupsPath = \"/rt-test-abs-$TEST_TOKEN/$ID\""
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    [[ -d "/sys/fs/cgroup/pids/rt-test-abs-$TEST_TOKEN/$ID" ]]
    delete_and_rmdir_parents "$ID"
    local id2
    id2="$(new_id)"
    cfg ".linux.cgroupsPath = \"rt-test-rel-$TEST_TOKEN/$id2\""
    rtc run -d -b "$BUNDLE" "$id2"
    assert_success
    cgroups_of "$id2" | grep -q "/rt-test-rel-$TEST_TOKEN/$id2\$"
    delete_and_rmdir_parents "$id2"
}

@test "linux.cgroupsPath relative: below this process's cgroup, with the limits written there" {
    cfg ".linux.cgroupsPath = \"rt-test-rel-$TEST_TOKEN/$ID\""
    res '{"cpu":{"shares":1024,"quota":50000,"period":100000,"cpus":"0","mems":"0"},
          "memory":{"limit":50593792,"reservation":50593792,"swappiness":50,"disableOOMKiller":true},
          "pids":{"limit":1000},
          "devices":[{"allow":false,"access":"rwm"},
                     {"allow":true,"type":"c","major":10,"minor":229,"access":"rwm"},
                     {"allow":true,"type":"b","major":8,"minor":20,"access":"rw"},
                     {"allow":true,"type":"b","major":10,"minor":200,"access":"r"}]}'
    run_reading cpu/cpu.shares pids/pids.max memory/memory.limit_in_bytes
    local ctrl own
    for ctrl in cpu cpuset memory pids devices; do
        own="$(own_cgroup "$ctrl")"
        assert_equal "$(cg "$ctrl")" "/sys/fs/cgroup/$ctrl${own%/}/rt-test-rel-$TEST_TOKEN/$ID"
    done
    both cpu cpu.shares 1024
    assert_equal "$(host cpu cpu.cfs_quota_us)" 50000
    assert_equal "$(host cpu cpu.cfs_period_us)" 100000
    assert_equal "$(host cpuset cpuset.cpus)" 0
    assert_equal "$(host cpuset cpuset.mems)" 0
    both memory memory.limit_in_bytes 50593792
    assert_equal "$(host memory memory.soft_limit_in_bytes)" 50593792
    assert_equal "$(host memory memory.swappiness)" 50
    assert_contains "$(host memory memory.oom_control)" "oom_kill_disable 1"
    both pids pids.max 1000
    local list
    list="$(host devices devices.list)"
    assert_contains "$list" "c 10:229 rwm"
    assert_contains "$list" "b 8:20 rw"
    assert_contains "$list" "b 10:200 r"
    delete_and_rmdir_parents "$ID"
}

@test "delete removes the cgroups create made, not one the init was moved into" {
    OWN_CG="/sys/fs/cgroup/pids$(own_cgroup pids | sed 's,/$,,')/rt-test-moved-$TEST_TOKEN"
    mkdir "$OWN_CG"
    set_args true
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    state_field "$ID" .pid >"$OWN_CG/cgroup.procs"
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    [[ -d "$OWN_CG" ]] || fail "delete removed $OWN_CG, which create did not make"
    assert_equal "$(cgroups_of "$ID")" ""
    rmdir "$OWN_CG"
}

@test "delete --force after rt was killed in the middle of create leaves nothing" {
    # A createRuntime hook holds create after the cgroups are made; rt is then SIGKILLed.
    hold_create "$ID"
    [[ -n "$(cgroups_of "$ID")" ]] || fail "no cgroup was made before the hook"
    kill_held_create
    assert_equal "$(container_status "$ID")" creating
    rtc delete --force "$ID"
    assert_success
    assert_no_leak "$ID"
}
