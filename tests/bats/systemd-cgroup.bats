#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup, issue #19): linux.cgroupsPath "SLICE:PREFIX:NAME"
# puts the container in the transient scope PREFIX-NAME.scope of SLICE, which the runtime asks
# systemd for over D-Bus, with config.json's limits as the scope's properties (so systemd keeps
# them: a daemon-reload rewrites every file from the properties) and in its cgroup files.
# runc 1.1 is the reference: RT=runc passes every test but the rt_only ones.
#
# They need systemd as PID 1 on cgroup v2: the systemd boot of the test VM, where
# scripts/test.sh runs them (tests/vm/run-bats.sh --systemd tests/bats/systemd-cgroup.bats by
# hand), or a host booted so. Elsewhere every test skips. Rootless is out of scope.

# bats file_tags=vm-systemd
load helpers

# config.json's limits and what they are as systemd properties and as cgroup v2 files (shares
# 512 -> weight 1 + (512 - 2) * 9999 / 262142 = 20)
LIMITS='{"memory":{"limit":67108864,"reservation":33554432},"pids":{"limit":50},
    "cpu":{"shares":512,"quota":50000,"period":100000,"cpus":"0","mems":"0"},
    "blockIO":{"weight":300}}'
LIMIT_PROPS=(MemoryMax=67108864 MemoryLow=33554432 TasksMax=50 CPUWeight=20
    CPUQuotaPerSecUSec=500ms CPUQuotaPeriodUSec=100ms AllowedCPUs=0 AllowedMemoryNodes=0)
LIMIT_FILES=(memory.max=67108864 memory.low=33554432 pids.max=50 cpu.weight=20
    "cpu.max=50000 100000" cpuset.cpus=0 cpuset.mems=0)

# systemd_v2: systemd is PID 1 (sd_booted(3)'s test) and cgroup2 is the only hierarchy.
systemd_v2() {
    [[ -d /run/systemd/system && -f /sys/fs/cgroup/cgroup.controllers ]]
}

setup_file() {
    systemd_v2 || return 0
    local base="$BATS_FILE_TMPDIR/base" a
    mkdir -p "$base/rootfs/bin" "$base/rootfs/etc"
    cp "$BUSYBOX" "$base/rootfs/bin/busybox"
    for a in sh cat sleep true; do ln -s busybox "$base/rootfs/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$base/rootfs/etc/passwd"
    (cd "$base" && "$RT" spec) || return 1
    # no cgroup namespace: /proc/self/cgroup inside shows the scope's whole path
    jq --arg r "$base/rootfs" '.process.terminal = false | .root.path = $r
        | .linux.namespaces |= map(select(.type != "cgroup"))' "$base/config.json" >"$base/base.json"
}

# common_setup's bundle: the shared rootfs and a copy of the base config.
make_bundle() {
    mkdir -p "$1"
    cp "$BATS_FILE_TMPDIR/base/base.json" "$1/config.json"
}

setup() {
    systemd_v2 || skip "needs systemd as PID 1 on cgroup v2 (here PID 1 is $(cat /proc/1/comm), /sys/fs/cgroup is $(stat -fc %T /sys/fs/cgroup)): run it with tests/vm/run-bats.sh --systemd"
    common_setup
    SLICES=()
}

teardown() {
    local rc=0 root id runtime left
    [[ -f "${IDS_FILE:-}" ]] || return 0
    # deleted with the driver's flag first, so that cleaning up does not depend on the runtime
    # reading the driver from its state (a test below checks that it does)
    while read -r root id runtime; do
        [[ -n "$id" && -e "$root/$id" ]] || continue
        timeout -k 5 "$RT_CMD_TIMEOUT" "${runtime:-$RT}" --root "$root" --systemd-cgroup \
            delete --force "$id" </dev/null >/dev/null 2>&1 || true
    done <"$IDS_FILE"
    common_teardown || rc=$?
    # every id of the test starts with ID_PREFIX: one look for all of them
    left="$(sd_leaks "$ID_PREFIX")"
    if [[ -n "$left" ]]; then
        echo "# LEFT BEHIND in systemd:" >&2
        echo "$left" | sed 's/^/#   /' >&2
        # so that the next tests start clean
        systemctl stop "*$ID_PREFIX*" >/dev/null 2>&1
        systemctl reset-failed "*$ID_PREFIX*" >/dev/null 2>&1
        rc=1
    fi
    # the slices the test made (runc leaves them; so may rt), inner first
    local s
    for s in "${SLICES[@]}"; do
        [[ -z "$(systemctl list-units --all --plain --no-legend "$s")" ]] || systemctl stop "$s" || rc=1
    done
    return $rc
}

# sd ARGS...: rtc with the systemd cgroup driver.
sd() {
    rtc --systemd-cgroup "$@"
}

# conf CGROUPS_PATH RESOURCES ARGS...: linux.cgroupsPath, linux.resources and process.args of
# $BUNDLE in one jq call.
conf() {
    local f="$BUNDLE/config.json" p=$1 r=$2
    shift 2
    jq --arg p "$p" --argjson r "$r" \
        '.linux.cgroupsPath = $p | .linux.resources = $r | .process.args = $ARGS.positional' \
        --args -- "$@" <"$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# sd_leaks ID: the systemd units and cgroup directories whose names hold ID (polled for 3 s:
# systemd stops a scope asynchronously once it is empty). Empty if none.
sd_leaks() {
    local units cgs deadline=$((SECONDS + 3))
    while :; do
        units="$(systemctl list-units --all --plain --no-legend "*$1*" 2>/dev/null)"
        cgs="$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "*$1*" 2>/dev/null)"
        [[ -z "$units$cgs" || $SECONDS -ge $deadline ]] && break
        sleep 0.1
    done
    [[ -z "$units" ]] || echo "units: $units"
    [[ -z "$cgs" ]] || echo "cgroups: $cgs"
}

# assert_sd_clean ID: nothing of ID is left in systemd or the cgroup tree.
assert_sd_clean() {
    local l
    l="$(sd_leaks "$1")"
    [[ -z "$l" ]] || fail "left behind by $1: $l"
}

# load_props UNIT: PROPS[NAME]=VALUE of every property of UNIT (`systemctl show`, one call).
load_props() {
    local line
    declare -gA PROPS=()
    while IFS= read -r line; do
        PROPS[${line%%=*}]=${line#*=}
    done < <(systemctl show "$1")
}

# assert_props UNIT NAME=VALUE...: systemd's properties of UNIT.
assert_props() {
    local unit=$1 kv
    shift
    load_props "$unit"
    for kv in "$@"; do
        [[ "${PROPS[${kv%%=*}]-<none>}" == "${kv#*=}" ]] ||
            fail "$unit: ${kv%%=*}=${PROPS[${kv%%=*}]-<none>}, expected ${kv#*=}"
    done
}

# assert_files DIR FILE=CONTENT...: the cgroup files of DIR.
assert_files() {
    local dir=$1 kv
    shift
    for kv in "$@"; do
        assert_equal "$(cat "$dir/${kv%%=*}")" "${kv#*=}" || fail "in $dir/${kv%%=*}"
    done
}

# assert_io_weight DIR: blockIO.weight 300 in DIR, where the io controller is there: io.bfq.weight
# as is, or io.weight converted (1 + (300 - 10) * 9999 / 990).
assert_io_weight() {
    if [[ -f "$1/io.bfq.weight" ]]; then
        assert_contains "$(cat "$1/io.bfq.weight")" "default 300"
    elif [[ -f "$1/io.weight" ]]; then
        assert_contains "$(cat "$1/io.weight")" "default 2930"
    else
        grep -qw io "$1/cgroup.controllers" && fail "io controller but no io weight file in $1"
        echo "no io controller in $1: the weight is not checked"
    fi
}

# assert_gone UNIT DIR: systemd does not know UNIT (systemctl status: 4, "could not be found")
# and DIR is gone.
assert_gone() {
    local out rc=0 deadline=$((SECONDS + 3))
    # the scope of an exited init stops on its own, asynchronously
    while out="$(systemctl status "$1" 2>&1)"; rc=$?; ((rc != 4)) && ((SECONDS < deadline)); do
        sleep 0.1
    done
    assert_equal "$rc" 4 || fail "systemctl status $1: $out"
    assert_contains "$out" "could not be found"
    [[ ! -e "$2" ]] || fail "$2 is still there"
}

# wait_procs DIR N: poll until DIR/cgroup.procs lists N processes.
wait_procs() {
    local deadline=$((SECONDS + 20))
    until (($(wc -l <"$1/cgroup.procs") == $2)); do
        ((SECONDS < deadline)) || fail "$1/cgroup.procs: $(cat "$1/cgroup.procs"), expected $2 pids"
        sleep 0.1
    done
}

@test "systemd create/start: system.slice:rt-test:ID is the scope rt-test-ID.scope, inside and out, with config.json's limits as properties and files" {
    local u="rt-test-$ID.scope" d="/sys/fs/cgroup/system.slice/rt-test-$ID.scope" pid out
    conf "system.slice:rt-test:$ID" "$LIMITS" sh -c 'cat /proc/self/cgroup; exec sleep 1000'
    sd create -b "$BUNDLE" "$ID"
    assert_success
    out=$RTC_OUT
    pid="$(state_field "$ID" .pid)"
    # created: the init waits for start, already in its scope
    assert_equal "$(cat "/proc/$pid/cgroup")" "0::/system.slice/$u"
    assert_equal "$(cat "$d/cgroup.procs")" "$pid"
    assert_props "$u" ActiveState=active Slice=system.slice "ControlGroup=/system.slice/$u" \
        Delegate=yes Transient=yes "${LIMIT_PROPS[@]}"
    assert_files "$d" "${LIMIT_FILES[@]}"
    assert_io_weight "$d"
    sd start "$ID"
    assert_success
    wait_file_contains "$out" "0::" 20
    assert_equal "$(cat "$out")" "0::/system.slice/$u"
    assert_equal "$(cat "/proc/$pid/cgroup")" "0::/system.slice/$u"
}

@test "systemd update: memory, pids, cpu and cpuset change the scope's properties and its files; a daemon-reload keeps them" {
    local u="rt-test-$ID.scope" d="/sys/fs/cgroup/system.slice/rt-test-$ID.scope"
    local cpus=0 flags=(--memory 33554432 --pids-limit 20 --cpu-share 1024 --cpu-quota 20000
        --cpu-period 200000)
    # a second CPU where there is one, so that the cpuset changes
    if grep -q '^0-[1-9]' /sys/fs/cgroup/cpuset.cpus.effective; then
        cpus=1
        flags+=(--cpuset-cpus 1)
    fi
    conf "system.slice:rt-test:$ID" "$LIMITS" sleep 1000
    sd run -d -b "$BUNDLE" "$ID"
    assert_success
    sd update "${flags[@]}" "$ID"
    assert_success
    # shares 1024 -> weight 1 + (1024 - 2) * 9999 / 262142 = 39
    local props=(MemoryMax=33554432 TasksMax=20 CPUWeight=39 CPUQuotaPerSecUSec=100ms
        CPUQuotaPeriodUSec=200ms "AllowedCPUs=$cpus")
    local files=(memory.max=33554432 pids.max=20 cpu.weight=39 "cpu.max=20000 200000"
        "cpuset.cpus=$cpus")
    assert_props "$u" "${props[@]}"
    assert_files "$d" "${files[@]}"
    # systemd writes every file again from its properties: a limit set only in the file is lost
    systemctl daemon-reload
    assert_props "$u" "${props[@]}"
    assert_files "$d" "${files[@]}"
    assert_equal "$(container_status "$ID")" running
}

@test "systemd pause/resume: cgroup.freeze of the scope, state paused; the scope stays active" {
    local u="rt-test-$ID.scope" d="/sys/fs/cgroup/system.slice/rt-test-$ID.scope"
    conf "system.slice:rt-test:$ID" '{}' sh -c 'while :; do :; done'
    sd run -d -b "$BUNDLE" "$ID"
    assert_success
    sd pause "$ID"
    assert_success
    assert_equal "$(cat "$d/cgroup.freeze")" 1
    assert_contains "$(cat "$d/cgroup.events")" "frozen 1"
    assert_equal "$(container_status "$ID")" paused
    assert_props "$u" ActiveState=active
    sd resume "$ID"
    assert_success
    assert_equal "$(cat "$d/cgroup.freeze")" 0
    assert_contains "$(cat "$d/cgroup.events")" "frozen 0"
    assert_equal "$(container_status "$ID")" running
    # a paused container is deleted with its scope
    sd pause "$ID"
    assert_success
    sd delete -f "$ID"
    assert_success
    assert_gone "$u" "$d"
}

@test "systemd ps and events --stats: the scope's processes; one record with its figures" {
    local d="/sys/fs/cgroup/system.slice/rt-test-$ID.scope"
    conf "system.slice:rt-test:$ID" '{"pids":{"limit":50},"memory":{"limit":67108864}}' \
        sh -c 'sleep 1000 & exec sleep 1001'
    sd run -d -b "$BUNDLE" "$ID"
    assert_success
    wait_procs "$d" 2
    sd ps --format json "$ID"
    assert_success
    assert_equal "$(jq -r 'sort | .[]' <<<"$stdout")" "$(sort -n "$d/cgroup.procs")"
    sd events --stats "$ID"
    assert_success
    assert_equal "${#lines[@]}" 1
    jq -e --arg id "$ID" '.type == "stats" and .id == $id and .data.pids.current == 2
        and .data.pids.limit == 50 and .data.memory.usage.limit == 67108864
        and .data.memory.usage.usage > 0' <<<"$stdout"
}

@test "systemd kill --all: every process of the scope gets the signal; the emptied scope is gone" {
    local u="rt-test-$ID.scope" d="/sys/fs/cgroup/system.slice/rt-test-$ID.scope" pids pid
    conf "system.slice:rt-test:$ID" '{}' sh -c 'sleep 1000 & sleep 1001 & wait'
    sd run -d -b "$BUNDLE" "$ID"
    assert_success
    wait_procs "$d" 3
    pids="$(cat "$d/cgroup.procs")"
    sd kill --all "$ID" KILL
    assert_success
    wait_status "$ID" stopped 10
    for pid in $pids; do
        wait_pid_exit "$pid" 10 || fail "process $pid of the scope survived kill --all"
    done
    assert_gone "$u" "$d"
    sd delete "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "systemd delete: the scope is stopped and its cgroup removed (delete -f, delete of an exited one, delete without the flag, run)" {
    local id u d
    conf "system.slice:rt-test:$ID" '{"memory":{"limit":67108864}}' sleep 1000
    sd run -d -b "$BUNDLE" "$ID"
    assert_success
    sd delete -f "$ID"
    assert_success
    assert_gone "rt-test-$ID.scope" "/sys/fs/cgroup/system.slice/rt-test-$ID.scope"
    # an init that exited: its scope stops by itself; delete removes the rest
    id="$(new_id)"
    conf "system.slice:rt-test:$id" '{}' true
    sd create -b "$BUNDLE" "$id"
    assert_success
    sd start "$id"
    assert_success
    wait_status "$id" stopped 20
    sd delete "$id"
    assert_success
    assert_gone "rt-test-$id.scope" "/sys/fs/cgroup/system.slice/rt-test-$id.scope"
    # the driver is in the container's state: delete without --systemd-cgroup stops the scope
    id="$(new_id)"
    conf "system.slice:rt-test:$id" '{"pids":{"limit":20}}' sleep 1000
    sd run -d -b "$BUNDLE" "$id"
    assert_success
    rtc delete -f "$id"
    assert_success
    assert_gone "rt-test-$id.scope" "/sys/fs/cgroup/system.slice/rt-test-$id.scope"
    # run in the foreground: the scope is there while it runs, gone after
    id="$(new_id)"
    conf "system.slice:rt-test:$id" '{"pids":{"limit":20}}' cat /proc/self/cgroup
    sd run -b "$BUNDLE" "$id"
    assert_success
    assert_equal "$stdout" "0::/system.slice/rt-test-$id.scope"
    assert_gone "rt-test-$id.scope" "/sys/fs/cgroup/system.slice/rt-test-$id.scope"
    assert_no_leak "$id"
}

# assert_placed ID CGROUPS_PATH SLICE CGROUP RESOURCES [NAME=VALUE...]: ID run detached with
# linux.cgroupsPath CGROUPS_PATH and RESOURCES has its init in CGROUP (/proc/PID/cgroup), a
# scope of SLICE, with the properties NAME=VALUE.
assert_placed() {
    local id=$1 path=$2 slice=$3 cg=$4 r=$5 pid
    shift 5
    conf "$path" "$r" sleep 1000
    sd run -d -b "$BUNDLE" "$id"
    assert_success
    pid="$(state_field "$id" .pid)"
    assert_equal "$(cat "/proc/$pid/cgroup")" "0::$cg"
    assert_props "${cg##*/}" "Slice=$slice" "ControlGroup=$cg" "$@"
}

@test "systemd slices: rt_test-T.slice is rt_test.slice/rt_test-T.slice (systemd's rule); an empty slice is system.slice; -.slice is the root" {
    local slice="rt_test-$TEST_TOKEN.slice" u="rt-test-$ID.scope" id2 id3
    SLICES=("$slice" rt_test.slice)
    assert_placed "$ID" "$slice:rt-test:$ID" "$slice" "/rt_test.slice/$slice/$u" \
        '{"pids":{"limit":30}}' TasksMax=30
    assert_props "$slice" ActiveState=active Slice=rt_test.slice
    assert_files "/sys/fs/cgroup/rt_test.slice/$slice/$u" pids.max=30
    # no slice: system.slice
    id2="$(new_id)"
    assert_placed "$id2" ":rt-test:$id2" system.slice "/system.slice/rt-test-$id2.scope" '{}'
    # the root slice
    id3="$(new_id)"
    assert_placed "$id3" "-.slice:rt-test:$id3" -.slice "/rt-test-$id3.scope" '{}'
    sd delete -f "$ID"
    assert_success
    assert_gone "$u" "/sys/fs/cgroup/rt_test.slice/$slice/$u"
}

# refused_path PATH [UNIT]: create with linux.cgroupsPath PATH fails with one line, exit 1,
# and leaves no state dir; UNIT (a slice the path names) is remembered for assert_refused_clean.
refused_path() {
    local id
    id="$(new_id)"
    conf "$1" '{"pids":{"limit":20}}' true
    sd create -b "$BUNDLE" "$id"
    if is_rt; then
        assert_error "linux\.cgroupsPath"
        assert_contains "$stderr" "$1"
    else
        assert_error "cgroupsPath|invalid slice name"
    fi
    [[ ! -e "$ROOT/$id" ]] || fail "$1: state dir $ROOT/$id left"
    [[ -z "${2:-}" ]] || REFUSED_UNITS+=("$2")
}

# assert_refused_clean: after refused_path, no unit or cgroup of the test's containers, nor
# any of REFUSED_UNITS, exists (one systemctl and one find for all).
assert_refused_clean() {
    local u names=(-name "*$ID_PREFIX*")
    for u in "${REFUSED_UNITS[@]}"; do names+=(-o -name "$u"); done
    assert_sd_clean "$ID_PREFIX"
    assert_equal "$(systemctl list-units --all --plain --no-legend "${REFUSED_UNITS[@]}")" ""
    assert_equal "$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d \( "${names[@]}" \))" ""
}

@test "systemd malformed cgroupsPath: foo, a:b, /abs, a slice with / or a bad name: one line, exit 1, nothing left" {
    REFUSED_UNITS=()
    refused_path foo
    refused_path "a:b"
    refused_path "system.slice:rt-test"
    refused_path "/rt-test-$TEST_TOKEN"
    refused_path "rt_test/a.slice:rt-test:$ID" "rt_test.slice"
    refused_path "rt_test-.slice:rt-test:$ID" "rt_test-.slice"
    refused_path "rt_test-$TEST_TOKEN.service:rt-test:$ID" "rt_test-$TEST_TOKEN.service"
    refused_path "a:b:c:d"
    assert_refused_clean
}

@test "systemd malformed cgroupsPath, rt: an empty name (x.slice:p:) is refused too (runc makes p-.scope)" {
    rt_only "runc 1.1 accepts an empty name"
    REFUSED_UNITS=()
    refused_path "rt_test-$TEST_TOKEN.slice:rt-test:" "rt_test-$TEST_TOKEN.slice"
    assert_refused_clean
}
