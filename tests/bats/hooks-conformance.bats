#!/usr/bin/env bats
# Hooks, the points runtime-tools' hooks, hooks_stdin and prestart_fail programs check that
# hooks.bats does not: several hooks of one kind run in the listed order, the state on each
# hook's stdin carries the config's annotations, and a failing prestart hook stops everything.

load helpers

# log_hook KIND N: a hook (an argv for /bin/sh) that appends "KIND N" to $HOOKLOG.
log_hook() {
    jq -nc --arg l "$HOOKLOG" --arg w "$1 $2" \
        '{path: "/bin/sh", args: ["sh", "-c", "echo \"\($w)\" >> \($l)"]}'
}

# state_hook KIND: a hook that saves the state it reads on stdin to $TEST_DIR/state-KIND.
state_hook() {
    jq -nc --arg f "$TEST_DIR/state-$1" '{path: "/bin/sh", args: ["sh", "-c", "cat > \($f)"]}'
}

setup() {
    common_setup
    HOOKLOG="$TEST_DIR/hooks.log"
}

@test "two hooks of each kind run in the listed order" {
    local kind hooks='{}'
    for kind in prestart createRuntime poststart poststop; do
        hooks="$(jq -c --arg k "$kind" --argjson a "$(log_hook "$kind" 1)" \
            --argjson b "$(log_hook "$kind" 2)" '.[$k] = [$a, $b]' <<<"$hooks")"
    done
    cfg ".hooks = $hooks"
    set_args true
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    assert_equal "$(tr '\n' ',' <"$HOOKLOG")" \
        "prestart 1,prestart 2,createRuntime 1,createRuntime 2,poststart 1,poststart 2,poststop 1,poststop 2,"
}

@test "the state on a hook's stdin has the id, bundle, pid and annotations of the container" {
    cfg '.annotations = {"org.opencontainers.runtime-tools": "hook stdin test", "empty": ""}'
    cfg ".hooks = {\"prestart\": [$(state_hook prestart)], \"poststart\": [$(state_hook poststart)],
        \"poststop\": [$(state_hook poststop)]}"
    set_args true
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local pid kind
    pid="$(state_field "$ID" .pid)"
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    for kind in prestart poststart poststop; do
        assert_equal "$(jq -r .id "$TEST_DIR/state-$kind")" "$ID"
        assert_equal "$(jq -r .bundle "$TEST_DIR/state-$kind")" "$BUNDLE"
        assert_equal "$(jq -c .annotations "$TEST_DIR/state-$kind")" \
            '{"empty":"","org.opencontainers.runtime-tools":"hook stdin test"}'
        [[ -n "$(jq -r '.status // empty' "$TEST_DIR/state-$kind")" ]] || fail "$kind: no status"
    done
    assert_equal "$(jq -r .pid "$TEST_DIR/state-prestart")" "$pid"
    assert_equal "$(jq -r .pid "$TEST_DIR/state-poststart")" "$pid"
}

@test "a failing prestart hook fails create: the process never runs and no container is left" {
    cfg '.hooks = {"prestart": [{"path": "/bin/false"}]} | .root.readonly = false'
    set_args sh -c 'touch /output'
    rtc create -b "$BUNDLE" "$ID"
    assert_failure
    if is_rt; then
        assert_rt_error_line
        assert_contains "$stderr" "hooks.prestart[0] /bin/false: error running hook: exit status 1"
    fi
    rtc start "$ID"
    assert_failure
    rtc state "$ID"
    assert_failure
    [[ ! -e "$BUNDLE/rootfs/output" ]] || fail "the process ran"
    assert_no_leak "$ID"
}
