#!/usr/bin/env bats
# exec, terminals, the process's cwd and identity as runc 1.1.5 does them (issue #13, items
# A B C D O): the same bundle and commands under runc and rt, compared as transcripts.

load helpers
load compare-helpers

setup() {
    common_setup
    PEER="$(command -v runc)" || skip "runc is not installed"
    RUNTIMES=("$RT" "$PEER")
    RECVTTY="${RECVTTY:-$(dirname "$RT")/../tests/recvtty/recvtty}"
}

# recv_tty SOCKET: a console-socket receiver in the background (its output is thrown away).
recv_tty() {
    [[ -x "$RECVTTY" ]] || skip "no recvtty next to $RT"
    "$RECVTTY" "$1" >/dev/null 2>&1 &
    BG_PIDS+=("$!")
    local i
    for i in $(seq 250); do
        [[ -S "$1" ]] && return 0
        sleep 0.02
    done
    fail "recvtty did not listen on $1"
}

# in_pty I CMD: CMD (a shell command line; RUNTIME and ROOT_DIR name runtime I and its root)
# in a new session whose controlling terminal is a pty of script(1); its output without \r.
in_pty() {
    command -v script >/dev/null || skip "script(1) not installed"
    RUNTIME="${RUNTIMES[$1]}" ROOT_DIR="$TEST_DIR/root-$1" \
        timeout -k 5 "$RT_CMD_TIMEOUT" script -qec "$2" /dev/null </dev/null | tr -d '\r\0'
}

# A: runc's exec has a terminal only with --tty; the config's process.terminal is the init's.
scenario_exec_terminal_not_inherited() {
    local b id sock="$TEST_DIR/tty-$1.sock"
    b="$(bundle_for "$1")"
    cfg '.process.terminal = true' "$b"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    recv_tty "$sock"
    on "$1" run -d --console-socket "$sock" -b "$b" "$id"
    echo "run -d: $status"
    on "$1" exec "$id" sh -c 'echo out; tty'
    echo "exec: status=$status stdout=$(od -An -c "$RTC_OUT" | tr -s ' ')"
    on "$1" exec -d "$id" true
    echo "exec -d: $status"
    on "$1" exec --user 1000 --additional-gids 20 "$id" id
    echo "exec --user: $status $stdout"
    on "$1" delete --force "$id"
    echo "delete: $status"
}

@test "compat A: exec into a container with a terminal has none without --tty" {
    compare scenario_exec_terminal_not_inherited
}

# B: 255 when exec itself fails, the process's status otherwise, 1 for a bad command line.
scenario_exec_status() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    on "$1" run -d -b "$b" "$id"
    echo "run -d: $status"
    on "$1" exec "$id" sh -c 'exit 7'
    echo "exit 7: $status"
    on "$1" exec "$id" sh -c 'exit 255'
    echo "exit 255: $status"
    on "$1" exec --pid-file "$TEST_DIR/no/such/dir/pid" "$id" true
    echo "bad --pid-file: $status"
    on "$1" exec "$id" no-such-program
    echo "no such program: $status"
    on "$1" exec "$id-missing" true
    echo "no such container: $status"
    on "$1" exec --no-such-flag "$id" true
    echo "unknown flag: $status"
    on "$1" pause "$id"
    on "$1" exec "$id" true
    echo "paused: $status"
    on "$1" resume "$id"
    on "$1" delete --force "$id"
    echo "delete: $status"
}

@test "compat B: exec exits 255 when it fails itself, else with the process's status" {
    compare scenario_exec_status
}

# C: run with a terminal and all of rt's stdio redirected, in a session with a controlling
# terminal: the pty is allocated and relayed (window size from /dev/tty), and it belongs to
# the process's user (uid only, the group stays tty's).
scenario_run_terminal_from_session() {
    local b id
    b="$(bundle_for "$1")"
    cfg '.process.terminal = true | .process.user.uid = 1000 | .process.user.gid = 1000' "$b"
    set_args_in "$b" sh -c 'echo hi; tty; stat -c "%u %g" "$(tty)"; stty size; exit 3'
    id="$(cid "$1")"
    # shellcheck disable=SC2016
    in_pty "$1" "stty rows 21 cols 77; \"\$RUNTIME\" --root \"\$ROOT_DIR\" run -b '$b' '$id' </dev/null >'$TEST_DIR/out-$1' 2>&1; echo rc=\$? >>'$TEST_DIR/out-$1'" >/dev/null
    cat "$TEST_DIR/out-$1" | tr -d '\r'
    # without a controlling terminal there is nothing to relay: an error
    id="$(cid "$1")"
    status=0
    setsid -w timeout -k 5 "$RT_CMD_TIMEOUT" "${RUNTIMES[$1]}" --root "$TEST_DIR/root-$1" \
        run -b "$b" "$id" </dev/null >/dev/null 2>&1 || status=$?
    echo "no terminal: $status"
}

@test "compat C: run with a terminal relays the session's terminal with stdio redirected" {
    compare scenario_run_terminal_from_session
}

# C: stdio that is a file or pipe becomes the process's user's; /dev/null does not.
scenario_stdio_owner() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    on "$1" run -d -b "$b" "$id"
    echo "run -d: $status"
    # the shell's own stdio (stat in $(...) is a child: busybox may run an applet with a
    # redirection in the shell itself)
    # shellcheck disable=SC2016
    on "$1" exec -d --user 1000:1000 "$id" sh -c \
        'o="$(stat -L -c "%u %g" /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2)"; echo "$o" >/dev/shm/o; mv /dev/shm/o /dev/shm/owners'
    echo "exec -d: $status"
    on "$1" exec "$id" sh -c 'for i in $(seq 250); do [ -e /dev/shm/owners ] && exec cat /dev/shm/owners; sleep 0.02; done'
    echo "owners (stdin /dev/null, stdout and stderr files): $status $stdout"
    on "$1" delete --force "$id"
}

@test "compat C: stdio other than /dev/null is chowned to the process's uid" {
    compare scenario_stdio_owner
}

@test "compat C: rt does not chown the caller's terminal (runc does)" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local out
    # shellcheck disable=SC2016
    out="$(in_pty 0 "\"\$RUNTIME\" --root '$ROOT' exec --user 1000 '$ID' sh -c 'stat -L -c %u /proc/\$\$/fd/0'")"
    assert_equal "$out" 0
}

# D: a cwd the user cannot reach is entered while still privileged, for create and exec --user.
scenario_cwd_unreachable_for_user() {
    local b id
    b="$(bundle_for "$1")"
    mkdir -p -m 0700 "$b/rootfs/root"
    chmod 0700 "$b/rootfs/root"
    cfg '.process.cwd = "/root" | .process.user.uid = 1000 | .process.user.gid = 1000' "$b"
    set_args_in "$b" sh -c 'pwd; id -u; ls . >/dev/null 2>&1 || echo cannot-list'
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "run: $status $stdout"
    set_args_in "$b" sleep 1000
    cfg '.process.cwd = "/" | .process.user.uid = 0 | .process.user.gid = 0' "$b"
    id="$(cid "$1")"
    on "$1" run -d -b "$b" "$id"
    echo "run -d: $status"
    on "$1" exec --user 1000 --cwd /root "$id" pwd
    echo "exec --user --cwd: $status $stdout"
    on "$1" delete --force "$id"
}

@test "compat D: process.cwd the user cannot search is entered before the identity switch" {
    compare scenario_cwd_unreachable_for_user
}

# O: --cgroup / (the container's own) and comma-separated controller lists.
scenario_exec_cgroup_forms() {
    local b id d subs=()
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    on "$1" run -d -b "$b" "$id"
    echo "run -d: $status"
    on "$1" exec --cgroup / "$id" cat /proc/self/cgroup
    echo "--cgroup /: $status, not the container's: $(grep -vc "/$id\$" <<<"$stdout")"
    on "$1" exec --cgroup / --cgroup / "$id" true
    echo "two --cgroup without a controller: $status"
    for d in $(cgroups_of "$id"); do
        if [[ -e "$d/cpu.shares" || -e "$d/cpuacct.usage" ]]; then
            mkdir "$d/sub"
            subs+=("$d/sub")
        fi
    done
    on "$1" exec --cgroup cpu,cpuacct:sub "$id" cat /proc/self/cgroup
    echo "--cgroup cpu,cpuacct:sub: $status"
    grep -E '^[0-9]+:(cpu|cpuacct|cpu,cpuacct|cpuacct,cpu|memory):' <<<"$stdout" | sort |
        sed -E "s#^[0-9]+:##; s#:.*/$id#:ID#"
    on "$1" exec --cgroup cpu:/sub/../sub/ "$id" true
    echo "--cgroup cpu:/sub/../sub/: $status"
    on "$1" exec --cgroup cpu:../x "$id" true
    echo "--cgroup cpu:../x: $status"
    rmdir "${subs[@]}"
    on "$1" delete --force "$id"
}

@test "compat O: exec --cgroup / and co-mounted controller lists" {
    cgroup_v2 && skip "v1 controllers"
    compare scenario_exec_cgroup_forms
}
