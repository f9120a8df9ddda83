#!/usr/bin/env bats
# Every error: exit status 1, one line naming the cause ("rt: ..." for rt), and nothing left
# behind (no state dir, cgroup, mount or process).

load helpers

# create_fails ERE: `create` of $BUNDLE as $ID fails with an error matching ERE, leaving nothing.
create_fails() {
    rtc create -b "$BUNDLE" "$ID"
    assert_error "$1"
    assert_no_leak "$ID"
    [[ ! -e "$ROOT/$ID" ]]
}

# run_fails ERE: the same for `run`.
run_fails() {
    rtc run -b "$BUNDLE" "$ID"
    assert_error "$1"
    assert_no_leak "$ID"
}

@test "config.json: bad JSON" {
    echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
    create_fails 'config\.json|EOF|json'
    run_fails 'config\.json|EOF|json'
}

@test "config.json: not an object" {
    echo '[1, 2]' >"$BUNDLE/config.json"
    create_fails 'config\.json|cannot unmarshal'
}

@test "config.json: empty file" {
    : >"$BUNDLE/config.json"
    create_fails 'config\.json|EOF'
}

@test "config.json: missing" {
    rm "$BUNDLE/config.json"
    create_fails 'config\.json'
}

@test "config.json: process.args of the wrong type names the JSON path" {
    cfg '.process.args = "sh"'
    if is_rt; then
        rtc create -b "$BUNDLE" "$ID"
        assert_failure
        assert_equal "$stderr" "rt: config.json: process.args: expected array of strings"
        assert_no_leak "$ID"
    else
        create_fails 'process\.args'
    fi
    run_fails 'process\.args'
}

@test "config.json: an array element of the wrong type names the JSON path" {
    cfg '.process.args = ["sh", 5]'
    if is_rt; then
        create_fails 'config\.json: process\.args(\[1\]|\.1)?: '
    else
        create_fails 'process\.args'
    fi
}

@test "config.json: wrong types in nested objects name the JSON path" {
    local filter want n=0
    while IFS='|' read -r filter want; do
        n=$((n + 1))
        BUNDLE="$TEST_DIR/bundle-$n"
        make_bundle "$BUNDLE"
        cfg "$filter"
        ID="$(new_id)"
        if is_rt; then
            create_fails "config\\.json: $want"
        else
            rtc create -b "$BUNDLE" "$ID"
            assert_failure
            assert_no_leak "$ID"
        fi
        rm -rf "$BUNDLE"
    done <<'CASES'
.process.user.uid = "0"|process\.user\.uid
.process.terminal = "no"|process\.terminal
.hostname = 5|hostname
.root = "rootfs"|root
.mounts = {}|mounts
.mounts[1].options = "ro"|mounts(\[1\]|\.1)\.options
.linux.namespaces = [{"type": 1}]|linux\.namespaces(\[0\]|\.0)\.type
.process.rlimits[0].hard = "x"|process\.rlimits(\[0\]|\.0)\.hard
.process.capabilities.bounding = "CAP_KILL"|process\.capabilities\.bounding
CASES
}

@test "config.json: missing required ociVersion" {
    rt_only "runc 1.1 does not require ociVersion"
    cfg 'del(.ociVersion)'
    create_fails 'ociVersion'
}

@test "config.json: unsupported ociVersion 2.0.0" {
    rt_only "runc 1.1 does not check ociVersion"
    cfg '.ociVersion = "2.0.0"'
    create_fails 'ociVersion'
    assert_contains "$stderr" "2.0.0"
    run_fails 'ociVersion'
}

@test "config.json: an ociVersion that is not a version is refused" {
    rt_only "runc 1.1 does not check ociVersion"
    cfg '.ociVersion = "invalid"'
    create_fails 'ociVersion.*invalid'
}

@test "config.json: ociVersion 1.0.0 and unknown properties are accepted" {
    cfg '.ociVersion = "1.0.0" | .someFutureField = {"x": [1]} | .process.unknownKey = true'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_success
}

# config.md: process is OPTIONAL, and REQUIRED when start is called; runtime.md: start MUST
# fail without it. So create succeeds, start fails and stops the container, run fails up front.
# (runc 1.1.5 and crun 1.8.1 refuse such a config at create.)
@test "config.json: without process, create works, start and run fail" {
    rt_only "runc and crun refuse it at create"
    cfg 'del(.process)'
    run_fails 'config\.json: process: required to run a container'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(state_field "$ID" .status)" created
    rtc start "$ID"
    assert_error 'config\.json: process: required to start the container'
    # a failed start stops the container (runtime.md lifecycle); delete still cleans up
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "config.json: empty process.args" {
    cfg '.process.args = []'
    create_fails 'args'
}

@test "config.json: relative process.cwd" {
    cfg '.process.cwd = "relative/dir"'
    create_fails 'cwd'
}

@test "config.json: unknown namespace type" {
    cfg '.linux.namespaces += [{"type": "bogus"}]'
    create_fails 'bogus|namespace'
}

@test "missing rootfs" {
    cfg '.root.path = "nope"'
    create_fails 'nope|rootfs'
    run_fails 'nope|rootfs'
}

@test "missing bundle directory" {
    rtc create -b "$TEST_DIR/no-such-bundle" "$ID"
    assert_error 'no-such-bundle|config\.json|no such file'
    assert_no_leak "$ID"
}

@test "a missing executable fails create and names it" {
    cfg '.process.args = ["/nonexistent"]'
    # Docker maps "no such file or directory" to exit code 127
    create_fails '/nonexistent.*no such file or directory'
    run_fails '/nonexistent.*no such file or directory'
}

@test "a failing mount after the init started leaves nothing (cgroup, process, state)" {
    cfg '.mounts += [{"destination": "/mnt", "type": "bogusfs", "source": "none"}]'
    create_fails 'mnt|bogusfs|no such device'
}

@test "a mount destination that escapes the rootfs is refused or contained" {
    # /../../x resolves inside the rootfs (as runc does), never on the host
    cfg '.mounts += [{"destination": "/../../../../tmp/rt-escape-'"$TEST_TOKEN"'", "type": "tmpfs", "source": "tmpfs"}]'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    [[ ! -e "/tmp/rt-escape-$TEST_TOKEN" ]] || {
        rmdir "/tmp/rt-escape-$TEST_TOKEN"
        fail "a mount destination escaped the rootfs"
    }
    assert_no_leak "$ID"
}

@test "duplicate id: create fails, the first container is untouched" {
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local pid
    pid="$(state_field "$ID" .pid)"
    rtc create -b "$BUNDLE" "$ID"
    assert_error 'already exists'
    rtc run -b "$BUNDLE" "$ID"
    assert_error 'already exists'
    assert_equal "$(container_status "$ID")" created
    assert_equal "$(state_field "$ID" .pid)" "$pid"
    kill -0 "$pid"
}

@test "start twice fails" {
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    rtc start "$ID"
    assert_success
    rtc start "$ID"
    assert_error 'running|not in created'
    assert_equal "$(container_status "$ID")" running
}

@test "start of a stopped container fails and has no effect: the process does not run again" {
    cfg '.root.readonly = false'
    set_args sh -c 'echo called >> /output'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    rtc state "$ID"
    local before="$stdout"
    rtc start "$ID"
    assert_error 'stopped'
    assert_equal "$(cat "$BUNDLE/rootfs/output")" called
    rtc state "$ID"
    assert_equal "$stdout" "$before"
}

@test "start of a missing container" {
    rtc start "$ID"
    assert_error 'does not exist'
    assert_no_leak "$ID"
}

@test "kill of a stopped container fails (not running) and has no effect on its state" {
    set_args true
    rtc run -d --keep -b "$BUNDLE" "$ID"
    assert_success
    wait_status "$ID" stopped
    rtc state "$ID"
    local before="$stdout"
    rtc kill "$ID" KILL
    assert_error 'not running'
    rtc state "$ID"
    assert_success
    assert_equal "$stdout" "$before"
}

@test "kill of a missing container" {
    rtc kill "$ID" KILL
    assert_error 'does not exist'
    assert_no_leak "$ID"
}

@test "kill with an unknown signal" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc kill "$ID" FOO
    assert_error 'FOO'
    assert_equal "$(container_status "$ID")" running
}

@test "delete of a running container without --force fails and leaves it running" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc delete "$ID"
    assert_error 'running'
    assert_equal "$(container_status "$ID")" running
}

@test "delete of a missing container" {
    rtc delete "$ID"
    assert_error 'does not exist'
}

@test "state of a missing container" {
    rtc state "$ID"
    assert_error 'does not exist'
    assert_equal "$stdout" ""
}

@test "unknown command" {
    rtc frobnicate "$ID"
    if is_rt; then
        assert_error 'frobnicate'
    else
        # runc (urfave/cli) exits 3 here
        assert_failure 3
    fi
}

@test "unknown flag of a command" {
    rtc create --bogus-flag -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" "bogus-flag"
    if is_rt; then assert_rt_error_line; fi
    assert_no_leak "$ID"
}

@test "missing container id" {
    local cmd
    for cmd in create start state delete kill run; do
        rtc "$cmd"
        assert_failure
        if is_rt; then assert_rt_error_line; fi
    done
}

@test "invalid container ids are refused" {
    local bad
    for bad in "../escape-$TEST_TOKEN" "a-$TEST_TOKEN/b" ".." "." "" "with space"; do
        rtc create -b "$BUNDLE" "$bad"
        assert_failure
        if is_rt; then assert_rt_error_line; fi
    done
    [[ ! -e "$TEST_DIR/escape-$TEST_TOKEN" && ! -e "$ROOT/a-$TEST_TOKEN" ]] ||
        fail "an invalid id made a directory"
    # nor a cgroup, anywhere (e.g. <own cgroup>/../escape-...)
    local cg
    cg="$(find /sys/fs/cgroup -type d \( -name "escape-$TEST_TOKEN" -o -name "a-$TEST_TOKEN" \))"
    if [[ -n "$cg" ]]; then
        rmdir $cg 2>/dev/null || true
        fail "an invalid id made cgroups: $cg"
    fi
    # nor a process
    [[ -z "$(pids_of "escape-$TEST_TOKEN")" ]] || fail "an invalid id left a process"
}

@test "process.terminal true without --console-socket fails with one line" {
    cfg '.process.terminal = true'
    set_args true
    create_fails 'console|tty|terminal'
    run_fails 'console|tty|terminal'
}

@test "--console-socket with terminal false fails as runc does" {
    set_args true
    rtc create --console-socket "$TEST_DIR/no.sock" -b "$BUNDLE" "$ID"
    assert_error 'console'
    assert_no_leak "$ID"
}

@test "--systemd-cgroup on a host without systemd: one clear error, nothing left" {
    [[ ! -S /run/systemd/private && ! -S /run/dbus/system_bus_socket ]] ||
        skip "systemd or a system bus is reachable here (tests/bats/systemd-cgroup.bats)"
    set_args true
    cfg ".linux.cgroupsPath = \"system.slice:rt-test:$ID\""
    rtc --systemd-cgroup create -b "$BUNDLE" "$ID"
    assert_error 'systemd'
    assert_no_leak "$ID"
    [[ ! -e "/sys/fs/cgroup/pids/system.slice/rt-test-$ID.scope" ]]
}

@test "--systemd-cgroup: a cgroupsPath that is not slice:prefix:name is one clear error" {
    set_args true
    local p
    for p in "rt-test-$ID" "a:b" "x.slice:p:" "a/b.slice:p:$ID" "a--b.slice:p:$ID" "nosuffix:p:$ID" \
        "system.slice:p:$ID:x"; do
        cfg ".linux.cgroupsPath = \"$p\""
        rtc --systemd-cgroup create -b "$BUNDLE" "$ID"
        if is_rt; then
            assert_error "linux.cgroupsPath"
        else
            assert_failure
        fi
        assert_no_leak "$ID"
    done
}

@test "commands not implemented yet fail with one clear line" {
    rt_only "runc implements them"
    # the commands `rt --help` marks "(not implemented yet)"; none left: nothing to test
    local todo
    todo="$("$RT" --help | awk '/not implemented yet/ {print $1}')"
    [[ -n "$todo" ]] || skip "every command is implemented"
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local cmd
    for cmd in $todo; do
        rtc "$cmd" "$ID"
        assert_error 'not implemented'
    done
    assert_equal "$(container_status "$ID")" running
}

@test "an error with --log FILE --log-format json is the last JSON record" {
    rtc --log "$TEST_DIR/log.json" --log-format json state "$ID"
    assert_failure
    [[ -s "$TEST_DIR/log.json" ]] || fail "nothing logged"
    # every line a JSON object with level, msg and an RFC 3339 time
    jq -e -s 'all(.[]; (.level|type) == "string" and (.msg|type) == "string"
        and (.time|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")))' \
        "$TEST_DIR/log.json" >/dev/null || fail "bad log: $(cat "$TEST_DIR/log.json")"
    assert_equal "$(tail -n1 "$TEST_DIR/log.json" | jq -r .level)" error
    assert_contains "$(tail -n1 "$TEST_DIR/log.json" | jq -r .msg)" "does not exist"
}

@test "a create error with --log-format json names the root cause in the log" {
    cfg '.process.args = "sh"'
    rtc --log "$TEST_DIR/log.json" --log-format json create -b "$BUNDLE" "$ID"
    assert_failure
    assert_equal "$(tail -n1 "$TEST_DIR/log.json" | jq -r .level)" error
    assert_contains "$(tail -n1 "$TEST_DIR/log.json" | jq -r .msg)" "process.args"
    assert_no_leak "$ID"
}
