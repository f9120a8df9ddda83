#!/usr/bin/env bats
# NOTIFY_SOCKET (sd_notify) as runc does it: the container gets its own socket at
# /run/notify/notify.sock; start / run -d wait for READY=1 and pass it on to rt's
# NOTIFY_SOCKET with MAINPID set, or return when the container exits first.

load helpers

setup() {
    common_setup
    SDNOTIFY="${SDNOTIFY:-$(dirname "$RT")/../tests/sdnotify/sdnotify}"
    [[ -x "$SDNOTIFY" ]] || skip "no sdnotify helper next to $RT"
    command -v python3 >/dev/null || skip "python3 is needed for the host-side receiver"
    cp "$SDNOTIFY" "$BUNDLE/rootfs/bin/sdnotify"
    HOST_SOCK="$TEST_DIR/host-notify.sock"
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
print(s.recv(4096).decode().replace("\n", "|"), flush=True)
' "$HOST_SOCK" >"$TEST_DIR/host.out" 2>&1 &
    RECV_PID=$!
    local i
    for i in $(seq 100); do [[ -S "$HOST_SOCK" ]] && return 0; sleep 0.02; done
    fail "the host receiver did not start"
}

teardown() {
    # the receiver waits for one message; a test whose container sends none ends it here
    [[ -n "${RECV_PID:-}" ]] && kill "$RECV_PID" 2>/dev/null
    common_teardown
}

@test "run -d waits for READY=1 and forwards it with MAINPID" {
    cfg '.root.readonly = false'
    set_args sh -c 'echo "$NOTIFY_SOCKET" > /notify-env; sleep 0.3; sdnotify READY=1; sleep 1000'
    status=0
    NOTIFY_SOCKET="$HOST_SOCK" "$RT" --root "$ROOT" run -d -b "$BUNDLE" "$ID" </dev/null || status=$?
    assert_equal "$status" 0
    # run -d returned only after READY=1: the message is at the host already
    local pid
    pid="$(state_field "$ID" .pid)"
    wait_file_contains "$TEST_DIR/host.out" READY=1
    assert_equal "$(cat "$TEST_DIR/host.out")" "READY=1|MAINPID=$pid"
    assert_equal "$(cat "$BUNDLE/rootfs/notify-env")" /run/notify/notify.sock
}

@test "create + start: start waits for READY=1" {
    set_args sh -c 'sleep 0.3; sdnotify READY=1; sleep 1000'
    NOTIFY_SOCKET="$HOST_SOCK" rtc create -b "$BUNDLE" "$ID"
    assert_success
    [[ -s "$TEST_DIR/host.out" ]] && fail "notified before start"
    status=0
    NOTIFY_SOCKET="$HOST_SOCK" "$RT" --root "$ROOT" start "$ID" </dev/null || status=$?
    assert_equal "$status" 0
    wait_file_contains "$TEST_DIR/host.out" "READY=1|MAINPID="
}

@test "run -d returns when the container exits without READY=1" {
    set_args sh -c 'exit 0'
    status=0
    NOTIFY_SOCKET="$HOST_SOCK" "$RT" --root "$ROOT" run -d -b "$BUNDLE" "$ID" </dev/null || status=$?
    assert_equal "$status" 0
    wait_status "$ID" stopped
}
