# shellcheck shell=bash
# Shared by tests/clients/{containerd,podman,docker}.sh: each drives rt (or, with RUNTIME=runc,
# runc) through one real client and prints one TAP line per scenario.
#
# Isolation. Each script re-executes itself in a private mount namespace (unshare -m,
# propagation private) with a fresh tmpfs on /run: what the clients put under /run that no flag
# moves (containerd's shim sockets in /run/containerd/s, the runc v2 shim's runtime root
# /run/containerd/runc, podman's runtime root /run/rt or /run/runc) and every mount the
# daemons make stay in that namespace and vanish with it. Sockets, roots, state and
# configuration are under a temp dir as well (flags and environment), cgroups are under an
# rt-test-* parent, and everything the script started is stopped and removed on exit, also
# when a scenario failed or the script was interrupted.
#
# Environment: RUNTIME=rt (default) or runc; RT (the rt binary, default build/src/rt);
# RUNC (default: runc in PATH).

CLIENTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$CLIENTS_DIR/../.." && pwd)"
RUNTIME="${RUNTIME:-rt}"
IMAGE=localhost/rt-test-busybox:latest
MIB64=67108864
MIB128=134217728

case "$RUNTIME" in
rt)
    RUNTIME_BIN="${RT:-$REPO_DIR/build/src/rt}"
    # the name the client configuration gives it
    RUNTIME_NAME=rt
    ;;
runc)
    RUNTIME_BIN="${RUNC:-$(command -v runc || echo /usr/sbin/runc)}"
    # docker reserves the name runc for its own
    RUNTIME_NAME=runc-under-test
    ;;
*)
    echo "RUNTIME must be rt or runc, not \"$RUNTIME\"" >&2
    exit 1
    ;;
esac
[[ "$RUNTIME_BIN" == /* ]] || RUNTIME_BIN="$(realpath -m "$RUNTIME_BIN")"

SCENARIOS=()
TAP_N=0
TAP_FAILED=0
WORK=""

# scenario NAME FUNCTION [TODO-REASON]: register a scenario, run in order by run_scenarios.
scenario() {
    SCENARIOS+=("$1|$2|${3:-}")
}

# step FUNCTION: run FUNCTION between two scenarios, in the script's own shell (it may start
# daemons); no TAP line of its own, a failure is shown as a comment and the scenarios after it
# fail on their own.
step() {
    SCENARIOS+=("|$1|")
}

# plan: "1..N", N the number of scenarios (steps not counted).
plan() {
    local entry n=0
    for entry in "${SCENARIOS[@]}"; do
        [[ "$entry" == "|"* ]] || n=$((n + 1))
    done
    echo "1..$n"
}

# enter_private_mount_ns "$@": re-execute the calling script in its own mount namespace with a
# private /run (see the top of this file). Returns in the re-executed copy.
enter_private_mount_ns() {
    if [[ -z "${RT_CLIENTS_PRIVATE_NS:-}" ]]; then
        RT_CLIENTS_PRIVATE_NS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
    fi
    mount -t tmpfs -o mode=0755,nosuid,nodev rt-test-clients-run /run
}

# skip_all REASON: every scenario as "ok N name # skip REASON", then exit 0.
skip_all() {
    local entry
    plan
    for entry in "${SCENARIOS[@]}"; do
        [[ "$entry" == "|"* ]] && continue
        TAP_N=$((TAP_N + 1))
        echo "ok $TAP_N ${entry%%|*} # skip $1"
    done
    exit 0
}

# fail_all REASON: every scenario as "not ok N name", then exit 1 (the runtime under test is
# missing: that is a failure, not a skip).
fail_all() {
    local entry
    plan
    for entry in "${SCENARIOS[@]}"; do
        [[ "$entry" == "|"* ]] && continue
        TAP_N=$((TAP_N + 1))
        echo "not ok $TAP_N ${entry%%|*}"
        echo "# $1"
    done
    exit 1
}

# common_preconditions CLIENT_BINARY...: skip everything where the test cannot run at all.
common_preconditions() {
    local b
    [[ $EUID -eq 0 ]] || skip_all "needs root"
    for b in "$@"; do
        command -v "$b" >/dev/null || skip_all "$b is not installed"
    done
    command -v unshare >/dev/null || skip_all "unshare (util-linux) is not installed"
    [[ -x /bin/busybox ]] || skip_all "busybox-static is not installed"
    command -v jq >/dev/null || skip_all "jq is not installed"
    [[ -x "$RUNTIME_BIN" ]] || fail_all "the runtime under test, $RUNTIME_BIN, is not there"
}

# run_scenarios: the plan, then each scenario in a subshell with set -e, its output kept and
# shown as TAP comments when it fails. A scenario with a TODO reason is marked "# TODO".
run_scenarios() {
    local entry name fn todo rc log directive
    plan
    for entry in "${SCENARIOS[@]}"; do
        IFS='|' read -r name fn todo <<<"$entry"
        if [[ -z "$name" ]]; then
            "$fn" >"$WORK/step-$fn.log" 2>&1 </dev/null ||
                { echo "# $fn failed:" && sed 's/^/#   /' "$WORK/step-$fn.log"; }
            continue
        fi
        TAP_N=$((TAP_N + 1))
        log="$WORK/scenario-$TAP_N.log"
        (
            set -e
            "$fn"
        ) >"$log" 2>&1 </dev/null
        rc=$?
        directive=""
        [[ -n "$todo" ]] && directive=" # TODO $todo"
        if ((rc == SKIP_STATUS)); then
            echo "ok $TAP_N $name # skip $(cat "$WORK/skip-reason")"
        elif ((rc == 0)); then
            echo "ok $TAP_N $name$directive"
        else
            echo "not ok $TAP_N $name$directive"
            [[ -z "$todo" ]] && TAP_FAILED=$((TAP_FAILED + 1))
            sed 's/^/# /' "$log"
        fi
    done
}

# --- assertions (used inside scenarios, under set -e) --------------------------------------

SKIP_STATUS=200

# skip REASON: end the scenario as skipped.
skip() {
    echo "$1" >"$WORK/skip-reason"
    exit "$SKIP_STATUS"
}

fail() {
    echo "FAIL: $*" >&2
    return 1
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
    [[ "$1" == "$2" ]] || fail "$3: expected \"$2\", got \"$1\""
}

# expect_match ACTUAL REGEX WHAT
expect_match() {
    [[ "$1" =~ $2 ]] || fail "$3: \"$1\" does not match /$2/"
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || { fail "timed out waiting for: $*" && return 1; }
        sleep 0.1
    done
}

# in_pty COMMAND...: run COMMAND with a new 30x90 pseudo-terminal as its controlling terminal,
# stdin and stdout, for clients that insist on a terminal for -t (pty-run.py).
PTY_ROWS=30
PTY_COLS=90
in_pty() {
    python3 "$CLIENTS_DIR/pty-run.py" "$PTY_ROWS" "$PTY_COLS" "$@"
}

# TTY_PROBE: a shell script for the container: its terminal's name, then its size once it is
# the client's (some clients resize only after start: waits 10 s at most). TTY_EXPECTED: what
# it prints in a container given the terminal of in_pty (a new pty: /dev/pts/0 in the
# container's own devpts).
TTY_PROBE='tty; i=0
while [ "$(stty size 2>/dev/null)" != "SIZE" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
stty size'
TTY_PROBE="${TTY_PROBE/SIZE/$PTY_ROWS $PTY_COLS}"
TTY_EXPECTED="$(printf '/dev/pts/0\n%s %s' "$PTY_ROWS" "$PTY_COLS")"

# has_cap_sys_resource: this process has CAP_SYS_RESOURCE (bit 24) in its effective set.
# Without it (a sandbox, a container as CI host) no runtime can raise rlimits above their
# hard limits or lower oom_score_adj, which some clients' defaults ask for.
has_cap_sys_resource() {
    local eff
    eff="$(awk '/^CapEff:/ {print $2}' /proc/self/status)"
    (((0x$eff >> 24) & 1))
}

# --- cgroups ---------------------------------------------------------------------------------

# cgroup_dir PID CONTROLLER: the directory of PID's cgroup for CONTROLLER (a v1 hierarchy
# where the controller is mounted as v1, else the unified hierarchy).
cgroup_dir() {
    local pid=$1 ctrl=$2 line path
    line="$(grep -E "^[0-9]+:([^:]*,)?$ctrl(,[^:]*)?:" "/proc/$pid/cgroup" || true)"
    if [[ -n "$line" && -d "/sys/fs/cgroup/$ctrl" ]]; then
        path="${line#*:*:}"
        echo "/sys/fs/cgroup/$ctrl$path"
        return
    fi
    path="$(sed -n 's/^0:://p' "/proc/$pid/cgroup")"
    if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
        echo "/sys/fs/cgroup$path"
    else
        echo "/sys/fs/cgroup/unified$path"
    fi
}

# memory_limit PID: the memory limit of PID's cgroup in bytes ("max" when none, on v2).
memory_limit() {
    local dir
    dir="$(cgroup_dir "$1" memory)"
    if [[ -f "$dir/memory.limit_in_bytes" ]]; then
        cat "$dir/memory.limit_in_bytes"
    else
        cat "$dir/memory.max"
    fi
}

# is_frozen PID: PID's cgroup is frozen (v1 freezer.state FROZEN, v2 cgroup.events frozen 1).
is_frozen() {
    local dir
    dir="$(cgroup_dir "$1" freezer)"
    if [[ -f "$dir/freezer.state" ]]; then
        [[ "$(cat "$dir/freezer.state")" == FROZEN ]]
    else
        grep -qx 'frozen 1' "$dir/cgroup.events"
    fi
}

is_thawed() {
    ! is_frozen "$1"
}

# remove_cgroups NAME: kill what is left in, then remove, every cgroup directory called NAME
# directly below a hierarchy root (and all below it).
remove_cgroups() {
    local name=$1 top dir pid
    for top in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
        [[ -d "$top" ]] || continue
        while read -r dir; do
            while read -r pid; do
                [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null
            done <"$dir/cgroup.procs"
        done < <(find "$top" -type d)
        for _ in $(seq 50); do
            find "$top" -depth -type d -exec rmdir {} + 2>/dev/null
            [[ -d "$top" ]] || break
            sleep 0.1
        done
    done
}

# --- the image -------------------------------------------------------------------------------

# make_rootfs_tar FILE: a tarball of a root filesystem with Debian's busybox-static.
make_rootfs_tar() {
    local dir="$WORK/rootfs"
    # shellcheck source=scripts/lib.sh
    . "$REPO_DIR/scripts/lib.sh"
    make_busybox_rootfs "$dir"
    mkdir -p "$dir"/{proc,sys,dev,tmp,root}
    chmod 1777 "$dir/tmp"
    tar -C "$dir" --numeric-owner -cf "$1" .
}

# make_oci_archive ROOTFS_TAR FILE [NAME [CMD-JSON]]: an OCI image layout tarball (one
# uncompressed layer) of an image NAME (default $IMAGE) whose command is CMD-JSON (default
# ["sh"]), for `ctr images import`.
make_oci_archive() {
    local layer=$1 out=$2 name=${3:-$IMAGE} cmd=${4:-'["sh"]'} dir lsha csha msha cfg man
    dir="$(mktemp -d "$WORK/oci.XXXXXX")"
    mkdir -p "$dir/blobs/sha256"
    lsha="$(sha256sum "$layer" | cut -d' ' -f1)"
    cp "$layer" "$dir/blobs/sha256/$lsha"
    cfg="$dir/config.json"
    jq -cn --arg d "sha256:$lsha" --argjson cmd "$cmd" '{architecture: "amd64", os: "linux",
        config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                 Cmd: $cmd},
        rootfs: {type: "layers", diff_ids: [$d]}}' | tr -d '\n' >"$cfg"
    csha="$(sha256sum "$cfg" | cut -d' ' -f1)"
    mv "$cfg" "$dir/blobs/sha256/$csha"
    man="$dir/manifest.json"
    jq -cn --arg c "sha256:$csha" --argjson cs "$(stat -c%s "$dir/blobs/sha256/$csha")" \
        --arg l "sha256:$lsha" --argjson ls "$(stat -c%s "$layer")" \
        '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
          layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l,
                    size: $ls}]}' | tr -d '\n' >"$man"
    msha="$(sha256sum "$man" | cut -d' ' -f1)"
    jq -cn --arg m "sha256:$msha" --argjson ms "$(stat -c%s "$man")" --arg name "$name" \
        '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: $m, size: $ms, annotations: {"io.containerd.image.name": $name,
          "org.opencontainers.image.ref.name": ($name | sub(".*:"; ""))}}]}' >"$dir/index.json"
    mv "$man" "$dir/blobs/sha256/$msha"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
    tar -C "$dir" -cf "$out" oci-layout index.json blobs
}

# --- containerd ------------------------------------------------------------------------------

# write_containerd_config FILE DIR [TOML...]: a containerd config with everything under DIR
# (root, state, sockets, the opt plugin's directory) and the CRI plugin disabled unless TOML
# configures it; TOML lines are appended.
write_containerd_config() {
    local file=$1 dir=$2
    shift 2
    {
        echo "version = 2"
        echo "root = \"$dir/root\""
        echo "state = \"$dir/state\""
        echo "temp = \"$dir/tmp\""
        if ! printf '%s\n' "$@" | grep -q 'io.containerd.grpc.v1.cri'; then
            echo 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
        fi
        echo "[grpc]"
        echo "  address = \"$dir/containerd.sock\""
        echo "[ttrpc]"
        echo "  address = \"$dir/containerd.sock.ttrpc\""
        echo "[plugins]"
        echo "  [plugins.\"io.containerd.internal.v1.opt\"]"
        echo "    path = \"$dir/opt\""
        printf '%s\n' "$@"
    } >"$file"
    mkdir -p "$dir/tmp"
}

# start_containerd DIR [TOML...]: containerd with the config above; waits for its socket.
start_containerd() {
    local dir=$1
    shift
    mkdir -p "$dir"
    write_containerd_config "$dir/config.toml" "$dir" "$@"
    start_daemon "$dir/containerd.log" containerd --config "$dir/config.toml"
    if ! wait_for 30 ctr --address "$dir/containerd.sock" version; then
        tail -20 "$dir/containerd.log" >&2
        return 1
    fi
}

# --- daemons and cleanup ---------------------------------------------------------------------

DAEMON_PIDS=()
CLEANUP_STEPS=()

# start_daemon LOG COMMAND...: start a daemon in the background (its own process group).
start_daemon() {
    local log=$1
    shift
    setsid "$@" >"$log" 2>&1 </dev/null &
    DAEMON_PIDS+=($!)
}

# stop_daemon PID: SIGTERM, SIGKILL after 20 s, and reap it.
stop_daemon() {
    local i
    kill -TERM "$1" 2>/dev/null
    for i in $(seq 200); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# stop_daemons: stop every daemon started here, the last started first.
stop_daemons() {
    local i
    for ((i = ${#DAEMON_PIDS[@]} - 1; i >= 0; i--)); do
        stop_daemon "${DAEMON_PIDS[i]}"
    done
    DAEMON_PIDS=()
}

# kill_processes_mentioning STRING: SIGKILL the processes whose command line contains STRING
# (the shims a daemon left behind name its private socket, under $WORK).
kill_processes_mentioning() {
    local p
    for p in /proc/[0-9]*; do
        [[ "${p#/proc/}" == "$$" ]] && continue
        if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$1"; then
            kill -KILL "${p#/proc/}" 2>/dev/null
        fi
    done
}

# unmount_below DIR: unmount everything mounted at or below DIR, deepest first.
unmount_below() {
    local m
    while read -r m; do
        umount -l "$m" 2>/dev/null
    done < <(awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo |
        sort -r)
}

# cleanup: the client's own steps (remove containers, stop the daemon, ...), then anything
# left: processes naming the work dir, mounts below it, the work dir itself.
cleanup() {
    local step
    trap - EXIT INT TERM
    for step in "${CLEANUP_STEPS[@]}"; do
        "$step" >/dev/null 2>&1
    done
    stop_daemons >/dev/null 2>&1
    if [[ -n "$WORK" && -d "$WORK" ]]; then
        kill_processes_mentioning "$WORK"
        unmount_below "$WORK"
        rm -rf "$WORK"
    fi
}

# setup_work NAME: the temp dir and the cleanup trap.
setup_work() {
    WORK="$(mktemp -d "/tmp/rt-test-clients-$1.XXXXXX")"
    chmod 0711 "$WORK"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

# finish: the exit status (0 when no scenario without a TODO failed).
finish() {
    ((TAP_FAILED == 0))
}
