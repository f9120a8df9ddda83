#!/usr/bin/env bats
# The same bundle and commands under runc and under the runtime being tested give the same
# observable results. Each scenario prints a transcript of what a user sees, normalised
# (pids, times, paths and ids masked); the transcripts of both runtimes must be equal.

load helpers
load compare-helpers

scenario_exit_status() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" sh -c 'echo hi; exit 3'
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "run: status=$status stdout=$stdout"
    set_args_in "$b" sh -c 'echo err >&2; exit 0'
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "run: status=$status stdout=$stdout"
    on "$1" state "$id"
    echo "state after run: status=$status"
}

@test "compare: exit status and output of run" {
    compare scenario_exit_status
}

scenario_lifecycle() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    state() {
        on "$1" state "$id"
        echo "state: exit=$status $(jq -c '[keys, .status, (.pid > 0), .id, .bundle, .rootfs, .owner]' <<<"$stdout" 2>/dev/null | norm "$id" "$b")"
    }
    on "$1" create -b "$b" "$id"
    echo "create: $status"
    state "$1"
    on "$1" list
    echo "list header: $(tr -s ' ' <<<"${lines[0]}")"
    echo "list row: $(awk '{print NF, $3}' <<<"${lines[1]}")"
    on "$1" start "$id"
    echo "start: $status"
    state "$1"
    on "$1" kill "$id" KILL
    echo "kill: $status"
    local i
    for i in $(seq 250); do
        on "$1" state "$id"
        [[ "$(jq -r .status <<<"$stdout")" == stopped ]] && break
        sleep 0.02
    done
    state "$1"
    on "$1" list -f json
    echo "list json: $(jq -c '[.[] | [.status, .pid]]' <<<"$stdout")"
    on "$1" delete "$id"
    echo "delete: $status"
    on "$1" state "$id"
    echo "state after delete: $status"
    on "$1" list -q
    echo "list -q: [$stdout]"
}

@test "compare: create/state/start/kill/delete and list" {
    compare scenario_lifecycle
}

scenario_errors() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    on "$1" state "$id"
    echo "state missing: $status"
    on "$1" kill "$id"
    echo "kill missing: $status"
    on "$1" delete "$id"
    echo "delete missing: $status"
    on "$1" delete --force "$id"
    echo "delete --force missing: $status"
    on "$1" start "$id"
    echo "start missing: $status"
    on "$1" run -d -b "$b" "$id"
    echo "run -d: $status"
    on "$1" create -b "$b" "$id"
    echo "create duplicate: $status"
    on "$1" start "$id"
    echo "start running: $status"
    on "$1" delete "$id"
    echo "delete running: $status"
    on "$1" kill "$id" NOSUCHSIG
    echo "kill bad signal: $status"
    on "$1" kill "$id" KILL
    echo "kill: $status"
    local i
    for i in $(seq 250); do
        on "$1" state "$id"
        [[ "$(jq -r .status <<<"$stdout")" == stopped ]] && break
        sleep 0.02
    done
    on "$1" kill "$id" KILL
    echo "kill stopped: $status"
    on "$1" delete "$id"
    echo "delete stopped: $status"

    local id2
    id2="$(cid "$1")"
    echo '{"ociVersion": "1.0.2", ' >"$b/config.json"
    on "$1" create -b "$b" "$id2"
    echo "bad json: $status"
    bundle_for "$1" >/dev/null
    cfg '.root.path = "missing"' "$b"
    on "$1" create -b "$b" "$id2"
    echo "missing rootfs: $status"
    bundle_for "$1" >/dev/null
    cfg '.process.args = "sh"' "$b"
    on "$1" create -b "$b" "$id2"
    echo "args not an array: $status"
    on "$1" list -q
    echo "left: [$stdout]"
}

@test "compare: error exit statuses" {
    compare scenario_errors
}

scenario_signals() {
    local b id sig
    b="$(bundle_for "$1")"
    set_args_in "$b" sh -c "$SIGNAL_SCRIPT"
    for sig in "" TERM USR1 KILL; do
        id="$(cid "$1")"
        "${RUNTIMES[$1]}" --root "$TEST_DIR/root-$1" run -b "$b" "$id" </dev/null \
            >"$TEST_DIR/$id.out" 2>&1 &
        local pid=$!
        wait_file_contains "$TEST_DIR/$id.out" ready >/dev/null 2>&1
        # shellcheck disable=SC2086
        on "$1" kill "$id" $sig
        local rc=0
        wait_pid_exit "$pid" 10 || kill -9 "$pid"
        wait "$pid" || rc=$?
        echo "kill ${sig:-default}: run exited $rc"
    done
}

@test "compare: signals delivered by kill and run's exit status" {
    compare scenario_signals
}

scenario_inside() {
    local b id
    b="$(bundle_for "$1")"
    cfg '.hostname = "cmp"' "$b"
    set_args_in "$b" sh -c '
        hostname; id; pwd; echo pid=$$
        grep -E "^(Cap|NoNewPrivs|Uid|Gid|Groups)" /proc/self/status
        grep "Max open files" /proc/self/limits
        ls /; ls -l /dev | awk "{print \$1, \$NF}"
        for m in / /proc /dev /dev/pts /dev/shm /dev/mqueue /sys; do
            awk -v m=$m "\$5 == m {o=\$6; sub(/.* - /, \"\"); print m, \$1, o}" /proc/self/mountinfo |
                tail -n1 | sed -E "s/,(relatime|strictatime|noatime)//g"
        done
        for p in /proc/sys /proc/sysrq-trigger /proc/bus; do
            awk -v m=$p "\$5 == m {print m, \$6}" /proc/self/mountinfo | sed -E "s/,relatime//"
        done
        env | grep -v "^PWD=" | sort'
    id="$(cid "$1")"
    on "$1" run -b "$b" "$id"
    echo "status=$status"
    echo "$stdout"
    echo "stderr=$stderr"
}

@test "compare: the view from inside the container" {
    compare scenario_inside
}

scenario_pidfile_and_dirs() {
    local b id
    b="$(bundle_for "$1")"
    set_args_in "$b" sleep 1000
    id="$(cid "$1")"
    mkdir -p "$TEST_DIR/cwd-$1"
    cd "$TEST_DIR/cwd-$1"
    on "$1" create -b "../bundle-$1" --pid-file "p.pid" "$id"
    echo "create: $status"
    echo "pid file: $(cat p.pid 2>/dev/null | tr -d 0-9)$(tail -c1 p.pid 2>/dev/null | tr '\n' N | tr -d 0-9)"
    on "$1" state "$id"
    echo "bundle: $(jq -r .bundle <<<"$stdout" | norm "$id" "$b")"
    on "$1" delete "$id"
    echo "delete created: $status"
    on "$1" run -d --console-socket "$TEST_DIR/none.sock" -b "$b" "$(cid "$1")"
    echo "console socket without terminal: $status"
}

@test "compare: --pid-file, relative bundle, --console-socket without a terminal" {
    compare scenario_pidfile_and_dirs
}
