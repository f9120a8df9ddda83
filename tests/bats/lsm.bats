#!/usr/bin/env bats
# AppArmor (process.apparmorProfile, exec --apparmor) and SELinux (process.selinuxLabel,
# exec --process-label, linux.mountLabel).  On a host without them (this one) the "not enabled"
# paths: a clear error before anything is created, nothing left behind.  Where AppArmor is
# enabled (the cgroup-v2 + AppArmor VM of tests/vm) the profile is applied for real; likewise
# SELinux where it is enabled.

# bats file_tags=vm
load helpers

apparmor_on() { [[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" == Y ]]; }
selinux_on() { [[ -e /sys/fs/selinux/enforce ]]; }

need_apparmor() {
    apparmor_on || skip "AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled is not Y)"
    [[ "$(timeout 10 "$RT" features | jq -r '.linux.apparmor.enabled // true')" == true ]] ||
        skip "$RT_NAME is built without AppArmor"
}

need_no_apparmor() {
    ! apparmor_on || skip "AppArmor is enabled on this host"
}

need_no_selinux() {
    ! selinux_on || skip "SELinux is enabled on this host"
}

setup() {
    common_setup
    PROFILE=""
}

teardown() {
    [[ -z "$PROFILE" ]] || apparmor_parser -R "$TEST_DIR/profile" >/dev/null 2>&1 || true
    common_teardown
}

# load_profile: a profile named rt-test-<token> that denies reading /etc/passwd; sets PROFILE.
# Without apparmor_parser the built-in "unconfined" is used (PROFILE stays empty) and
# APPARMOR_NAME is what /proc/self/attr/current must show.
load_profile() {
    if ! command -v apparmor_parser >/dev/null; then
        APPARMOR_NAME=unconfined
        return 0
    fi
    APPARMOR_NAME="rt-test-$TEST_TOKEN"
    cat >"$TEST_DIR/profile" <<EOF
profile $APPARMOR_NAME flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  unix,
  mount,
  umount,
  pivot_root,
  ptrace,
  deny /etc/passwd r,
}
EOF
    apparmor_parser -r "$TEST_DIR/profile" || fail "apparmor_parser could not load the test profile"
    PROFILE="$APPARMOR_NAME"
}

# exec_failed: the last exec failed (255, as runc 1.1.5's exec).
exec_failed() {
    assert_failure 255
}

# attr_current: the command that prints the process's AppArmor label inside the container.
ATTR_CURRENT='cat /proc/self/attr/apparmor/current 2>/dev/null || cat /proc/self/attr/current'

# --- AppArmor ---------------------------------------------------------------------------------

@test "apparmorProfile on a host without AppArmor: an error, nothing left behind (as runc)" {
    need_no_apparmor
    cfg '.process.apparmorProfile = "rt-test-profile"'
    rtc run -b "$BUNDLE" "$ID"
    # runc 1.1.5 fails too, from its init: "apparmor failed to apply profile: write
    # /proc/self/attr/exec: invalid argument"; rt fails before creating anything.
    assert_error "apparmor"
    if is_rt; then
        assert_contains "$stderr" 'process.apparmorProfile: apparmor profile "rt-test-profile" is specified'
        assert_match "$stderr" "AppArmor is not enabled on this host|built without AppArmor support"
    fi
    assert_no_leak "$ID"
}

@test "exec --apparmor, or a process.json profile, on a host without AppArmor: an error" {
    need_no_apparmor
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec --apparmor rt-test-profile "$ID" true
    exec_failed
    assert_contains "${stderr,,}" "apparmor"
    jq '.process | .args = ["true"] | .apparmorProfile = "rt-test-profile"' "$BUNDLE/config.json" \
        >"$TEST_DIR/process.json"
    rtc exec --process "$TEST_DIR/process.json" "$ID"
    exec_failed
    assert_contains "${stderr,,}" "apparmor"
    # the container is unharmed
    rtc exec "$ID" true
    assert_success
}

@test "apparmorProfile is applied to the container's process (AppArmor enabled)" {
    need_apparmor
    load_profile
    cfg ".process.apparmorProfile = \"$APPARMOR_NAME\""
    in_container sh -c "$ATTR_CURRENT; cat /etc/passwd >/dev/null; echo passwd=\$?"
    assert_success
    assert_contains "$stdout" "$APPARMOR_NAME"
    [[ -z "$PROFILE" ]] || assert_contains "$stdout" "passwd=1"
}

@test "exec: the container's profile, or --apparmor, is applied to the exec'd process (AppArmor enabled)" {
    need_apparmor
    load_profile
    cfg ".process.apparmorProfile = \"$APPARMOR_NAME\""
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec "$ID" sh -c "$ATTR_CURRENT"
    assert_success
    assert_contains "$stdout" "$APPARMOR_NAME"
    jq '.process | .args = ["sh", "-c", "cat /proc/self/attr/apparmor/current 2>/dev/null || cat /proc/self/attr/current"] | del(.apparmorProfile)' \
        "$BUNDLE/config.json" >"$TEST_DIR/process.json"
    rtc exec --process "$TEST_DIR/process.json" "$ID"
    assert_success
    assert_contains "$stdout" "$APPARMOR_NAME"
    rtc exec --apparmor unconfined "$ID" sh -c "$ATTR_CURRENT"
    assert_success
    assert_contains "$stdout" "unconfined"
}

# --- SELinux ----------------------------------------------------------------------------------

@test "selinuxLabel on a host without SELinux: runc 1.1.5's error, nothing left behind" {
    need_no_selinux
    cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
    rtc run -b "$BUNDLE" "$ID"
    assert_error "selinux label is specified in config, but selinux is disabled or not supported"
    is_rt && assert_contains "$stderr" "process.selinuxLabel"
    assert_no_leak "$ID"
}

@test "mountLabel on a host without SELinux: a warning, the mounts get no context" {
    rt_only "runc 1.1.5 tries context= on the tmpfs of /dev and fails; rt warns, as crun ignores it"
    need_no_selinux
    cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
    set_args sh -c 'grep -c context= /proc/self/mountinfo || true'
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_contains "$stderr" "linux.mountLabel: SELinux is not enabled on this host"
    assert_equal "$stdout" 0
}

@test "exec --process-label on a host without SELinux: runc 1.1.5's error" {
    need_no_selinux
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec --process-label "system_u:system_r:container_t:s0" "$ID" true
    exec_failed
    assert_contains "$stderr" "selinux label is specified in config, but selinux is disabled or not supported"
}

@test "selinuxLabel is the process's label, mountLabel on its tmpfs mounts (SELinux enabled)" {
    selinux_on || skip "SELinux is not enabled on this host"
    [[ "$(timeout 10 "$RT" features | jq -r '.linux.selinux.enabled // true')" == true ]] ||
        skip "$RT_NAME is built without SELinux"
    local label
    label="$(tr -d '\0' </proc/self/attr/current)"
    cfg ".process.selinuxLabel = \"$label\" | .linux.mountLabel = \"$label\""
    in_container sh -c 'cat /proc/self/attr/current; echo; grep " /dev " /proc/self/mountinfo'
    assert_success
    assert_contains "$stdout" "$label"
    assert_contains "$stdout" "context="
}

# --- features ---------------------------------------------------------------------------------

@test "features: apparmor and selinux say whether this build supports them" {
    rtc features
    assert_success
    jq -e '.linux.apparmor.enabled | type == "boolean"' <<<"$stdout" >/dev/null || fail "apparmor: $stdout"
    jq -e '.linux.selinux.enabled | type == "boolean"' <<<"$stdout" >/dev/null || fail "selinux: $stdout"
}
