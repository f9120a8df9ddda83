#!/usr/bin/env bats
# linux.namespaces: every kind created, joined by path, left out (the host's), user namespace
# mappings, time namespace offsets, no mount namespace (rt's, chrooted), and the errors (unknown
# type, duplicate, wrong kind of file).

load helpers

# ns_of PID KIND: the namespace identity of a process, as readlink shows it.
ns_of() {
    readlink "/proc/$1/ns/$2"
}

# run_sleeper ID [BUNDLE]: a detached container that sleeps; echoes its pid.
run_sleeper() {
    local id=$1 bundle=${2:-$BUNDLE}
    set_args_in "$bundle" sleep 1000
    rtc run -d -b "$bundle" "$id"
    assert_success
    state_field "$id" .pid
}

@test "each namespace kind asked for is new, the others are the host's" {
    cfg '.linux.namespaces += [{"type": "cgroup"}]'
    local pid
    pid="$(run_sleeper "$ID")"
    local k
    for k in pid net ipc uts mnt cgroup; do
        [[ "$(ns_of "$pid" "$k")" != "$(ns_of $$ "$k")" ]] || fail "$k namespace is the host's"
    done
    for k in user time; do
        assert_equal "$(ns_of "$pid" "$k")" "$(ns_of $$ "$k")"
    done
}

@test "a cgroup namespace shows the container's cgroup as its root" {
    cfg '.linux.namespaces += [{"type": "cgroup"}]'
    in_container cat /proc/self/cgroup
    assert_success
    # every hierarchy's path is / inside its own cgroup namespace
    if grep -v ':/$' <<<"$stdout"; then fail "a cgroup path is not /: $stdout"; fi
}

@test "a user namespace gets the uid and gid mappings of the config" {
    cfg '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 300000, "size": 2000}]
        | .root.readonly = false'
    chown -R 200000:300000 "$BUNDLE/rootfs"
    searchable_for_others "$BUNDLE"
    in_container sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; stat -c "%u %g" /dev/null'
    assert_success
    local want
    want="$(printf '%10s %10s %10s\n%10s %10s %10s\n' 0 200000 1000 0 300000 2000)"
    assert_equal "$(head -2 <<<"$stdout")" "$want"
    assert_equal "$(sed -n 3,4p <<<"$stdout" | tr '\n' ' ')" "0 0 "
    # /dev/null is the host's, bound in (mknod is not allowed in a user namespace): its
    # owner (host root) is unmapped here
    assert_equal "$(sed -n 5p <<<"$stdout")" "65534 65534"
}

@test "a time namespace applies the monotonic and boottime offsets" {
    cfg '.linux.namespaces += [{"type": "time"}]
        | .linux.timeOffsets = {"monotonic": {"secs": 7200, "nanosecs": 0},
                                "boottime": {"secs": 864000, "nanosecs": 5}}'
    in_container sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
    assert_success
    grep -qE '^monotonic +7200 +0$' <<<"$stdout" || fail "monotonic offset: $stdout"
    grep -qE '^boottime +864000 +5$' <<<"$stdout" || fail "boottime offset: $stdout"
    local up host_up
    up="$(tail -1 <<<"$stdout")"
    host_up="$(cut -d. -f1 /proc/uptime)"
    ((up >= host_up + 864000 - 5 && up <= host_up + 864000 + 60)) ||
        fail "uptime inside $up, host $host_up"
}

@test "timeOffsets without a time namespace is an error" {
    cfg '.linux.timeOffsets = {"monotonic": {"secs": 1}}'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "linux.timeOffsets"
    assert_no_leak "$ID"
}

@test "joining another container's network namespace: its interfaces and its port (docker --network container:)" {
    local first second pid
    first="$(new_id first)"
    second="$(new_id second)"
    # the first container listens on 127.0.0.1:8080 of its own network namespace, whose
    # loopback the runtime brought up (as runc does)
    set_args sh -c 'while :; do echo hello-from-first | nc -l -p 8080 127.0.0.1; done'
    rtc run -d -b "$BUNDLE" "$first"
    assert_success
    pid="$(state_field "$first" .pid)"
    local b2="$TEST_DIR/bundle2"
    make_bundle "$b2"
    cfg "(.linux.namespaces[] | select(.type == \"network\")) .path = \"/proc/$pid/ns/net\"" "$b2"
    set_args_in "$b2" sh -c 'ip link show lo | grep -q "UP" && echo lo-up; for i in $(seq 50); do nc 127.0.0.1 8080 </dev/null 2>/dev/null && break; sleep 0.1; done'
    rtc run -b "$b2" "$second"
    assert_success
    assert_contains "$stdout" lo-up
    assert_contains "$stdout" hello-from-first
}

@test "joining another container's pid and user namespaces by path" {
    cfg '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000}]'
    chown -R 200000:200000 "$BUNDLE/rootfs"
    searchable_for_others "$BUNDLE"
    local first second pid
    first="$(new_id first)"
    second="$(new_id second)"
    pid="$(run_sleeper "$first")"
    local b2="$TEST_DIR/bundle2"
    make_bundle "$b2"
    cp -a "$BUNDLE/config.json" "$b2/config.json"
    chown -R 200000:200000 "$b2/rootfs"
    cfg "del(.linux.uidMappings, .linux.gidMappings)
        | (.linux.namespaces[] | select(.type == \"pid\")) .path = \"/proc/$pid/ns/pid\"
        | (.linux.namespaces[] | select(.type == \"user\")) .path = \"/proc/$pid/ns/user\"" "$b2"
    set_args_in "$b2" sh -c 'ps -o pid,args; readlink /proc/self/ns/user; cat /proc/self/uid_map'
    rtc run -b "$b2" "$second"
    assert_success
    grep -qE '^ *1 +sleep 1000$' <<<"$stdout" || fail "the first container's init is not pid 1 here: $stdout"
    assert_contains "$stdout" "$(ns_of "$pid" user)"
    assert_contains "$stdout" "$(printf '%10s %10s %10s' 0 200000 1000)"
}

@test "joining ipc, uts and mount namespaces by path (of a process made with unshare)" {
    # the holder: a process in new ipc, uts and mount namespaces, with a hostname of its own
    unshare --ipc --uts --mount --propagation private \
        sh -c 'hostname rt-joined-uts; echo ready; exec sleep 1000' </dev/null >"$TEST_DIR/holder.out" 2>&1 &
    local holder=$!
    BG_PIDS+=("$holder")
    wait_file_contains "$TEST_DIR/holder.out" ready
    cfg "del(.hostname)
        | (.linux.namespaces[] | select(.type == \"ipc\")) .path = \"/proc/$holder/ns/ipc\"
        | (.linux.namespaces[] | select(.type == \"uts\")) .path = \"/proc/$holder/ns/uts\"
        | (.linux.namespaces[] | select(.type == \"mount\")) .path = \"/proc/$holder/ns/mnt\""
    in_container sh -c 'for n in ipc uts mnt; do readlink /proc/self/ns/$n; done; hostname; ls /bin/busybox'
    local k want=()
    for k in ipc uts mnt; do
        want+=("$(ns_of "$holder" "$k")")
    done
    kill "$holder"
    assert_success
    assert_equal "${lines[0]}" "${want[0]}"
    assert_equal "${lines[1]}" "${want[1]}"
    assert_equal "${lines[2]}" "${want[2]}"
    assert_equal "${lines[3]}" rt-joined-uts
    # the process still runs in the bundle's rootfs
    assert_equal "${lines[4]}" /bin/busybox
}

@test "a namespace kind not in the config is the host's (pid, network, ipc, uts left out)" {
    cfg 'del(.hostname) | .linux.namespaces |= map(select(.type == "mount"))'
    in_container sh -c 'for n in pid net ipc uts mnt; do echo "$n $(readlink /proc/self/ns/$n)"; done'
    assert_success
    local n inside
    while read -r n inside; do
        if [[ "$n" == mnt ]]; then
            [[ "$inside" != "$(ns_of $$ mnt)" ]] || fail "the mount namespace is the host's"
        else
            assert_equal "$inside" "$(ns_of $$ "$n")"
        fi
    done <<<"$stdout"
}

@test "a namespace path of the wrong kind is refused, for every kind" {
    cp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
    local t wrong id
    # each kind with the namespace file of the next one
    for t in cgroup:ipc ipc:mnt mount:net network:pid pid:user user:uts uts:cgroup; do
        wrong=${t#*:}
        t=${t%:*}
        cp "$TEST_DIR/config.orig" "$BUNDLE/config.json"
        cfg ".linux.namespaces |= (map(select(.type != \"$t\")) + [{type: \"$t\", path: \"/proc/self/ns/$wrong\"}])"
        id="$(new_id)"
        rtc run -b "$BUNDLE" "$id"
        assert_failure
        if is_rt; then
            assert_rt_error_line
            assert_contains "$stderr" "is not a namespace of that type"
        fi
        assert_no_leak "$id"
    done
}

@test "a namespace path that does not exist is refused" {
    cfg '(.linux.namespaces[] | select(.type == "ipc")) .path = "/proc/999999999/ns/ipc"'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "linux.namespaces[2].path"
    assert_no_leak "$ID"
}

@test "unknown and duplicate namespace types are refused" {
    cfg '.linux.namespaces += [{"type": "bogus"}]'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" 'unknown namespace type "bogus"'
    assert_no_leak "$ID"
    cfg '.linux.namespaces[-1] = {"type": "pid"}'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" 'duplicate namespace type "pid"'
    assert_no_leak "$ID"
}

@test "uidMappings without a user namespace is refused" {
    cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]'
    rtc run -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "linux.uidMappings"
    assert_no_leak "$ID"
}

# A config without namespaces inherits all of ours (config-linux.md: "If a namespace type is
# not specified in the namespaces array, the container MUST inherit the runtime namespace of
# that type"), the mount namespace too: the process is chrooted into the rootfs, and the
# container's mounts, made on a private bind of the rootfs in our namespace, all go at delete.
@test "no namespaces at all: every one is ours, the root is the rootfs, delete unmounts" {
    cfg '.linux.namespaces = [] | del(.hostname)'
    echo marker >"$BUNDLE/rootfs/marker"
    local pid k
    pid="$(run_sleeper "$ID")"
    for k in cgroup ipc mnt net pid user uts time; do
        assert_equal "$(ns_of "$pid" "$k")" "$(ns_of $$ "$k")"
    done
    [[ "$(stat -L -c %d:%i "/proc/$pid/root")" == "$(stat -c %d:%i "$BUNDLE/rootfs")" ]] ||
        fail "the init's root is not the rootfs"
    grep -q " $BUNDLE/rootfs/proc " /proc/self/mountinfo || fail "no /proc mounted in the rootfs"
    rtc exec "$ID" sh -c 'cat /marker; pwd; test -e /proc/self/status && echo proc'
    assert_success
    assert_equal "$stdout" $'marker\n/\nproc'
    rtc delete -f "$ID"
    assert_success
    ! grep -F " $BUNDLE/rootfs" /proc/self/mountinfo || fail "mounts left under the rootfs"
}

# A host whose mounts are shared (systemd makes / rshared): a bind of a shared mount joins its
# peer group, so without care the container's /sys/fs/cgroup mount and the masked
# /sys/firmware would appear on the host's /sys, and the unmount at delete would propagate
# back. The "host" here is a private mount namespace of the test made rshared. Checked: with
# rt's per-mount privatisation removed, the container's cgroup mount landed on the host's
# /sys/fs/cgroup (and rt's own cgroup write then failed under it).
@test "no mount namespace on a host with shared mounts: nothing reaches the host's mounts" {
    cfg '.linux.namespaces = [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}]'
    # no network namespace: sysfs becomes a recursive bind of the host's /sys
    local holder="$TEST_DIR/holder"
    mkfifo "$TEST_DIR/ready"
    unshare -m --propagation unchanged -- sh -c \
        'mount --make-rshared / && echo ok >"$1" && exec sleep 1000' sh "$TEST_DIR/ready" &
    BG_PIDS+=($!)
    local hpid=$!
    read -r _ <"$TEST_DIR/ready"
    cat >"$holder" <<EOF2
#!/bin/sh
exec nsenter -t $hpid -m -- "$RT" "\$@"
EOF2
    chmod +x "$holder"
    # mount points of the "host", outside the rootfs, and their propagation
    host_mounts() {
        awk -v r="$BUNDLE/rootfs" '$5 != r && index($5, r "/") != 1 {print $5, $7}' \
            "/proc/$hpid/mountinfo" | sort
    }
    local before
    before="$(host_mounts)"
    grep -q "shared:" "/proc/$hpid/mountinfo" || fail "the test namespace has no shared mount"
    local id
    id="$(new_id "" "$ROOT" "$holder")"
    set_args sleep 1000
    RT="$holder" rtc run -d -b "$BUNDLE" "$id"
    assert_success
    RT="$holder" rtc exec "$id" sh -c 'grep -c " /sys/fs/cgroup " /proc/self/mountinfo'
    assert_success
    assert_equal "$(host_mounts)" "$before"
    RT="$holder" rtc delete -f "$id"
    assert_success
    assert_equal "$(host_mounts)" "$before"
    ! grep -F " $BUNDLE/rootfs" "/proc/$hpid/mountinfo" || fail "mounts left under the rootfs"
    kill "$hpid"
}

# The bind of the rootfs lives in our mount namespace, so a create that dies half-way (rt
# SIGKILLed while a createRuntime hook holds it) must leave it to `delete --force`; the
# rootfs is given through a symlink, which rt resolves once (the unmount names the same
# directory as the mount). Checked: with the rootfs path unresolved, the unmount failed
# ("Invalid argument") and the mounts stayed.
@test "no mount namespace: delete --force after create was killed removes its mounts" {
    mv "$BUNDLE/rootfs" "$TEST_DIR/real-rootfs"
    ln -s "$TEST_DIR/real-rootfs" "$BUNDLE/rootfs"
    cfg '.linux.namespaces = [{"type": "pid"}] | del(.hostname)'
    hold_create "$ID"
    grep -q " $TEST_DIR/real-rootfs/proc " /proc/self/mountinfo || fail "no mounts before the kill"
    kill_held_create
    rtc delete --force "$ID"
    assert_success
    ! grep -F " $TEST_DIR/real-rootfs" /proc/self/mountinfo || fail "mounts left under the rootfs"
    assert_no_leak "$ID"
}
