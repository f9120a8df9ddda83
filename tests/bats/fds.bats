#!/usr/bin/env bats
# fd passing as runc 1.1.5 does it: socket activation (LISTEN_FDS with LISTEN_PID = rt's pid)
# gives fds 3..3+L-1, then the --preserve-fds ones, and LISTEN_FDS=L LISTEN_PID=1 in the
# environment; no other fd of rt reaches the container.

load helpers

# with_fds CMD...: run CMD (an rt command line, without $RT) with fd 3 = the bundle's config,
# fd 4 = a file reading "four", fd 5 = one reading "five", LISTEN_FDS=1 and LISTEN_PID set to
# rt's own pid (exec keeps the subshell's pid). Sets stdout and status.
with_fds() {
    echo four >"$TEST_DIR/four"
    echo five >"$TEST_DIR/five"
    status=0
    stdout="$( (exec 3<"$BUNDLE/config.json" 4<"$TEST_DIR/four" 5<"$TEST_DIR/five"
        LISTEN_FDS=1 LISTEN_PID=$BASHPID exec "$RT" --root "$ROOT" "$@") </dev/null 2>&1)" || status=$?
}

SHOW='ls /proc/self/fd | tr "\n" " "; echo; echo "$LISTEN_FDS $LISTEN_PID"; head -c 1 <&3; echo; cat <&4; cat <&5 2>&1 | head -1'

@test "run: LISTEN_FDS fds first, then --preserve-fds, LISTEN_FDS/LISTEN_PID in the env" {
    set_args sh -c "$SHOW"
    with_fds run --preserve-fds 1 -b "$BUNDLE" "$ID"
    assert_equal "$status" 0
    # 3 = the activation fd, 4 = the preserved one, 5 = ls's own directory
    assert_equal "$(sed -n 1p <<<"$stdout")" "0 1 2 3 4 5 "
    assert_equal "$(sed -n 2p <<<"$stdout")" "1 1"
    assert_equal "$(sed -n 3p <<<"$stdout")" "{"
    assert_equal "$(sed -n 4p <<<"$stdout")" four
    # fd 5 of rt was neither an activation nor a preserved fd: not passed
    assert_contains "$(sed -n 5p <<<"$stdout")" "Bad file descriptor"
}

@test "run: LISTEN_FDS without LISTEN_PID of rt passes nothing" {
    set_args sh -c 'ls /proc/self/fd | tr "\n" " "; echo; echo "${LISTEN_FDS:-none}"'
    status=0
    stdout="$( (exec 3<"$BUNDLE/config.json"; LISTEN_FDS=1 LISTEN_PID=1 exec "$RT" --root "$ROOT" run -b "$BUNDLE" "$ID") </dev/null 2>&1)" || status=$?
    assert_equal "$status" 0
    assert_equal "$(sed -n 1p <<<"$stdout")" "0 1 2 3 "
    assert_equal "$(sed -n 2p <<<"$stdout")" none
}

@test "exec: LISTEN_FDS and --preserve-fds as for run" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    with_fds exec --preserve-fds 1 "$ID" sh -c "$SHOW"
    assert_equal "$status" 0
    assert_equal "$(sed -n 1p <<<"$stdout")" "0 1 2 3 4 5 "
    assert_equal "$(sed -n 2p <<<"$stdout")" "1 1"
    assert_equal "$(sed -n 4p <<<"$stdout")" four
}

@test "no fd of rt reaches the container (run, create/start, exec)" {
    set_args sh -c 'ls /proc/self/fd | tr "\n" " "'
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$stdout" "0 1 2 3 "
    local id2
    id2="$(new_id)"
    rtc create -b "$BUNDLE" "$id2"
    assert_success
    rtc start "$id2"
    assert_success
    wait_status "$id2" stopped
    assert_equal "$(cat "$TEST_DIR/.rtc.$((RTC_N - 1)).out")" "0 1 2 3 "
}
