#!/usr/bin/env bats
# exec: a new process in a running container (runc's flags), in every namespace and the
# cgroup of the container, with its own user, env, cwd, capabilities; detach and pid file;
# signal forwarding; nothing of rt's leaks into it.

load helpers

setup() {
    common_setup
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    INIT_PID="$(state_field "$ID" .pid)"
}

@test "exec runs a command in the container and returns its exit status" {
    rtc exec "$ID" sh -c 'echo hello; exit 7'
    assert_status 7
    assert_equal "$stdout" hello
}

# bats test_tags=vm
@test "exec: the process is in every namespace and the cgroup of the container" {
    rtc exec "$ID" sh -c 'for n in pid net ipc uts mnt cgroup user; do echo "$n $(readlink /proc/self/ns/$n)"; done; cat /proc/self/cgroup'
    assert_success
    local n
    for n in pid net ipc uts mnt cgroup user; do
        assert_contains "$stdout" "$n $(readlink "/proc/$INIT_PID/ns/$n")"
    done
    local cg
    while read -r cg; do
        assert_contains "$stdout" "$cg"
    done <"/proc/$INIT_PID/cgroup"
}

@test "exec: the process sees the container's pid 1 and root" {
    rtc exec "$ID" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; ls /'
    assert_success
    assert_equal "$(head -1 <<<"$stdout")" "sleep 1000 "
    assert_contains "$stdout" bin
}

@test "exec --user, --additional-gids, --env, --cwd" {
    rtc exec --user 1000:1001 --additional-gids 10 -g 11 --env FOO=bar -e BAZ=qux --cwd /dev "$ID" \
        sh -c 'id -u; id -g; id -G; echo $FOO $BAZ; pwd; echo $PATH'
    assert_success
    assert_equal "$(sed -n 1p <<<"$stdout")" 1000
    assert_equal "$(sed -n 2p <<<"$stdout")" 1001
    assert_equal "$(sed -n 3p <<<"$stdout")" "1001 10 11"
    assert_equal "$(sed -n 4p <<<"$stdout")" "bar qux"
    assert_equal "$(sed -n 5p <<<"$stdout")" /dev
    # the config's env is kept
    assert_equal "$(sed -n 6p <<<"$stdout")" /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
}

@test "exec: capabilities and no_new_privs of the config, --cap adds one" {
    rtc exec "$ID" grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status
    assert_success
    assert_contains "$stdout" "CapEff:	$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"
    assert_contains "$stdout" "NoNewPrivs:	1"
    rtc exec --cap CAP_SYS_ADMIN "$ID" grep -E '^CapEff' /proc/self/status
    assert_success
    assert_contains "$stdout" "CapEff:	$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE CAP_SYS_ADMIN)"
}

@test "exec --process FILE" {
    cat >"$TEST_DIR/process.json" <<'EOS'
{"terminal": false, "user": {"uid": 5, "gid": 6}, "args": ["sh", "-c", "id -u; id -g; echo $X; pwd"],
 "env": ["X=from-process-json", "PATH=/bin"], "cwd": "/proc", "noNewPrivileges": true}
EOS
    rtc exec --process "$TEST_DIR/process.json" "$ID"
    assert_success
    assert_equal "$(echo $stdout)" "5 6 from-process-json /proc"
}

# A failed exec exits 255, as runc's (the process's own status otherwise).
@test "exec --process with a broken file names the JSON path" {
    echo '{"args": "sh", "cwd": "/"}' >"$TEST_DIR/process.json"
    rtc exec --process "$TEST_DIR/process.json" "$ID"
    assert_failure 255
    assert_rt_error_line
    assert_contains "$stderr" "args: expected array of strings"
}

@test "exec --detach --pid-file: returns at once, the pid is the running process" {
    rtc exec --detach --pid-file "$TEST_DIR/exec.pid" "$ID" sleep 567
    assert_success
    local pid
    pid="$(cat "$TEST_DIR/exec.pid")"
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == "sleep 567 " ]] || fail "pid file: $pid"
    grep -q "$ID" "/proc/$pid/cgroup" || fail "not in the container's cgroup"
}

@test "exec: a missing command fails and names it" {
    rtc exec "$ID" no-such-command
    assert_failure 255
    assert_rt_error_line
    assert_contains "$stderr" 'exec: "no-such-command": executable file not found in $PATH'
}

@test "exec into a stopped container fails" {
    rtc kill "$ID" KILL
    wait_status "$ID" stopped
    rtc exec "$ID" true
    assert_failure 255
    assert_rt_error_line
    assert_contains "$stderr" "stopped container"
}

@test "exec into a missing container fails" {
    rtc exec rt-test-no-such-container true
    assert_failure 255
    assert_contains "$stderr" "does not exist"
}

@test "exec: no fd of rt reaches the process; --preserve-fds passes fd 3" {
    rtc exec "$ID" ls /proc/self/fd
    assert_success
    # 0 1 2 and the directory ls itself opened
    assert_equal "$(echo $stdout)" "0 1 2 3"
    # in a subshell: bats itself uses fd 3
    stdout="$( (exec 3<"$BUNDLE/config.json"; "$RT" --root "$ROOT" exec --preserve-fds 1 "$ID" \
        sh -c 'head -c 1 <&3; echo; ls /proc/self/fd') </dev/null)"
    assert_equal "$(head -1 <<<"$stdout")" "{"
    assert_equal "$(tail -n +2 <<<"$stdout" | tr '\n' ' ')" "0 1 2 3 4 "
}

@test "exec: a signal sent to rt is forwarded to the process" {
    local out="$TEST_DIR/exec-bg.out"
    "$RT" --root "$ROOT" exec "$ID" sh -c 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done' \
        </dev/null >"$out" 2>&1 &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
    wait_file_contains "$out" ready
    kill -TERM "$BG_PID"
    wait_bg
    assert_status 42
}

# sub_cgroups NAME: make NAME below the container's cgroup in every hierarchy (a v1 cpuset
# one gets its parent's cpus and mems, or it cannot take a task); echo the dirs.
sub_cgroups() {
    local d
    for d in $(cgroups_of "$ID"); do
        mkdir "$d/$1" || continue
        if [[ -e "$d/cpuset.cpus" ]]; then
            cat "$d/cpuset.cpus" >"$d/$1/cpuset.cpus"
            cat "$d/cpuset.mems" >"$d/$1/cpuset.mems"
        fi
        echo "$d/$1"
    done
}

# bats test_tags=vm
@test "exec --cgroup SUB and --cgroup CONTROLLER:SUB join existing sub-cgroups" {
    local subs
    subs="$(sub_cgroups rt-test-sub)"
    rtc exec --cgroup rt-test-sub "$ID" cat /proc/self/cgroup
    local ok=$status out=$stdout
    rtc exec --cgroup pids:rt-test-sub "$ID" cat /proc/self/cgroup
    local ok2=$status out2=$stdout err2=$stderr
    rtc exec --cgroup no-such-sub "$ID" true
    local st3=$status err3=$stderr
    # the processes have exited: the sub-cgroups can go
    rmdir $subs
    assert_equal "$ok" 0
    if grep -v "/$ID/rt-test-sub\$" <<<"$out"; then fail "not every hierarchy is the sub-cgroup"; fi
    if cgroup_v2; then
        # one hierarchy: a controller's own path means nothing there
        assert_equal "$ok2" 255
        assert_contains "$err2" "--cgroup pids:rt-test-sub"
    else
        assert_equal "$ok2" 0
        grep -qE "^[0-9]+:pids:.*/$ID/rt-test-sub\$" <<<"$out2" || fail "pids: $out2"
        grep -qE "^[0-9]+:memory:.*/$ID\$" <<<"$out2" || fail "memory should be the container's: $out2"
    fi
    assert_equal "$st3" 255
    assert_contains "$err3" "--cgroup no-such-sub"
}

# bats test_tags=vm
@test "exec into a paused container fails unless --ignore-paused" {
    rtc pause "$ID"
    assert_success
    rtc exec "$ID" true
    assert_failure 255
    assert_rt_error_line
    assert_contains "$stderr" "paused"
    # the process joins the container's cgroup, and is paused with it until resume
    rtc exec -d --ignore-paused --pid-file "$TEST_DIR/p.pid" "$ID" sh -c 'echo resumed > /dev/shm/r; sleep 1000'
    assert_success
    local pid
    pid="$(cat "$TEST_DIR/p.pid")"
    grep -q "$ID" "/proc/$pid/cgroup" || fail "not in the container's cgroup"
    rtc resume "$ID"
    assert_success
    rtc exec "$ID" sh -c 'for i in $(seq 50); do [ -e /dev/shm/r ] && cat /dev/shm/r && break; sleep 0.1; done'
    assert_success
    assert_equal "$stdout" resumed
}

@test "exec --no-new-privs sets NoNewPrivs when the config does not" {
    rtc kill "$ID" KILL
    wait_status "$ID" stopped
    rtc delete "$ID"
    cfg '.process.noNewPrivileges = false'
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec "$ID" grep NoNewPrivs /proc/self/status
    assert_contains "$stdout" "NoNewPrivs:	0"
    rtc exec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
    assert_contains "$stdout" "NoNewPrivs:	1"
}

# dockerd gives exit status 127 for a missing program and 126 for one it cannot execute by
# matching runc's (Go's) lower-case wording; rt's capitalised strerror text got neither.
@test "exec: a program path that is missing or not executable is named in runc's words" {
    # (runc's log line escapes the quotes)
    rtc exec "$ID" /no/such/program
    assert_failure 255
    assert_contains "${stderr//\\/}" 'exec: "/no/such/program": stat /no/such/program: no such file or directory'
    rtc exec "$ID" /etc/passwd
    assert_failure 255
    assert_contains "${stderr//\\/}" 'exec: "/etc/passwd": permission denied'
}
