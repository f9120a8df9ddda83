#!/usr/bin/env bats
# Hostile input that is not an escape of a known runtime: ids at the edge of their type,
# forged or broken state files, odd signals and strings. Each test says what rt did before
# the fix that it checks.

load helpers

# --- ids ----------------------------------------------------------------------------------------

# uid 4294967295 is -1 to setresuid ("leave unchanged"): the process kept rt's uid 0. Before the
# fix every one of these ran `id` as uid=0 gid=0.
@test "uids and gids above 2147483647 are refused (config, exec --user, --process), as runc" {
    local v
    for v in '{"uid":4294967295,"gid":0}' '{"uid":0,"gid":4294967295}' \
        '{"uid":0,"gid":0,"additionalGids":[4294967295]}' '{"uid":2147483648,"gid":0}'; do
        cfg ".process.user = $v"
        set_args id
        local id
        id="$(new_id)"
        rtc run -b "$BUNDLE" "$id"
        if is_rt; then
            assert_error "^rt: config.json: process.user.(uid|gid|additionalGids\[0\]): [0-9]+ is out of range 0-2147483647$"
        else
            assert_failure
        fi
        assert_no_leak "$id"
    done
    # the largest id allowed runs as itself
    cfg '.process.user = {"uid":2147483647,"gid":2147483647}'
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_equal "$stdout" "uid=2147483647 gid=2147483647"
    # exec --user and a --process file
    cfg '.process.user = {"uid":0,"gid":0}'
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec --user 4294967295:4294967295 "$ID" id
    ((status != 0)) || fail "exec --user 4294967295 succeeded: $stdout"
    [[ "$stdout" != *uid=* ]] || fail "the process ran: $stdout"
    is_rt && assert_contains "$stderr" "--user: expected uid[:gid] with ids in 0-2147483647"
    jq '.process | .user = {"uid":4294967295,"gid":4294967295} | .args = ["id"]' \
        "$BUNDLE/config.json" >"$TEST_DIR/process.json"
    rtc exec --process "$TEST_DIR/process.json" "$ID"
    ((status != 0)) || fail "exec --process with uid 4294967295 succeeded: $stdout"
    [[ "$stdout" != *uid=* ]] || fail "the process ran: $stdout"
    is_rt && assert_contains "$stderr" "process.user.uid: 4294967295 is out of range 0-2147483647"
    rtc exec --user 2147483647:2147483647 "$ID" id
    assert_success
    assert_contains "$stdout" "uid=2147483647 gid=2147483647"
}

# --- commands racing each other ---------------------------------------------------------------

# exec racing delete -f: exec's error path freed an uninitialised pointer (a goto past a cleanup
# variable), which the ASan build showed as a SEGV; -Wjump-misses-init now refuses that code.
# Whatever the interleaving, exec ends with its process's status (137 when delete -f killed
# it) or an error line (status 255), never a signal of its own, and nothing is left.
@test "exec racing delete -f ends with a status or an error, never a crash" {
    set_args sleep 1000
    local runs=0 id st deadline=$((SECONDS + 3))
    while ((SECONDS < deadline || runs == 0)); do
        id="$(new_id)"
        rtc run -d -b "$BUNDLE" "$id"
        assert_success
        "$RT" --root "$ROOT" exec "$id" true </dev/null >/dev/null 2>"$TEST_DIR/exec.err" &
        local ex=$!
        "$RT" --root "$ROOT" delete -f "$id" </dev/null >/dev/null 2>&1
        st=0
        wait "$ex" || st=$?
        # 137: the exec'd process was SIGKILLed by delete -f, and exec says so
        ((st < 128 || st == 137 || st == 255)) || fail "run $runs: exec ended with signal $((st - 128)): $(cat "$TEST_DIR/exec.err")"
        ((st == 0 || st == 137)) || [[ -s "$TEST_DIR/exec.err" ]] || fail "run $runs: status $st, no error"
        # a dying container is a stopped one, not a lack of memory
        ! grep -q "Cannot allocate memory" "$TEST_DIR/exec.err" || fail "run $runs: $(cat "$TEST_DIR/exec.err")"
        assert_no_leak "$id"
        runs=$((runs + 1))
    done
    echo "runs: $runs"
}

# --- state.json is untrusted input ------------------------------------------------------------

# forge_state ID FILTER: rewrite ID's state.json with jq FILTER.
forge_state() {
    local f="$ROOT/$1/state.json"
    jq -c "$2" "$f" >"$f.forged" && mv "$f.forged" "$f"
}

# Before the fix, delete -f removed the directory the forged id named (recursively) and left
# the real state directory behind; state printed the forged id.
@test "a forged id in state.json: state, list and delete -f use the id they were called with" {
    rt_only "rt's state.json"
    local victim="$TEST_DIR/victim"
    mkdir -p "$victim/sub"
    echo keep >"$victim/sub/file"
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    forge_state "$ID" ".id = \"../../../../..$victim\""
    rtc state "$ID"
    assert_success
    assert_equal "$(jq -r .id <<<"$stdout")" "$ID"
    rtc list --format json
    assert_equal "$(jq -r '.[0].id' <<<"$stdout")" "$ID"
    # no id at all: list printed "(null)"
    forge_state "$ID" 'del(.id)'
    rtc list
    assert_contains "$stdout" "$ID"
    [[ "$stdout" != *"(null)"* ]] || fail "list: $stdout"
    forge_state "$ID" ".id = \"../../../../..$victim\""
    rtc delete -f "$ID"
    assert_success
    assert_equal "$(cat "$victim/sub/file")" keep
    [[ ! -e "$ROOT/$ID" ]] || fail "the state directory is left"
}

# Before the fix state, kill and delete -f died of a stack overflow in yajl_tree_free, and a
# corrupt state.json left the container running with delete -f failing "state.json is corrupt".
@test "a nested, huge or corrupt state.json: commands fail cleanly, delete -f still removes the container" {
    rt_only "rt's state.json"
    set_args sleep 1000
    local bad
    for bad in nested truncated garbage; do
        local id
        id="$(new_id "$bad")"
        rtc run -d -b "$BUNDLE" "$id"
        assert_success
        local pid f="$ROOT/$id/state.json"
        pid="$(state_field "$id" .pid)"
        case $bad in
        nested) head -c 1000000 /dev/zero | tr '\0' '[' >"$f" ;;
        truncated) head -c 20 "$f" >"$f.t" && mv "$f.t" "$f" ;;
        garbage) head -c 4096 /dev/urandom >"$f" ;;
        esac
        rtc state "$id"
        assert_error "state.json is corrupt"
        rtc kill "$id" KILL
        assert_error "state.json is corrupt"
        rtc delete "$id"
        assert_error "state.json is corrupt"
        # --force: the container is found through its cgroup, stopped and removed
        rtc delete -f "$id"
        assert_success
        assert_contains "$stderr" "removing what its saved config.json names"
        wait_pid_exit "$pid" 5 || fail "$bad: the container's init $pid still runs"
        assert_no_leak "$id"
    done
}

# A create killed half-way leaves a state directory without state.json. Before the fix, delete -f
# said it was gone (exit 0) and left it, and create of the id said "already exists".
@test "delete -f removes a state directory that a killed create left, and the id can be used again" {
    local leftover
    for leftover in empty config-only tmp-file; do
        mkdir -p "$ROOT/$ID"
        case $leftover in
        config-only) cp "$BUNDLE/config.json" "$ROOT/$ID/config.json" ;;
        tmp-file) echo '{"id":' >"$ROOT/$ID/state.json.tmp.123" ;;
        esac
        rtc delete "$ID"
        assert_failure
        rtc delete -f "$ID"
        assert_success
        [[ ! -e "$ROOT/$ID" ]] || fail "$leftover: $ROOT/$ID is left"
        set_args true
        rtc run -b "$BUNDLE" "$ID"
        assert_success
    done
}

# Before the fix the init disarmed its death signal as it reported ready, before rt had recorded
# its pid in state.json or (cgroup v1, joined by a write to cgroup.procs after the init starts
# its setup) moved it into the container's cgroups: rt killed in that write left an init that
# nothing could find, waiting on exec.fifo for ever. strace holds each cgroup.procs write for
# 3 s; the test kills rt once the init is in its root (a marker file of the rootfs is at its /)
# and waits there (for exec.fifo before the fix, for rt's word now).
@test "create SIGKILLed before it recorded the init: the init dies with it, delete -f leaves nothing" {
    rt_only "rt's init handshake"
    local own procs=() mnt tracer rtpid init i
    while read -r mnt; do
        own="$(awk -F: -v m="$(basename "$mnt")" '$2 ~ "(^|,)" m "(,|$)" {print $3}' /proc/self/cgroup)"
        [[ -n "$own" ]] && procs+=(-P "$mnt${own%/}/$ID/cgroup.procs")
    done < <(awk '$3 == "cgroup" {print $2}' /proc/self/mounts)
    ((${#procs[@]})) || skip "no cgroup v1 hierarchy: the init starts in its cgroup (clone3)"
    set_args sleep 1000
    touch "$BUNDLE/rootfs/in-root-$ID"
    strace -qq -o /dev/null "${procs[@]}" -e trace=write -e inject=write:delay_enter=3000000 \
        "$RT" --root "$ROOT" create -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
    tracer=$!
    BG_PIDS+=("$tracer")
    for ((i = 0; i < 500; i++)); do
        rtpid="$(pgrep -P "$tracer" | head -1)"
        init="${rtpid:+$(pgrep -P "$rtpid" | head -1)}"
        [[ -n "$init" && -e "/proc/$init/root/in-root-$ID" &&
            "$(cat "/proc/$init/wchan")" =~ ^(anon_pipe_read|__skb_wait_for_more_packets)$ ]] && break
        init=""
        sleep 0.01
    done
    [[ -n "$init" ]] || fail "the init never came to wait in its root"
    kill -9 "$rtpid"
    wait_pid_exit "$init" 5 || fail "the init $init outlived the create that never recorded it"
    rtc delete -f "$ID"
    assert_success
    assert_no_leak "$ID"
}

# --- small things -----------------------------------------------------------------------------

# Before the fix RTMIN2147483647 was a signed overflow, RTMIN4294967297 was delivered as RTMIN+1,
# and " 9" and "+9" killed the container.
@test "kill: only whole signal names and plain numbers in range; RTMIN+N and RTMAX-N delivered" {
    rt_only "runc 1.1.5 knows no realtime names"
    # SIGRTMIN is 34 for glibc (the C library keeps two for itself)
    set_args sh -c 'trap "echo got-36" 36; trap "echo got-63" 63; echo ready; while :; do sleep 0.1; done'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local out="$RTC_OUT"
    wait_file_contains "$out" ready
    local s
    for s in RTMIN2147483647 RTMIN4294967297 RTMIN+4294967297 "RTMIN+-1" RTMAX+1 " 9" "+9" "9 " 9x \
        65 1000 SIGKILLX ""; do
        rtc kill "$ID" "$s"
        assert_failure 1
        assert_equal "$stderr" "rt: unknown signal \"$s\""
        assert_equal "$(container_status "$ID")" running
    done
    rtc kill "$ID" rtmin+2
    assert_success
    wait_file_contains "$out" got-36
    rtc kill "$ID" SIGRTMAX-1
    assert_success
    wait_file_contains "$out" got-63
}

# yajl hands back a string cut at \u0000: before the fix "sh\u0000xx" ran sh.
@test "a \\u0000 in a string of config.json is refused, not cut there" {
    cfg '.process.args = ["sh\u0000xx", "-c", "echo ran"]'
    rtc run -b "$BUNDLE" "$ID"
    if is_rt; then
        assert_error '^rt: config.json: invalid JSON: NUL character \(\\u0000\) in a string$'
    else
        assert_failure
    fi
    [[ "$stdout" != *ran* ]] || fail "the process ran"
    assert_no_leak "$ID"
}

# Before the fix an id of 256-1024 characters passed the check and create failed at mkdir.
@test "an id longer than 255 characters is refused as such; 255 works" {
    rt_only "rt's wording"
    local long
    long="rt-test-$(printf 'x%.0s' {1..300})"
    set_args true
    rtc run -b "$BUNDLE" "$long"
    assert_error "^rt: invalid container id format: longer than 255 characters$"
    [[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]] || fail "left in the root: $(ls -A "$ROOT")"
    local id="${long:0:255}"
    remember_id "$id" "$ROOT"
    rtc run -b "$BUNDLE" "$id"
    assert_success
}

# Before the fix: "mknod /dev/null: File exists" (the default node was made over the mount).
@test "a bind mount onto /dev/null is kept, as under runc" {
    echo from-the-bind >"$TEST_DIR/nullfile"
    local bind
    bind=$(jq -nc --arg s "$TEST_DIR/nullfile" '{"destination":"/dev/null","type":"bind","source":$s,"options":["bind"]}')
    cfg ".mounts += [$bind]"
    set_args cat /dev/null
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    # (runc 1.1.5 then points the process's stdout at that file: its output is lost)
    is_rt || skip "runc ran it; its stdout went into the bound file"
    assert_equal "$stdout" from-the-bind
}

# Before the fix: "sync: receive: Connection reset by peer", or "container init exited
# unexpectedly": the init is OOM-killed as it joins its cgroup. Where it dies is the kernel's
# timing: on cgroup v1 the move into the cgroup overlaps the init's setup, and an init that
# touched no new page after the move lives on until execve, where the process is OOM-killed
# (run: status 137, as for any container killed by the OOM killer).
@test "a memory limit too low for the init is named in the error, and nothing is left" {
    [[ -d /sys/fs/cgroup/memory ]] || { cgroup_v2 && v2_path_delegates "$(own_cgroup_v2)" memory; } ||
        skip "no memory controller for a container's cgroup below this one"
    cfg '.linux.resources = {"memory":{"limit":1}}'
    set_args sh -c 'echo ran'
    rtc run -b "$BUNDLE" "$ID"
    if ((status == 137)); then
        assert_equal "$stdout" ""
    elif is_rt; then
        assert_error "^rt: linux.resources.memory.limit: the container's init was killed by the OOM killer during create: 1 bytes is too low$"
    else
        assert_failure
    fi
    assert_no_leak "$ID"
}

# The created init waits for `start`. Before the fix it held an fd to the state root and one to
# its own state directory until then: a process exec'd into the created container with
# CAP_SYS_PTRACE listed every container's state through /proc/1/fd and could write its own
# state.json. Now it holds the fifo alone.
@test "the created init holds no fd of the state root or its state directory" {
    set_args sleep 100
    rtc create -b "$BUNDLE" "$ID"
    assert_success
    local caps='["CAP_SYS_PTRACE","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH"]'
    jq --argjson c "$caps" '.process | .args = ["sh","-c","for f in /proc/1/fd/*; do echo \"$f $(readlink $f)\"; [ -d $f/ ] && ls $f/ && echo DIR-OPENED; done; true"]
        | .capabilities = {bounding:$c,effective:$c,permitted:$c}' "$BUNDLE/config.json" >"$TEST_DIR/p.json"
    rtc exec --process "$TEST_DIR/p.json" "$ID"
    assert_success
    # the fds are readable with CAP_SYS_PTRACE: the check below is not vacuous
    assert_contains "$stdout" "/proc/1/fd/0 "
    [[ "$stdout" != *DIR-OPENED* ]] && ! grep -qxE ".* $ROOT(/$ID)?/?" <<<"$stdout" ||
        fail "the created init reaches the state: $stdout"
    assert_contains "$stdout" exec.fifo
    rtc start "$ID"
    assert_success
    assert_equal "$(container_status "$ID")" running
}

# --- the fault soak (scripts/soak.sh; the long one: SOAK_CYCLES=10000) ------------------------

@test "fault soak: commands SIGKILLed at random and racing delete -f leave nothing after delete -f" {
    local out st=0
    out="$(RT="$RT" BUSYBOX="$BUSYBOX" SOAK_CYCLES="${SOAK_CYCLES:-100}" \
        bash "$BATS_TEST_DIRNAME/../../scripts/soak.sh" 2>/dev/null)" || st=$?
    echo "$out"
    ((st == 0)) || fail "$out"
    assert_contains "$out" "nothing left"
}

# Before the fix "cgroupsPath":"/a/b/c" left /a and /a/b behind after delete (runc too).
@test "delete removes the parents of a nested cgroupsPath that create made, not those that were there" {
    rt_only "runc 1.1.5 leaves the parents it made"
    set_args true
    cfg ".linux.cgroupsPath = \"/$ID_PREFIX-a/b/$ID\""
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    [[ -z "$(cgroups_of "$ID_PREFIX-a")" ]] || fail "left: $(cgroups_of "$ID_PREFIX-a")"
    # a parent that was there before stays, in every hierarchy
    local mnt id2
    for mnt in $(findmnt -rn -t cgroup,cgroup2 -o TARGET); do
        mkdir "$mnt/$ID_PREFIX-pre"
        # a v1 cpuset takes no task until it has cpus and mems
        if [[ -f "$mnt/cpuset.cpus" && ! -f "$mnt/cgroup.controllers" ]]; then
            cat "$mnt/cpuset.cpus" >"$mnt/$ID_PREFIX-pre/cpuset.cpus"
            cat "$mnt/cpuset.mems" >"$mnt/$ID_PREFIX-pre/cpuset.mems"
        fi
    done
    id2="$(new_id)"
    cfg ".linux.cgroupsPath = \"/$ID_PREFIX-pre/c/$id2\""
    rtc run -b "$BUNDLE" "$id2"
    local st=$status
    local pre n_pre n_c
    pre="$(cgroups_of "$ID_PREFIX-pre")"
    n_pre=$(wc -w <<<"$pre")
    n_c=$(find $pre -mindepth 1 -type d | wc -l)
    for mnt in $pre; do rmdir "$mnt/c" 2>/dev/null || true; rmdir "$mnt"; done
    ((st == 0)) || fail "run: $stderr"
    assert_equal "$n_pre" "$(findmnt -rn -t cgroup,cgroup2 -o TARGET | wc -l)"
    assert_equal "$n_c" 0
}

# Before the fix delete unmounted whatever state.json's rootfs and rootfs_mount named: a forged
# pair took a host mount away.
@test "a forged rootfs and rootfs_mount in state.json: delete -f leaves that host mount alone" {
    rt_only "rt's state.json"
    local victim="$TEST_DIR/victim" mid
    mkdir -p "$victim"
    mount -t tmpfs -o size=1m rt-test-victim "$victim"
    echo keep >"$victim/file"
    mid="$(findmnt -n -o ID --mountpoint "$victim")" || mid=""
    [[ -n "$mid" ]] || mid="$(awk -v m="$victim" '$5 == m {print $1}' /proc/self/mountinfo | tail -1)"
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    forge_state "$ID" ".rootfs = \"$victim\" | .rootfs_mount = $mid"
    rtc delete -f "$ID"
    local st=$status out=$stderr
    local kept=no
    [[ "$(cat "$victim/file" 2>/dev/null)" == keep ]] && kept=yes
    umount "$victim" 2>/dev/null || true
    ((st == 0)) || fail "delete -f: $out"
    assert_equal "$kept" yes
    assert_contains "$out" "is not rt's bind of a rootfs onto itself: left mounted"
}

# Before the fix delete -f SIGKILLed whatever ran in the cgroups state.json named, and below
# them: a forged entry naming a hierarchy's root reached every process of the host (never run
# against such a build: it kills the test too). Now a cgroup path of the file must be a clean
# path strictly below a mounted hierarchy.
@test "a forged cgroup in state.json naming a hierarchy's root: refused, nothing else is killed" {
    rt_only "rt's state.json"
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local top bystander forged
    top="$(jq -r '.cgroups[0]' "$ROOT/$ID/state.json")"
    top="$(findmnt -n -o TARGET --target "$top")"
    sleep 1000 &
    bystander=$!
    BG_PIDS+=("$bystander")
    for forged in "$top" "$top/.." "$top/$ID/../.." /tmp; do
        forge_state "$ID" ".cgroups[0] = \"$forged\""
        rtc state "$ID"
        assert_error "state.json is corrupt: .* is not a cgroup below a hierarchy"
    done
    rtc delete -f "$ID"
    local st=$status
    local alive=no
    kill -0 "$bystander" 2>/dev/null && alive=yes
    kill "$bystander" 2>/dev/null || true
    wait "$bystander" 2>/dev/null || true
    assert_equal "$alive" yes
    assert_equal "$st" 0
    assert_no_leak "$ID"
}

# Before the fix a state.json naming another container's cgroups got that container's processes
# SIGKILLed and its cgroups removed by `delete -f`. Now each path must be where the saved
# config's linux.cgroupsPath (or the default, named after the id) puts it.
@test "a forged cgroup in state.json naming another container's: refused, that container lives on" {
    rt_only "rt's state.json"
    local victim way other_cg cg pid_b
    set_args sleep 1000
    victim="$(new_id)"
    for way in default explicit; do
        if [[ $way == explicit ]]; then
            cfg ".linux.cgroupsPath = \"/$ID_PREFIX-x/$victim\""
        fi
        rtc run -d -b "$BUNDLE" "$victim"
        assert_success
        pid_b="$(state_field "$victim" .pid)"
        [[ $way == default ]] || cfg ".linux.cgroupsPath = \"/$ID_PREFIX-x/$ID\""
        rtc run -d -b "$BUNDLE" "$ID"
        assert_success
        other_cg="$(jq -c '.cgroups' "$ROOT/$victim/state.json")"
        forge_state "$ID" ".cgroups = $other_cg"
        rtc state "$ID"
        assert_error "state.json is corrupt: .* is not the cgroup of container $ID"
        rtc kill -a "$ID" KILL
        assert_error "state.json is corrupt: .* is not the cgroup of container $ID"
        rtc delete -f "$ID"
        assert_success
        kill -0 "$pid_b" || fail "$way: delete -f $ID killed $victim's init"
        for cg in $(jq -r '.cgroups[]' <<<"$other_cg"); do
            [[ -d $cg ]] || fail "$way: delete -f $ID removed $cg"
        done
        assert_equal "$(container_status "$victim")" running
        assert_no_leak "$ID"
        rtc delete -f "$victim"
        assert_success
        assert_no_leak "$victim"
    done
}

# whole_or_nothing ID CREATE_STATUS: after a create raced a delete -f, ID is either a whole
# created container (state, live init, cgroups; create succeeded) or nothing at all.
whole_or_nothing() {
    local id=$1 st=$2 pid
    if [[ -e "$ROOT/$id" ]]; then
        ((st == 0)) || fail "$id: create failed ($st) but left $ROOT/$id"
        assert_equal "$(container_status "$id")" created
        pid="$(state_field "$id" .pid)"
        kill -0 "$pid" || fail "$id: the init $pid is gone"
        [[ -n "$(cgroups_of "$id")" ]] || fail "$id: no cgroup"
        rtc delete -f "$id"
        assert_success
    fi
    assert_no_leak "$id"
}

# Before the fix create made its state directory, then locked it: a delete -f in between found
# a directory without state.json, took it for a killed create's and removed it; a second create
# of the id then made a whole container, and the first, failing in its removed directory,
# removed the second's state directory by name: a running init with no state to find it by.
# Now the directory is made and locked under the root's lock, which delete -f takes to open
# one. strace holds the first create's flock calls for 300 ms each so that delete -f and the
# second create land in that window every time.
@test "create racing delete -f and another create ends with a whole container or none" {
    rt_only "rt's state directory lock"
    set_args sleep 1000
    local create st i id
    "$RT" --root "$ROOT" list >/dev/null
    strace -qq -o /dev/null -e trace=flock -e inject=flock:delay_enter=300000 \
        "$RT" --root "$ROOT" create -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$TEST_DIR/create.err" &
    create=$!
    BG_PIDS+=("$create")
    for ((i = 0; i < 500; i++)); do
        [[ -e "$ROOT/$ID" ]] && break
        sleep 0.01
    done
    [[ -e "$ROOT/$ID" ]] || fail "create made no state directory: $(cat "$TEST_DIR/create.err")"
    rtc delete -f "$ID"
    assert_success
    rtc create -b "$BUNDLE" "$ID"
    st=$status
    wait "$create" || true
    whole_or_nothing "$ID" "$st"
    # and at random moments
    for ((i = 0; i < 20; i++)); do
        id="$(new_id)"
        "$RT" --root "$ROOT" create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 &
        create=$!
        sleep "0.0$((RANDOM % 10))"
        rtc delete -f "$id"
        assert_success
        st=0
        wait "$create" || st=$?
        whole_or_nothing "$id" "$st"
    done
}
