#!/usr/bin/env bats
# Global flags and the forms flags are written in (runc's contract).

load helpers

@test "--version and -v" {
    local f
    for f in --version -v; do
        rt_raw "$f"
        assert_success
        assert_match "${lines[0]}" "^$RT_NAME version [0-9]"
        grep -qE '^spec: [0-9]+\.[0-9]+\.[0-9]+' <<<"$stdout" || fail "no 'spec: X.Y.Z' line: $stdout"
    done
    if is_rt; then
        grep -qx 'spec: 1.3.0' <<<"$stdout" || fail "rt --version: no 'spec: 1.3.0' line: $stdout"
    fi
}

@test "--help and -h list the commands and global flags" {
    local f c
    for f in --help -h; do
        rt_raw "$f"
        assert_success
        for c in create start run state kill delete list spec features; do
            grep -qE "^\s+$c\b" <<<"$stdout" || fail "$f: command $c not listed"
        done
        for c in --root --log --log-format --debug --systemd-cgroup --rootless --version --help; do
            grep -qE -- "$c\b" <<<"$stdout" || fail "$f: flag $c not listed"
        done
    done
}

@test "no command prints the usage" {
    rt_raw
    # runc shows its help and exits 0
    assert_success
    assert_contains "$stdout" "create"
}

@test "COMMAND --help prints the command's usage and exits 0" {
    local c
    for c in create start run state kill delete list spec features; do
        rt_raw "$c" --help
        assert_success
        assert_contains "$stdout" "$c"
    done
}

@test "unknown global flag" {
    rt_raw --bogus-global list
    assert_failure
    assert_contains "$stderr" "bogus-global"
    if is_rt; then assert_rt_error_line; fi
}

@test "--root DIR and --root=DIR" {
    set_args sleep 1000
    rt_raw --root "$ROOT" create -b "$BUNDLE" "$ID"
    assert_success
    [[ -d "$ROOT/$ID" ]] || fail "no state dir under $ROOT"
    rt_raw --root="$ROOT" state "$ID"
    assert_success
    assert_equal "$(jq -r .status <<<"$stdout")" created
}

@test "--root: a root that does not exist yet is created" {
    ROOT="$TEST_DIR/deep/er/root"
    remember_id "$ID" "$ROOT"
    set_args true
    rtc run -b "$BUNDLE" "$ID"
    assert_success
}

@test "--root: list of a root that does not exist is empty" {
    ROOT="$TEST_DIR/absent"
    rtc list -q
    assert_success
    assert_equal "$stdout" ""
}

@test "--bundle DIR, --bundle=DIR, -b DIR, -b=DIR" {
    set_args true
    local form id
    for form in "--bundle" "--bundle=" "-b" "-b="; do
        id="$(new_id)"
        if [[ "$form" == *= ]]; then
            rtc run "$form$BUNDLE" "$id"
        else
            rtc run "$form" "$BUNDLE" "$id"
        fi
        assert_success
    done
}

@test "--pid-file FILE and --pid-file=FILE" {
    set_args sleep 1000
    local id2
    rtc create --pid-file "$TEST_DIR/a.pid" -b "$BUNDLE" "$ID"
    assert_success
    id2="$(new_id)"
    rtc create --pid-file="$TEST_DIR/b.pid" --bundle="$BUNDLE" "$id2"
    assert_success
    assert_equal "$(cat "$TEST_DIR/a.pid")" "$(state_field "$ID" .pid)"
    assert_equal "$(cat "$TEST_DIR/b.pid")" "$(state_field "$id2" .pid)"
}

@test "--log FILE --log-format json: JSON records; --log=F --log-format=json" {
    rtc --log "$TEST_DIR/a.json" --log-format json state "$ID"
    assert_failure
    jq -e -s 'length > 0 and all(.[]; has("level") and has("msg") and has("time"))' \
        "$TEST_DIR/a.json" >/dev/null || fail "bad log: $(cat "$TEST_DIR/a.json")"
    rtc --log="$TEST_DIR/b.json" --log-format=json state "$ID"
    assert_failure
    assert_equal "$(tail -n1 "$TEST_DIR/b.json" | jq -r .level)" error
}

@test "--log FILE in text format names the error" {
    rtc --log "$TEST_DIR/log.txt" state "$ID"
    assert_failure
    grep -q "does not exist" "$TEST_DIR/log.txt" || fail "log: $(cat "$TEST_DIR/log.txt")"
    rtc --log "$TEST_DIR/log2.txt" --log-format text state "$ID"
    assert_failure
    grep -q "does not exist" "$TEST_DIR/log2.txt" || fail "log: $(cat "$TEST_DIR/log2.txt")"
}

@test "--log-format with an unknown format fails" {
    rtc --log-format xml list
    assert_failure
    assert_contains "$stderr" "xml"
}

@test "--log: a successful lifecycle logs no error" {
    set_args true
    rtc --log "$TEST_DIR/log.json" --log-format json run -b "$BUNDLE" "$ID"
    assert_success
    if [[ -s "$TEST_DIR/log.json" ]]; then
        jq -e -s 'all(.[]; .level != "error")' "$TEST_DIR/log.json" >/dev/null ||
            fail "error logged: $(cat "$TEST_DIR/log.json")"
    fi
}

@test "--debug is accepted" {
    set_args true
    rtc --debug --log "$TEST_DIR/debug.log" run -b "$BUNDLE" "$ID"
    assert_success
}

@test "--rootless auto|true|false is accepted by list" {
    local v
    for v in auto true false; do
        rtc --rootless "$v" list
        assert_success
        rtc --rootless="$v" list
        assert_success
    done
}

@test "global flags in any order before the command" {
    set_args true
    rt_raw --log-format json --log "$TEST_DIR/l.json" --root "$ROOT" run -b "$BUNDLE" "$ID"
    assert_success
}

@test "a flag that needs a value, given none" {
    rt_raw --root
    assert_failure
    if is_rt; then assert_rt_error_line; fi
    rtc create -b
    assert_failure
    if is_rt; then assert_rt_error_line; fi
}

@test "list --format table|json, -f, --format=json, --quiet, -q" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local f
    for f in "--format json" "-f json" "--format=json" "-f=json"; do
        # shellcheck disable=SC2086
        rtc list $f
        assert_success
        assert_equal "$(jq -r '.[0].id' <<<"$stdout")" "$ID"
    done
    for f in "--format table" "-f table" ""; do
        # shellcheck disable=SC2086
        rtc list $f
        assert_success
        assert_match "${lines[0]}" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
    done
    for f in --quiet -q; do
        rtc list "$f"
        assert_success
        assert_equal "$stdout" "$ID"
    done
}

@test "kill flags: --all and -a before the id" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc kill --all "$ID" KILL
    assert_success
    wait_status "$ID" stopped
}

@test "delete flags: --force and -f" {
    set_args sleep 1000
    local id2
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    id2="$(new_id)"
    rtc run -d -b "$BUNDLE" "$id2"
    assert_success
    rtc delete --force "$ID"
    assert_success
    rtc delete -f "$id2"
    assert_success
    assert_no_leak "$ID"
    assert_no_leak "$id2"
}

@test "--preserve-fds N and --preserve-fds=N" {
    set_args true
    rtc run --preserve-fds 0 -b "$BUNDLE" "$ID"
    assert_success
    local id2
    id2="$(new_id)"
    rtc run --preserve-fds=0 -b "$BUNDLE" "$id2"
    assert_success
}

@test "create --no-pivot --no-new-keyring" {
    set_args sleep 1000
    rtc create --no-pivot --no-new-keyring -b "$BUNDLE" "$ID"
    assert_success
    rtc start "$ID"
    assert_success
    assert_equal "$(container_status "$ID")" running
}

@test "--systemd-cgroup is accepted as a flag by list" {
    rtc --systemd-cgroup list
    assert_success
}
