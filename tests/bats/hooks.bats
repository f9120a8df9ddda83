#!/usr/bin/env bats
# OCI hooks (config.md "POSIX-platform Hooks", runtime.md lifecycle): the order, the state
# JSON each hook reads on stdin, the namespace each runs in, timeouts and failures.

load helpers

# host_hook NAME: a host script that appends "NAME status pid-ns mnt-ns" and the state it
# read to $HOOKLOG; runtime-namespace hooks and createContainer (before pivot_root) run it.
host_hook() {
    cat >"$TEST_DIR/hook-$1" <<EOS
#!/bin/sh
state=\$(cat)
echo "$1 \$(echo "\$state" | jq -r '.status + " " + .id + " " + (.pid|tostring) + " " + .bundle') \$(readlink /proc/self/ns/pid) \$(readlink /proc/self/ns/mnt)" >>"$HOOKLOG"
EOS
    chmod +x "$TEST_DIR/hook-$1"
    echo "$TEST_DIR/hook-$1"
}

setup() {
    common_setup
    HOOKLOG="$TEST_DIR/hooks.log"
    mkdir -p "$TEST_DIR/shared"
    : >"$HOOKLOG"
    local h
    for h in prestart createRuntime createContainer poststart poststop; do
        host_hook "$h" >/dev/null
    done
    # startContainer runs after pivot_root: a command of the container's own busybox,
    # writing to a directory bound from the host.
    cfgj --arg d "$TEST_DIR/shared" '.mounts += [{"destination": "/shared", "type": "bind",
        "source": $d, "options": ["rbind", "rw"]}]'
    cfgj --arg t "$TEST_DIR" '.hooks = {
        "prestart": [{"path": ($t + "/hook-prestart")}],
        "createRuntime": [{"path": ($t + "/hook-createRuntime")}],
        "createContainer": [{"path": ($t + "/hook-createContainer")}],
        "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c",
            "cat > /shared/start-state; readlink /proc/self/ns/pid > /shared/start-ns; ls / > /shared/start-root"]}],
        "poststart": [{"path": ($t + "/hook-poststart")}],
        "poststop": [{"path": ($t + "/hook-poststop")}]
    }'
}

# cfgj JQ_ARGS... FILTER: edit $BUNDLE/config.json with jq and its arguments.
cfgj() {
    local f="$BUNDLE/config.json"
    jq "$@" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# bats test_tags=vm
@test "hooks run in order, each with the state and in the namespace config.md gives" {
    set_args sh -c 'readlink /proc/self/ns/pid > /shared/ctr-ns; echo ran > /shared/ran'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local pid
    pid="$(state_field "$ID" .pid)"
    # create: prestart, createRuntime (runtime ns), createContainer (container ns), all with
    # status created: runtime.md defines it as "after step 2", and these hooks are steps 3-5
    # (runc 1.1.5 says creating, crun created)
    mapfile -t log <"$HOOKLOG"
    assert_equal "${#log[@]}" 3
    local hostpid hostmnt ctrpid ctrmnt
    hostpid="$(readlink /proc/self/ns/pid)"
    hostmnt="$(readlink /proc/self/ns/mnt)"
    ctrpid="$(readlink "/proc/$pid/ns/pid")"
    ctrmnt="$(readlink "/proc/$pid/ns/mnt")"
    assert_equal "${log[0]}" "prestart created $ID $pid $BUNDLE $hostpid $hostmnt"
    assert_equal "${log[1]}" "createRuntime created $ID $pid $BUNDLE $hostpid $hostmnt"
    assert_equal "${log[2]}" "createContainer created $ID $pid $BUNDLE $ctrpid $ctrmnt"
    [[ ! -e "$TEST_DIR/shared/start-state" ]] || fail "startContainer ran before start"

    rtc start "$ID"
    assert_success
    wait_file_contains "$TEST_DIR/shared/ran" ran
    mapfile -t log <"$HOOKLOG"
    assert_equal "${log[3]}" "poststart running $ID $pid $BUNDLE $hostpid $hostmnt"
    # startContainer: in the container, after pivot_root, before the process
    assert_equal "$(jq -r .status "$TEST_DIR/shared/start-state")" created
    assert_equal "$(jq -r .id "$TEST_DIR/shared/start-state")" "$ID"
    assert_equal "$(cat "$TEST_DIR/shared/start-ns")" "$(cat "$TEST_DIR/shared/ctr-ns")"
    grep -qx shared "$TEST_DIR/shared/start-root" || fail "startContainer did not see the container's /"

    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    mapfile -t log <"$HOOKLOG"
    assert_equal "${#log[@]}" 5
    assert_equal "${log[4]}" "poststop stopped $ID 0 $BUNDLE $hostpid $hostmnt"
}

@test "hook args and env are the config's" {
    cat >"$TEST_DIR/argv-hook" <<EOS
#!/bin/sh
echo "\$0|\$1|\$2|\$FOO|\$(/usr/bin/env | grep -c '^HOME=')" >>"$HOOKLOG"
EOS
    chmod +x "$TEST_DIR/argv-hook"
    cfgj --arg p "$TEST_DIR/argv-hook" '.hooks = {"createRuntime": [{"path": $p,
        "args": ["custom-name", "a", "b c"], "env": ["FOO=bar"]}]}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    # sh reports the script's path as $0; the args after it are the config's
    # only the config's env: rt's own HOME does not leak into the hook
    assert_equal "$(cat "$HOOKLOG")" "$TEST_DIR/argv-hook|a|b c|bar|0"
}

# bats test_tags=vm
@test "a failing createRuntime hook fails create and leaves nothing" {
    cfg '.hooks = {"createRuntime": [{"path": "/bin/false"}]}'
    rtc create -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "hooks.createRuntime[0] /bin/false: error running hook: exit status 1"
    assert_no_leak "$ID"
}

@test "a failing createContainer hook fails create and leaves nothing" {
    cfg '.hooks = {"createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 7"]}]}'
    rtc create -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" "hooks.createContainer[0] /bin/sh: error running hook: exit status 7"
    assert_no_leak "$ID"
}

@test "a hook is killed at its timeout and create fails" {
    cfgj --arg f "$TEST_DIR/hook.pid" '.hooks = {"prestart": [{"path": "/bin/sh",
        "args": ["sh", "-c", "echo $$ > \($f); exec sleep 60"], "timeout": 1}]}'
    local t0=$SECONDS
    rtc create -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" "hooks.prestart[0] /bin/sh: error running hook: hook ran past specified timeout of 1 s"
    ((SECONDS - t0 < 20)) || fail "the timeout was not enforced"
    local pid
    pid="$(cat "$TEST_DIR/hook.pid")"
    wait_pid_exit "$pid" 2 || fail "the hook (pid $pid) is still running"
    assert_no_leak "$ID"
}

@test "a failing poststart hook fails start and stops the container (spec v1.3.0)" {
    cfg '.hooks.poststart = [{"path": "/bin/false"}]'
    set_args sleep 100
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    rtc start "$ID"
    assert_failure
    assert_contains "$stderr" "hooks.poststart[0] /bin/false: error running hook: exit status 1"
    # destroyed as lifecycle step 12 says, and poststop ran
    assert_no_leak "$ID"
    grep -q "^poststop stopped $ID" "$HOOKLOG" || fail "poststop did not run"
}

@test "a failing poststop hook is only a warning" {
    cfg '.hooks = {"poststop": [{"path": "/bin/false"}]}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_contains "$stderr" "hooks.poststop[0] /bin/false: error running hook: exit status 1"
    assert_no_leak "$ID"
}

@test "a hook path must be absolute" {
    cfg '.hooks = {"prestart": [{"path": "relative/hook"}]}'
    rtc create -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "hooks.prestart[0].path: must be an absolute path"
    assert_no_leak "$ID"
}

@test "poststart runs only once the process has been exec'd" {
    # the hook reads the init's command line: rt's own before execve, the process's after
    cat >"$TEST_DIR/exe-hook" <<EOS
#!/bin/sh
pid=\$(jq -r .pid)
tr '\0' ' ' </proc/\$pid/cmdline >>"$HOOKLOG"
EOS
    chmod +x "$TEST_DIR/exe-hook"
    cfgj --arg h "$TEST_DIR/exe-hook" '.hooks = {"poststart": [{"path": $h}],
        "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "sleep 0.3"]}]}'
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(cat "$HOOKLOG")" "sleep 1000 "
}

@test "every poststop hook runs even when one fails" {
    cfgj --arg l "$HOOKLOG" '.hooks = {"poststop": [{"path": "/bin/false"},
        {"path": "/bin/sh", "args": ["sh", "-c", "echo second >> \($l)"]}]}'
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_contains "$stderr" "hooks.poststop[0] /bin/false: error running hook: exit status 1"
    assert_equal "$(cat "$HOOKLOG")" second
}
