#!/usr/bin/env bats
# The container's view from inside, under the default spec: hostname, capabilities,
# no_new_privs, mounts, masked and read-only paths, the rootfs, pid 1, namespaces, /dev,
# rlimits, user, cwd, env, cgroup placement.

load helpers

# cfg_get JQ: read the bundle's config.
cfg_get() {
    jq -r "$1" "$BUNDLE/config.json"
}

@test "hostname is set from the config, the host's is untouched" {
    local host_before
    host_before="$(hostname)"
    in_container hostname
    assert_success
    assert_equal "$stdout" "$(cfg_get .hostname)"
    cfg '.hostname = "rt-test-host"'
    in_container hostname
    assert_success
    assert_equal "$stdout" rt-test-host
    assert_equal "$(hostname)" "$host_before"
}

@test "capabilities are those of the spec: CapEff CapPrm CapBnd CapInh" {
    in_container cat /proc/self/status
    assert_success
    local set field
    for set in effective:CapEff permitted:CapPrm bounding:CapBnd inheritable:CapInh; do
        field=${set#*:}
        set=${set%:*}
        local want got
        # shellcheck disable=SC2046
        want="$(cap_mask $(cfg_get ".process.capabilities.$set // [] | .[]"))"
        got="$(awk -v f="$field:" '$1 == f {print $2}' <<<"$stdout")"
        assert_equal "$got" "$want"
    done
    # the default spec: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE
    assert_equal "$(awk '$1 == "CapBnd:" {print $2}' <<<"$stdout")" 0000000020000420
}

@test "capabilities: a different set is applied exactly" {
    cfg '.process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_KILL"],
        "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN", "CAP_KILL"]}'
    in_container grep ^Cap /proc/self/status
    assert_success
    assert_contains "$stdout" "CapBnd:	$(cap_mask CAP_CHOWN CAP_SYS_ADMIN CAP_KILL)"
    assert_contains "$stdout" "CapPrm:	$(cap_mask CAP_CHOWN CAP_KILL)"
    # uid 0 execs with effective = permitted (the kernel's rule for root, bounded by
    # no_new_privs to the permitted set the runtime left)
    assert_contains "$stdout" "CapEff:	$(cap_mask CAP_CHOWN CAP_KILL)"
}

# Every capability name rt and cap_mask know (up to CAP_CHECKPOINT_RESTORE).
ALL_CAPS=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL
    CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST
    CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO
    CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE
    CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE
    CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM
    CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE)

# caps_in_all_sets CAPS...: the same list in all five capability sets of the config.
caps_in_all_sets() {
    local l
    l="$(jq -nc '$ARGS.positional' --args -- "$@")"
    cfg ".process.capabilities = {bounding: $l, effective: $l, permitted: $l, inheritable: $l, ambient: $l}"
}

@test "capabilities: all five sets, ambient included, are exactly the config's (all the host has; a subset)" {
    # every capability of this machine's bounding set (a privileged container)
    local bnd c caps=()
    bnd=$((16#$(awk '$1 == "CapBnd:" {print $2}' /proc/self/status)))
    for c in "${ALL_CAPS[@]}"; do
        ((16#$(cap_mask "$c") & bnd)) && caps+=("$c")
    done
    caps_in_all_sets "${caps[@]}"
    in_container grep ^Cap /proc/self/status
    assert_success
    local set want
    want="$(cap_mask "${caps[@]}")"
    for set in CapInh CapPrm CapEff CapBnd CapAmb; do
        grep -qx "$set:	$want" <<<"$stdout" || fail "$set is not $want: $stdout"
    done
    # a subset (runtime-tools' default list): nothing beyond it in any set
    caps=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD CAP_NET_RAW CAP_SETGID
        CAP_SETUID CAP_SETFCAP CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_KILL CAP_AUDIT_WRITE)
    caps_in_all_sets "${caps[@]}"
    in_container grep ^Cap /proc/self/status
    assert_success
    want="$(cap_mask "${caps[@]}")"
    for set in CapInh CapPrm CapEff CapBnd CapAmb; do
        grep -qx "$set:	$want" <<<"$stdout" || fail "$set is not $want: $stdout"
    done
}

@test "noNewPrivileges: NoNewPrivs 1 (default), 0 when false" {
    in_container grep NoNewPrivs /proc/self/status
    assert_success
    assert_match "$stdout" '^NoNewPrivs:\s+1$'
    cfg '.process.noNewPrivileges = false'
    in_container grep NoNewPrivs /proc/self/status
    assert_success
    assert_match "$stdout" '^NoNewPrivs:\s+0$'
}

@test "mountinfo shows the spec's mounts with their types and flags" {
    in_container cat /proc/self/mountinfo
    assert_success
    local info="$stdout"
    # mountinfo: field 5 mount point, 6 per-mount options, after " - ": fstype source super opts
    mnt() { awk -v m="$1" '$5 == m' <<<"$info" | tail -n1; }
    fstype() { mnt "$1" | sed 's/.* - //' | awk '{print $1}'; }
    opts() { mnt "$1" | awk '{print $6}'; }
    has_opt() { [[ ",$(opts "$1")," == *",$2,"* ]] || fail "$1: option $2 missing: $(mnt "$1")"; }

    assert_equal "$(fstype /proc)" proc
    assert_equal "$(fstype /dev)" tmpfs
    assert_equal "$(fstype /dev/pts)" devpts
    assert_equal "$(fstype /dev/shm)" tmpfs
    assert_equal "$(fstype /dev/mqueue)" mqueue
    assert_equal "$(fstype /sys)" sysfs
    has_opt /dev nosuid
    has_opt /dev/pts nosuid
    has_opt /dev/pts noexec
    has_opt /dev/shm nodev
    has_opt /dev/mqueue noexec
    has_opt /sys ro
    has_opt /sys nosuid
    # root.readonly: true
    has_opt / ro
    # /sys/fs/cgroup: a cgroup mount (or, on v1, a tmpfs holding one per hierarchy), all ro
    mnt /sys/fs/cgroup | grep -q . || fail "no mount at /sys/fs/cgroup"
    local cg
    cg="$(awk '$5 ~ "^/sys/fs/cgroup" && / - cgroup2? /' <<<"$info")"
    [[ -n "$cg" ]] || fail "no cgroup filesystem under /sys/fs/cgroup: $info"
    while read -r line; do
        [[ ",$(awk '{print $6}' <<<"$line")," == *,ro,* ]] || fail "cgroup mount not ro: $line"
    done <<<"$cg"
    # the devpts options of the spec
    mnt /dev/pts | grep -q 'ptmxmode=666' || fail "devpts ptmxmode: $(mnt /dev/pts)"
    # nothing of the host's mount table beyond the spec's (e.g. no /run, /tmp, /boot)
    local m
    for m in /run /tmp /boot /home /var; do
        [[ -z "$(mnt "$m")" ]] || fail "host mount $m visible: $(mnt "$m")"
    done
}

@test "masked paths are masked" {
    local script='' p
    for p in $(cfg_get '.linux.maskedPaths[]'); do
        if [[ -f "$p" ]]; then
            script+="echo \"$p \$(wc -c < $p)\"; "
        elif [[ -d "$p" ]]; then
            script+="echo \"$p \$(ls -A $p | wc -l)\"; "
        fi
    done
    [[ -n "$script" ]] || skip "no masked path exists on this host"
    in_container sh -c "$script"
    assert_success
    local path n
    while read -r path n; do
        [[ "$n" == 0 ]] || fail "masked path $path shows $n bytes/entries"
    done <<<"$stdout"
}

@test "masked path /proc/kcore (or any masked file) cannot be read from" {
    local p=""
    for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
        [[ -e "$f" ]] && {
            p=$f
            break
        }
    done
    [[ -n "$p" ]] || skip "no maskable file in /proc here"
    in_container sh -c "head -c 1 $p | wc -c; stat -c %F $p"
    assert_success
    assert_equal "${lines[0]}" 0
    # runc binds /dev/null over masked files
    assert_equal "${lines[1]}" "character special file"
}

@test "maskedPaths in the rootfs: a directory reads empty, a file, fifo or device reads nothing" {
    local r="$BUNDLE/rootfs"
    mkdir -p "$r/mdir/sub"
    echo secret >"$r/mfile"
    echo secret >"$r/mdir/file"
    echo secret >"$r/mdir/sub/file"
    mkfifo "$r/mfifo"
    mknod "$r/mzero" c 1 5
    # paths under a masked directory, and a missing one, are no error
    cfg '.linux.maskedPaths = ["/mdir", "/mfile", "/mdir/sub", "/mdir/file", "/mdir/sub/file",
        "/mfifo", "/mzero", "/no-such-path"]'
    in_container sh -c 'ls -A /mdir | wc -l; for f in /mfile /mzero; do head -c 1 $f | wc -c; done
        stat -c %F /mfifo'
    assert_success
    assert_equal "${lines[0]}" 0
    assert_equal "${lines[1]}" 0
    assert_equal "${lines[2]}" 0
    # a fifo is masked by /dev/null bound over it: reading it neither blocks nor reads data
    assert_equal "${lines[3]}" "character special file"
    assert_equal "$(cat "$r/mfile")" secret
}

@test "readonly paths are read-only" {
    in_container sh -c 'echo x > /proc/sys/kernel/domainname && echo wrote-sys;
        echo h > /proc/sysrq-trigger && echo wrote-sysrq; grep -E " /proc/(sys|bus|fs|irq) " /proc/self/mountinfo'
    [[ "$stdout" != *wrote-sys* && "$stdout" != *wrote-sysrq* ]] || fail "wrote to a read-only path: $stdout"
    assert_contains "$stderr" "Read-only file system"
    local l
    while read -r l; do
        [[ ",$(awk '{print $6}' <<<"$l")," == *,ro,* ]] || fail "not ro: $l"
    done < <(grep -E ' /proc/(sys|bus|fs|irq) ' <<<"$stdout")
}

@test "readonlyPaths in the rootfs: readable, nothing in them writable, the rest of the rootfs is" {
    local r="$BUNDLE/rootfs"
    cfg '.root.readonly = false'
    mkdir -p "$r/rdir/sub"
    echo immutable >"$r/rfile"
    echo immutable >"$r/rdir/file"
    echo immutable >"$r/rdir/sub/file"
    mkfifo "$r/rfifo"
    cfg '.linux.readonlyPaths = ["/rdir", "/rfile", "/rdir/sub", "/rdir/file", "/rdir/sub/file",
        "/rfifo", "/no-such-path"]'
    in_container sh -c 'cat /rfile /rdir/file /rdir/sub/file
        for f in /rfile /rdir/file /rdir/sub/file; do echo x >>$f && echo "wrote $f"; done
        for d in /rdir /rdir/sub; do touch $d/new && echo "created in $d"; done
        touch /elsewhere && echo rootfs-writable; stat -c %F /rfifo
        grep " /rfifo " /proc/self/mountinfo'
    assert_equal "$(sed -n 1,3p <<<"$stdout" | tr '\n' ' ')" "immutable immutable immutable "
    [[ "$stdout" != *wrote* && "$stdout" != *created* ]] || fail "wrote to a read-only path: $stdout"
    assert_contains "$stdout" rootfs-writable
    assert_contains "$stdout" fifo
    local opts
    opts="$(grep ' /rfifo ' <<<"$stdout" | awk '{print $6}')"
    [[ ",$opts," == *,ro,* ]] || fail "/rfifo is not a read-only mount: $opts"
    assert_equal "$(cat "$r/rfile" "$r/rdir/sub/file" | tr '\n' ' ')" "immutable immutable "
    [[ ! -e "$r/rdir/new" && ! -e "$r/rdir/sub/new" ]]
}

@test "the root is the bundle's rootfs" {
    in_container ls /
    assert_success
    local entries
    entries="$(tr '\n' ' ' <<<"$stdout")"
    assert_contains " $entries" " bin "
    assert_contains " $entries" " etc "
    assert_contains " $entries" " proc "
    assert_contains " $entries" " dev "
    assert_contains " $entries" " sys "
    [[ " $entries" != *" usr "* && " $entries" != *" boot "* ]] || fail "host root visible: $entries"
    # the rootfs is read-only (root.readonly: true)
    in_container sh -c 'touch /x && echo wrote'
    [[ "$stdout" != *wrote* ]] || fail "wrote to a read-only rootfs"
    assert_contains "$stderr" "Read-only file system"
}

@test "root.readonly false: the rootfs is writable" {
    cfg '.root.readonly = false'
    in_container sh -c 'echo data > /written && cat /written'
    assert_success
    assert_equal "$stdout" data
    assert_equal "$(cat "$BUNDLE/rootfs/written")" data
}

@test "the process is pid 1 of its pid namespace" {
    in_container sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "; echo; ls /proc | grep -cE "^[0-9]+$"'
    assert_success
    assert_equal "${lines[0]}" 1
    assert_equal "${lines[1]}" "sh -c echo \$\$; cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; ls /proc | grep -cE \"^[0-9]+\$\" "
    # only the container's processes: sh, ls, grep (and perhaps the pipeline's subshell)
    ((lines[2] <= 4)) || fail "host processes visible: ${lines[2]} pids in /proc"
}

@test "namespaces of the config are new, the others are the host's" {
    local t ns script=''
    for ns in cgroup ipc mnt net pid user uts; do
        script+="echo $ns \$(readlink /proc/self/ns/$ns); "
    done
    in_container sh -c "$script"
    assert_success
    local name inside host type in_config
    while read -r name inside; do
        host="$(readlink "/proc/self/ns/$name")"
        case "$name" in
        mnt) type=mount ;;
        net) type=network ;;
        *) type=$name ;;
        esac
        in_config="$(cfg_get "any(.linux.namespaces[]; .type == \"$type\")")"
        if [[ "$in_config" == true ]]; then
            [[ "$inside" != "$host" ]] || fail "namespace $name is the host's ($host)"
        else
            [[ "$inside" == "$host" ]] || fail "namespace $name: $inside, host $host, not in config"
        fi
    done <<<"$stdout"
    # the default spec has at least these
    for t in pid network ipc uts mount; do
        [[ "$(cfg_get "any(.linux.namespaces[]; .type == \"$t\")")" == true ]] || fail "spec lacks $t"
    done
}

@test "/dev has the default devices and symlinks, nothing of the host's" {
    in_container sh -c 'for d in null zero full random urandom tty; do
            stat -c "%n %F %t:%T %a" /dev/$d; done
        for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done
        ls /dev'
    assert_success
    assert_contains "$stdout" "/dev/null character special file 1:3 666"
    assert_contains "$stdout" "/dev/zero character special file 1:5 666"
    assert_contains "$stdout" "/dev/full character special file 1:7 666"
    assert_contains "$stdout" "/dev/random character special file 1:8 666"
    assert_contains "$stdout" "/dev/urandom character special file 1:9 666"
    assert_contains "$stdout" "/dev/tty character special file 5:0 666"
    assert_contains "$stdout" "fd -> /proc/self/fd"
    assert_contains "$stdout" "stdin -> /proc/self/fd/0"
    assert_contains "$stdout" "stdout -> /proc/self/fd/1"
    assert_contains "$stdout" "stderr -> /proc/self/fd/2"
    assert_contains "$stdout" "ptmx -> pts/ptmx"
    local listing
    listing="$(sed -n '/^ptmx -> /,$p' <<<"$stdout" | tail -n +2 | sort | tr '\n' ' ')"
    assert_equal "$listing" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
}

@test "/dev/null and /dev/zero work, /dev/full is full" {
    in_container sh -c 'echo x > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c;
        echo x > /dev/full || echo full-ok; head -c 8 /dev/urandom | wc -c'
    assert_success
    assert_equal "$(tr '\n' ' ' <<<"$stdout")" "null-ok 4 full-ok 8 "
}

@test "rlimits: RLIMIT_NOFILE 1024 from the default spec, and others" {
    in_container cat /proc/self/limits
    assert_success
    assert_match "$(grep 'Max open files' <<<"$stdout")" '^Max open files +1024 +1024 +files'
    cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
        {"type": "RLIMIT_NPROC", "soft": 50, "hard": 60}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
    in_container cat /proc/self/limits
    assert_success
    assert_match "$(grep 'Max open files' <<<"$stdout")" '^Max open files +100 +200 '
    assert_match "$(grep 'Max processes' <<<"$stdout")" '^Max processes +50 +60 '
    assert_match "$(grep 'Max core file size' <<<"$stdout")" '^Max core file size +0 +0 '
}

@test "user: uid, gid and additionalGids" {
    in_container id
    assert_success
    assert_equal "$stdout" "uid=0(root) gid=0(root)"
    cfg '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20]}'
    in_container sh -c 'id; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
    assert_success
    assert_equal "${lines[0]}" "uid=1000 gid=1001 groups=10,20"
    assert_match "$stdout" $'Uid:\t1000\t1000\t1000\t1000'
    assert_match "$stdout" $'Gid:\t1001\t1001\t1001\t1001'
    assert_match "$stdout" $'Groups:\t10 20'
}

@test "user: a non-root user keeps only ambient capabilities across exec" {
    # the default spec lists ambient caps but no inheritable ones, so none survive exec
    cfg '.process.user = {"uid": 1000, "gid": 1000}'
    in_container grep -E '^Cap(Eff|Prm|Bnd|Amb):' /proc/self/status
    assert_success
    assert_contains "$stdout" "CapEff:	0000000000000000"
    assert_contains "$stdout" "CapBnd:	0000000020000420"
    cfg '.process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = ["CAP_KILL"]'
    in_container grep -E '^Cap(Eff|Prm|Inh|Amb):' /proc/self/status
    assert_success
    assert_contains "$stdout" "CapInh:	$(cap_mask CAP_KILL)"
    assert_contains "$stdout" "CapAmb:	$(cap_mask CAP_KILL)"
    assert_contains "$stdout" "CapEff:	$(cap_mask CAP_KILL)"
}

@test "cwd is the config's" {
    cfg '.process.cwd = "/bin"'
    in_container pwd
    assert_success
    assert_equal "$stdout" /bin
}

@test "env is the config's" {
    cfg '.process.env = ["PATH=/bin", "FOO=bar baz", "EMPTY="]'
    in_container env
    assert_success
    assert_contains "$stdout" "PATH=/bin"
    assert_contains "$stdout" "FOO=bar baz"
    assert_contains "$stdout" "EMPTY="
    # runc sets HOME from the rootfs's /etc/passwd (else /) when the config does not
    grep -qx 'HOME=/root' <<<"$stdout" || fail "HOME is not /root: $stdout"
    # nothing of the runtime's own environment leaks in
    [[ "$stdout" != *BATS_* ]] || fail "host environment leaked: $stdout"
}

# bats test_tags=vm
@test "the init is placed in a cgroup named after the container in each v1 hierarchy" {
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local pid
    pid="$(state_field "$ID" .pid)"
    local line path
    while IFS= read -r line; do
        [[ "$line" == 0::* ]] && continue
        path="${line#*:*:}"
        [[ "$path" == */"$ID" ]] || fail "init $pid not in a cgroup named $ID: $line"
    done <"/proc/$pid/cgroup"
    # e.g. /sys/fs/cgroup/memory/<own cgroup>/<id> exists
    [[ -n "$(cgroups_of "$ID")" ]] || fail "no cgroup dir named $ID"
    rtc delete -f "$ID"
    assert_success
    [[ -z "$(cgroups_of "$ID")" ]] || fail "cgroup dirs left: $(cgroups_of "$ID")"
}

# bats test_tags=vm
@test "linux.cgroupsPath: an absolute path is used in each hierarchy" {
    cfg ".linux.cgroupsPath = \"/$ID\""
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local pid
    pid="$(state_field "$ID" .pid)"
    # every hierarchy the host has (v1 ones, and cgroup2 as line 0::), seen from the host
    local line n=0
    while IFS= read -r line; do
        [[ "$line" == *::* && ! -f /sys/fs/cgroup/cgroup.controllers && ! -d /sys/fs/cgroup/unified ]] && continue
        [[ "${line#*:*:}" == "/$ID" ]] || fail "not at /$ID in every hierarchy: $(cat "/proc/$pid/cgroup")"
        n=$((n + 1))
    done <"/proc/$pid/cgroup"
    ((n > 0))
    if cgroup_v2; then
        [[ -d "/sys/fs/cgroup/$ID" ]] || fail "no /sys/fs/cgroup/$ID"
    else
        [[ -d "/sys/fs/cgroup/memory/$ID" ]] || fail "no /sys/fs/cgroup/memory/$ID"
    fi
}
