#!/usr/bin/env bats
# Hostile input that is not an escape of a known runtime: ids at the edge of their type,
# forged or broken state files, odd signals and strings. Each test says what rt did before
# the fix that it checks.

load helpers

# --- ids ----------------------------------------------------------------------------------------

# uid 4294967295 is -1 to setresuid ("leave unchanged"): the process kept rt's uid 0. Before the
# fix every one of these ran `id` as uid=0 gid=0.
@test "uids and gids above 2147483647 are refused (config, exec --user, --process), as runc" {
    local v
    for v in '{"uid":4294967295,"gid":0}' '{"uid":0,"gid":4294967295}' \
        '{"uid":0,"gid":0,"additionalGids":[4294967295]}' '{"uid":2147483648,"gid":0}'; do
        cfg ".process.user = $v"
        set_args id
        local id
        id="$(new_id)"
        rtc run -b "$BUNDLE" "$id"
        if is_rt; then
            assert_error "^rt: config.json: process.user.(uid|gid|additionalGids\[0\]): [0-9]+ is out of range 0-2147483647$"
        else
            assert_failure
        fi
        assert_no_leak "$id"
    done
    # the largest id allowed runs as itself
    cfg '.process.user = {"uid":2147483647,"gid":2147483647}'
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_equal "$stdout" "uid=2147483647 gid=2147483647"
    # exec --user and a --process file
    cfg '.process.user = {"uid":0,"gid":0}'
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec --user 4294967295:4294967295 "$ID" id
    ((status != 0)) || fail "exec --user 4294967295 succeeded: $stdout"
    [[ "$stdout" != *uid=* ]] || fail "the process ran: $stdout"
    is_rt && assert_contains "$stderr" "--user: expected uid[:gid] with ids in 0-2147483647"
    jq '.process | .user = {"uid":4294967295,"gid":4294967295} | .args = ["id"]' \
        "$BUNDLE/config.json" >"$TEST_DIR/process.json"
    rtc exec --process "$TEST_DIR/process.json" "$ID"
    ((status != 0)) || fail "exec --process with uid 4294967295 succeeded: $stdout"
    [[ "$stdout" != *uid=* ]] || fail "the process ran: $stdout"
    is_rt && assert_contains "$stderr" "process.user.uid: 4294967295 is out of range 0-2147483647"
    rtc exec --user 2147483647:2147483647 "$ID" id
    assert_success
    assert_contains "$stdout" "uid=2147483647 gid=2147483647"
}

# --- commands racing each other ---------------------------------------------------------------

# exec racing delete -f: exec's error path freed an uninitialised pointer (a goto past a cleanup
# variable), which the ASan build showed as a SEGV; -Wjump-misses-init now refuses that code.
# Whatever the interleaving, exec ends with its process's status (137 when delete -f killed
# it) or an error line, never a signal of its own, and nothing is left.
@test "exec racing delete -f ends with a status or an error, never a crash" {
    set_args sleep 1000
    local runs=0 id st deadline=$((SECONDS + 3))
    while ((SECONDS < deadline || runs == 0)); do
        id="$(new_id)"
        rtc run -d -b "$BUNDLE" "$id"
        assert_success
        "$RT" --root "$ROOT" exec "$id" true </dev/null >/dev/null 2>"$TEST_DIR/exec.err" &
        local ex=$!
        "$RT" --root "$ROOT" delete -f "$id" </dev/null >/dev/null 2>&1
        st=0
        wait "$ex" || st=$?
        # 137: the exec'd process was SIGKILLed by delete -f, and exec says so
        ((st < 128 || st == 137)) || fail "run $runs: exec ended with signal $((st - 128)): $(cat "$TEST_DIR/exec.err")"
        ((st == 0)) || [[ "$(wc -l <"$TEST_DIR/exec.err")" -ge 1 ]] || fail "run $runs: status $st, no error"
        assert_no_leak "$id"
        runs=$((runs + 1))
    done
    echo "runs: $runs"
}
