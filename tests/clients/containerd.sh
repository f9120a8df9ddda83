#!/bin/bash
# containerd 1.6 (Debian's containerd) driving rt through ctr and the runc v2 shim
# (io.containerd.runc.v2 with the runtime binary as its BinaryName: ctr run --runc-binary).
# One TAP line per scenario. As root:
#
#   bash tests/clients/containerd.sh            (RUNTIME=runc: the same against runc)
#
# See tests/clients/lib.bash for the isolation and docs/clients.md for the configuration.
set -uo pipefail
# shellcheck source=tests/clients/lib.bash
. "$(dirname "$0")/lib.bash"

NS="rt-test-ctr-$$"

ctr_cmd() {
    CTR=(ctr --address "$WORK/containerd/containerd.sock" --namespace "$NS")
}

C() {
    timeout -k 5 60 "${CTR[@]}" "$@"
}

# the runc v2 shim's options: the runtime binary and its --root (the shim adds the namespace)
RUNC_ROOT_BASE=""
run_opts() {
    RUN_OPTS=(--runc-binary "$RUNTIME_BIN" --runc-root "$RUNC_ROOT_BASE" --fifo-dir "$WORK/fifo")
}

runtime_state() {
    "$RUNTIME_BIN" --root "$RUNC_ROOT_BASE/$NS" state "$1"
}

# task_status ID: RUNNING, PAUSED, STOPPED, ... as `ctr task ls` shows it
task_status() {
    C task ls | awk -v id="$1" '$1 == id {print $3}'
}

task_is() {
    [[ "$(task_status "$1")" == "$2" ]]
}

task_pid() {
    C task ls | awk -v id="$1" '$1 == id {print $2}'
}

# --- scenarios -------------------------------------------------------------------------------

t_output() {
    local out
    out="$(C run --rm "${RUN_OPTS[@]}" "$IMAGE" c-output echo hello from a container)"
    expect_eq "$out" "hello from a container" "the container's output"
}

t_exit_code() {
    local rc=0
    C run --rm "${RUN_OPTS[@]}" "$IMAGE" c-exit sh -c 'exit 7' || rc=$?
    expect_eq "$rc" 7 "ctr run's exit status"
}

# two lines read, not cat to EOF: ctr closes the container's stdin at its EOF only when the
# shim had opened the fifo before ctr finished writing (with rt and runc alike it often hangs)
t_stdin() {
    local out
    # shellcheck disable=SC2016 # the container's shell expands it
    out="$(printf 'line one\nline two\n' |
        C run --rm "${RUN_OPTS[@]}" "$IMAGE" c-stdin sh -c 'read a; read b; echo "$b|$a"')"
    expect_eq "$out" "line two|line one" "what the container read from stdin"
}

# ctr sets no process.consoleSize and resizes the terminal only after start: TTY_PROBE waits
# (bounded) for the size
t_tty() {
    local out
    out="$(in_pty "${CTR[@]}" run --rm -t "${RUN_OPTS[@]}" "$IMAGE" c-tty sh -c "$TTY_PROBE")"
    expect_eq "$out" "$TTY_EXPECTED" "tty and the terminal's size in the container"
}

t_missing_command() {
    local rc=0 out
    out="$(C run --rm "${RUN_OPTS[@]}" "$IMAGE" c-missing /no/such/command 2>&1)" || rc=$?
    [[ $rc -ne 0 ]] || fail "ctr run of a missing command exited 0"
    expect_match "$out" "/no/such/command" "the error names the command"
    if C container ls -q | grep -qx c-missing; then fail "container c-missing left behind"; fi
    if runtime_state c-missing 2>/dev/null; then fail "the runtime still has c-missing"; fi
}

t_detached() {
    C run -d "${RUN_OPTS[@]}" --log-uri "file://$WORK/c-d.log" --memory-limit "$MIB64" \
        "$IMAGE" c-d sh -c "echo started; trap 'echo stopping; exit 0' TERM; sleep 1000 & wait"
    wait_for 10 task_is c-d RUNNING
    task_pid c-d >"$WORK/c-d.pid"
    cgroup_dir "$(cat "$WORK/c-d.pid")" memory >"$WORK/c-d.cgroup"
}

t_runtime_state() {
    local state
    state="$(runtime_state c-d)"
    expect_eq "$(jq -r .status <<<"$state")" running "$RUNTIME state's status"
    expect_eq "$(jq -r .pid <<<"$state")" "$(cat "$WORK/c-d.pid")" "$RUNTIME state's pid"
}

t_memory_limit() {
    expect_eq "$(memory_limit "$(cat "$WORK/c-d.pid")")" "$MIB64" "the container's memory limit"
}

t_exec() {
    local rc=0 out
    out="$(C task exec --exec-id e-plain c-d sh -c 'echo from exec; exit 3')" || rc=$?
    expect_eq "$out" "from exec" "exec's output"
    expect_eq "$rc" 3 "exec's exit status"
}

t_exec_tty() {
    local out
    out="$(in_pty "${CTR[@]}" task exec -t --exec-id e-tty c-d sh -c "$TTY_PROBE")"
    expect_eq "$out" "$TTY_EXPECTED" "tty and the terminal's size in the exec"
}

t_top() {
    local pid sleep_pid out
    pid="$(cat "$WORK/c-d.pid")"
    sleep_pid="$(pgrep -P "$pid" -x sleep)"
    out="$(C task ps c-d | awk 'NR > 1 {print $1}' | sort -n | tr '\n' ' ')"
    expect_eq "$out" "$(printf '%s\n' "$pid" "$sleep_pid" | sort -n | tr '\n' ' ')" \
        "ctr task ps: the init and its sleep"
}

t_logs() {
    wait_for 10 grep -qx started "$WORK/c-d.log"
}

t_pause_resume() {
    local pid
    pid="$(cat "$WORK/c-d.pid")"
    C task pause c-d
    wait_for 10 task_is c-d PAUSED
    is_frozen "$pid" || fail "the cgroup is not frozen after pause"
    C task resume c-d
    wait_for 10 task_is c-d RUNNING
    is_thawed "$pid" || fail "the cgroup is still frozen after resume"
    C task exec --exec-id e-resumed c-d true
}

t_update() {
    skip "ctr 1.6 has no update command (tests/clients/cri.sh updates through the CRI)"
}

t_stop() {
    C task kill --signal SIGTERM c-d
    wait_for 15 task_is c-d STOPPED
    wait_for 5 grep -qx stopping "$WORK/c-d.log"
}

t_delete() {
    local out
    out="$(C task delete c-d 2>&1)"
    [[ "$out" != *"non-zero exit code"* ]] || fail "c-d's exit status was not 0: $out"
    C container delete c-d
    if C container ls -q | grep -qx c-d; then fail "ctr still lists c-d"; fi
    if runtime_state c-d 2>/dev/null; then fail "$RUNTIME still has c-d"; fi
    [[ ! -d "$(cat "$WORK/c-d.cgroup")" ]] || fail "the cgroup $(cat "$WORK/c-d.cgroup") is left"
}

t_kill() {
    local out
    C run -d "${RUN_OPTS[@]}" "$IMAGE" c-kill sleep 1000
    wait_for 10 task_is c-kill RUNNING
    C task kill --signal SIGKILL c-kill
    wait_for 10 task_is c-kill STOPPED
    out="$(C task delete c-kill 2>&1)"
    expect_match "$out" "exit code 137" "the exit status of a killed task"
    C container delete c-kill
}

# --- setup, run, cleanup ---------------------------------------------------------------------

remove_containers() {
    local id
    for id in $(C container ls -q); do
        C task kill --signal SIGKILL "$id"
        timeout 10 bash -c "until ! ${CTR[*]} task ls | grep -q '^$id .*RUNNING'; do sleep 0.1; done"
        C task delete --force "$id"
        C container delete "$id"
    done
}

remove_ns_cgroups() {
    remove_cgroups "$NS"
}

scenario output t_output
scenario "exit code" t_exit_code
scenario stdin t_stdin
scenario tty t_tty
scenario "missing command" t_missing_command
scenario "detached (--memory-limit 64 MiB)" t_detached
scenario "$RUNTIME holds the state of the shim's container" t_runtime_state
scenario "64 MiB memory limit in the container's cgroup" t_memory_limit
scenario exec t_exec
scenario "exec with a tty" t_exec_tty
scenario "top (ctr task ps)" t_top
scenario "logs (--log-uri file://)" t_logs
scenario "pause and resume" t_pause_resume
scenario "update of the memory limit" t_update
scenario "stop (SIGTERM, the init exits 0)" t_stop
scenario delete t_delete
scenario "kill (SIGKILL, exit code 137)" t_kill

common_preconditions containerd ctr containerd-shim-runc-v2 python3
enter_private_mount_ns "$@"
setup_work containerd
ctr_cmd
RUNC_ROOT_BASE="$WORK/runc-root"
run_opts
CLEANUP_STEPS=(remove_containers stop_daemons remove_ns_cgroups)

if ! start_containerd "$WORK/containerd" >"$WORK/start.log" 2>&1; then
    skip_all "containerd did not start: $(tail -1 "$WORK/start.log")"
fi
make_rootfs_tar "$WORK/rootfs.tar"
make_oci_archive "$WORK/rootfs.tar" "$WORK/image.tar"
C images import "$WORK/image.tar" >/dev/null || fail_all "ctr images import failed"

run_scenarios
finish
