#!/usr/bin/env bats
# The rootfs as runc 1.1.5 sets it up (issue #13, F to I): procfs and sysfs only on ordinary
# directories, a read-only /dev that still gets its devices, no fresh procfs for a nested user
# namespace of a --no-pivot container, and bind sources opened on the host in a user namespace.
# Each scenario runs the same case under runc and rt and prints what a user sees.

load helpers
load compare-helpers

# run_in I B: run the bundle B under runtime I (sets status, stdout, stderr).
run_in() {
    local id
    id="$(cid "$1")"
    on "$1" run -b "$2" "$id"
}

# F: a /proc or /sys that is a symlink (or a file) in the image is refused, never followed.
scenario_proc_symlink() {
    local b what
    b="$(bundle_for "$1")"
    set_args_in "$b" true
    for what in proc sys; do
        rm -rf "${b:?}/rootfs/$what"
        ln -s /elsewhere "$b/rootfs/$what"
        run_in "$1" "$b"
        echo "$what symlink: status=$status refused=$(grep -c 'must be mounted on ordinary directory' <<<"$stderr")"
        rm "$b/rootfs/$what"
        touch "$b/rootfs/$what"
        run_in "$1" "$b"
        echo "$what file: status=$status refused=$(grep -c 'must be mounted on ordinary directory' <<<"$stderr")"
        rm "$b/rootfs/$what"
        mkdir "$b/rootfs/$what"
    done
    # without a network namespace of its own sysfs is the host's, bound: refused all the same
    cfg '.linux.namespaces |= map(select(.type != "network"))' "$b"
    rm -rf "${b:?}/rootfs/sys"
    ln -s /elsewhere "$b/rootfs/sys"
    run_in "$1" "$b"
    echo "sys symlink, no netns: status=$status refused=$(grep -c 'must be mounted on ordinary directory' <<<"$stderr")"
    rm "$b/rootfs/sys"
    mkdir "$b/rootfs/sys"
}

@test "compare: procfs and sysfs are refused on a symlink or a file in the rootfs" {
    compare scenario_proc_symlink
}

# G: a read-only /dev tmpfs still gets its devices and /dev/pts, and ends up read-only.
scenario_dev_readonly() {
    local b
    b="$(bundle_for "$1")"
    cfg '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]
        | .mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]},
            {"destination": "/data/sub", "type": "tmpfs", "source": "tmpfs"}]' "$b"
    # mount point, its mount options and its superblock's ro/rw
    set_args_in "$b" sh -c 'test -c /dev/null && echo null; test -c /dev/pts/ptmx && echo pts
        test -L /dev/fd && echo fd; test -d /dev/shm && echo shm
        awk "\$5 ~ /^\/(dev|data)/ {i = 7; while (\$i != \"-\") i++; print \$5, \$6, substr(\$(i + 3), 1, 2)}" /proc/self/mountinfo
        touch /dev/new 2>/dev/null || echo "dev not writable"
        touch /data/new 2>/dev/null || echo "data not writable"'
    run_in "$1" "$b"
    echo "run: status=$status"
    echo "$stdout"
}

@test "compare: a read-only /dev or tmpfs gets its devices and mount points, then is read-only" {
    compare scenario_dev_readonly
}

# H: with --no-pivot the host's procfs and sysfs stay in the container's mount namespace,
# behind the chroot; a nested user namespace must not be able to mount a fresh procfs or
# sysfs because of them (with pivot_root they are gone; the container's own are masked).
scenario_no_pivot_proc() {
    local b id flag
    b="$(bundle_for "$1")"
    mkdir -p "$b/rootfs/mnt"
    # CAP_SETFCAP: a user namespace whose root is the caller's uid 0 needs it (Linux 5.12)
    cfg '.process.capabilities |= map_values(. + ["CAP_SETFCAP"])' "$b"
    set_args_in "$b" sh -c 'unshare -U -r unshare -m -p -f -n sh -c "
        mount -t proc proc /mnt 2>&1 && echo proc mounted
        mount -t sysfs sysfs /mnt 2>&1 && echo sysfs mounted; true" | sed "s/.*: //"
        test -d /proc/self && echo "own /proc"'
    for flag in --no-pivot ""; do
        id="$(cid "$1")"
        on "$1" run ${flag:+"$flag"} -b "$b" "$id"
        echo "run ${flag:-pivot}: status=$status"
        echo "$output"
    done
}

@test "compare: a nested user namespace cannot mount procfs or sysfs, with and without --no-pivot" {
    compare scenario_no_pivot_proc
}

# I: in a user namespace, bind sources are opened by the runtime, root of the host, in the
# container's mount namespace: a source the container's root could not reach (under a host
# root's directory of mode 0700) is still mounted, and read through the mount with the
# container's own rights.
scenario_userns_bind_source() {
    local b src
    b="$(bundle_for "$1")"
    src="$TEST_DIR/private-$1"
    mkdir -p "$src"
    echo one >"$src/single"
    chmod 0700 "$src"
    chmod 0644 "$src/single"
    chown -R 100000:100000 "$b/rootfs"
    searchable_for_others "$b"
    jq --arg s "$src" '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .mounts += [{"destination": "/src", "type": "bind", "source": $s, "options": ["rbind"]},
            {"destination": "/single", "type": "bind", "source": ($s + "/single"), "options": ["bind", "ro"]}]' "$b/config.json" >"$b/c.json"
    mv "$b/c.json" "$b/config.json"
    set_args_in "$b" sh -c 'cat /single; stat -c "%a %u" /src; ls /src 2>&1 | sed "s/.*: //"'
    run_in "$1" "$b"
    echo "run: status=$status"
    echo "$stdout"
}

@test "compare: in a user namespace, a bind source the container cannot reach is mounted" {
    # runc reopens /dev/null inside the container (the host's node, bound in a user namespace)
    [[ "$(stat -c %a /dev/null)" == 666 ]] ||
        skip "this host's /dev/null is not mode 666: runc cannot start a user namespace container"
    compare scenario_userns_bind_source
}
