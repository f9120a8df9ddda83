# shellcheck shell=bash
# Common helpers for rt's behaviour tests.
#
# Every test gets (from setup):
#   RT       the runtime under test (default: build/src/rt; RT=runc or RT=/path/to/x to override)
#   ROOT     a private --root for the test's containers
#   BUNDLE   a bundle made from Debian's busybox-static, terminal false, args ["sh"]
#   ID       a unique container id "rt-test-<file>-<test>-<random>" (more with new_id)
# and teardown deletes every container the test named and FAILS the test if any state dir,
# cgroup dir, mount or process of those containers is left.

bats_require_minimum_version 1.5.0

if [[ -z "${RT:-}" ]]; then
    # meson puts the binary in the build dir's src/ (build/src/rt)
    RT="$BATS_TEST_DIRNAME/../../build/src/rt"
    [[ -x "$RT" || ! -x "$BATS_TEST_DIRNAME/../../build/rt" ]] || RT="$BATS_TEST_DIRNAME/../../build/rt"
fi
if [[ "$RT" == */* ]]; then
    RT="$(readlink -f "$RT")"
else
    RT="$(command -v "$RT" || echo "$RT")"
fi
RT_NAME="$(basename "$RT")"
BUSYBOX="${BUSYBOX:-/bin/busybox}"
# seconds any one runtime command may take
RT_CMD_TIMEOUT="${RT_CMD_TIMEOUT:-30}"

# The runtime's default --root (used by tests of the default and by teardown).
default_root() {
    case "$RT_NAME" in
    rt) echo /run/rt ;;
    runc) echo /run/runc ;;
    crun) echo /run/crun ;;
    *) echo "/run/$RT_NAME" ;;
    esac
}

is_rt() { [[ "$RT_NAME" == rt ]]; }

# rt_only REASON: skip the test unless the runtime under test is rt (behaviour or wording that
# rt defines and runc does not share).
rt_only() {
    is_rt || skip "rt-only: $*"
}

# --- setup / teardown -------------------------------------------------------------------------

setup() {
    common_setup
}

teardown() {
    common_teardown
}

common_setup() {
    [[ -x "$RT" ]] || {
        echo "runtime under test not found or not executable: $RT (build it, or set RT=)" >&2
        return 1
    }
    TEST_DIR="$BATS_TEST_TMPDIR"
    # The host's shared device nodes: a container must not change them (masked paths and
    # /dev binds are these very inodes).
    HOST_NODES_BEFORE="$(host_nodes)"
    ROOT="$TEST_DIR/root"
    BUNDLE="$TEST_DIR/bundle"
    IDS_FILE="$TEST_DIR/.ids"
    BG_PIDS=()
    : >"$IDS_FILE"
    TEST_TOKEN="$(printf '%04x' $((RANDOM % 65536)))"
    local stem
    stem="$(basename "$BATS_TEST_FILENAME" .bats)"
    ID_PREFIX="rt-test-${stem}-${BATS_TEST_NUMBER}-${TEST_TOKEN}"
    ID="$(new_id)"
    make_bundle "$BUNDLE"
}

# new_id [SUFFIX] [ROOT] [RUNTIME]: a fresh unique container id, remembered for teardown with
# its root and the runtime that owns it (default: $ROOT and $RT).
new_id() {
    local n root="${2:-$ROOT}" runtime="${3:-$RT}"
    n=$(($(wc -l <"$IDS_FILE") + 1))
    local id="$ID_PREFIX-$n${1:+-$1}"
    echo "$root $id $runtime" >>"$IDS_FILE"
    echo "$id"
}

# remember_id ID ROOT [RUNTIME]: also clean up and check ID under ROOT (e.g. the default root).
remember_id() {
    echo "$2 $1 ${3:-$RT}" >>"$IDS_FILE"
}

common_teardown() {
    local root id runtime pid leaks="" all_ids=()
    [[ -n "${IDS_FILE:-}" && -f "$IDS_FILE" ]] || return 0
    while read -r root id runtime; do
        [[ -n "$id" ]] || continue
        all_ids+=("$id")
        timeout -k 5 "$RT_CMD_TIMEOUT" "${runtime:-$RT}" --root "$root" delete --force "$id" \
            </dev/null >/dev/null 2>&1 || true
    done <"$IDS_FILE"
    # Background runs of the test (run_bg) must be gone by now.
    for pid in "${BG_PIDS[@]}"; do
        if ! wait_pid_exit "$pid" 3; then
            leaks+="background job $pid still running: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"$'\n'
            kill -9 "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    while read -r root id runtime; do
        [[ -n "$id" ]] || continue
        leaks+="$(leaks_of "$id" "$root")"
    done <"$IDS_FILE"
    if grep -qF "$TEST_DIR" /proc/self/mountinfo; then
        leaks+="mounts under $TEST_DIR:"$'\n'"$(grep -F "$TEST_DIR" /proc/self/mountinfo)"$'\n'
    fi
    if [[ "$(host_nodes)" != "${HOST_NODES_BEFORE:-}" ]]; then
        leaks+="host device nodes changed: ${HOST_NODES_BEFORE:-} -> $(host_nodes)"$'\n'
    fi
    if [[ -n "$leaks" ]]; then
        echo "# LEFT BEHIND by this test:" >&2
        echo "$leaks" | sed 's/^/#   /' >&2
        force_cleanup "${all_ids[@]}"
        return 1
    fi
}

# host_nodes: mode, owner and type of the host's device nodes that containers get bound.
host_nodes() {
    stat -c '%n %A %u:%g %t:%T' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
}

# wait_pid_exit PID SECONDS: poll until PID is gone (or a zombie); 1 on timeout.
wait_pid_exit() {
    local pid=$1 deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && return 0
        ((SECONDS < deadline)) || return 1
        sleep 0.02
    done
}

# pids_of ID: live processes whose cgroup path or command line names ID.
pids_of() {
    local id=$1
    # Bracket the first character so grep's own command line does not match itself.
    local pat="${id:0:1}[${id:1:1}]${id:2}"
    {
        grep -lE -- "/${pat}(/|\$)" /proc/[0-9]*/cgroup 2>/dev/null || true
        grep -laE -- "${pat}" /proc/[0-9]*/cmdline 2>/dev/null || true
    } | awk -F/ '{print $3}' | sort -un | while read -r pid; do
        [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
        # zombies are the reaper's business (tini -s); they hold no resources of the container
        [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && continue
        [[ -e "/proc/$pid" ]] && echo "$pid"
    done
}

# cgroups_of ID: cgroup directories named ID in any hierarchy (also nested ones).
cgroups_of() {
    find /sys/fs/cgroup -mindepth 1 -maxdepth 12 -type d -name "$1" 2>/dev/null || true
}

# leaks_of ID [ROOT]: print every state dir, cgroup dir, mount and process ID left behind
# (polling briefly, since a killed process needs a moment to be reaped). Empty if clean.
leaks_of() {
    local id=$1 root=${2:-$ROOT} out deadline=$((SECONDS + 3))
    while :; do
        out=""
        [[ -e "$root/$id" ]] && out+="state dir $root/$id"$'\n'
        local cg
        cg="$(cgroups_of "$id")"
        [[ -n "$cg" ]] && out+="cgroup dirs: ${cg//$'\n'/ }"$'\n'
        grep -qF -- "$id" /proc/self/mountinfo && out+="mounts naming $id"$'\n'
        local p
        p="$(pids_of "$id")"
        for pid in $p; do
            out+="process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"$'\n'
        done
        [[ -z "$out" || $SECONDS -ge $deadline ]] && break
        sleep 0.05
    done
    printf '%s' "$out"
}

# assert_no_leak ID [ROOT]: fail now if anything of ID is left (used right after a failure path).
assert_no_leak() {
    local l
    l="$(leaks_of "$@")"
    if [[ -n "$l" ]]; then
        echo "left behind by $1:" >&2
        echo "$l" >&2
        return 1
    fi
}

# force_cleanup IDS...: last resort after a leak was reported, so later tests start clean.
force_cleanup() {
    local id pid cg
    for id in "$@"; do
        for pid in $(pids_of "$id"); do kill -9 "$pid" 2>/dev/null || true; done
    done
    sleep 0.1
    for id in "$@"; do
        for cg in $(cgroups_of "$id" | sort -r); do rmdir "$cg" 2>/dev/null || true; done
    done
    local root runtime
    while read -r root id runtime; do
        [[ -n "$id" && -e "$root/$id" ]] && rm -rf "${root:?}/$id"
    done <"$IDS_FILE"
    grep -F "$TEST_DIR" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
}

# --- bundles ----------------------------------------------------------------------------------

# base_rootfs: path of a busybox-static rootfs, built once per bats run (bin/ + applets).
base_rootfs() {
    local dir="$BATS_RUN_TMPDIR/base-rootfs"
    if [[ ! -d "$dir" ]]; then
        local tmp
        tmp="$(mktemp -d "$BATS_RUN_TMPDIR/base-rootfs.XXXXXX")"
        chmod 755 "$tmp"
        mkdir -p "$tmp/bin" "$tmp/etc"
        cp "$BUSYBOX" "$tmp/bin/busybox"
        local applet
        for applet in $("$BUSYBOX" --list); do
            [[ "$applet" == busybox ]] || ln -s busybox "$tmp/bin/$applet"
        done
        echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/etc/passwd"
        echo 'root:x:0:' >"$tmp/etc/group"
        mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
    fi
    echo "$dir"
}

# make_bundle DIR [ARGS...]: a bundle in DIR: rootfs from busybox-static, `$RT spec`,
# process.terminal false and process.args ARGS (default: sh).
make_bundle() {
    local dir=$1
    shift
    mkdir -p "$dir"
    cp -a "$(base_rootfs)" "$dir/rootfs"
    (cd "$dir" && timeout -k 5 "$RT_CMD_TIMEOUT" "$RT" spec) || {
        echo "make_bundle: '$RT spec' failed in $dir" >&2
        return 1
    }
    cfg '.process.terminal = false' "$dir"
    if (($# > 0)); then
        set_args_in "$dir" "$@"
    else
        set_args_in "$dir" sh
    fi
}

# cfg JQ_FILTER [BUNDLE_DIR]: edit a bundle's config.json in place with jq.
cfg() {
    local f="${2:-$BUNDLE}/config.json"
    jq "$1" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# set_args ARGS...: process.args of $BUNDLE.
set_args() {
    set_args_in "$BUNDLE" "$@"
}

set_args_in() {
    local f="$1/config.json"
    shift
    local args
    # "--" so that jq does not take an argument like "-c" as its own option
    args="$(jq -nc '$ARGS.positional' --args -- "$@")"
    jq --argjson a "$args" '.process.args = $a' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# --- running the runtime ----------------------------------------------------------------------

# rtc ARGS...: run "$RT --root $ROOT ARGS..." with stdin from /dev/null and stdout/stderr to
# files (never a pipe: a created or detached container inherits them and would hold a pipe
# open). Sets status, stdout, stderr, output (stdout then stderr) and lines (of output).
rtc() {
    rt_raw --root "$ROOT" "$@"
}

# rt_raw ARGS...: like rtc, without the --root.
# Each call gets its own files: RTC_OUT is the stdout file of the last call (a created
# container's output lands there after start).
rt_raw() {
    RTC_N=$((${RTC_N:-0} + 1))
    local o="$TEST_DIR/.rtc.$RTC_N.out" e="$TEST_DIR/.rtc.$RTC_N.err"
    RTC_OUT="$o"
    LAST_CMD="$RT $*"
    status=0
    # bounded: a hung runtime fails the test (status 124) instead of hanging the suite
    # RT_CGROUP: a cgroup2 directory the command runs from (it moves itself there first)
    ${RT_CGROUP:+in_cgroup "$RT_CGROUP"} timeout -k 5 "$RT_CMD_TIMEOUT" "$RT" "$@" \
        </dev/null >"$o" 2>"$e" || status=$?
    if ((status == 124)); then
        echo "TIMEOUT after ${RT_CMD_TIMEOUT}s: $RT $*" >>"$e"
    fi
    stdout="$(cat "$o")"
    stderr="$(cat "$e")"
    output="$stdout${stdout:+${stderr:+$'\n'}}$stderr"
    mapfile -t lines <<<"$output"
}

show_last() {
    {
        echo "command: $LAST_CMD"
        echo "status:  $status"
        echo "stdout:  $stdout"
        echo "stderr:  $stderr"
    } >&2
}

# --- assertions -------------------------------------------------------------------------------

fail() {
    echo "FAIL: $*" >&2
    return 1
}

assert_success() {
    if [[ "$status" -ne 0 ]]; then
        show_last
        fail "expected success"
    fi
}

# assert_failure [STATUS]: default 1, runc's (and rt's) status for every error.
assert_failure() {
    local want=${1:-1}
    if [[ "$status" -ne "$want" ]]; then
        show_last
        fail "expected exit status $want, got $status"
    fi
}

assert_status() {
    if [[ "$status" -ne "$1" ]]; then
        show_last
        fail "expected exit status $1, got $status"
    fi
}

# assert_contains HAYSTACK NEEDLE (fixed string)
assert_contains() {
    if [[ "$1" != *"$2"* ]]; then
        show_last
        fail "expected to find '$2' in: $1"
    fi
}

# assert_match HAYSTACK ERE
assert_match() {
    if ! [[ "$1" =~ $2 ]]; then
        show_last
        fail "expected to match /$2/: $1"
    fi
}

assert_equal() {
    if [[ "$1" != "$2" ]]; then
        show_last
        fail "expected '$2', got '$1'"
    fi
}

# assert_error ERE: the command failed with status 1 and its error names ERE (case-insensitive).
# For rt the error must also be exactly one line on stderr starting "rt: ".
assert_error() {
    assert_failure 1
    if is_rt; then
        assert_rt_error_line
    fi
    local lc_err="${stderr,,}" lc_re="${1,,}"
    if ! [[ "$lc_err" =~ $lc_re ]]; then
        show_last
        fail "expected the error to match /$1/"
    fi
}

# assert_rt_error_line: stderr is exactly one line, "rt: <message>".
assert_rt_error_line() {
    local n
    n="$(printf '%s\n' "$stderr" | grep -c '')"
    if [[ -z "$stderr" || "$n" -ne 1 || "$stderr" != "rt: "* ]]; then
        show_last
        fail "expected exactly one stderr line starting 'rt: '"
    fi
}

# --- containers -------------------------------------------------------------------------------

# state_field ID JQ: print a field of `state ID` (fails if state fails).
state_field() {
    timeout -k 5 "$RT_CMD_TIMEOUT" "$RT" --root "$ROOT" state "$1" </dev/null | jq -r "$2"
}

# container_status ID: the status, or "gone" if state fails.
container_status() {
    local s
    s="$(timeout -k 5 "$RT_CMD_TIMEOUT" "$RT" --root "$ROOT" state "$1" </dev/null 2>/dev/null |
        jq -r .status 2>/dev/null)"
    echo "${s:-gone}"
}

# wait_status ID STATUS [SECONDS]: poll until the container's status is STATUS.
wait_status() {
    local id=$1 want=$2 deadline=$((SECONDS + ${3:-5})) s
    while :; do
        s="$(container_status "$id")"
        [[ "$s" == "$want" ]] && return 0
        if ((SECONDS >= deadline)); then
            fail "container $id: status '$s', expected '$want'"
            return 1
        fi
        sleep 0.02
    done
}

# wait_file_contains FILE TEXT [SECONDS]: poll until FILE contains TEXT.
wait_file_contains() {
    local deadline=$((SECONDS + ${3:-5}))
    until grep -qF -- "$2" "$1" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            fail "'$2' did not appear in $1: $(cat "$1" 2>/dev/null)"
            return 1
        fi
        sleep 0.02
    done
}

# run_bg ID [RUN_FLAGS...]: `$RT run` the bundle in the background (stdout+stderr to
# $TEST_DIR/ID.out); sets BG_PID. Pair with `wait_bg` for its exit status.
run_bg() {
    local id=$1
    shift
    "$RT" --root "$ROOT" run -b "$BUNDLE" "$@" "$id" </dev/null >"$TEST_DIR/$id.out" 2>&1 &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}

# wait_bg [SECONDS]: wait (bounded) for BG_PID; sets status to its exit status.
wait_bg() {
    if ! wait_pid_exit "$BG_PID" "${1:-10}"; then
        fail "background run $BG_PID did not exit"
        return 1
    fi
    status=0
    wait "$BG_PID" || status=$?
}

# SIGNAL_SCRIPT: an init that prints "ready" once its traps are set and exits 15/2/10/1 on
# TERM/INT/USR1/HUP, so the signal a runtime delivered shows in the exit status of `run`.
SIGNAL_SCRIPT='trap "exit 15" TERM; trap "exit 2" INT; trap "exit 10" USR1; trap "exit 1" HUP; echo ready; sleep 1000 & wait'

# in_container ARGS...: run ARGS in a fresh container of $BUNDLE (set_args + run);
# sets status/stdout/stderr/output like rtc.
in_container() {
    local id
    id="$(new_id)"
    set_args "$@"
    rtc run -b "$BUNDLE" "$id"
}

# cap_mask CAP_NAMES...: the 16-hex-digit mask of capability names, as /proc/PID/status shows.
cap_mask() {
    local -A num=(
        [CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3 [CAP_FSETID]=4
        [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8 [CAP_LINUX_IMMUTABLE]=9
        [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11 [CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13
        [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15 [CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17
        [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19 [CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21
        [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23 [CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25
        [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27 [CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29
        [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31 [CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33
        [CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35 [CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37
        [CAP_PERFMON]=38 [CAP_BPF]=39 [CAP_CHECKPOINT_RESTORE]=40
    )
    local mask=0 c
    for c in "$@"; do
        [[ -n "${num[$c]:-}" ]] || {
            echo "cap_mask: unknown capability $c" >&2
            return 1
        }
        mask=$((mask | (1 << num[$c])))
    done
    printf '%016x\n' "$mask"
}

# searchable_for_others DIR: o+x on DIR and its parents, so that the root of a user
# namespace (an unprivileged uid on the host) can reach a bundle under the test's tmpdir.
searchable_for_others() {
    local d
    d="$(readlink -f "$1")"
    while [[ "$d" != / ]]; do
        chmod o+x "$d"
        d="$(dirname "$d")"
    done
}

# hold_create ID: `$RT create` of $BUNDLE as ID in the background, held by a createRuntime hook
# (it replaces the config's hooks) once cgroups and mounts are made; HELD_RT_PID is rt's pid.
hold_create() {
    cat >"$TEST_DIR/hold-hook" <<EOS
#!/bin/sh
echo \$\$ > "$TEST_DIR/hook.pid"
exec sleep 60
EOS
    chmod +x "$TEST_DIR/hold-hook"
    cfg ".hooks = {\"createRuntime\": [{\"path\": \"$TEST_DIR/hold-hook\"}]}"
    "$RT" --root "$ROOT" create -b "$BUNDLE" "$1" </dev/null >/dev/null 2>&1 &
    HELD_RT_PID=$!
    BG_PIDS+=("$HELD_RT_PID")
    wait_file_contains "$TEST_DIR/hook.pid" "" 10
}

# kill_held_create: SIGKILL the rt of hold_create, and its hook.
kill_held_create() {
    kill -9 "$HELD_RT_PID"
    kill -9 "$(cat "$TEST_DIR/hook.pid")"
    wait "$HELD_RT_PID" 2>/dev/null || true
}

# --- the host's cgroups: tests probe the host the way rt decides, then assert what is right --

cgroup_v2() { [[ -f /sys/fs/cgroup/cgroup.controllers ]]; }

# own_cgroup_v2: this process's cgroup2 path ("/" for the root).
own_cgroup_v2() { sed -n 's/^0:://p' /proc/self/cgroup; }

# in_cgroup DIR CMD...: run CMD after moving itself into the cgroup2 directory DIR.
in_cgroup() {
    sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$@"
}

# v2_delegates DIR CTRL: the cgroup2 directory DIR hands CTRL to its children, or rt can make
# it do so: DIR has CTRL and either is the root (no cgroup.type: exempt from the
# no-internal-process rule) or holds no processes.
v2_delegates() {
    local dir=$1 c=$2
    grep -qw -- "$c" "$dir/cgroup.subtree_control" && return 0
    grep -qw -- "$c" "$dir/cgroup.controllers" || return 1
    [[ ! -e "$dir/cgroup.type" || -z "$(cat "$dir/cgroup.procs")" ]]
}

# v2_path_delegates CGROUP CTRL: every cgroup from the root down to CGROUP (a cgroup2 path)
# hands CTRL down, so a container's cgroup below CGROUP gets CTRL's files.
v2_path_delegates() {
    local dir=/sys/fs/cgroup rest=${1#/} part
    v2_delegates "$dir" "$2" || return 1
    while [[ -n "$rest" ]]; do
        part=${rest%%/*}
        [[ "$rest" == */* ]] && rest=${rest#*/} || rest=""
        dir+="/$part"
        v2_delegates "$dir" "$2" || return 1
    done
}

# probe_cgroup_file HIERARCHY_DIR FILE: whether a new cgroup in that hierarchy (made and
# removed here, as rt makes the container's) has FILE; some files are not on the root.
probe_cgroup_file() {
    local d
    d="$1/rt-test-probe-$$-$RANDOM"
    mkdir "$d" || return 1
    local r=1
    [[ -e "$d/$2" ]] && r=0
    rmdir "$d"
    return "$r"
}
