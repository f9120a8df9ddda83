#!/usr/bin/env bats
# spec: runc's default config.json (and the rootless variant).

load helpers

setup() {
    common_setup
    SPEC_DIR="$TEST_DIR/spec"
    mkdir -p "$SPEC_DIR"
}

@test "spec: writes config.json in the current directory" {
    cd "$SPEC_DIR"
    rt_raw spec
    assert_success
    assert_equal "$stdout" ""
    [[ -f config.json ]] || fail "no config.json"
    jq -e . config.json >/dev/null || fail "config.json is not JSON"
    assert_match "$(jq -r .ociVersion config.json)" '^1\.[0-9]+\.[0-9]+'
    if is_rt; then
        assert_equal "$(jq -r .ociVersion config.json)" "1.3.0"
    fi
    # runc's defaults
    assert_equal "$(jq -c .process.args config.json)" '["sh"]'
    assert_equal "$(jq -r .process.terminal config.json)" true
    assert_equal "$(jq -r .process.cwd config.json)" /
    assert_equal "$(jq -c .process.user config.json)" '{"uid":0,"gid":0}'
    assert_equal "$(jq -r .process.noNewPrivileges config.json)" true
    assert_equal "$(jq -r .root.path config.json)" rootfs
    assert_equal "$(jq -r .root.readonly config.json)" true
    assert_equal "$(jq -c '.process.capabilities.bounding|sort' config.json)" \
        '["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
    assert_equal "$(jq -c '.process.rlimits' config.json)" \
        '[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]'
    local ns
    for ns in pid network ipc uts mount; do
        jq -e --arg t "$ns" 'any(.linux.namespaces[]; .type == $t)' config.json >/dev/null ||
            fail "namespace $ns missing"
    done
    assert_equal "$(jq -c '[.mounts[].destination]' config.json)" \
        '["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]'
    jq -e '.linux.maskedPaths | index("/proc/kcore")' config.json >/dev/null || fail "maskedPaths"
    jq -e '.linux.readonlyPaths | index("/proc/sys")' config.json >/dev/null || fail "readonlyPaths"
}

@test "spec: refuses to overwrite an existing config.json" {
    cd "$SPEC_DIR"
    echo '{"mine": true}' >config.json
    rt_raw spec
    assert_error 'exists'
    assert_equal "$(cat config.json)" '{"mine": true}'
}

@test "spec --bundle DIR, -b DIR, --bundle=DIR" {
    local form n=0 d
    for form in --bundle -b --bundle=; do
        n=$((n + 1))
        d="$SPEC_DIR/$n"
        mkdir "$d"
        if [[ "$form" == *= ]]; then
            rt_raw spec "$form$d"
        else
            rt_raw spec "$form" "$d"
        fi
        assert_success
        [[ -f "$d/config.json" ]] || fail "spec $form: no config.json in $d"
        [[ ! -e "$PWD/config.json" || "$PWD" == "$d" ]]
    done
}

@test "spec --bundle: a missing directory is an error" {
    rt_raw spec --bundle "$SPEC_DIR/missing"
    assert_error 'missing'
    [[ ! -e "$SPEC_DIR/missing" ]]
}

@test "spec --rootless: a user namespace mapping the caller's ids" {
    cd "$SPEC_DIR"
    rt_raw spec --rootless
    assert_success
    jq -e 'any(.linux.namespaces[]; .type == "user")' config.json >/dev/null ||
        fail "no user namespace"
    jq -e 'any(.linux.namespaces[]; .type == "network") | not' config.json >/dev/null ||
        fail "rootless spec has a network namespace"
    assert_equal "$(jq -c '.linux.uidMappings' config.json)" \
        "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]"
    assert_equal "$(jq -c '.linux.gidMappings' config.json)" \
        "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]"
    jq -e '.linux.resources == null or .linux.resources.devices == null' config.json >/dev/null ||
        fail "rootless spec sets device rules"
}

@test "spec: the default config runs (terminal false)" {
    cd "$SPEC_DIR"
    rt_raw spec
    assert_success
    cp -a "$BUNDLE/rootfs" rootfs
    cfg '.process.terminal = false | .process.args = ["echo", "ok"]' "$SPEC_DIR"
    rtc run -b "$SPEC_DIR" "$ID"
    assert_success
    assert_equal "$stdout" ok
}
