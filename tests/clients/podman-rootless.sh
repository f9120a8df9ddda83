#!/bin/bash
# Rootless podman 4.3: an unprivileged user with /etc/subuid and /etc/subgid ranges runs
# containers on rt. podman enters a user namespace of its own (newuidmap/newgidmap map the
# user's ranges) and runs conmon and the runtime there: the runtime is uid 0 in that user
# namespace, and the container's config has no user namespace. One TAP line per scenario. As
# root:
#
#   bash tests/clients/podman-rootless.sh            (RUNTIME=runc: the same against runc)
#
# The user exists only for the test and only in its private mount namespace: its passwd,
# group, subuid and subgid are bind-mounted over /etc there, the host's files are never
# touched. See tests/clients/lib.bash for the rest of the isolation.
set -uo pipefail
# shellcheck source=tests/clients/lib.bash
. "$(dirname "$0")/lib.bash"

USER_NAME=rt-test-podman
USER_ID=23457
SUB_START=400000
SUB_SIZE=65536

# P ARGS...: podman as the user, with its own HOME, XDG_RUNTIME_DIR and configuration
P() {
    timeout -k 5 60 setpriv --reuid "$USER_ID" --regid "$USER_ID" --clear-groups \
        --inh-caps=-all env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$WORK/home" \
        USER="$USER_NAME" XDG_RUNTIME_DIR="$WORK/xdg" TMPDIR="$WORK/home/tmp" \
        CONTAINERS_CONF="$WORK/containers.conf" CONTAINERS_STORAGE_CONF="$WORK/storage.conf" \
        CONTAINERS_REGISTRIES_CONF="$WORK/registries.conf" podman "$@"
}

status_is() {
    [[ "$(P inspect --format '{{.State.Status}}' "$1")" == "$2" ]]
}

# make_user: the user in private copies of /etc/{passwd,group,subuid,subgid}
make_user() {
    local f
    mkdir -p "$WORK/etc" "$WORK/home/tmp" "$WORK/xdg"
    cp /etc/passwd /etc/group "$WORK/etc/"
    echo "$USER_NAME:x:$USER_ID:$USER_ID::$WORK/home:/bin/sh" >>"$WORK/etc/passwd"
    echo "$USER_NAME:x:$USER_ID:" >>"$WORK/etc/group"
    echo "$USER_NAME:$SUB_START:$SUB_SIZE" >"$WORK/etc/subuid"
    echo "$USER_NAME:$SUB_START:$SUB_SIZE" >"$WORK/etc/subgid"
    for f in passwd group subuid subgid; do
        [[ -e "/etc/$f" ]] || skip_all "/etc/$f does not exist to mount the test's own over"
        mount --bind "$WORK/etc/$f" "/etc/$f"
    done
    chown -R "$USER_ID:$USER_ID" "$WORK/home" "$WORK/xdg"
    chmod 0700 "$WORK/xdg"
}

write_config() {
    cat >"$WORK/containers.conf" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"

[engine]
runtime = "$RUNTIME_NAME"
runtime_supports_json = ["$RUNTIME_NAME"]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$WORK/home/events.log"

[engine.runtimes]
$RUNTIME_NAME = ["$RUNTIME_BIN"]
EOF
    cat >"$WORK/storage.conf" <<EOF
[storage]
driver = "overlay"
rootless_storage_path = "$WORK/home/storage"
EOF
    echo 'unqualified-search-registries = []' >"$WORK/registries.conf"
    chmod 0644 "$WORK"/*.conf
}

# --- scenarios -------------------------------------------------------------------------------

t_output() {
    local out rc=0
    out="$(P run --rm "$IMAGE" sh -c 'echo hello from a container; exit 7')" || rc=$?
    expect_eq "$out" "hello from a container" "the container's output"
    expect_eq "$rc" 7 "podman run's exit status"
}

t_id_maps() {
    local out
    out="$(P run --rm "$IMAGE" sh -c 'id -u; cat /proc/self/uid_map /proc/self/gid_map' |
        tr -s ' ')"
    expect_eq "$out" "$(printf '0\n 0 %s 1\n 1 %s %s\n 0 %s 1\n 1 %s %s' \
        "$USER_ID" "$SUB_START" "$SUB_SIZE" "$USER_ID" "$SUB_START" "$SUB_SIZE")" \
        "root in the container and its id maps (the user, then its subordinate range)"
}

t_stdin() {
    local out
    out="$(printf 'line one\nline two\n' | P run --rm -i "$IMAGE" cat)"
    expect_eq "$out" $'line one\nline two' "what cat read from stdin"
}

t_tty() {
    local out
    out="$(in_pty setpriv --reuid "$USER_ID" --regid "$USER_ID" --clear-groups \
        --inh-caps=-all env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$WORK/home" \
        USER="$USER_NAME" XDG_RUNTIME_DIR="$WORK/xdg" TMPDIR="$WORK/home/tmp" \
        CONTAINERS_CONF="$WORK/containers.conf" CONTAINERS_STORAGE_CONF="$WORK/storage.conf" \
        CONTAINERS_REGISTRIES_CONF="$WORK/registries.conf" \
        podman run --rm -t "$IMAGE" sh -c "$TTY_PROBE")"
    expect_eq "$out" "$TTY_EXPECTED" "tty and the terminal's size in the container"
}

t_detached() {
    P run -d --name r-d "$IMAGE" \
        sh -c "echo started; trap 'echo stopping; exit 0' TERM; sleep 1000 & wait"
    wait_for 10 status_is r-d running
}

t_exec() {
    local rc=0 out
    out="$(P exec r-d sh -c 'echo from exec; exit 3')" || rc=$?
    expect_eq "$out" "from exec" "exec's output"
    expect_eq "$rc" 3 "exec's exit status"
}

t_logs() {
    expect_eq "$(P logs r-d)" started "podman logs"
}

t_stop() {
    P stop --time 10 r-d
    expect_eq "$(P inspect --format '{{.State.ExitCode}}' r-d)" 0 "the exit code after SIGTERM"
    expect_eq "$(P logs r-d)" $'started\nstopping' "the container's output"
}

t_delete() {
    P rm r-d
    if P container exists r-d; then fail "podman still has r-d"; fi
}

# --- setup, run, cleanup ---------------------------------------------------------------------

remove_containers() {
    P rm --all --force --time 0
}

# what the user left running (podman's pause process holding its user namespace, conmon):
# processes of the test's own uid, one by one
kill_user_processes() {
    local p uid
    for p in /proc/[0-9]*; do
        uid="$(awk '/^Uid:/ {print $2}' "$p/status" 2>/dev/null)"
        [[ "$uid" == "$USER_ID" ]] && kill -KILL "${p#/proc/}" 2>/dev/null
    done
    return 0
}

# rt runs here as uid 0 in podman's user namespace, like runc: it counts as rootless (its
# root in $XDG_RUNTIME_DIR, cgroup errors ignored without resources, device nodes bound from
# the host). Before that it acted as real root and failed at /run/rt, the cgroups and mknod.
scenario "run as the user: output and exit code" t_output
scenario "root in the container is the user, ids 1.. its subordinate range" t_id_maps
scenario stdin t_stdin
scenario tty t_tty
scenario detached t_detached
scenario exec t_exec
scenario logs t_logs
scenario "stop (SIGTERM, the init exits 0)" t_stop
scenario "delete (podman rm)" t_delete

common_preconditions podman conmon newuidmap newgidmap setpriv python3
enter_private_mount_ns "$@"
setup_work podman-rootless
chmod 0755 "$WORK"
make_user
write_config
CLEANUP_STEPS=(remove_containers kill_user_processes)

make_rootfs_tar "$WORK/rootfs.tar"
chmod 0644 "$WORK/rootfs.tar"
if ! out="$(P import "$WORK/rootfs.tar" "$IMAGE" 2>&1)"; then
    skip_all "rootless podman import failed: $(tail -1 <<<"$out")"
fi

run_scenarios
finish
