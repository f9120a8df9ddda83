#!/bin/bash
# podman 4.3 (Debian's podman, with conmon) driving rt as its OCI runtime (containers.conf
# [engine] runtime and [engine.runtimes]). One TAP line per scenario. As root:
#
#   bash tests/clients/podman.sh            (RUNTIME=runc: the same against runc)
#
# See tests/clients/lib.bash for the isolation and docs/clients.md for the configuration.
set -uo pipefail
# shellcheck source=tests/clients/lib.bash
. "$(dirname "$0")/lib.bash"

CGROUP_PARENT="rt-test-podman-$$"
VAR_LIB_CONTAINERS_EXISTED=""

P() {
    timeout -k 5 60 "${PODMAN[@]}" "$@"
}

# podman run/create with the cgroup parent every container of the test gets
PR() {
    local cmd=$1
    shift
    P "$cmd" --cgroup-parent "/$CGROUP_PARENT" "$@"
}

inspect() {
    P inspect --format "$2" "$1"
}

status_is() {
    [[ "$(inspect "$1" '{{.State.Status}}')" == "$2" ]]
}

# write_config: containers.conf, storage.conf and registries.conf under $WORK, exported
# through the environment (podman then reads no system or user configuration).
write_config() {
    local ulimits=""
    # Without CAP_SYS_RESOURCE (a container or a sandbox as the CI host) podman's defaults
    # (RLIMIT_NOFILE and RLIMIT_NPROC 1048576) cannot be set by any runtime: ask for what
    # this process has, and at most the 32768 processes podman lowers its own limit to.
    if ! has_cap_sys_resource; then
        local nproc
        nproc="$(ulimit -Hu)"
        [[ "$nproc" == unlimited || "$nproc" -gt 32768 ]] && nproc=32768
        ulimits="default_ulimits = [\"nofile=$(ulimit -Hn):$(ulimit -Hn)\", \"nproc=$nproc:$nproc\"]"
    fi
    cat >"$WORK/containers.conf" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"
$ulimits

[engine]
runtime = "$RUNTIME_NAME"
runtime_supports_json = ["$RUNTIME_NAME"]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$WORK/events.log"
lock_type = "file"
tmp_dir = "$WORK/libpod-tmp"
static_dir = "$WORK/storage/libpod"
volume_path = "$WORK/storage/volumes"

[engine.runtimes]
$RUNTIME_NAME = ["$RUNTIME_BIN"]

[network]
network_config_dir = "$WORK/networks"
EOF
    cat >"$WORK/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$WORK/storage"
runroot = "$WORK/runroot"
EOF
    echo 'unqualified-search-registries = []' >"$WORK/registries.conf"
    mkdir -p "$WORK/networks" "$WORK/tmp"
    export CONTAINERS_CONF="$WORK/containers.conf"
    export CONTAINERS_STORAGE_CONF="$WORK/storage.conf"
    export CONTAINERS_REGISTRIES_CONF="$WORK/registries.conf"
    export TMPDIR="$WORK/tmp"
    PODMAN=(podman --root "$WORK/storage" --runroot "$WORK/runroot" --tmpdir "$WORK/libpod-tmp")
}

# --- scenarios -------------------------------------------------------------------------------

t_output() {
    local out
    out="$(PR run --rm "$IMAGE" echo hello from a container)"
    expect_eq "$out" "hello from a container" "the container's output"
}

t_exit_code() {
    local rc=0
    PR run --rm "$IMAGE" sh -c 'exit 7' || rc=$?
    expect_eq "$rc" 7 "podman run's exit status"
}

t_stdin() {
    local out
    out="$(printf 'line one\nline two\n' | PR run --rm -i "$IMAGE" cat)"
    expect_eq "$out" $'line one\nline two' "what cat read from stdin"
}

t_tty() {
    local out
    out="$(in_pty "${PODMAN[@]}" run --rm -t --cgroup-parent "/$CGROUP_PARENT" "$IMAGE" \
        sh -c "$TTY_PROBE")"
    expect_eq "$out" "$TTY_EXPECTED" "tty and the terminal's size in the container"
}

t_missing_command() {
    local rc=0 out
    out="$(PR run --rm --name p-missing "$IMAGE" /no/such/command 2>&1)" || rc=$?
    expect_eq "$rc" 127 "podman run's exit status for a missing command"
    expect_match "$out" "/no/such/command" "the error names the command"
    if P container exists p-missing; then fail "container p-missing left behind"; fi
}

t_not_executable() {
    local rc=0 out
    out="$(PR run --rm --name p-noexec "$IMAGE" /etc/passwd 2>&1)" || rc=$?
    echo "$out"
    expect_eq "$rc" 126 "podman run's exit status for a command that is not executable"
    expect_match "$out" "/etc/passwd" "the error names the command"
}

t_detached() {
    PR run -d --name p-d --memory 64m "$IMAGE" \
        sh -c "echo started; trap 'echo stopping; exit 0' TERM; sleep 1000 & wait"
    wait_for 10 status_is p-d running
    inspect p-d '{{.State.Pid}}' >"$WORK/p-d.pid"
    inspect p-d '{{.Id}}' >"$WORK/p-d.id"
    cgroup_dir "$(cat "$WORK/p-d.pid")" memory >"$WORK/p-d.cgroup"
}

# podman passes no --root: the runtime's default (/run/rt, /run/runc) in the test's own /run
t_runtime_state() {
    local state
    expect_eq "$(inspect p-d '{{.OCIRuntime}}')" "$RUNTIME_NAME" "podman inspect's OCIRuntime"
    state="$("$RUNTIME_BIN" state "$(cat "$WORK/p-d.id")")"
    expect_eq "$(jq -r .status <<<"$state")" running "$RUNTIME state's status"
    expect_eq "$(jq -r .pid <<<"$state")" "$(cat "$WORK/p-d.pid")" "$RUNTIME state's pid"
}

t_memory_limit() {
    expect_eq "$(memory_limit "$(cat "$WORK/p-d.pid")")" "$MIB64" "the container's memory limit"
}

t_exec() {
    local rc=0 out
    out="$(P exec p-d sh -c 'echo from exec; exit 3')" || rc=$?
    expect_eq "$out" "from exec" "exec's output"
    expect_eq "$rc" 3 "exec's exit status"
}

t_exec_tty() {
    local out
    out="$(in_pty "${PODMAN[@]}" exec -t p-d sh -c "$TTY_PROBE")"
    expect_eq "$out" "$TTY_EXPECTED" "tty and the terminal's size in the exec"
}

t_top() {
    local out
    out="$(P top p-d pid args)"
    echo "$out"
    grep -qE '^1 +sh -c echo started' <<<"$out" || fail "podman top does not show the init"
    grep -qE '^[0-9]+ +sleep 1000 *$' <<<"$out" || fail "podman top does not show the sleep"
}

t_logs() {
    local out
    out="$(P logs p-d)"
    expect_eq "$out" started "podman logs"
}

t_pause_resume() {
    local pid
    pid="$(cat "$WORK/p-d.pid")"
    P pause p-d
    wait_for 10 status_is p-d paused
    is_frozen "$pid" || fail "the cgroup is not frozen after pause"
    P unpause p-d
    wait_for 10 status_is p-d running
    is_thawed "$pid" || fail "the cgroup is still frozen after unpause"
    P exec p-d true
}

# podman 4.3 runs `runtime update --resources=FILE ID` (a file under TMPDIR, not stdin)
t_update() {
    P update --memory 128m p-d
    expect_eq "$(memory_limit "$(cat "$WORK/p-d.pid")")" "$MIB128" \
        "the memory limit after podman update"
    status_is p-d running || fail "p-d is no longer running after the update"
}

t_stop() {
    P stop --time 10 p-d
    expect_eq "$(inspect p-d '{{.State.Status}}')" exited "the status after stop"
    expect_eq "$(inspect p-d '{{.State.ExitCode}}')" 0 "the exit code after SIGTERM"
    expect_eq "$(P logs p-d)" $'started\nstopping' "the container's output"
}

t_delete() {
    P rm p-d
    if P container exists p-d; then fail "podman still has p-d"; fi
    if "$RUNTIME_BIN" state "$(cat "$WORK/p-d.id")" 2>/dev/null; then
        fail "$RUNTIME still has p-d"
    fi
    [[ ! -d "$(cat "$WORK/p-d.cgroup")" ]] || fail "the cgroup $(cat "$WORK/p-d.cgroup") is left"
}

t_kill() {
    local rc
    PR run -d --name p-kill "$IMAGE" sleep 1000
    wait_for 10 status_is p-kill running
    P kill --signal KILL p-kill
    rc="$(P wait p-kill)"
    expect_eq "$rc" 137 "podman wait's exit code of a killed container"
    P rm p-kill
}

# --- setup, run, cleanup ---------------------------------------------------------------------

remove_containers() {
    timeout -k 5 60 "${PODMAN[@]}" rm --all --force --time 0
}

remove_test_cgroups() {
    remove_cgroups "$CGROUP_PARENT"
}

# containers/image writes its blob info cache to /var/lib/containers/cache whatever the
# storage root: remove it where this test made it
remove_blob_info_cache() {
    [[ -n "$VAR_LIB_CONTAINERS_EXISTED" ]] || rm -rf /var/lib/containers
}

scenario output t_output
scenario "exit code" t_exit_code
scenario stdin t_stdin
scenario tty t_tty
scenario "missing command (exit code 127)" t_missing_command
scenario "command not executable (exit code 126)" t_not_executable
scenario "detached (--memory 64m)" t_detached
scenario "$RUNTIME holds the state of conmon's container" t_runtime_state
scenario "64 MiB memory limit in the container's cgroup" t_memory_limit
scenario exec t_exec
scenario "exec with a tty" t_exec_tty
scenario top t_top
scenario logs t_logs
scenario "pause and unpause" t_pause_resume
scenario "update --memory 128m of a running container" t_update
scenario "stop (SIGTERM, the init exits 0)" t_stop
scenario "delete (podman rm)" t_delete
scenario "kill (SIGKILL, exit code 137)" t_kill

common_preconditions podman conmon python3
enter_private_mount_ns "$@"
[[ -e /var/lib/containers ]] && VAR_LIB_CONTAINERS_EXISTED=1
setup_work podman
write_config
CLEANUP_STEPS=(remove_containers remove_test_cgroups remove_blob_info_cache)

make_rootfs_tar "$WORK/rootfs.tar"
if ! out="$(P import "$WORK/rootfs.tar" "$IMAGE" 2>&1)"; then
    fail_all "podman import failed: $out"
fi

run_scenarios
finish
