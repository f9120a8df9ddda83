#!/usr/bin/env bats
# Terminals: process.terminal with --console-socket (the pty master sent with SCM_RIGHTS, as
# containerd's shim and conmon receive it), /dev/console, consoleSize, the foreground proxy
# of rt's own terminal (under script(1), which gives rt a pty), and exec --tty.

load helpers

setup() {
    common_setup
    RECVTTY="${RECVTTY:-$(dirname "$RT")/../tests/recvtty/recvtty}"
    [[ -x "$RECVTTY" ]] || skip "no recvtty next to $RT"
    SOCK="$TEST_DIR/console.sock"
}

# start_recvtty ARGS...: the receiver in the background, output in $TEST_DIR/recv.out.
start_recvtty() {
    "$RECVTTY" "$@" "$SOCK" >"$TEST_DIR/recv.out" 2>"$TEST_DIR/recv.err" &
    RECV_PID=$!
    BG_PIDS+=("$RECV_PID")
    local i
    for i in $(seq 100); do [[ -S "$SOCK" ]] && return 0; sleep 0.02; done
    fail "recvtty did not listen"
}

# bats test_tags=vm
@test "--console-socket: the process runs on a pty, /dev/console is that pty, consoleSize applied" {
    cfg '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111}'
    set_args sh -c 'tty; stat -c "%t %T" /dev/console "$(tty)"; stty size; ls /proc/self/fd | tr "\n" " "; echo; echo done'
    start_recvtty --size
    rtc run -d --console-socket "$SOCK" -b "$BUNDLE" "$ID"
    assert_success
    wait_file_contains "$TEST_DIR/recv.out" done
    local out
    out="$(tr -d '\r' <"$TEST_DIR/recv.out")"
    assert_equal "$(sed -n 1p <<<"$out")" "size 33 111"
    assert_equal "$(sed -n 2p <<<"$out")" /dev/pts/0
    # /dev/console and the process's terminal are the same pty (major 136)
    local a b
    a="$(sed -n 3p <<<"$out")"
    b="$(sed -n 4p <<<"$out")"
    assert_equal "$a" "$b"
    assert_equal "${a%% *}" 88
    assert_equal "$(sed -n 5p <<<"$out")" "33 111"
    # only stdio (and ls's own directory fd) in the process: no fd of rt
    assert_equal "$(sed -n 6p <<<"$out")" "0 1 2 3 "
    grep -q "got /dev/pts/0" "$TEST_DIR/recv.err" || fail "recvtty: $(cat "$TEST_DIR/recv.err")"
}

@test "--console-socket with create: the terminal is sent at create, the process runs at start" {
    cfg '.process.terminal = true'
    set_args sh -c 'echo started'
    start_recvtty
    rtc create --console-socket "$SOCK" -b "$BUNDLE" "$ID"
    assert_success
    grep -q started "$TEST_DIR/recv.out" && fail "ran before start"
    rtc start "$ID"
    assert_success
    wait_file_contains "$TEST_DIR/recv.out" started
}

@test "terminal: create without --console-socket fails with one line" {
    cfg '.process.terminal = true'
    rtc create -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "cannot allocate tty if rt will detach without setting console socket"
    assert_no_leak "$ID"
    rtc run -d -b "$BUNDLE" "$ID"
    assert_failure
    assert_no_leak "$ID"
}

@test "--console-socket that nobody listens on fails and leaves nothing" {
    cfg '.process.terminal = true'
    rtc run -d --console-socket "$TEST_DIR/nobody.sock" -b "$BUNDLE" "$ID"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "--console-socket: connect"
    assert_no_leak "$ID"
}

@test "foreground run proxies rt's terminal: input, output, exit status" {
    command -v script >/dev/null || skip "script(1) not installed"
    cfg '.process.terminal = true'
    set_args sh -c 'tty; read x; echo "got:$x"; exit 4'
    local out
    out="$( (sleep 0.5; echo hello) | script -qec "'$RT' --root '$ROOT' run -b '$BUNDLE' '$ID'; echo rc=\$?" /dev/null | tr -d '\r')"
    assert_contains "$out" /dev/pts/0
    assert_contains "$out" got:hello
    assert_contains "$out" rc=4
}

@test "foreground run with a terminal needs one in rt's session (stdio or /dev/tty)" {
    cfg '.process.terminal = true'
    # setsid: no controlling terminal, whatever runs the tests
    local e="$TEST_DIR/err"
    status=0
    setsid -w timeout -k 5 "$RT_CMD_TIMEOUT" "$RT" --root "$ROOT" run -b "$BUNDLE" "$ID" \
        </dev/null >/dev/null 2>"$e" || status=$?
    stderr="$(cat "$e")"
    assert_failure
    assert_rt_error_line
    assert_contains "$stderr" "rt has no terminal"
    assert_no_leak "$ID"
}

# bats test_tags=vm
@test "exec --tty: foreground proxy and --console-socket" {
    command -v script >/dev/null || skip "script(1) not installed"
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local out
    out="$( (sleep 0.5; echo hi) | script -qec "'$RT' --root '$ROOT' exec -t '$ID' sh -c 'tty; read x; echo got:\$x; exit 6'; echo rc=\$?" /dev/null | tr -d '\r')"
    assert_contains "$out" /dev/pts/
    assert_contains "$out" got:hi
    assert_contains "$out" rc=6
    start_recvtty
    rtc exec -t -d --console-socket "$SOCK" "$ID" sh -c 'tty; echo via-socket'
    assert_success
    wait_file_contains "$TEST_DIR/recv.out" via-socket
}

@test "--console-socket without a terminal is refused" {
    rtc run -d --console-socket "$SOCK" -b "$BUNDLE" "$ID"
    assert_failure
    assert_contains "$stderr" "cannot use console socket"
    assert_no_leak "$ID"
}

@test "foreground terminal: the window size of rt's terminal reaches the container" {
    command -v script >/dev/null || skip "script(1) not installed"
    cfg '.process.terminal = true'
    set_args sh -c 'stty size'
    local out
    out="$(script -qec "stty rows 21 cols 77; '$RT' --root '$ROOT' run -b '$BUNDLE' '$ID'" /dev/null </dev/null | tr -d '\r')"
    assert_contains "$out" "21 77"
}
