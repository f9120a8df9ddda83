#!/bin/bash
# Docker 20.10 (Debian's docker.io) driving rt: first as an added runtime (dockerd
# --add-runtime, docker run --runtime), then as the default runtime (daemon.json runtimes and
# default-runtime) with Docker's default seccomp profile in force. dockerd uses a containerd
# of its own (--containerd), as Debian's docker.service does. One TAP line per scenario. As
# root:
#
#   bash tests/clients/docker.sh            (RUNTIME=runc: the same against runc)
#
# See tests/clients/lib.bash for the isolation and docs/clients.md for the configuration.
set -uo pipefail
# shellcheck source=tests/clients/lib.bash
. "$(dirname "$0")/lib.bash"

# Debian's client, not another docker earlier in PATH
DOCKER_BIN=/usr/bin/docker
CGROUP_PARENT="rt-test-docker-$$"
DOCKER_NS="rt-test-docker-$$"

D() {
    timeout -k 5 60 "$DOCKER_BIN" "$@"
}

# docker run with the runtime under test (until dockerd makes it the default)
DR() {
    local cmd=$1
    shift
    D "$cmd" --runtime "$RUNTIME_NAME" "$@"
}

inspect() {
    D inspect --format "$2" "$1"
}

status_is() {
    [[ "$(inspect "$1" '{{.State.Status}}')" == "$2" ]]
}

# start_dockerd ARGS...: dockerd with everything under $WORK/docker, no networking of its own
# (no bridge, no iptables: the containers run with --network none), the cgroupfs driver and
# an rt-test-* cgroup parent; waits until it answers.
start_dockerd() {
    start_daemon "$WORK/docker/dockerd.log" dockerd \
        --host "unix://$WORK/docker.sock" \
        --data-root "$WORK/docker/data" \
        --exec-root "$WORK/docker/exec" \
        --pidfile "$WORK/docker/dockerd.pid" \
        --containerd "$WORK/containerd/containerd.sock" \
        --containerd-namespace "$DOCKER_NS" \
        --containerd-plugins-namespace "$DOCKER_NS-plugins" \
        --bridge none --iptables=false --ip6tables=false --ip-masq=false \
        --userland-proxy=false \
        --exec-opt native.cgroupdriver=cgroupfs \
        --cgroup-parent "/$CGROUP_PARENT" \
        "$@"
    if ! wait_for 60 D version; then
        tail -20 "$WORK/docker/dockerd.log" >&2
        return 1
    fi
}

# the first daemon: the runtime added on the command line
start_dockerd_add_runtime() {
    echo '{}' >"$WORK/docker/daemon.json"
    start_dockerd --config-file "$WORK/docker/daemon.json" \
        --add-runtime "$RUNTIME_NAME=$RUNTIME_BIN"
}

# the second: the runtime and the default runtime from daemon.json (what docs/clients.md shows)
restart_dockerd_default_runtime() {
    remove_containers
    stop_daemon "$(cat "$WORK/docker/dockerd.pid")"
    jq -n --arg name "$RUNTIME_NAME" --arg path "$RUNTIME_BIN" \
        '{runtimes: {($name): {path: $path}}, "default-runtime": $name}' \
        >"$WORK/docker/daemon.json"
    start_dockerd --config-file "$WORK/docker/daemon.json"
}

# the runc v2 shim's --root for a runtime dockerd adds: dockerd 20.10 gives every runtime
# added by path its exec root's runtime-runc, and the shim adds the containerd namespace
runtime_root() {
    echo "$WORK/docker/exec/runtime-runc/$DOCKER_NS"
}

# --- scenarios -------------------------------------------------------------------------------

t_output() {
    local out
    out="$(DR run --rm "$IMAGE" echo hello from a container)"
    expect_eq "$out" "hello from a container" "the container's output"
}

t_exit_code() {
    local rc=0
    DR run --rm "$IMAGE" sh -c 'exit 7' || rc=$?
    expect_eq "$rc" 7 "docker run's exit status"
}

t_stdin() {
    local out
    out="$(printf 'line one\nline two\n' | DR run --rm -i "$IMAGE" cat)"
    expect_eq "$out" $'line one\nline two' "what cat read from stdin"
}

t_tty() {
    local out
    out="$(in_pty "$DOCKER_BIN" run --runtime "$RUNTIME_NAME" --rm -t "$IMAGE" \
        sh -c "$TTY_PROBE")"
    expect_eq "$out" "$TTY_EXPECTED" "tty and the terminal's size in the container"
}

t_missing_command() {
    local rc=0 out
    out="$(DR run --rm --name d-missing "$IMAGE" /no/such/command 2>&1)" || rc=$?
    echo "$out"
    expect_eq "$rc" 127 "docker run's exit status for a missing command"
    expect_match "$out" "/no/such/command" "the error names the command"
    if D container inspect d-missing >/dev/null 2>&1; then fail "d-missing left behind"; fi
}

t_not_executable() {
    local rc=0 out
    out="$(DR run --rm --name d-noexec "$IMAGE" /etc/passwd 2>&1)" || rc=$?
    echo "$out"
    expect_eq "$rc" 126 "docker run's exit status for a command that is not executable"
    expect_match "$out" "/etc/passwd" "the error names the command"
}

t_detached() {
    DR run -d --name d-d --memory 64m "$IMAGE" \
        sh -c "echo started; trap 'echo stopping; exit 0' TERM; sleep 1000 & wait"
    wait_for 10 status_is d-d running
    inspect d-d '{{.State.Pid}}' >"$WORK/d-d.pid"
    inspect d-d '{{.Id}}' >"$WORK/d-d.id"
    cgroup_dir "$(cat "$WORK/d-d.pid")" memory >"$WORK/d-d.cgroup"
}

t_runtime_state() {
    find "$WORK/docker/exec" "$WORK/containerd/state" -maxdepth 4 -type d | grep -v /fifo
    local state
    expect_eq "$(inspect d-d '{{.HostConfig.Runtime}}')" "$RUNTIME_NAME" \
        "docker inspect's HostConfig.Runtime"
    state="$("$RUNTIME_BIN" --root "$(runtime_root)" state "$(cat "$WORK/d-d.id")")"
    expect_eq "$(jq -r .status <<<"$state")" running "$RUNTIME state's status"
    expect_eq "$(jq -r .pid <<<"$state")" "$(cat "$WORK/d-d.pid")" "$RUNTIME state's pid"
}

t_memory_limit() {
    expect_eq "$(memory_limit "$(cat "$WORK/d-d.pid")")" "$MIB64" "the container's memory limit"
}

t_exec() {
    local rc=0 out
    out="$(D exec d-d sh -c 'echo from exec; exit 3')" || rc=$?
    expect_eq "$out" "from exec" "exec's output"
    expect_eq "$rc" 3 "exec's exit status"
}

t_exec_tty() {
    local out
    out="$(in_pty "$DOCKER_BIN" exec -t d-d sh -c "$TTY_PROBE")"
    expect_eq "$out" "$TTY_EXPECTED" "tty and the terminal's size in the exec"
}

t_top() {
    local out
    out="$(D top d-d -o pid,args)"
    echo "$out"
    grep -qE "^ *$(cat "$WORK/d-d.pid") +sh -c echo started" <<<"$out" ||
        fail "docker top does not show the init"
    grep -qE '^ *[0-9]+ +sleep 1000 *$' <<<"$out" || fail "docker top does not show the sleep"
}

t_logs() {
    local out
    out="$(D logs d-d)"
    expect_eq "$out" started "docker logs"
}

t_pause_resume() {
    local pid
    pid="$(cat "$WORK/d-d.pid")"
    D pause d-d
    wait_for 10 status_is d-d paused
    is_frozen "$pid" || fail "the cgroup is not frozen after pause"
    D unpause d-d
    wait_for 10 status_is d-d running
    is_thawed "$pid" || fail "the cgroup is still frozen after unpause"
    D exec d-d true
}

# the shim runs `runtime update --resources - ID` with the whole LinuxResources JSON on stdin
t_update() {
    D update --memory 128m --memory-swap 256m d-d
    expect_eq "$(memory_limit "$(cat "$WORK/d-d.pid")")" "$MIB128" \
        "the memory limit after docker update"
    expect_eq "$(inspect d-d '{{.HostConfig.Memory}}')" "$MIB128" "HostConfig.Memory"
    status_is d-d running || fail "d-d is no longer running after the update"
}

t_stop() {
    D stop --time 10 d-d
    expect_eq "$(inspect d-d '{{.State.Status}}')" exited "the status after stop"
    expect_eq "$(inspect d-d '{{.State.ExitCode}}')" 0 "the exit code after SIGTERM"
    expect_eq "$(D logs d-d)" $'started\nstopping' "the container's output"
}

t_delete() {
    D rm d-d
    if D container inspect d-d >/dev/null 2>&1; then fail "docker still has d-d"; fi
    if "$RUNTIME_BIN" --root "$(runtime_root)" state "$(cat "$WORK/d-d.id")" 2>/dev/null; then
        fail "$RUNTIME still has d-d"
    fi
    [[ ! -d "$(cat "$WORK/d-d.cgroup")" ]] || fail "the cgroup $(cat "$WORK/d-d.cgroup") is left"
}

t_kill() {
    local rc
    DR run -d --name d-kill "$IMAGE" sleep 1000
    wait_for 10 status_is d-kill running
    D kill --signal KILL d-kill
    rc="$(D wait d-kill)"
    expect_eq "$rc" 137 "docker wait's exit code of a killed container"
    D rm d-kill
}

t_default_runtime() {
    local out
    expect_eq "$(D info --format '{{.DefaultRuntime}}')" "$RUNTIME_NAME" \
        "docker info's default runtime"
    D run -d --name d-default "$IMAGE" sleep 1000
    wait_for 10 status_is d-default running
    expect_eq "$(inspect d-default '{{.HostConfig.Runtime}}')" "$RUNTIME_NAME" \
        "the runtime of a container run without --runtime"
    "$RUNTIME_BIN" --root "$(runtime_root)" state "$(inspect d-default '{{.Id}}')" >/dev/null
    D rm --force d-default
}

# Docker's default profile: Seccomp 2 (filter) in the container, and unshare(CLONE_NEWUSER),
# which the kernel allows any process but the profile denies without CAP_SYS_ADMIN, fails
# where it works unconfined (checked only where it does: user namespaces enabled)
t_default_seccomp() {
    local out rc=0
    out="$(D run --rm "$IMAGE" grep '^Seccomp:' /proc/self/status)"
    expect_eq "$out" $'Seccomp:\t2' "the seccomp mode under Docker's default profile"
    out="$(D run --rm --security-opt seccomp=unconfined "$IMAGE" grep '^Seccomp:' /proc/self/status)"
    expect_eq "$out" $'Seccomp:\t0' "the seccomp mode with seccomp=unconfined"
    if D run --rm --security-opt seccomp=unconfined "$IMAGE" unshare -U true; then
        D run --rm "$IMAGE" unshare -U true || rc=$?
        [[ $rc -ne 0 ]] || fail "unshare -U worked under Docker's default profile"
    fi
}

# --- setup, run, cleanup ---------------------------------------------------------------------

remove_containers() {
    local ids
    mapfile -t ids < <(D ps --all --quiet)
    ((${#ids[@]} == 0)) || D rm --force "${ids[@]}"
}

remove_test_cgroups() {
    remove_cgroups "$CGROUP_PARENT"
}

scenario output t_output
scenario "exit code" t_exit_code
scenario stdin t_stdin
scenario tty t_tty
# dockerd 20.10 gives exit code 127 only when the runtime's error contains the command and
# Go's lower-case "no such file or directory" (rt printed strerror's "No such ..." at first)
scenario "missing command (exit code 127)" t_missing_command
scenario "command not executable (exit code 126)" t_not_executable
scenario "detached (--memory 64m)" t_detached
scenario "$RUNTIME holds the state of the shim's container" t_runtime_state
scenario "64 MiB memory limit in the container's cgroup" t_memory_limit
scenario exec t_exec
scenario "exec with a tty" t_exec_tty
scenario top t_top
scenario logs t_logs
scenario "pause and unpause" t_pause_resume
scenario "update --memory 128m of a running container" t_update
scenario "stop (SIGTERM, the init exits 0)" t_stop
scenario "delete (docker rm)" t_delete
scenario "kill (SIGKILL, exit code 137)" t_kill
step restart_dockerd_default_runtime
scenario "default-runtime $RUNTIME_NAME (daemon.json)" t_default_runtime
scenario "Docker's default seccomp profile in force (Seccomp: 2)" t_default_seccomp

common_preconditions dockerd "$DOCKER_BIN" containerd ctr containerd-shim-runc-v2 python3
enter_private_mount_ns "$@"
setup_work docker
mkdir -p "$WORK/docker"
export DOCKER_HOST="unix://$WORK/docker.sock" DOCKER_CONFIG="$WORK/docker-cli"
# dockerd writes its trust key to /etc/docker/key.json whatever its roots: a private
# /etc/docker (docker.io's package makes the directory; where it is missing, it is made here
# and removed again)
ETC_DOCKER_MADE=""
[[ -d /etc/docker ]] || { mkdir /etc/docker && ETC_DOCKER_MADE=1; }
mkdir -p "$WORK/etc-docker"
mount --bind "$WORK/etc-docker" /etc/docker
remove_etc_docker() {
    umount /etc/docker
    [[ -z "$ETC_DOCKER_MADE" ]] || rmdir /etc/docker
}
CLEANUP_STEPS=(remove_containers stop_daemons remove_test_cgroups remove_etc_docker)

if ! start_containerd "$WORK/containerd" >"$WORK/start.log" 2>&1; then
    skip_all "containerd did not start: $(tail -1 "$WORK/start.log")"
fi
if ! start_dockerd_add_runtime >"$WORK/start.log" 2>&1; then
    skip_all "dockerd did not start: $(grep -m1 -iE 'level=(fatal|error)' "$WORK/docker/dockerd.log")"
fi
make_rootfs_tar "$WORK/rootfs.tar"
if ! out="$(D import "$WORK/rootfs.tar" "$IMAGE" 2>&1)"; then
    fail_all "docker import failed: $out"
fi

run_scenarios
finish
