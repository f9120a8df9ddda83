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
