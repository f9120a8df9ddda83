#!/usr/bin/env bats
# rt run by an unprivileged user (rootless): its default root in $XDG_RUNTIME_DIR, user
# namespace maps written by rt itself (the caller's own ids) or by shadow's setuid
# newuidmap/newgidmap (ranges of /etc/subuid and /etc/subgid), and no cgroup where the user
# may not create one.
#
# The user exists only for the test: every rt call goes through a wrapper that enters a
# private mount namespace, bind-mounts the test's own passwd, group, subuid and subgid over
# /etc there (the host's files are never touched), drops to that uid with setpriv, and
# execs rt.
#
# CI runs this file on the host and in the cgroup v2 VM (docs/vm.md), whose slow emulation
# showed a race the host hides: the init made itself non-dumpable (its /proc files then
# belong to root) before the unprivileged rt had written its gid map.

# bats file_tags=vm
load helpers

USER_ID=23456
SUB_START=300000

setup() {
    common_setup
    REAL_RT="$RT"
    ETC="$TEST_DIR/etc"
    XDG="$TEST_DIR/xdg"
    mkdir -p "$ETC" "$XDG" "$ROOT"
    # the user must reach the bundle and its own dirs under bats' private temp dir
    searchable_for_others "$TEST_DIR"
    cp /etc/passwd /etc/group "$ETC/"
    echo "rt-test-user:x:$USER_ID:$USER_ID::/:/bin/sh" >>"$ETC/passwd"
    echo "rt-test-user:x:$USER_ID:" >>"$ETC/group"
    echo "rt-test-user:$SUB_START:65536" >"$ETC/subuid"
    echo "rt-test-user:$SUB_START:65536" >"$ETC/subgid"
    cat >"$TEST_DIR/rt-user" <<EOF
#!/bin/sh
exec unshare -m -- sh -c 'for f in passwd group subuid subgid; do
    mount --bind "$ETC/\$f" "/etc/\$f" || exit 1
done
exec setpriv --reuid $USER_ID --regid $USER_ID --clear-groups --inh-caps=-all \\
    env XDG_RUNTIME_DIR="$XDG" "\$@"' sh "$REAL_RT" "\$@"
EOF
    chmod 755 "$TEST_DIR/rt-user"
    RT="$TEST_DIR/rt-user"
    rm "$BUNDLE/config.json"
    chown -R "$USER_ID:$USER_ID" "$BUNDLE" "$XDG" "$ROOT"
    # spec --rootless as the user: its own uid and gid mapped to root of the container
    (cd "$BUNDLE" && "$RT" spec --rootless) || fail "spec --rootless as the user failed"
    cfg '.process.terminal = false | .root.readonly = false'
    # the directory for files the container writes, owned by its root (the user)
    mkdir -m 1777 "$BUNDLE/rootfs/out"
}

# map_subids: root of the container is the user, ids 1..65536 come from /etc/sub[ug]id.
map_subids() {
    cfg "(.linux.uidMappings, .linux.gidMappings) =
         [{containerID: 0, hostID: $USER_ID, size: 1},
          {containerID: 1, hostID: $SUB_START, size: 65536}]"
}

need_newuidmap() {
    command -v newuidmap >/dev/null && command -v newgidmap >/dev/null ||
        skip "newuidmap/newgidmap not installed (Debian package uidmap)"
}

@test "rootless: spec --rootless maps the caller's own uid and gid" {
    assert_equal "$(jq -c '[.linux.uidMappings, .linux.gidMappings]' "$BUNDLE/config.json")" \
        "[[{\"containerID\":0,\"hostID\":$USER_ID,\"size\":1}],[{\"containerID\":0,\"hostID\":$USER_ID,\"size\":1}]]"
}

@test "rootless: the caller's own ids are mapped without a helper; state in \$XDG_RUNTIME_DIR/rt" {
    set_args sh -c 'id -u; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups | tr -s " "'
    local id
    id="$(new_id "" "$XDG/rt")"
    # no --root: the default for a caller that is not root
    rt_raw run -b "$BUNDLE" "$id"
    assert_success
    assert_equal "${lines[0]}" 0
    assert_equal "${lines[1]}" " 0 $USER_ID 1"
    assert_equal "${lines[2]}" " 0 $USER_ID 1"
    # an unprivileged gid_map needs setgroups denied (user_namespaces(7))
    assert_equal "${lines[3]}" deny
    [[ -d "$XDG/rt" ]] || fail "no state root in \$XDG_RUNTIME_DIR/rt"
    [[ ! -e "$XDG/rt/$id" ]] || fail "state dir left after run"
}

@test "rootless: newuidmap/newgidmap map the ranges of /etc/subuid and /etc/subgid" {
    need_newuidmap
    map_subids
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec "$ID" sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups | tr -s " "'
    assert_success
    assert_equal "${lines[0]}" " 0 $USER_ID 1"
    assert_equal "${lines[1]}" " 1 $SUB_START 65536"
    assert_equal "${lines[2]}" " 0 $USER_ID 1"
    assert_equal "${lines[3]}" " 1 $SUB_START 65536"
    assert_equal "${lines[4]}" allow
    # a file made by uid 1000:1001 of the container belongs to the subordinate ids on the host
    rtc exec -u 1000:1001 "$ID" touch /out/f
    assert_success
    assert_equal "$(stat -c %u:%g "$BUNDLE/rootfs/out/f")" "$((SUB_START + 999)):$((SUB_START + 1000))"
}

@test "rootless: ids the user does not own are refused, naming the helper, and nothing is left" {
    need_newuidmap
    map_subids
    : >"$ETC/subuid"
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_failure 1
    assert_contains "$stderr" "rt: linux.uidMappings: newuidmap failed"
    assert_contains "$stderr" "/etc/subuid"
    assert_no_leak "$ID"
    echo "rt-test-user:$SUB_START:65536" >"$ETC/subuid"
    : >"$ETC/subgid"
    rtc run -b "$BUNDLE" "$ID"
    assert_failure 1
    assert_contains "$stderr" "rt: linux.gidMappings: newgidmap failed"
    assert_contains "$stderr" "/etc/subgid"
    assert_no_leak "$ID"
}

@test "rootless: without cgroup access the container runs in the caller's cgroup" {
    local own
    own="$(cat /proc/self/cgroup)"
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    [[ -z "$(cgroups_of "$ID")" ]] || fail "a cgroup was made: $(cgroups_of "$ID")"
    assert_equal "$(cat "/proc/$(state_field "$ID" .pid)/cgroup")" "$own"
    # the commands that need a cgroup say why they cannot act
    rtc pause "$ID"
    assert_failure 1
    assert_contains "$stderr" "has no cgroup (created rootless without cgroup access)"
    rtc ps "$ID"
    assert_failure 1
    assert_contains "$stderr" "has no cgroup (created rootless without cgroup access)"
    # kill --all still reaches the container (through its init)
    rtc kill --all "$ID" KILL
    assert_success
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
}

@test "rootless: limits without cgroup access are an error, and nothing is left" {
    cfg '.linux.resources = {memory: {limit: 67108864}}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_failure 1
    assert_contains "$stderr" "rt: create cgroup"
    assert_contains "$stderr" "Permission denied"
    assert_no_leak "$ID"
}

@test "rootless: --rootless=false makes a missing cgroup an error" {
    set_args true
    rtc --rootless=false run -b "$BUNDLE" "$ID"
    assert_failure 1
    assert_contains "$stderr" "Permission denied"
    assert_no_leak "$ID"
}
