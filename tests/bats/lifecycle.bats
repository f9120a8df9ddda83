#!/usr/bin/env bats
# create / start / state / kill / delete / run, and the exit statuses scripts rely on.

load helpers

@test "run: prints the container's output and exits with its status" {
    set_args sh -c 'echo hi; exit 3'
    rtc run -b "$BUNDLE" "$ID"
    assert_status 3
    assert_equal "$stdout" "hi"
    # run without --keep deletes the container when it stops
    rtc state "$ID"
    assert_failure
    assert_no_leak "$ID"
}

@test "run: exit status 0 and 1 of the container's process" {
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    local id2
    id2="$(new_id)"
    set_args false
    rtc run -b "$BUNDLE" "$id2"
    assert_status 1
}

@test "run: uses the current directory as the bundle by default" {
    set_args sh -c 'echo from-cwd'
    cd "$BUNDLE"
    rtc run "$ID"
    assert_success
    assert_equal "$stdout" "from-cwd"
}

@test "run: killed by SIGKILL through 'kill' from another shell exits 137" {
    set_args sh -c "$SIGNAL_SCRIPT"
    run_bg "$ID"
    wait_file_contains "$TEST_DIR/$ID.out" ready
    rtc kill "$ID" KILL
    assert_success
    wait_bg
    assert_status 137
    assert_no_leak "$ID"
}

@test "run: killed by SIGKILL of the container's pid from the host exits 137" {
    set_args sh -c "$SIGNAL_SCRIPT"
    run_bg "$ID"
    wait_file_contains "$TEST_DIR/$ID.out" ready
    local pid
    pid="$(state_field "$ID" .pid)"
    [[ "$pid" -gt 0 ]]
    kill -KILL "$pid"
    wait_bg
    assert_status 137
    assert_no_leak "$ID"
}

@test "run: a process killed by a signal it does not handle exits 128+N" {
    set_args sh -c 'echo ready; sleep 1000 & wait'
    run_bg "$ID"
    wait_file_contains "$TEST_DIR/$ID.out" ready
    rtc kill "$ID" 9
    assert_success
    wait_bg
    assert_status 137
}

# bats test_tags=vm
@test "run --detach: returns at once with the container running; -d short form" {
    set_args sleep 1000
    rtc run --detach -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(container_status "$ID")" running
    local id2
    id2="$(new_id)"
    rtc run -d -b "$BUNDLE" "$id2"
    assert_success
    assert_equal "$(container_status "$id2")" running
    rtc delete --force "$ID"
    assert_success
    rtc delete --force "$id2"
    assert_success
    assert_no_leak "$ID"
    assert_no_leak "$id2"
}

@test "run --keep: the stopped container is kept until delete" {
    set_args sh -c 'exit 5'
    rtc run --keep -b "$BUNDLE" "$ID"
    assert_status 5
    rtc state "$ID"
    assert_success
    assert_equal "$(jq -r .status <<<"$stdout")" stopped
    assert_equal "$(jq -r .pid <<<"$stdout")" 0
    rtc delete "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "run --detach --keep: kept after it is killed" {
    set_args sleep 1000
    rtc run -d --keep -b "$BUNDLE" "$ID"
    assert_success
    rtc kill "$ID" KILL
    assert_success
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "run --no-subreaper, --no-pivot, --no-new-keyring are accepted" {
    set_args sh -c 'echo ok'
    rtc run --no-subreaper --no-pivot --no-new-keyring -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$stdout" ok
}

@test "run --preserve-fds 1: fd 3 reaches the container" {
    set_args sh -c 'cat <&3'
    echo "through fd 3" >"$TEST_DIR/fd3"
    status=0
    timeout -k 5 "$RT_CMD_TIMEOUT" "$RT" --root "$ROOT" run --preserve-fds 1 -b "$BUNDLE" "$ID" \
        </dev/null 3<"$TEST_DIR/fd3" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || status=$?
    [[ $status -eq 0 ]] || fail "run --preserve-fds failed ($status): $(cat "$TEST_DIR/err")"
    assert_equal "$(cat "$TEST_DIR/out")" "through fd 3"
}

@test "run: without --preserve-fds, extra fds are not passed" {
    set_args sh -c 'ls /proc/self/fd'
    status=0
    timeout -k 5 "$RT_CMD_TIMEOUT" "$RT" --root "$ROOT" run -b "$BUNDLE" "$ID" </dev/null \
        3<"$BUNDLE/config.json" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || status=$?
    [[ $status -eq 0 ]] || fail "run failed ($status): $(cat "$TEST_DIR/err")"
    # 0 1 2 and the fd of ls's own directory listing
    assert_equal "$(grep -cv '^[0-2]$' "$TEST_DIR/out")" 1
}

# bats test_tags=vm
@test "create/state/start/state/kill/state/delete" {
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$stdout" ""

    rtc state "$ID"
    assert_success
    assert_equal "$(jq -r .status <<<"$stdout")" created
    local pid
    pid="$(jq -r .pid <<<"$stdout")"
    [[ "$pid" -gt 1 ]] || fail "created container has no pid: $stdout"
    kill -0 "$pid" || fail "pid $pid of the created container is not alive"
    # the pid is the container's init: in a new pid namespace
    [[ "$(readlink /proc/"$pid"/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]] ||
        fail "pid $pid is not in a new pid namespace"

    rtc start "$ID"
    assert_success
    assert_equal "$stdout" ""
    rtc state "$ID"
    assert_equal "$(jq -r .status <<<"$stdout")" running
    assert_equal "$(jq -r .pid <<<"$stdout")" "$pid"
    # after start the init runs the process of config.json
    wait_for_comm "$pid" sleep

    rtc kill "$ID" KILL
    assert_success
    wait_status "$ID" stopped
    rtc state "$ID"
    assert_success
    assert_equal "$(jq -r .pid <<<"$stdout")" 0

    rtc delete "$ID"
    assert_success
    rtc state "$ID"
    assert_error "does not exist"
    assert_no_leak "$ID"
}

wait_for_comm() {
    local deadline=$((SECONDS + 5))
    until [[ "$(cat /proc/"$1"/comm 2>/dev/null)" == "$2" ]]; do
        ((SECONDS < deadline)) || fail "pid $1 is not running $2: $(cat /proc/"$1"/comm)"
        sleep 0.02
    done
}

@test "create: the process runs only after start, its output goes to create's stdout" {
    set_args sh -c 'echo from-container'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local out="$RTC_OUT" pid
    pid="$(state_field "$ID" .pid)"
    # a negative check needs a little time: the process must not have run meanwhile
    sleep 0.2
    assert_equal "$(cat "$out")" ""
    assert_equal "$(container_status "$ID")" created
    [[ "$(cat /proc/"$pid"/comm)" != sh ]] || fail "the init already runs the process"
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    assert_equal "$(cat "$out")" "from-container"
    rtc delete "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "create: changing config.json after create does not affect the container" {
    cfg '.hostname = "before-start" | .process.env += ["FOO=original"] | .annotations = {"a": "1"}'
    set_args sh -c 'echo "$FOO $(hostname)"'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local out="$RTC_OUT"
    # what runtime-tools writes: a config with nothing but a version
    echo '{"ociVersion": "1.0.0"}' >"$BUNDLE/config.json"
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    assert_equal "$(cat "$out")" "original before-start"
    assert_equal "$(state_field "$ID" .annotations.a)" 1
    rtc delete "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "create --pid-file: absolute path, the pid without a newline" {
    set_args sleep 1000
    rtc create -b "$BUNDLE" --pid-file "$TEST_DIR/c.pid" "$ID"
    assert_success
    [[ -f "$TEST_DIR/c.pid" ]] || fail "no pid file"
    assert_equal "$(cat "$TEST_DIR/c.pid")" "$(state_field "$ID" .pid)"
    # no trailing newline, as runc writes it
    assert_match "$(cat "$TEST_DIR/c.pid")" '^[0-9]+$'
    [[ "$(wc -l <"$TEST_DIR/c.pid")" -eq 0 ]] || fail "pid file ends with a newline"
}

@test "create --pid-file: a relative path is relative to the current directory" {
    set_args sleep 1000
    mkdir "$TEST_DIR/cwd"
    cd "$TEST_DIR/cwd"
    rtc create -b "$BUNDLE" --pid-file=rel.pid "$ID"
    assert_success
    [[ -f "$TEST_DIR/cwd/rel.pid" ]] || fail "rel.pid not in the current directory"
    [[ ! -e "$BUNDLE/rel.pid" ]] || fail "rel.pid written into the bundle"
    assert_equal "$(cat rel.pid)" "$(state_field "$ID" .pid)"
}

@test "run --detach --pid-file" {
    set_args sleep 1000
    rtc run -d --pid-file "$TEST_DIR/r.pid" -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(cat "$TEST_DIR/r.pid")" "$(state_field "$ID" .pid)"
}

@test "create -b with a relative bundle path records the absolute path" {
    set_args sleep 1000
    cd "$TEST_DIR"
    rtc create -b bundle "$ID"
    assert_success
    assert_equal "$(state_field "$ID" .bundle)" "$BUNDLE"
    assert_equal "$(state_field "$ID" .rootfs)" "$BUNDLE/rootfs"
}

@test "state: runc's JSON shape" {
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    rtc state "$ID"
    assert_success
    jq -e . <<<"$stdout" >/dev/null || fail "state is not JSON: $stdout"
    # exactly runc's keys (annotations only when the config has some)
    assert_equal "$(jq -c 'keys' <<<"$stdout")" \
        '["bundle","created","id","ociVersion","owner","pid","rootfs","status"]'
    assert_equal "$(jq -r .id <<<"$stdout")" "$ID"
    assert_equal "$(jq -r '.pid|type' <<<"$stdout")" number
    assert_equal "$(jq -r .bundle <<<"$stdout")" "$BUNDLE"
    assert_equal "$(jq -r .rootfs <<<"$stdout")" "$BUNDLE/rootfs"
    assert_equal "$(jq -r .owner <<<"$stdout")" ""
    assert_match "$(jq -r .ociVersion <<<"$stdout")" '^1\.[0-9]+\.[0-9]+'
    # RFC 3339 with nanoseconds, UTC, like Go's time.Time
    assert_match "$(jq -r .created <<<"$stdout")" \
        '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$'
    # the created time is now-ish
    local created now
    created="$(date -d "$(jq -r .created <<<"$stdout")" +%s)"
    now="$(date +%s)"
    ((now - created < 60 && created - now < 2)) || fail "created $created, now $now"
}

@test "state: annotations of the config are shown" {
    cfg '.annotations = {"org.example.key": "value", "b": ""}'
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    rtc state "$ID"
    assert_success
    assert_equal "$(jq -c .annotations <<<"$stdout")" '{"b":"","org.example.key":"value"}'
}

@test "state: a stopped container has pid 0" {
    set_args sh -c 'exit 0'
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    assert_equal "$(state_field "$ID" .pid)" 0
    rtc delete "$ID"
    assert_success
}

@test "kill: default signal is SIGTERM" {
    set_args sh -c "$SIGNAL_SCRIPT"
    run_bg "$ID"
    wait_file_contains "$TEST_DIR/$ID.out" ready
    rtc kill "$ID"
    assert_success
    wait_bg
    assert_status 15
}

@test "kill: signal by name, SIG name, lower case and number" {
    set_args sh -c "$SIGNAL_SCRIPT"
    local sig want
    for sig in USR1:10 SIGUSR1:10 usr1:10 sigusr1:10 10:10 HUP:1 SIGINT:2 15:15 TERM:15; do
        want=${sig#*:}
        sig=${sig%%:*}
        local id
        id="$(new_id)"
        run_bg "$id"
        wait_file_contains "$TEST_DIR/$id.out" ready
        rtc kill "$id" "$sig"
        assert_success
        wait_bg
        [[ "$status" -eq "$want" ]] || fail "kill $sig: run exited $status, want $want"
    done
}

@test "kill: KILL, SIGKILL, kill and 9 all stop the container" {
    set_args sleep 1000
    local sig id
    for sig in KILL SIGKILL kill 9; do
        id="$(new_id)"
        rtc run -d -b "$BUNDLE" "$id"
        assert_success
        rtc kill "$id" "$sig"
        assert_success
        wait_status "$id" stopped
        rtc delete "$id"
        assert_success
    done
}

# bats test_tags=vm
@test "kill --all / -a: signals every process of the container" {
    # the init ignores TERM, its child does not: only --all makes the init's wait return
    set_args sh -c 'sleep 1000 & c=$!; trap "" TERM; echo ready; wait $c; exit 7'
    run_bg "$ID"
    wait_file_contains "$TEST_DIR/$ID.out" ready
    rtc kill --all "$ID" TERM
    assert_success
    wait_bg
    assert_status 7

    local id2
    id2="$(new_id)"
    run_bg "$id2"
    wait_file_contains "$TEST_DIR/$id2.out" ready
    rtc kill -a "$id2" TERM
    assert_success
    wait_bg
    assert_status 7
}

@test "kill: a created container can be killed, then deleted" {
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    rtc kill "$ID" KILL
    assert_success
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "delete: a created (never started) container is deleted without --force" {
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local pid
    pid="$(state_field "$ID" .pid)"
    rtc delete "$ID"
    assert_success
    wait_pid_exit "$pid" 3 || fail "init $pid still alive"
    assert_no_leak "$ID"
}

# bats test_tags=vm
@test "delete --force / -f of a running container" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local pid
    pid="$(state_field "$ID" .pid)"
    rtc delete --force "$ID"
    assert_success
    wait_pid_exit "$pid" 3 || fail "init $pid still alive"
    assert_no_leak "$ID"

    local id2
    id2="$(new_id)"
    rtc run -d -b "$BUNDLE" "$id2"
    assert_success
    rtc delete -f "$id2"
    assert_success
    assert_no_leak "$id2"
}

@test "delete --force of a container that does not exist succeeds (as runc)" {
    rtc delete --force "$ID"
    assert_success
}

@test "delete: a stopped container" {
    set_args true
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    assert_no_leak "$ID"
}

@test "default --root" {
    set_args sleep 1000
    local root
    root="$(default_root)"
    remember_id "$ID" "$root"
    status=0
    timeout -k 5 "$RT_CMD_TIMEOUT" "$RT" create -b "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/out" 2>&1 ||
        status=$?
    [[ $status -eq 0 ]] || fail "create with the default root failed: $(cat "$TEST_DIR/out")"
    [[ -d "$root/$ID" ]] || fail "no state dir $root/$ID"
    rt_raw list -q
    assert_success
    grep -qx -- "$ID" <<<"$stdout" || fail "$ID not in list: $stdout"
    rt_raw state "$ID"
    assert_success
    rt_raw delete "$ID"
    assert_success
    assert_no_leak "$ID" "$root"
}

@test "many containers in one root are independent" {
    set_args sleep 1000
    local ids=() i
    for i in 1 2 3; do
        ids+=("$(new_id)")
        rtc run -d -b "$BUNDLE" "${ids[-1]}"
        assert_success
    done
    rtc kill "${ids[1]}" KILL
    assert_success
    wait_status "${ids[1]}" stopped
    assert_equal "$(container_status "${ids[0]}")" running
    assert_equal "$(container_status "${ids[2]}")" running
    rtc delete "${ids[1]}"
    assert_success
    assert_equal "$(container_status "${ids[0]}")" running
}

@test "run: 30 short containers in a row all succeed (no start/exit race)" {
    set_args true
    local i id
    for i in $(seq 30); do
        id="$(new_id)"
        rtc run -b "$BUNDLE" "$id"
        [[ "$status" -eq 0 ]] || {
            show_last
            fail "run $i of 30 failed"
        }
    done
}
