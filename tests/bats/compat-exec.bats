#!/usr/bin/env bats
# exec, terminals, the process's cwd and identity as runc 1.1.5 does them (issue #13, items
# A B): the same bundle and commands under runc and rt, compared as transcripts.

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
