#!/bin/bash
# Kubernetes' view: the kubelet's CRI sequence through containerd 1.6's CRI plugin, with a
# runtime handler whose runtime_type is io.containerd.runc.v2 and whose BinaryName is rt (what
# a RuntimeClass selects). Debian has no crictl: tests/clients/cri-client.py makes the calls.
# The pod uses the host's network (no CNI). One TAP line per scenario. As root:
#
#   bash tests/clients/cri.sh            (RUNTIME=runc: the same against runc)
#
# See tests/clients/lib.bash for the isolation and docs/clients.md for the configuration.
set -uo pipefail
# shellcheck source=tests/clients/lib.bash
. "$(dirname "$0")/lib.bash"

PAUSE_IMAGE=localhost/rt-test-pause:latest
CGROUP_PARENT="rt-test-cri-$$"
# containerd's CRI plugin works in this containerd namespace; the shim's runtime root for it
K8S_NS=k8s.io
RUNC_ROOT="/run/containerd/runc/$K8S_NS"

# cri METHOD [JSON]: one CRI call; the response JSON on stdout (and on stderr when it fails)
cri() {
    local out rc=0
    out="$(timeout -k 5 60 /usr/bin/python3 "$CLIENTS_DIR/cri-client.py" \
        "$WORK/containerd/containerd.sock" "$@")" || rc=$?
    echo "$out"
    ((rc == 0)) || echo "cri $1 failed ($rc): $out" >&2
    return "$rc"
}

# the sandbox config, also passed again with CreateContainer as the kubelet does
sandbox_config() {
    jq -cn --arg parent "/$CGROUP_PARENT" --arg logs "$WORK/pod-logs" '{
        metadata: {name: "rt-test-pod", uid: "rt-test-pod-uid", namespace: "rt-test"},
        log_directory: $logs,
        linux: {cgroup_parent: $parent,
                security_context: {namespace_options: {network: 2, pid: 1, ipc: 0}}}}'
}

container_state() {
    cri ContainerStatus "{\"container_id\": \"$(cat "$WORK/ctr.id")\"}" | jq -r '.status.state // 0'
}

container_state_is() {
    [[ "$(container_state)" == "$1" ]]
}

runtime_state() {
    "$RUNTIME_BIN" --root "$RUNC_ROOT" state "$1"
}

container_pid() {
    runtime_state "$(cat "$WORK/ctr.id")" | jq -r .pid
}

# --- scenarios -------------------------------------------------------------------------------

t_version() {
    local out
    out="$(cri Version '{"version": "v1"}')"
    echo "$out"
    expect_eq "$(jq -r .runtime_name <<<"$out")" containerd "the runtime name"
    expect_eq "$(jq -r .runtime_api_version <<<"$out")" v1 "the CRI version"
}

t_run_pod_sandbox() {
    local out id
    out="$(cri RunPodSandbox "$(jq -cn --argjson c "$(sandbox_config)" --arg h "$RUNTIME_NAME" \
        '{config: $c, runtime_handler: $h}')")"
    echo "$out"
    id="$(jq -r .pod_sandbox_id <<<"$out")"
    [[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "no sandbox id"
    echo "$id" >"$WORK/pod.id"
    out="$(cri PodSandboxStatus "{\"pod_sandbox_id\": \"$id\"}")"
    echo "$out"
    expect_eq "$(jq -r '.status.state // 0' <<<"$out")" 0 "the sandbox's state (SANDBOX_READY)"
    expect_eq "$(jq -r .status.runtime_handler <<<"$out")" "$RUNTIME_NAME" "its runtime handler"
    expect_eq "$(runtime_state "$id" | jq -r .status)" running "$RUNTIME state of the sandbox"
}

t_create_container() {
    local out id
    out="$(cri CreateContainer "$(jq -cn --arg pod "$(cat "$WORK/pod.id")" \
        --argjson sc "$(sandbox_config)" --arg image "$IMAGE" '{
        pod_sandbox_id: $pod, sandbox_config: $sc,
        config: {metadata: {name: "main"}, image: {image: $image},
                 command: ["sh", "-c",
                           "echo started; trap \"echo stopping; exit 0\" TERM; sleep 1000 & wait"],
                 log_path: "main/0.log",
                 linux: {resources: {memory_limit_in_bytes: 67108864}}}}')")"
    echo "$out"
    id="$(jq -r .container_id <<<"$out")"
    [[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "no container id"
    echo "$id" >"$WORK/ctr.id"
    expect_eq "$(container_state)" 0 "the container's state (CONTAINER_CREATED)"
}

t_start_container() {
    cri StartContainer "{\"container_id\": \"$(cat "$WORK/ctr.id")\"}"
    wait_for 10 container_state_is 1
}

t_runtime_state() {
    expect_eq "$(runtime_state "$(cat "$WORK/ctr.id")" | jq -r .status)" running \
        "$RUNTIME state's status"
}

t_memory_limit() {
    expect_eq "$(memory_limit "$(container_pid)")" "$MIB64" "the container's memory limit"
}

t_exec_sync() {
    local out
    out="$(cri ExecSync "{\"container_id\": \"$(cat "$WORK/ctr.id")\", \"timeout\": 30,
        \"cmd\": [\"sh\", \"-c\", \"echo out; echo err >&2; exit 3\"]}")"
    echo "$out"
    expect_eq "$(jq -r .stdout <<<"$out")" out "ExecSync's stdout"
    expect_eq "$(jq -r .stderr <<<"$out")" err "ExecSync's stderr"
    expect_eq "$(jq -r .exit_code <<<"$out")" 3 "ExecSync's exit code"
}

# the shim runs `runtime update --resources - ID` with the resources JSON on stdin
t_update_resources() {
    cri UpdateContainerResources "{\"container_id\": \"$(cat "$WORK/ctr.id")\",
        \"linux\": {\"memory_limit_in_bytes\": $MIB128}}"
    expect_eq "$(memory_limit "$(container_pid)")" "$MIB128" "the memory limit after the update"
}

t_logs() {
    wait_for 10 grep -qE '^[^ ]+ stdout F started$' "$WORK/pod-logs/main/0.log"
}

t_container_status() {
    local out
    out="$(cri ContainerStatus "{\"container_id\": \"$(cat "$WORK/ctr.id")\"}")"
    echo "$out"
    expect_eq "$(jq -r .status.state <<<"$out")" 1 "the state (CONTAINER_RUNNING)"
    expect_eq "$(jq -r .status.metadata.name <<<"$out")" main "the container's name"
    [[ "$(jq -r .status.started_at <<<"$out")" -gt 0 ]] || fail "no started_at"
}

t_stop_container() {
    local out
    cri StopContainer "{\"container_id\": \"$(cat "$WORK/ctr.id")\", \"timeout\": 10}"
    out="$(cri ContainerStatus "{\"container_id\": \"$(cat "$WORK/ctr.id")\"}")"
    echo "$out"
    expect_eq "$(jq -r .status.state <<<"$out")" 2 "the state (CONTAINER_EXITED)"
    expect_eq "$(jq -r '.status.exit_code // 0' <<<"$out")" 0 "the exit code after SIGTERM"
    grep -qE '^[^ ]+ stdout F stopping$' "$WORK/pod-logs/main/0.log" ||
        fail "the container's trap did not run"
}

t_remove_container() {
    local out
    cri RemoveContainer "{\"container_id\": \"$(cat "$WORK/ctr.id")\"}"
    out="$(cri ContainerStatus "{\"container_id\": \"$(cat "$WORK/ctr.id")\"}" 2>/dev/null)" || true
    expect_eq "$(jq -r .error <<<"$out")" NOT_FOUND "ContainerStatus after RemoveContainer"
    if runtime_state "$(cat "$WORK/ctr.id")" 2>/dev/null; then fail "$RUNTIME still has it"; fi
}

t_stop_pod_sandbox() {
    local out
    cri StopPodSandbox "{\"pod_sandbox_id\": \"$(cat "$WORK/pod.id")\"}"
    out="$(cri PodSandboxStatus "{\"pod_sandbox_id\": \"$(cat "$WORK/pod.id")\"}")"
    echo "$out"
    expect_eq "$(jq -r '.status.state // 0' <<<"$out")" 1 "the state (SANDBOX_NOTREADY)"
    if runtime_state "$(cat "$WORK/pod.id")" 2>/dev/null; then
        fail "$RUNTIME still has the sandbox"
    fi
}

t_remove_pod_sandbox() {
    local out
    cri RemovePodSandbox "{\"pod_sandbox_id\": \"$(cat "$WORK/pod.id")\"}"
    out="$(cri PodSandboxStatus "{\"pod_sandbox_id\": \"$(cat "$WORK/pod.id")\"}" 2>/dev/null)" || true
    expect_eq "$(jq -r .error <<<"$out")" NOT_FOUND "PodSandboxStatus after RemovePodSandbox"
    if [[ -n "$(find "/sys/fs/cgroup/memory/$CGROUP_PARENT" -mindepth 1 -type d 2>/dev/null)" ]]
    then
        fail "cgroups are left below /$CGROUP_PARENT"
    fi
}

# --- setup, run, cleanup ---------------------------------------------------------------------

remove_pods() {
    local id
    for id in $(ctr --address "$WORK/containerd/containerd.sock" --namespace "$K8S_NS" \
        containers ls --quiet); do
        ctr --address "$WORK/containerd/containerd.sock" --namespace "$K8S_NS" \
            task kill --signal SIGKILL "$id"
    done
    [[ -s "$WORK/pod.id" ]] || return 0
    cri StopPodSandbox "{\"pod_sandbox_id\": \"$(cat "$WORK/pod.id")\"}"
    cri RemovePodSandbox "{\"pod_sandbox_id\": \"$(cat "$WORK/pod.id")\"}"
}

remove_test_cgroups() {
    remove_cgroups "$CGROUP_PARENT"
}

cri_config() {
    local p='plugins."io.containerd.grpc.v1.cri"' restrict=false
    # the sandbox's oom_score_adj is -998: without CAP_SYS_RESOURCE no runtime may lower it
    has_cap_sys_resource || restrict=true
    cat <<EOF
[$p]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = $restrict
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  disable_apparmor = true
  enable_selinux = false
  [$p.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "$RUNTIME_NAME"
    [$p.containerd.runtimes.$RUNTIME_NAME]
      runtime_type = "io.containerd.runc.v2"
      [$p.containerd.runtimes.$RUNTIME_NAME.options]
        BinaryName = "$RUNTIME_BIN"
        SystemdCgroup = false
  [$p.cni]
    bin_dir = "$WORK/cni/bin"
    conf_dir = "$WORK/cni/net.d"
  [$p.registry]
    config_path = "$WORK/certs.d"
EOF
}

scenario "Version (runtime.v1)" t_version
scenario "RunPodSandbox (handler $RUNTIME_NAME, host network)" t_run_pod_sandbox
scenario "CreateContainer (64 MiB memory limit)" t_create_container
scenario StartContainer t_start_container
scenario "$RUNTIME holds the container's state" t_runtime_state
scenario "64 MiB memory limit in the container's cgroup" t_memory_limit
scenario "ExecSync (stdout, stderr, exit code)" t_exec_sync
scenario "UpdateContainerResources (memory 128 MiB)" t_update_resources
scenario "the container's log" t_logs
scenario ContainerStatus t_container_status
scenario "StopContainer (SIGTERM, the init exits 0)" t_stop_container
scenario RemoveContainer t_remove_container
scenario StopPodSandbox t_stop_pod_sandbox
scenario RemovePodSandbox t_remove_pod_sandbox

common_preconditions containerd ctr containerd-shim-runc-v2
/usr/bin/python3 -c 'import grpc' 2>/dev/null || skip_all "python3-grpcio is not installed"
enter_private_mount_ns "$@"
setup_work cri
mkdir -p "$WORK/pod-logs" "$WORK/cni/bin" "$WORK/cni/net.d" "$WORK/certs.d"
CLEANUP_STEPS=(remove_pods stop_daemons remove_test_cgroups)

mapfile -t config < <(cri_config)
if ! start_containerd "$WORK/containerd" "${config[@]}" >"$WORK/start.log" 2>&1; then
    skip_all "containerd with its CRI plugin did not start: $(tail -1 "$WORK/start.log")"
fi
make_rootfs_tar "$WORK/rootfs.tar"
make_oci_archive "$WORK/rootfs.tar" "$WORK/image.tar"
make_oci_archive "$WORK/rootfs.tar" "$WORK/pause.tar" "$PAUSE_IMAGE" '["sleep", "2147483647"]'
for archive in image pause; do
    ctr --address "$WORK/containerd/containerd.sock" --namespace "$K8S_NS" \
        images import "$WORK/$archive.tar" >/dev/null || fail_all "ctr images import failed"
done
# the CRI plugin learns of imported images from containerd's events: wait until it knows both
for image in "$IMAGE" "$PAUSE_IMAGE"; do
    wait_for 10 bash -c "cri() { /usr/bin/python3 '$CLIENTS_DIR/cri-client.py' \
        '$WORK/containerd/containerd.sock' \"\$@\"; }
        cri ImageStatus '{\"image\": {\"image\": \"$image\"}}' | grep -q '\"id\"'" ||
        fail_all "the CRI plugin does not see $image"
done

run_scenarios
finish
