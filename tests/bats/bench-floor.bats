#!/usr/bin/env bats
# bench/floor.c (issue #15): the benchmark's floor must do the kernel work rt does for the
# default spec, so the container it leaves must be the one rt leaves; and it must run the
# lifecycle bench.py times (run, create, start, state, delete, exec) without leaving anything.

load helpers

setup() {
    common_setup
    grep -qE '^[0-9]+:[^:]+:' /proc/self/cgroup ||
        skip "no cgroup v1 hierarchy: the floor follows rt's cgroup v1 path only"
    command -v cc >/dev/null || skip "no C compiler to build bench/floor.c"
    FLOOR="$TEST_DIR/floor"
    cc -O2 -static -o "$FLOOR" "$BATS_TEST_DIRNAME/../../bench/floor.c"
}

# in_bench_ns CMD...: CMD as bench.py runs every runtime: in a private mount namespace, on a
# hybrid host without /sys/fs/cgroup/unified.
in_bench_ns() {
    unshare -m --propagation private sh -c \
        'if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi; exec "$@"' \
        sh "$@" </dev/null
}

# What a container sees of itself: its mounts (sorted: the order of the binds below
# /sys/fs/cgroup differs), credentials, hostname, cgroups, device nodes and links, device
# rules, cpuset, limits, umask, open fds, loopback and what is read-only.
write_probe() {
    cat >"$BUNDLE/rootfs/probe.sh" <<'EOF'
B=/bin/busybox
$B cut -d' ' -f5- /proc/self/mountinfo | $B sort
$B grep -E '^(Cap|NoNewPrivs|Groups|Uid|Gid)' /proc/self/status
$B hostname
$B cat /proc/self/cgroup
for f in /dev/* /dev/pts/* /dev/mqueue /dev/shm; do $B stat -c '%n %A %t:%T %u:%g %N' "$f"; done
$B cat /sys/fs/cgroup/devices/devices.list /sys/fs/cgroup/cpuset/cpuset.cpus
echo "nofile $(ulimit -Sn) $(ulimit -Hn) umask $(umask)"
$B ls /proc/self/fd
$B cat /sys/class/net/lo/flags
$B touch /x /proc/sys/x /sys/x 2>&1
exit 0
EOF
    set_args sh /probe.sh
}

@test "bench-floor: the container the floor leaves is the one rt leaves" {
    write_probe
    in_bench_ns "$RT" --root "$ROOT" run -b "$BUNDLE" "$ID" >"$TEST_DIR/rt.out" 2>&1 ||
        fail "rt run: $(cat "$TEST_DIR/rt.out")"
    local fid
    fid="$(new_id floor "$ROOT" "$FLOOR")"
    in_bench_ns "$FLOOR" --root "$ROOT" run -b "$BUNDLE" "$fid" >"$TEST_DIR/floor.out" 2>&1 ||
        fail "floor run: $(cat "$TEST_DIR/floor.out")"
    grep -q '/sys/fs/cgroup/devices ro,' "$TEST_DIR/rt.out" || fail "no cgroup binds: $(cat "$TEST_DIR/rt.out")"
    diff <(sed "s/$ID/ID/g" "$TEST_DIR/rt.out") <(sed "s/$fid/ID/g" "$TEST_DIR/floor.out") ||
        fail "the floor's container differs from rt's (< rt, > floor)"
}

@test "bench-floor: the lifecycle bench.py times, and errors that leave nothing" {
    local f=("$FLOOR" --root "$ROOT") sl cr
    sl="$(new_id sleeper "$ROOT" "$FLOOR")"
    cr="$(new_id created "$ROOT" "$FLOOR")"
    set_args sleep 100000
    in_bench_ns "${f[@]}" run -d -b "$BUNDLE" "$sl" >/dev/null 2>&1 || fail "run -d"
    assert_match "$(in_bench_ns "${f[@]}" state "$sl")" '"status":"running"'
    in_bench_ns "${f[@]}" exec "$sl" /bin/true || fail "exec /bin/true"
    run in_bench_ns "${f[@]}" exec "$sl" sh -c 'exit 7'
    assert_equal "$status" 7
    set_args true
    in_bench_ns "${f[@]}" create -b "$BUNDLE" "$cr" >/dev/null 2>&1 || fail "create"
    assert_match "$(in_bench_ns "${f[@]}" state "$cr")" '"status":"created"'
    run in_bench_ns "${f[@]}" create -b "$BUNDLE" "$cr"
    assert_equal "$status" 1
    assert_equal "$output" "floor: container $cr exists"
    in_bench_ns "${f[@]}" start "$cr" || fail "start"
    local deadline=$((SECONDS + 5))
    until in_bench_ns "${f[@]}" state "$cr" | grep -q '"status":"stopped"'; do
        ((SECONDS < deadline)) || fail "$cr did not stop"
        sleep 0.02
    done
    run in_bench_ns "${f[@]}" delete "$sl"
    assert_equal "$status" 1
    assert_equal "$output" "floor: container $sl is not stopped"
    in_bench_ns "${f[@]}" delete "$cr" || fail "delete"
    in_bench_ns "${f[@]}" delete -f "$sl" || fail "delete -f"
    assert_no_leak "$sl"
    assert_no_leak "$cr"
    # an init that cannot exec its program: run fails and takes everything back
    local bad
    bad="$(new_id bad "$ROOT" "$FLOOR")"
    set_args /nonexistent
    run in_bench_ns "${f[@]}" run -b "$BUNDLE" "$bad"
    assert_equal "$status" 1
    assert_equal "$output" "floor: exec /nonexistent: No such file or directory"
    assert_no_leak "$bad"
}
