#!/usr/bin/env bats
# rt check: the host report (docs/check.md).  Each line is compared with what the test reads
# itself from /proc, /sys, /sys/fs/cgroup, /etc/subuid and PATH, and each feature is hidden
# from rt check once to see the line say so:
#
# - files and mounts (cgroup hierarchies, LSM switches, max_user_namespaces, /etc/subuid, a
#   read-only hierarchy) in a private mount namespace (unshare -m), where the host's mounts
#   are never touched;
# - system calls (clone3, pidfd_open, mount_setattr, seccomp's SECCOMP_GET_NOTIF_SIZES,
#   unshare(CLONE_NEWTIME), seccomp(2) itself) by running rt check as the process of an rt
#   container whose seccomp profile fails them with ENOSYS (or EINVAL, as a kernel without
#   time namespaces does), with /usr and /etc of the host bound in read-only;
# - criu by PATH.
#
# What cannot be hidden this way: CLONE_INTO_CGROUP alone (clone3's flags are in memory a
# seccomp filter cannot read), so it is hidden with clone3 itself and, separately, by
# unmounting the cgroup2 hierarchy; the kernel's own versions of the system calls (the
# truth test compares with the kernel version where nothing in /proc says more).
#
# Tagged vm: the tests whose outcome differs on the cgroup v2 + AppArmor VM (docs/vm.md):
# the truth of every line, the v2 controller rule, AppArmor hidden, and the system calls
# (Linux 6.1 there: idmapped tmpfs is partial).

load helpers

# --- reading the report --------------------------------------------------------------------

# check_line NAME: the report's line for NAME (from $stdout).
check_line() {
    local l
    l="$(grep -E "^$1 +(ok|partial|missing) " <<<"$stdout")" || fail "no line for $1 in: $stdout"
    echo "$l"
}

# check_state NAME / check_detail NAME / check_missing NAME: the columns of NAME's line.
check_state() {
    local l
    l="$(check_line "$1")" || return 1
    awk '{print $2}' <<<"$l"
}

check_detail() {
    local l
    l="$(check_line "$1")" || return 1
    l="${l%; missing: *}"
    sed -E 's/^[^ ]+ +[^ ]+ +//' <<<"$l"
}

# assert_check NAME STATE_ERE [DETAIL_ERE]: NAME's line has STATE (and its detail matches).
assert_check() {
    local s d
    s="$(check_state "$1")" || return 1
    d="$(check_detail "$1")"
    [[ "$s" =~ ^($2)$ ]] || fail "$1: expected $2, got $s: $d"
    if [[ -n "${3:-}" && ! "$d" =~ $3 ]]; then
        fail "$1: expected the detail to match /$3/: $d"
    fi
}

# check_in_ns SCRIPT [ARGS...]: run "$RT check ARGS" in a private mount namespace after SCRIPT
# (sh), with the results as rt_raw sets them.
check_in_ns() {
    local script=$1
    shift
    rt_unshared "$script" check "$@"
}

rt_unshared() {
    local script=$1
    shift
    local o="$TEST_DIR/.ns.out" e="$TEST_DIR/.ns.err"
    status=0
    LAST_CMD="unshare -m sh -c '$script; $RT $*'"
    timeout -k 5 "$RT_CMD_TIMEOUT" unshare -m --propagation private -- \
        sh -c "set -e; $script; exec \"\$0\" \"\$@\"" "$RT" "$@" </dev/null >"$o" 2>"$e" ||
        status=$?
    stdout="$(cat "$o")"
    stderr="$(cat "$e")"
}

# --- what the test reads itself -------------------------------------------------------------

# kver_ge MAJOR MINOR: the running kernel is at least MAJOR.MINOR.
kver_ge() {
    local v maj min
    v="$(cat /proc/sys/kernel/osrelease)"
    maj=${v%%.*}
    min=${v#*.}
    min=${min%%[!0-9]*}
    ((maj > $1 || (maj == $1 && min >= $2)))
}

# cgroup_mounts: "FSTYPE MOUNTPOINT ROOT SUPEROPTS" for each cgroup and cgroup2 mount.
cgroup_mounts() {
    awk '{for (i = 7; i <= NF; i++) if ($i == "-") {
              if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $(i + 1), $5, $4, $(i + 3)
              break } }' /proc/self/mountinfo
}

# v1_ctrls SUPEROPTS: a v1 mount's controllers, comma-separated, as /proc/self/cgroup names them.
v1_ctrls() {
    tr , '\n' <<<"$1" | grep -vxE 'rw|ro|release_agent=.*|clone_children|noprefix|xattr|cpuset_v2_mode' |
        paste -sd,
}

# parent_dir MOUNTPOINT ROOT OWN: where rt makes the default container cgroup's parent.
parent_dir() {
    local rel=$3
    [[ "$2" != / && "$rel" == "$2"* ]] && rel=${rel#"$2"}
    [[ "$rel" == / || -z "$rel" ]] && rel=""
    echo "$1$rel"
}

# expected_mode: v1, hybrid, v2 or none, from the mounts.
expected_mode() {
    local v1=0 v2=0 fs mp root opts c
    while read -r fs mp root opts; do
        if [[ "$fs" == cgroup2 ]]; then
            v2=1
        else
            c="$(v1_ctrls "$opts")"
            [[ "$c" == name=* ]] || v1=1
        fi
    done < <(cgroup_mounts)
    if ((v1 && v2)); then echo hybrid; elif ((v1)); then echo v1; elif ((v2)); then echo v2; else echo none; fi
}

# v2_hands_down DIR CTRL TOP: rt can have CTRL in DIR's children: DIR hands it down, or has it
# (asked of the top only: below, it comes from the parent), holds no process and lets us
# write its subtree_control.
v2_hands_down() {
    local dir=$1 c=$2
    grep -qw -- "$c" "$dir/cgroup.subtree_control" && return 0
    [[ "$3" == top ]] && ! grep -qw -- "$c" "$dir/cgroup.controllers" && return 1
    [[ -e "$dir/cgroup.type" && -n "$(cat "$dir/cgroup.procs")" ]] && return 1
    [[ -w "$dir/cgroup.subtree_control" ]]
}

# expected_controllers: "usable" and "unusable" lines of controller names, sorted.
expected_controllers() {
    local usable=() unusable=() fs mp root opts c own dir mounted="" list
    if [[ "$(expected_mode)" == v2 ]]; then
        read -r fs mp root opts < <(cgroup_mounts | grep '^cgroup2 ')
        own="$(sed -n 's/^0:://p' /proc/self/cgroup)"
        dir="$(parent_dir "$mp" "$root" "$own")"
        read -ra list <"$mp/cgroup.controllers"
        for c in "${list[@]}"; do
            if [[ -w "$dir" ]] && v2_path_ok "$mp" "$dir" "$c"; then usable+=("$c"); else unusable+=("$c"); fi
        done
    else
        while read -r fs mp root opts; do
            [[ "$fs" == cgroup ]] || continue
            c="$(v1_ctrls "$opts")"
            [[ "$c" == name=* ]] && continue
            own="$(grep -E "^[0-9]+:$c:" /proc/self/cgroup | head -1 | cut -d: -f3-)"
            dir="$(parent_dir "$mp" "$root" "$own")"
            mounted+=",$c"
            IFS=, read -ra list <<<"$c"
            if [[ -w "$dir" ]]; then usable+=("${list[@]}"); else unusable+=("${list[@]}"); fi
        done < <(cgroup_mounts)
        while read -r c _ _ enabled; do
            [[ "$c" == \#* || "$enabled" != 1 ]] && continue
            [[ ",$mounted," == *",$c,"* ]] || unusable+=("$c")
        done </proc/cgroups
    fi
    echo "${usable[*]}" | tr ' ' '\n' | sort | paste -sd' '
    echo "${unusable[*]}" | tr ' ' '\n' | sort | paste -sd' '
}

# v2_path_ok MOUNTPOINT DIR CTRL: every cgroup from the top down to DIR hands CTRL down.
v2_path_ok() {
    local d=$1 rest=${2#"$1"} part
    v2_hands_down "$d" "$3" top || return 1
    rest=${rest#/}
    while [[ -n "$rest" ]]; do
        part=${rest%%/*}
        [[ "$rest" == */* ]] && rest=${rest#*/} || rest=""
        d+="/$part"
        v2_hands_down "$d" "$3" || return 1
    done
}

# reported_controllers: the same two lines from the report's cgroup-controllers detail.
reported_controllers() {
    local d u n
    d="$(check_detail cgroup-controllers)"
    u="${d#usable: }"
    u="${u%%; unusable: *}"
    n="${d#*; unusable: }"
    [[ "$u" == none ]] && u=""
    [[ "$n" == none ]] && n=""
    echo "$u" | tr ' ' '\n' | sort | paste -sd' '
    sed 's/ ([^)]*)//g; s/, /\n/g' <<<"$n" | sort | paste -sd' '
}

# subid_ranges FILE USER UID: "start:count" words of USER (by name or number) in FILE.
subid_ranges() {
    awk -F: -v u="$2" -v n="$3" '$1 !~ /^#/ && ($1 == u || $1 == n) {print $2 ":" $3}' "$1" 2>/dev/null |
        paste -sd' '
}

# --- a container whose seccomp profile hides system calls from rt check --------------------

# make_check_bundle DIR: a bundle whose process is "rt check", with the host's /usr and /etc
# bound read-only, every capability rt holds, and no seccomp profile yet.
make_check_bundle() {
    local dir=$1 caps last
    mkdir -p "$dir/rootfs"/{usr,etc,proc,sys,dev,tmp}
    local l
    for l in bin lib lib64 sbin; do
        [[ -L "/$l" || -d "/usr/$l" ]] && ln -s "usr/$l" "$dir/rootfs/$l"
    done
    touch "$dir/rootfs/rt"
    (cd "$dir" && "$RT" spec) || fail "spec failed"
    last="$(cat /proc/sys/kernel/cap_last_cap)"
    # the capabilities this shell holds, by number, named as features lists them
    local bnd
    bnd=$((16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status)))
    caps="$("$RT" features | jq -c --argjson b "$bnd" --argjson last "$last" \
        '[.linux.capabilities[:$last + 1] | to_entries[] | select(($b / pow(2; .key) | floor) % 2 == 1) | .value]')"
    jq --argjson c "$caps" --arg rt "$RT" '
        .process.terminal = false | .process.args = ["/rt", "check"] |
        .process.capabilities = {bounding: $c, effective: $c, permitted: $c} |
        .mounts += [{destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"]},
                    {destination: "/etc", type: "bind", source: "/etc", options: ["rbind", "ro"]},
                    {destination: "/rt", type: "bind", source: $rt, options: ["bind", "ro"]}]' \
        "$dir/config.json" >"$dir/config.json.tmp" && mv "$dir/config.json.tmp" "$dir/config.json"
}

# hide_syscalls DIR RULES_JSON: a seccomp profile allowing all but RULES_JSON.
hide_syscalls() {
    cfg ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: $2}" "$1"
}

ENOSYS=38

# --- the report on this host ---------------------------------------------------------------

# bats test_tags=vm
@test "check: every line is true on this host" {
    rt_only "rt check is rt's own command"
    rtc check
    assert_success
    [[ "${lines[0]}" == "rt check: Linux $(uname -r) ($(uname -m)), uid 0" ]] ||
        fail "header: ${lines[0]}"
    local n
    n="$(grep -cE '^[a-z0-9-]+ +(ok|partial|missing) ' <<<"$stdout")"
    assert_equal "$n" 13

    # cgroups: the mode from the mounts, the usable controllers where rt would put a container
    local mode
    mode="$(expected_mode)"
    if [[ "$mode" == none ]]; then
        assert_check cgroup missing
    else
        assert_check cgroup ok "^$mode "
        local exp rep
        exp="$(expected_controllers)"
        rep="$(reported_controllers)"
        assert_equal "$rep" "$exp"
    fi

    # LSMs: AppArmor on (module parameter Y and securityfs showing it), SELinux (selinuxfs)
    if [[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" == Y* &&
        -d /sys/kernel/security/apparmor ]]; then
        assert_check apparmor ok
    else
        assert_check apparmor missing
    fi
    if [[ -e /sys/fs/selinux/enforce ]]; then
        assert_check selinux ok
    else
        assert_check selinux missing
    fi

    # seccomp: the actions the kernel lists, notify with user_notif
    local actions
    actions="$(cat /proc/sys/kernel/seccomp/actions_avail)"
    if [[ " $actions " == *" user_notif "* ]]; then
        assert_check seccomp ok "^actions: $actions; notify: yes; "
    else
        assert_check seccomp partial "^actions: $actions; notify: "
    fi

    # user namespaces: the limit, and whether one can be made
    local max
    max="$(cat /proc/sys/user/max_user_namespaces)"
    if ((max > 0)) && unshare --user true; then
        assert_check userns ok "max_user_namespaces=$max"
    else
        assert_check userns missing "max_user_namespaces=$max"
    fi

    # subordinate ids of the caller (root)
    local su sg
    su="$(subid_ranges /etc/subuid root 0)"
    sg="$(subid_ranges /etc/subgid root 0)"
    assert_check subids "$([[ -n "$su" && -n "$sg" ]] && echo ok || { [[ -n "$su$sg" ]] && echo partial || echo missing; })" \
        "^root \(uid 0\): /etc/subuid ${su:-none}; /etc/subgid ${sg:-none}; "

    # time namespaces: /proc/self/ns/time and util-linux's unshare --time
    if [[ -e /proc/self/ns/time ]] && unshare --time true 2>/dev/null; then
        assert_check timens ok
    else
        assert_check timens missing
    fi

    # criu in PATH, and its version
    local criu
    if criu="$(command -v criu)"; then
        assert_check criu ok "^$criu, version $(criu --version | sed -n 's/^Version: *//p')$"
    else
        assert_check criu missing "not found in PATH"
    fi

    # The system calls nothing in /proc lists: by kernel version, unless a seccomp filter
    # around the test itself (Seccomp: 2) may hide some.
    if ! grep -qE '^Seccomp:\s+0' /proc/self/status; then
        echo "# under a seccomp filter: clone3, pidfd and idmap not compared with the kernel version" >&3
        return 0
    fi
    if kver_ge 5 3; then assert_check clone3 ok; else assert_check clone3 missing; fi
    if kver_ge 5 3; then assert_check pidfd ok; else assert_check pidfd missing; fi
    if kver_ge 6 3; then
        assert_check idmap ok
    elif kver_ge 5 12; then
        assert_check idmap partial
    else
        assert_check idmap missing
    fi
    local v2mp
    v2mp="$(cgroup_mounts | awk '$1 == "cgroup2" {print $2; exit}')"
    if [[ -n "$v2mp" ]] && kver_ge 5 7; then
        assert_check clone-into-cgroup ok "^clone3 into $v2mp"
    else
        assert_check clone-into-cgroup missing
    fi
}

@test "check --format json: valid JSON with the same facts as the text" {
    rt_only "rt check is rt's own command"
    rtc check
    assert_success
    local text="$stdout"
    rtc check --format json
    assert_success
    jq -e . <<<"$stdout" >/dev/null || fail "not JSON: $stdout"
    assert_equal "$(jq -r .kernel <<<"$stdout")" "$(uname -r)"
    assert_equal "$(jq -r .uid <<<"$stdout")" 0
    assert_equal "$(jq '.checks | length' <<<"$stdout")" 13
    # each check, printed as the text prints it, is the text's line
    local from_json
    from_json="$(jq -r '.checks[] | "\(.name)\t\(.state)\t\(.detail)\t\(.missing)"' <<<"$stdout" |
        while IFS=$'\t' read -r name state detail missing; do
            printf '%-18s %-8s %s; missing: %s\n' "$name" "$state" "$detail" "$missing"
        done)"
    assert_equal "$from_json" "$(tail -n +2 <<<"$text")"
    # -f json is the same
    rtc check -f json
    assert_success
    jq -e '.checks[0].name == "cgroup"' <<<"$stdout" >/dev/null || fail "-f json: $stdout"
}

@test "check: bad flags and arguments exit 1 with a one-line error" {
    rt_only "rt check is rt's own command"
    rtc check --bogus
    assert_error "flag provided but not defined: --bogus"
    rtc check --format yaml
    assert_error 'invalid --format "yaml": must be text or json'
    rtc check extra
    assert_error '"check" requires exactly 0 arguments'
    rtc check --format
    assert_error "flag needs an argument"
}

@test "check: listed in --help, with its own usage" {
    rt_only "rt check is rt's own command"
    rt_raw --help
    assert_success
    grep -qE '^\s+check\s' <<<"$stdout" || fail "check not in --help: $stdout"
    rt_raw check --help
    assert_success
    assert_contains "$stdout" "rt check [--format|-f text|json]"
    # features stays as runc has it: no check in it
    rt_raw features
    assert_success
    ! grep -q '"check"' <<<"$stdout" || fail "features names check"
}

# host_mounts / host_cgroups: this mount namespace's mounts (without their ids) and the cgroup
# directories, less what other tests running at the same time may make (their bats temp dirs,
# their rt-test-* containers): rt check names nothing that way.
host_mounts() {
    awk -v own="$BATS_RUN_TMPDIR" '{$1 = ""; $2 = ""}
        !/\/bats-run-/ || index($0, own) {print}' /proc/self/mountinfo | sort
}

host_cgroups() {
    find /sys/fs/cgroup -mindepth 1 -maxdepth 12 -type d 2>/dev/null | grep -v '/rt-test-' | sort
}

@test "check leaves nothing behind: mounts, cgroups, processes" {
    rt_only "rt check is rt's own command"
    local mounts_before cgroups_before ns_before
    mounts_before="$(host_mounts)"
    cgroups_before="$(host_cgroups)"
    ns_before="$(readlink /proc/self/ns/{mnt,user,time})"
    rtc check
    assert_success
    rtc check --format json
    assert_success
    assert_equal "$(host_mounts)" "$mounts_before"
    assert_equal "$(host_cgroups)" "$cgroups_before"
    assert_equal "$(readlink /proc/self/ns/{mnt,user,time})" "$ns_before"
    # no rt check (nor a probe child of one) is left running
    local p left=""
    for p in /proc/[0-9]*; do
        [[ "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" == "$RT check"* ]] && left+=" ${p#/proc/}"
    done
    [[ -z "$left" ]] || fail "processes left:$left"
}

# --- each feature hidden ---------------------------------------------------------------------

@test "check hidden cgroups: no hierarchy mounted" {
    rt_only "rt check is rt's own command"
    check_in_ns 'umount -R /sys/fs/cgroup; mount -t tmpfs rt-test-empty /sys/fs/cgroup'
    assert_success
    assert_check cgroup missing "no cgroup hierarchy is mounted"
    assert_check cgroup-controllers missing
    assert_check clone-into-cgroup missing "no cgroup2 hierarchy"
    # and rt does what the line says: create fails
    make_bundle "$TEST_DIR/b2" true
    rt_unshared 'umount -R /sys/fs/cgroup; mount -t tmpfs rt-test-empty /sys/fs/cgroup' \
        --root "$ROOT" run -b "$TEST_DIR/b2" "$ID"
    assert_failure
    assert_contains "$stderr" "no cgroup hierarchy is mounted"
}

# bats test_tags=vm
@test "check hidden cgroups: a read-only hierarchy makes its controllers unusable" {
    rt_only "rt check is rt's own command"
    rtc check
    local ctrl mp
    ctrl="$(check_detail cgroup-controllers | sed -E 's/^usable: ([^ ;]+).*/\1/')"
    [[ "$ctrl" != none ]] || skip "no usable controller on this host"
    if [[ "$(expected_mode)" == v2 ]]; then
        mp="$(cgroup_mounts | awk '$1 == "cgroup2" {print $2}')"
    else
        mp="$(cgroup_mounts | awk -v c="$ctrl" '$1 == "cgroup" && ("," $4 ",") ~ ("," c ",") {print $2; exit}')"
    fi
    check_in_ns "mount -o remount,ro,bind $mp"
    assert_success
    assert_check cgroup-controllers '(partial|missing)' "unusable: .*\\b$ctrl \\([^)]*Read-only file system\\)"
}

@test "check cgroup mode: v1 and v2 seen as such (hybrid host: one kind unmounted)" {
    rt_only "rt check is rt's own command"
    [[ "$(expected_mode)" == hybrid ]] || skip "needs a hybrid host to unmount one kind ($(expected_mode) here)"
    local v1s v2mp
    v1s="$(cgroup_mounts | awk '$1 == "cgroup" {print $2}' | paste -sd' ')"
    v2mp="$(cgroup_mounts | awk '$1 == "cgroup2" {print $2}')"
    check_in_ns "for m in $v1s; do umount \$m; done"
    assert_success
    assert_check cgroup ok "^v2 \\(cgroup2 at $v2mp\\)"
    check_in_ns "umount $v2mp"
    assert_success
    assert_check cgroup ok "^v1 "
    assert_check clone-into-cgroup missing "no cgroup2 hierarchy"
}

# bats test_tags=vm
@test "check hidden AppArmor: module parameter N and securityfs unmounted" {
    rt_only "rt check is rt's own command"
    echo N >"$TEST_DIR/N"
    check_in_ns "if [ -e /sys/module/apparmor/parameters/enabled ]; then
                     mount --bind $TEST_DIR/N /sys/module/apparmor/parameters/enabled; fi
                 if mountpoint -q /sys/kernel/security; then umount -l /sys/kernel/security; fi"
    assert_success
    assert_check apparmor missing "not enabled|built without"
}

@test "check hidden SELinux: selinuxfs unmounted" {
    rt_only "rt check is rt's own command"
    check_in_ns "if mountpoint -q /sys/fs/selinux; then umount -l /sys/fs/selinux; fi"
    assert_success
    assert_check selinux missing "not enabled|built without"
}

@test "check hidden user namespaces: max_user_namespaces reads 0" {
    rt_only "rt check is rt's own command"
    echo 0 >"$TEST_DIR/zero"
    check_in_ns "mount --bind $TEST_DIR/zero /proc/sys/user/max_user_namespaces"
    assert_success
    assert_check userns missing "max_user_namespaces=0"
}

@test "check subordinate ids: the caller's ranges, and none" {
    rt_only "rt check is rt's own command"
    printf 'someone:1000:10\nroot:100000:65536\n0:300000:5\n' >"$TEST_DIR/subuid"
    printf 'root:200000:65536\n' >"$TEST_DIR/subgid"
    : >"$TEST_DIR/empty"
    check_in_ns "mount --bind $TEST_DIR/subuid /etc/subuid; mount --bind $TEST_DIR/subgid /etc/subgid"
    assert_success
    assert_check subids ok "^root \\(uid 0\\): /etc/subuid 100000:65536 300000:5; /etc/subgid 200000:65536; "
    check_in_ns "mount --bind $TEST_DIR/subuid /etc/subuid; mount --bind $TEST_DIR/empty /etc/subgid"
    assert_check subids partial "/etc/subgid none"
    check_in_ns "mount --bind $TEST_DIR/empty /etc/subuid; mount --bind $TEST_DIR/empty /etc/subgid"
    assert_check subids missing "/etc/subuid none; /etc/subgid none"
    [[ "$(check_line subids)" == *"missing: no effect as root: rt writes any mapping itself" ]] ||
        fail "root: $(check_line subids)"
}

@test "check criu: PATH without it, a criu with its version, --criu" {
    rt_only "rt check is rt's own command"
    mkdir -p "$TEST_DIR/nocriu" "$TEST_DIR/fakecriu"
    local p
    # a PATH of links to what rt needs, without criu
    for p in newuidmap newgidmap; do
        command -v "$p" >/dev/null && ln -s "$(command -v "$p")" "$TEST_DIR/nocriu/$p"
    done
    # env sets rt's PATH alone (rt_raw itself needs the test's)
    local real=$RT
    RT="env" rt_raw "PATH=$TEST_DIR/nocriu" "$real" check
    assert_success
    assert_check criu missing "^criu not found in PATH$"
    printf '#!/bin/sh\n[ "$1" = --version ] && echo "Version: 3.99.1" && exit 0\nexit 1\n' \
        >"$TEST_DIR/fakecriu/criu"
    chmod +x "$TEST_DIR/fakecriu/criu"
    RT="env" rt_raw "PATH=$TEST_DIR/fakecriu:$PATH" "$real" check
    assert_success
    assert_check criu ok "^$TEST_DIR/fakecriu/criu, version 3.99.1$"
    rt_raw --criu "$TEST_DIR/nocriu/criu" check
    assert_check criu missing "^$TEST_DIR/nocriu/criu not found$"
    rt_raw --criu "$TEST_DIR/fakecriu/criu" check
    assert_check criu ok "version 3.99.1"
}

# bats test_tags=vm
@test "check hidden system calls: clone3, pidfd_open, mount_setattr, notify sizes, time namespaces" {
    rt_only "rt check is rt's own command"
    grep -qE '^Seccomp:\s+0' /proc/self/status || skip "under a seccomp filter already"
    local b="$TEST_DIR/cb"
    make_check_bundle "$b"
    # the container itself hides nothing: the same lines are ok there
    rtc run -b "$b" "$ID"
    assert_success
    assert_check clone3 ok
    assert_check pidfd ok
    assert_check timens ok
    assert_check seccomp ok "notify: yes"
    [[ "$(check_state idmap)" != missing ]] || fail "idmap missing in the container: $stdout"
    # ENOSYS for three calls and one seccomp(2) operation, EINVAL for unshare(CLONE_NEWTIME)
    hide_syscalls "$b" "[
        {names: [\"clone3\", \"pidfd_open\", \"mount_setattr\"], action: \"SCMP_ACT_ERRNO\", errnoRet: $ENOSYS},
        {names: [\"seccomp\"], action: \"SCMP_ACT_ERRNO\", errnoRet: $ENOSYS,
         args: [{index: 0, value: 3, op: \"SCMP_CMP_EQ\"}]},
        {names: [\"unshare\"], action: \"SCMP_ACT_ERRNO\", errnoRet: 22,
         args: [{index: 0, value: 128, valueTwo: 128, op: \"SCMP_CMP_MASKED_EQ\"}]}]"
    rtc run -b "$b" "$(new_id)"
    assert_success
    assert_check clone3 missing "^clone3: Function not implemented"
    assert_check clone-into-cgroup missing "Function not implemented"
    assert_check pidfd missing "^pidfd_open: Function not implemented"
    assert_check idmap missing "^mount_setattr: Function not implemented"
    assert_check seccomp partial "notify: SECCOMP_GET_NOTIF_SIZES: Function not implemented"
    assert_check timens missing "Invalid argument"
    # what is not hidden stays as it was
    assert_check userns ok
    [[ "$(check_line timens)" == *"missing: create fails for a time namespace or linux.timeOffsets" ]] ||
        fail "timens: $(check_line timens)"
}

@test "check hidden seccomp: seccomp(2) fails with ENOSYS" {
    rt_only "rt check is rt's own command"
    grep -qE '^Seccomp:\s+0' /proc/self/status || skip "under a seccomp filter already"
    local b="$TEST_DIR/cb"
    make_check_bundle "$b"
    hide_syscalls "$b" "[{names: [\"seccomp\"], action: \"SCMP_ACT_ERRNO\", errnoRet: $ENOSYS}]"
    rtc run -b "$b" "$ID"
    assert_success
    assert_check seccomp missing "Function not implemented"
    [[ "$(check_line seccomp)" == *"missing: create fails for any linux.seccomp" ]] ||
        fail "seccomp: $(check_line seccomp)"
}

@test "check as a non-root caller: its uid, its ranges, idmapped mounts not tried" {
    rt_only "rt check is rt's own command"
    local uid=23457
    mkdir -p "$TEST_DIR/etc"
    cp /etc/passwd /etc/group "$TEST_DIR/etc/"
    echo "rt-test-check:x:$uid:$uid::/:/bin/sh" >>"$TEST_DIR/etc/passwd"
    echo "rt-test-check:x:$uid:" >>"$TEST_DIR/etc/group"
    echo "rt-test-check:400000:65536" >"$TEST_DIR/etc/subuid"
    echo "rt-test-check:400000:65536" >"$TEST_DIR/etc/subgid"
    local binds="" f
    for f in passwd group subuid subgid; do binds+="mount --bind $TEST_DIR/etc/$f /etc/$f; "; done
    check_in_ns "$binds exec setpriv --reuid $uid --regid $uid --clear-groups --inh-caps=-all \"\$0\" check; :"
    assert_success
    assert_equal "$(head -1 <<<"$stdout")" "rt check: Linux $(uname -r) ($(uname -m)), uid $uid"
    local nu ng
    nu="$(command -v newuidmap)"
    ng="$(command -v newgidmap)"
    if [[ -n "$nu" && -n "$ng" ]]; then
        assert_check subids ok "^rt-test-check \\(uid $uid\\): /etc/subuid 400000:65536; /etc/subgid 400000:65536; "
    else
        assert_check subids missing "newuidmap or newgidmap not in PATH"
    fi
    assert_check idmap '(partial|missing)' "uid $uid|Function not implemented"
    local max
    max="$(cat /proc/sys/user/max_user_namespaces)"
    if ((max > 0)) && setpriv --reuid "$uid" --regid "$uid" --clear-groups unshare --user true 2>/dev/null; then
        assert_check userns ok "as uid $uid: works"
    else
        assert_check userns missing "as uid $uid"
    fi
}
