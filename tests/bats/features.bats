#!/usr/bin/env bats
# features: the runtime-spec features.json document.

load helpers

@test "features: a features.json document" {
    rt_raw features
    assert_success
    jq -e . <<<"$stdout" >/dev/null || fail "not JSON: $stdout"
    local k
    for k in ociVersionMin ociVersionMax linux; do
        jq -e --arg k "$k" 'has($k)' <<<"$stdout" >/dev/null || fail "no $k"
    done
    assert_match "$(jq -r .ociVersionMin <<<"$stdout")" '^1\.0\.[0-9]+$'
    if is_rt; then
        assert_equal "$(jq -r .ociVersionMax <<<"$stdout")" "1.3.0"
    fi
    local ns
    for ns in cgroup ipc mount network pid user uts; do
        jq -e --arg n "$ns" '.linux.namespaces | index($n)' <<<"$stdout" >/dev/null ||
            fail "namespace $ns not listed"
    done
    jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_KILL")' <<<"$stdout" \
        >/dev/null || fail "capabilities"
    # optional members (omitted means "unknown"): when present, of the right shape
    jq -e '.mountOptions == null or (.mountOptions | index("ro") and index("nosuid") and index("bind"))' \
        <<<"$stdout" >/dev/null || fail "mountOptions"
    jq -e '.hooks == null or (.hooks | type == "array")' <<<"$stdout" >/dev/null || fail "hooks"
    jq -e '.annotations == null or (.annotations | type == "object")' <<<"$stdout" >/dev/null ||
        fail "annotations"
}

@test "features: cgroup v1 and v2 are reported as booleans" {
    rt_raw features
    assert_success
    assert_equal "$(jq -r '.linux.cgroup.v1|type' <<<"$stdout")" boolean
    assert_equal "$(jq -r '.linux.cgroup.v2|type' <<<"$stdout")" boolean
}

@test "features: seccomp is described when built with it" {
    rt_raw features
    assert_success
    if [[ "$(jq -r '.linux.seccomp.enabled' <<<"$stdout")" == true ]]; then
        jq -e '.linux.seccomp.actions | index("SCMP_ACT_ERRNO")' <<<"$stdout" >/dev/null ||
            fail "seccomp actions"
    fi
}

# rt makes idmapped mounts (mounts.bats: idmap, ridmap, uidMappings), so it says so; runc 1.1.5
# leaves mountExtensions out.
@test "features: mountExtensions.idmap.enabled is true; an argument is refused in one line" {
    rt_only "runc 1.1.5 has no mountExtensions"
    rt_raw features
    assert_success
    assert_equal "$(jq -c .linux.mountExtensions <<<"$stdout")" '{"idmap":{"enabled":true}}'
    rt_raw features x
    assert_failure
    assert_equal "$stderr" 'rt: "features" requires exactly 0 arguments: features'
}
