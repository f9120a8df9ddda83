#!/usr/bin/env bats
# runc's command-line contract, case by case (issue #13 K, L, M, N, P and the hangs): the same
# bundle and commands under runc and under the runtime being tested; each scenario prints a
# normalised transcript, and the transcripts of both runtimes must be equal.

load helpers
load compare-helpers

teardown() {
    # a test that failed half-way may leave a cgroup of its own frozen: thaw it so that the
    # cleanup can kill what is inside
    local d
    for d in "$(freezer_of "")$ID_PREFIX"*; do
        [[ -d "$d" ]] && thaw "$d"
    done
    common_teardown
}

# wait_stopped I ID: poll (bounded) until runtime I says ID is stopped.
wait_stopped() {
    local i
    for i in $(seq 250); do
        on "$1" state "$2"
        [[ "$(jq -r .status <<<"$stdout")" == stopped ]] && return 0
        sleep 0.02
    done
    return 1
}

scenario_list_sorted() {
    local b ids=() i
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    # ids[0] < ids[1] < ..., shown as their index; created in a shuffled
    # order, so that a directory order is unlikely to be the sorted one by chance
    for i in 0 1 2 3 4; do
        ids+=("$ID_PREFIX-r$1-$i")
        remember_id "${ids[$i]}" "$TEST_DIR/root-$1" "${RUNTIMES[$1]}"
    done
    for i in 3 0 4 1 2; do
        on "$1" create -b "$b" "${ids[$i]}"
        echo "create: $status"
    done
    names() {
        local s=() k
        for k in 0 1 2 3 4; do s+=(-e "s#^${ids[$k]}\$#$k#"); done
        sed "${s[@]}" | tr '\n' ' '
    }
    on "$1" list -q
    echo "list -q: $(names <<<"$stdout")"
    on "$1" list
    echo "list: $(awk 'NR > 1 {print $1}' <<<"$stdout" | names)"
    on "$1" list -f json
    echo "json: $(jq -r '.[].id' <<<"$stdout" | names)"
    for i in 0 1 2 3 4; do on "$1" delete --force "${ids[$i]}"; done
}

@test "compat: list is sorted by id (N)" {
    compare scenario_list_sorted
}

scenario_kill_zero_and_all() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    on "$1" kill "$id" 0
    echo "kill 0 missing: $status"
    on "$1" create -b "$b" "$id"
    echo "create: $status"
    on "$1" kill "$id" 0
    echo "kill 0 created: $status"
    on "$1" start "$id"
    on "$1" kill "$id" 0
    echo "kill 0 running: $status"
    on "$1" state "$id"
    echo "still: $(jq -r .status <<<"$stdout")"
    on "$1" kill --all "$id" KILL
    echo "kill --all running: $status"
    wait_stopped "$1" "$id" || echo "never stopped"
    on "$1" kill --all "$id" KILL
    echo "kill --all stopped: $status"
    on "$1" kill "$id" 0
    echo "kill 0 stopped: $status"
    on "$1" kill "$id" KILL
    echo "kill stopped: $status"
    on "$1" delete "$id"
    echo "delete: $status"
}

@test "compat: kill with signal 0, kill --all of a stopped container (M)" {
    compare scenario_kill_zero_and_all
}

scenario_device_access() {
    local b id acc
    for acc in rwa ra mwr rrw rW xm "" x; do
        b="$(bundle_for "$1")"
        cfg ".linux.resources.devices = [{\"allow\": false, \"access\": \"rwm\"},
            {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229,
             \"access\": $(jq -n --arg a "$acc" '$a')}]" "$b"
        set_args_in "$b" sh -c 'grep "^c 10:229 " /sys/fs/cgroup/devices/devices.list'
        id="$(cid "$1")"
        on "$1" run -b "$b" "$id"
        # a refused rule fails: runc for "x" only once it writes it, rt before anything runs
        echo "access [$acc]: $( ((status == 0)) && echo "ok $stdout" || echo failed)"
        on "$1" delete --force "$id"
    done
}

@test "compat: device rule access letters (L)" {
    [[ -d /sys/fs/cgroup/devices ]] || skip "no v1 devices hierarchy to read the rules from"
    compare scenario_device_access
}

scenario_version() {
    on "$1" --version
    echo "status=$status"
    # the lines clients parse; runc adds go: and libseccomp: after them
    head -n3 <<<"$stdout" | sed -E -e 's/^[a-z]+ version [0-9].*/NAME version X/' \
        -e 's/^commit: [^ ]+$/commit: C/' -e 's/^spec: [0-9]+\.[0-9]+\.[0-9]+.*/spec: S/'
}

@test "compat: --version prints 'NAME version X', 'commit:' and 'spec:' (issue #13)" {
    compare scenario_version
}

scenario_help() {
    on "$1" --help
    echo "status=$status"
    echo "sections: $(grep -E '^[A-Z][A-Z ]*:$' <<<"$stdout" | tr '\n' ' ')"
    # `check` is rt's own (a host report runc has not): the rest must be runc's list
    echo "commands: $(sed -n '/^COMMANDS:$/,/^$/p' <<<"$stdout" | sed -n 's/^   \([a-z, ]*[a-z]\)  .*/\1/p' |
        grep -vx check | sort | tr '\n' ' ')"
    echo "name: $(sed -n '/^NAME:$/{n;p}' <<<"$stdout" | sed -E 's/^   [a-z]+ - /   X - /')"
    on "$1" kill --help
    echo "kill --help: status=$status $(grep -E '^[A-Z][A-Z ]*:$' <<<"$stdout" | head -n2 | tr '\n' ' ')"
    on "$1" help kill
    echo "help kill: status=$status $(sed -n 2p <<<"$stdout" | sed -E 's/^   [a-z]+ kill - /   X kill - /')"
    on "$1" h
    echo "h: status=$status $(head -n1 <<<"$stdout")"
    on "$1" help nosuch
    echo "help nosuch: status=$( ((status)) && echo failed || echo 0)"
}

@test "compat: --help in runc's NAME/USAGE/VERSION/COMMANDS layout (issue #13)" {
    compare scenario_help
}

scenario_debug() {
    local b id f
    b="$(bundle_for "$1")"
    set_args_in "$b" true
    id="$(cid "$1")"
    f="$TEST_DIR/debug-$1.log"
    on "$1" --debug --log "$f" run -b "$b" "$id"
    echo "run: $status"
    # every record logrus text, at least one of them a debug record
    echo "not logrus text: $(grep -cvE '^time="[0-9T:Z-]+" level=[a-z]+ msg=("([^"\\]|\\.)*"|[^ "]+)( |$)' "$f")"
    echo "debug records: $(grep -q '^time="[^"]*" level=debug msg=' "$f" && echo yes || echo no)"
    # without --log the records go to stderr
    id="$(cid "$1")"
    on "$1" --debug run -b "$b" "$id"
    echo "run: $status stderr debug records: $(grep -q '^time="[^"]*" level=debug msg=' <<<"$stderr" &&
        echo yes || echo no)"
}

@test "compat: --debug writes logrus-style level=debug records (issue #13)" {
    compare scenario_debug
}

scenario_unified_on_v1() {
    local b id
    b="$(bundle_for "$1")"
    cfg '.linux.resources.unified = {"memory.high": "100000000"}' "$b"
    set_args_in "$b" true
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "run: $status"
    grep -o 'invalid configuration: cannot use unified on cgroup v1' <<<"$stderr"
    on "$1" delete --force "$id"
}

@test "compat: a v2-only field on a cgroup v1 host is an 'invalid configuration' (P)" {
    [[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]] || skip "the host is cgroup v2"
    compare scenario_unified_on_v1
}

# events_bg I ID ARGS...: `events ARGS ID` of runtime I in the background; sets EV_PID.
events_bg() {
    local i=$1 id=$2
    shift 2
    "${RUNTIMES[$i]}" --root "$TEST_DIR/root-$i" events "$@" "$id" </dev/null \
        >"$TEST_DIR/events-$i.out" 2>&1 &
    EV_PID=$!
    BG_PIDS+=("$EV_PID")
}

# events_watching: wait (bounded) until EV_PID watches for OOM events (both runtimes hold an
# eventfd on cgroup v1, an inotify fd on v2), so that it has opened its container.
events_watching() {
    local i f
    for i in $(seq 250); do
        for f in "/proc/$EV_PID/fd/"*; do
            case "$(readlink "$f")" in
            "anon_inode:[eventfd]" | anon_inode:inotify) return 0 ;;
            esac
        done
        sleep 0.02
    done
    echo "events never opened its container"
}

# events_end: wait (bounded) for EV_PID and print how it ended.
events_end() {
    local rc=0
    if ! wait_pid_exit "$EV_PID" 10; then
        echo "events: still running 10s after"
        kill "$EV_PID"
    fi
    wait "$EV_PID" || rc=$?
    echo "events: exit $rc"
}

scenario_events_deleted() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    on "$1" run -d -b "$b" "$id"
    echo "run -d: $status"
    # an interval far beyond the test: only the deletion can end it
    events_bg "$1" "$id" --interval 1h
    events_watching
    on "$1" delete --force "$id"
    echo "delete --force: $status"
    events_end
    # deleted and made again under the same id: the old container's events end too
    on "$1" run -d -b "$b" "$id"
    events_bg "$1" "$id" --interval 1h
    events_watching
    on "$1" delete --force "$id"
    on "$1" run -d -b "$b" "$id"
    echo "run -d again: $status"
    events_end
    on "$1" delete --force "$id"
    on "$1" events --stats "$id"
    echo "events --stats of a deleted container: $status"
}

@test "compat: events ends when its container is deleted under it" {
    compare scenario_events_deleted
}

# --- pre-existing cgroups (K) ------------------------------------------------------------------

# freezer_of NAME: the freezer cgroup directory of /NAME (v1 freezer hierarchy, or v2).
freezer_of() {
    if [[ -d /sys/fs/cgroup/freezer ]]; then
        echo "/sys/fs/cgroup/freezer/$1"
    else
        echo "/sys/fs/cgroup/$1"
    fi
}

# freeze DIR / thaw DIR
freeze() {
    if [[ -e "$1/freezer.state" ]]; then echo FROZEN >"$1/freezer.state"; else echo 1 >"$1/cgroup.freeze"; fi
}
thaw() {
    if [[ -e "$1/freezer.state" ]]; then echo THAWED >"$1/freezer.state"; else echo 0 >"$1/cgroup.freeze"; fi
}

# rmdir_everywhere NAME: remove /NAME (and what is below it) in every hierarchy, leaves first.
rmdir_everywhere() {
    find /sys/fs/cgroup -maxdepth 3 -type d -path "*/$1" 2>/dev/null | while read -r d; do
        find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
}

scenario_frozen_cgroup() {
    local b id fz
    b="$(bundle_for "$1")"
    id="$(cid "$1")"
    fz="$(freezer_of "$id")"
    mkdir -p "$fz"
    freeze "$fz"
    cfg ".linux.cgroupsPath = \"/$id\"" "$b"
    set_args_in "$b" echo hi
    # the console-socket peer of a create that fails must not be left waiting either
    cfg '.process.terminal = true' "$b"
    "$RECVTTY" "$TEST_DIR/cs-$1.sock" >/dev/null 2>&1 &
    local peer=$!
    BG_PIDS+=("$peer")
    local i
    for i in $(seq 100); do [[ -S "$TEST_DIR/cs-$1.sock" ]] && break; sleep 0.02; done
    RT_CMD_TIMEOUT=10 on "$1" create --console-socket "$TEST_DIR/cs-$1.sock" -b "$b" "$id"
    echo "create in a frozen cgroup: $status"
    grep -o "container's cgroup unexpectedly frozen" <<<"$stderr"
    # the peer never got a connection (as with runc) or saw it closed: nothing holds it open
    local f sockets=0
    for f in "/proc/$peer/fd/"*; do
        [[ "$(readlink "$f")" == socket:* ]] && sockets=$((sockets + 1))
    done
    if ((sockets > 1)); then
        wait_pid_exit "$peer" 5 && echo "peer: connection closed" || echo "peer: still connected"
    else
        echo "peer: no connection"
    fi
    kill "$peer" 2>/dev/null
    wait "$peer" 2>/dev/null
    echo "still frozen: $(grep -qE 'FROZEN|^1' "$fz/freezer.state" "$fz/cgroup.freeze" 2>/dev/null &&
        echo yes || echo no)"
    thaw "$fz"
    on "$1" delete --force "$id"
    rmdir_everywhere "$id"
}

@test "compat: a frozen pre-existing cgroup is refused, the console-socket peer is not left waiting (K)" {
    RECVTTY="${RECVTTY:-$(dirname "$RT")/../tests/recvtty/recvtty}"
    [[ -x "$RECVTTY" ]] || skip "no recvtty next to $RT"
    compare scenario_frozen_cgroup
}

scenario_cgroup_not_empty() {
    local b id fz h
    b="$(bundle_for "$1")"
    id="$(cid "$1")"
    cfg ".linux.cgroupsPath = \"/$id\"" "$b"
    set_args_in "$b" echo hi
    # a process of ours in the container's cgroup before the runtime comes
    sleep 1000 &
    local other=$!
    for h in freezer devices memory pids; do
        if [[ -d /sys/fs/cgroup/$h ]]; then
            mkdir -p "/sys/fs/cgroup/$h/$id"
            echo "$other" >"/sys/fs/cgroup/$h/$id/cgroup.procs"
        fi
    done
    if [[ ! -d /sys/fs/cgroup/freezer ]]; then
        mkdir -p "/sys/fs/cgroup/$id"
        echo "$other" >"/sys/fs/cgroup/$id/cgroup.procs"
    fi
    on "$1" run -b "$b" "$id"
    echo "run: $status $stdout"
    grep -o "container's cgroup is not empty: 1 process(es) found" <<<"$stderr"
    # the container (with a pid namespace of its own) is gone; what was not its own is left
    echo "other process after run: $(kill -0 "$other" 2>/dev/null && echo alive || echo killed)"
    kill -9 "$other" 2>/dev/null
    wait "$other" 2>/dev/null
    on "$1" delete --force "$id"
    rmdir_everywhere "$id"
}

@test "compat: a pre-existing cgroup that holds processes is warned about, its processes left alone (K)" {
    compare scenario_cgroup_not_empty
}

scenario_cpuset_pod() {
    local b id pod
    b="$(bundle_for "$1")"
    id="$(cid "$1")"
    pod="$ID_PREFIX-pod-$1"
    # made by someone else, with empty cpuset.cpus and cpuset.mems (as mkdir leaves them)
    mkdir "/sys/fs/cgroup/cpuset/$pod"
    echo "pod cpus: [$(cat "/sys/fs/cgroup/cpuset/$pod/cpuset.cpus")]"
    cfg ".linux.cgroupsPath = \"/$pod/$id\"" "$b"
    set_args_in "$b" echo hi
    on "$1" run -b "$b" "$id"
    echo "run: $status $stdout"
    on "$1" delete --force "$id"
    rmdir_everywhere "$pod"
}

@test "compat: an empty pre-existing v1 cpuset parent (a pod cgroup) gets cpus and mems (K)" {
    [[ -d /sys/fs/cgroup/cpuset ]] || skip "no v1 cpuset hierarchy"
    compare scenario_cpuset_pod
}

# --- no command waits forever on a container that is paused, stopped or gone ----------------

scenario_paused_and_gone() {
    local b id c
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    on "$1" run -d -b "$b" "$id"
    echo "run -d: $status"
    # shellcheck disable=SC2034 # read by rt_raw
    local RT_CMD_TIMEOUT=15 # a command that waits on a frozen container fails here with 124
    for c in pause pause "kill 0" "ps" "events --stats" resume resume pause delete \
        "kill --all KILL"; do
        # shellcheck disable=SC2086
        on "$1" $c "$id"
        echo "paused: $c: $status"
    done
    wait_stopped "$1" "$id" || echo "never stopped"
    for c in "delete --force" pause resume kill "kill 0" ps events "events --stats" delete; do
        # shellcheck disable=SC2086
        on "$1" $c "$id"
        echo "gone: $c: $status"
    done
}

@test "compat: pause, resume, kill, ps, events, delete on a paused and on a deleted container" {
    compare scenario_paused_and_gone
}

# runc 1.1.5 says "created" here and its start waits until the pod is thawed (for ever if it
# never is); rt reports the container paused, as the frozen cgroup makes it (see
# docs/compatibility.md).
@test "a created container whose parent cgroup is frozen is paused: start refuses it at once" {
    rt_only "runc's start waits for the frozen init"
    local pod="$ID_PREFIX-pod" fz
    cfg ".linux.cgroupsPath = \"/$pod/$ID\""
    set_args echo hi
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    fz="$(freezer_of "$pod")"
    freeze "$fz"
    assert_equal "$(container_status "$ID")" paused
    RT_CMD_TIMEOUT=10 rtc start "$ID"
    assert_error "cannot start an already paused container"
    RT_CMD_TIMEOUT=10 rtc resume "$ID"
    assert_error "unable to thaw the container: .*a parent cgroup is frozen"
    thaw "$fz"
    assert_equal "$(container_status "$ID")" created
    rtc start "$ID"
    assert_success
    wait_status "$ID" stopped
    rtc delete "$ID"
    assert_success
    rmdir_everywhere "$pod"
}

# Before the fix `start` waited with no end for the init to exec when the container's cgroup
# was frozen from outside after start's status check (here: while a startContainer hook runs;
# `pause` itself waits for start's lock). Now it gives up with an error once it sees the cgroup
# frozen; the process runs when the cgroup is thawed.
@test "start: a cgroup frozen from outside while the init starts ends start with an error" {
    rt_only "rt's start waits for the exec; runc's start returns once the fifo is written"
    local fz i
    fz="$(freezer_of "$ID")"
    cfg ".linux.cgroupsPath = \"/$ID\""
    cfg '.root.readonly = false | .hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo > /hook-ran; sleep 2"]}]'
    set_args sleep 1000
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    "$RT" --root "$ROOT" start "$ID" </dev/null >"$TEST_DIR/start.out" 2>&1 &
    local start=$!
    BG_PIDS+=("$start")
    for ((i = 0; i < 500; i++)); do
        [[ -e "$BUNDLE/rootfs/hook-ran" ]] && break
        sleep 0.01
    done
    [[ -e "$BUNDLE/rootfs/hook-ran" ]] || fail "the startContainer hook never ran"
    freeze "$fz"
    wait_pid_exit "$start" 10 || fail "start still waits on a frozen container"
    wait "$start" && fail "start succeeded on a frozen container"
    assert_contains "$(cat "$TEST_DIR/start.out")" "frozen while it started"
    thaw "$fz"
    wait_status "$ID" running 10
}

# The same during create: a cgroup frozen from outside while a createContainer hook runs made
# create wait for the init's word until someone thawed it. (The hook starts in the rootfs,
# before pivot_root: hook-ran is relative.)
@test "create: a cgroup frozen from outside while the init builds the container ends create with an error" {
    rt_only "rt's wait for the init"
    local fz i create
    fz="$(freezer_of "$ID")"
    cfg ".linux.cgroupsPath = \"/$ID\""
    cfg '.root.readonly = false | .hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo > hook-ran; sleep 2"]}]'
    set_args sleep 1000
    "$RT" --root "$ROOT" create -b "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/create.out" 2>&1 &
    create=$!
    BG_PIDS+=("$create")
    for ((i = 0; i < 500; i++)); do
        [[ -e "$BUNDLE/rootfs/hook-ran" ]] && break
        sleep 0.01
    done
    [[ -e "$BUNDLE/rootfs/hook-ran" ]] || fail "the createContainer hook never ran: $(cat "$TEST_DIR/create.out")"
    freeze "$fz"
    wait_pid_exit "$create" 20 || fail "create still waits on a frozen container"
    wait "$create" && fail "create succeeded in a frozen cgroup"
    assert_contains "$(cat "$TEST_DIR/create.out")" "frozen while it was created"
    [[ ! -d "$fz" ]] || thaw "$fz"
    assert_no_leak "$ID"
}
