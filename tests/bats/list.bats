#!/usr/bin/env bats
# list: every container under the root, in table, json and quiet forms.

load helpers

@test "list: empty root" {
    rtc list
    assert_success
    assert_match "$stdout" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
    rtc list -q
    assert_success
    assert_equal "$stdout" ""
    rtc list --format json
    assert_success
    # runc prints null for no containers
    [[ "$stdout" == null || "$(jq -c . <<<"$stdout")" == "[]" ]] || fail "list json: $stdout"
}

@test "list: created, running and stopped containers, agreeing with state" {
    set_args sleep 1000
    local c r s
    c="$(new_id c)"
    r="$(new_id r)"
    s="$(new_id s)"
    rtc create -b "$BUNDLE" "$c"
    assert_success
    rtc run -d -b "$BUNDLE" "$r"
    assert_success
    rtc run -d -b "$BUNDLE" "$s"
    assert_success
    rtc kill "$s" KILL
    assert_success
    wait_status "$s" stopped

    rtc list -q
    assert_success
    assert_equal "$(sort <<<"$stdout" | tr '\n' ' ')" "$(printf '%s\n' "$c" "$r" "$s" | sort | tr '\n' ' ')"

    rtc list --format json
    assert_success
    local id
    for id in "$c" "$r" "$s"; do
        local want got
        want="$(state_field "$id" '[.id,.pid,.status,.bundle,.rootfs,.created]|@json')"
        got="$(jq -r --arg id "$id" '.[]|select(.id==$id)|[.id,.pid,.status,.bundle,.rootfs,.created]|@json' <<<"$stdout")"
        assert_equal "$got" "$want"
    done
    assert_equal "$(jq -r --arg id "$c" '.[]|select(.id==$id).status' <<<"$stdout")" created
    assert_equal "$(jq -r --arg id "$r" '.[]|select(.id==$id).status' <<<"$stdout")" running
    assert_equal "$(jq -r --arg id "$s" '.[]|select(.id==$id).status' <<<"$stdout")" stopped
    assert_equal "$(jq -r --arg id "$s" '.[]|select(.id==$id).pid' <<<"$stdout")" 0
    # list shows the owner's user name where state shows ""
    assert_equal "$(jq -r --arg id "$r" '.[]|select(.id==$id).owner' <<<"$stdout")" "$(id -un)"

    rtc list
    assert_success
    assert_equal "${#lines[@]}" 4
    local line
    line="$(grep -E "^$r " <<<"$stdout")"
    read -r -a f <<<"$line"
    assert_equal "${f[0]}" "$r"
    assert_equal "${f[1]}" "$(state_field "$r" .pid)"
    assert_equal "${f[2]}" running
    assert_equal "${f[3]}" "$BUNDLE"
    assert_equal "${f[4]}" "$(state_field "$r" .created)"
    assert_equal "${f[5]}" "$(id -un)"
    line="$(grep -E "^$s " <<<"$stdout")"
    read -r -a f <<<"$line"
    assert_equal "${f[1]}" 0
    assert_equal "${f[2]}" stopped
}

@test "list: a deleted container disappears" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc list -q
    assert_equal "$stdout" "$ID"
    rtc delete -f "$ID"
    assert_success
    rtc list -q
    assert_success
    assert_equal "$stdout" ""
}

@test "list: columns are aligned like runc's (tabwriter)" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc list
    assert_success
    # the header's column starts line up with the row's
    local hdr="${lines[0]}" row="${lines[1]}" col
    for col in PID STATUS BUNDLE CREATED OWNER; do
        local prefix="${hdr%%"$col"*}"
        [[ "${row:${#prefix}-1:1}" == " " && "${row:${#prefix}:1}" != " " ]] ||
            fail "column $col not aligned:"$'\n'"$hdr"$'\n'"$row"
    done
}

@test "list: a container in another root is not shown" {
    set_args sleep 1000
    local other="$TEST_DIR/other-root" id2
    id2="$(new_id x "$other")"
    rt_raw --root "$other" run -d -b "$BUNDLE" "$id2"
    assert_success
    rtc list -q
    assert_success
    assert_equal "$stdout" ""
}
