#!/usr/bin/env bats
# Devices: the default set and its symlinks, linux.devices made with the asked type, numbers,
# mode and owner, no /dev/console without a terminal, and bind mounts of the host's nodes in a
# user namespace (where mknod is not allowed).

load helpers

STAT='%F %t %T %a %u %g'

# userns_bundle: the bundle runs in a user namespace (root = host 100000).
userns_bundle() {
    chown -R 100000:100000 "$BUNDLE/rootfs"
    searchable_for_others "$BUNDLE"
    cfg '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "default devices: null zero full random urandom tty with their numbers and mode 666" {
    in_container sh -c "for d in null zero full random urandom tty; do stat -c '%n $STAT' /dev/\$d; done"
    assert_success
    assert_equal "${lines[0]}" "/dev/null character special file 1 3 666 0 0"
    assert_equal "${lines[1]}" "/dev/zero character special file 1 5 666 0 0"
    assert_equal "${lines[2]}" "/dev/full character special file 1 7 666 0 0"
    assert_equal "${lines[3]}" "/dev/random character special file 1 8 666 0 0"
    assert_equal "${lines[4]}" "/dev/urandom character special file 1 9 666 0 0"
    assert_equal "${lines[5]}" "/dev/tty character special file 5 0 666 0 0"
}

@test "default devices: the /dev symlinks, /dev/pts, /dev/shm and /dev/mqueue" {
    in_container sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done;
        awk "\$5 ~ /^\/dev/ {i = 7; while (\$i != \"-\") i++; print \$5, \$(i + 1)}" /proc/self/mountinfo; echo hi >/dev/null && head -c 4 /dev/zero | wc -c'
    assert_success
    assert_equal "${lines[0]}" "fd -> /proc/self/fd"
    assert_equal "${lines[1]}" "stdin -> /proc/self/fd/0"
    assert_equal "${lines[2]}" "stdout -> /proc/self/fd/1"
    assert_equal "${lines[3]}" "stderr -> /proc/self/fd/2"
    assert_equal "${lines[4]}" "ptmx -> pts/ptmx"
    assert_contains "$stdout" "/dev tmpfs"
    assert_contains "$stdout" "/dev/pts devpts"
    assert_contains "$stdout" "/dev/shm tmpfs"
    assert_contains "$stdout" "/dev/mqueue mqueue"
    assert_equal "${lines[-1]}" 4
}

@test "default devices: /dev/ptmx leads to the ptmx of the container's devpts (5:2, mode 666)" {
    in_container sh -c "stat -L -c '$STAT' /dev/ptmx; stat -c %d /dev/pts /dev/pts/ptmx"
    assert_success
    assert_equal "${lines[0]}" "character special file 5 2 666 0 0"
    # the node is the one of the devpts mounted at /dev/pts, not one on /dev's tmpfs
    assert_equal "${lines[1]}" "${lines[2]}"
}

@test "no /dev/console without a terminal" {
    in_container sh -c 'ls /dev; [ -e /dev/console ] && echo console-exists; true'
    assert_success
    [[ "$stdout" != *console-exists* ]]
}

@test "linux.devices: type, major, minor, fileMode, uid and gid as asked" {
    cfg '.linux.devices = [
        {"path": "/dev/mychar", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 1001},
        {"path": "/dev/sub/myblock", "type": "b", "major": 7, "minor": 0, "fileMode": 384, "uid": 0, "gid": 6},
        {"path": "/dev/myunbuf", "type": "u", "major": 1, "minor": 5},
        {"path": "/dev/myfifo", "type": "p", "fileMode": 420}
    ]'
    in_container sh -c "for d in mychar sub/myblock myunbuf myfifo; do stat -c '$STAT' /dev/\$d; done"
    assert_success
    assert_equal "${lines[0]}" "character special file 1 3 640 1000 1001"
    assert_equal "${lines[1]}" "block special file 7 0 600 0 6"
    assert_equal "${lines[2]}" "character special file 1 5 666 0 0"
    assert_equal "${lines[3]}" "fifo 0 0 644 0 0"
}

@test "linux.devices: an entry for a default device wins over the default" {
    rt_only "runc 1.1 cannot reopen a /dev/null it gave another owner"
    cfg '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 5, "gid": 5}]'
    in_container stat -c "$STAT" /dev/null
    assert_success
    assert_equal "$stdout" "character special file 1 3 660 5 5"
}

@test "linux.devices: a path outside /dev and an unknown type are refused" {
    rt_only "error wording"
    cfg '.linux.devices = [{"path": "/etc/evil", "type": "c", "major": 1, "minor": 3}]'
    in_container true
    assert_error 'linux\.devices\[0\]\.path: must be a path under /dev'
    cfg '.linux.devices = [{"path": "/dev/../etc/evil", "type": "c", "major": 1, "minor": 3}]'
    in_container true
    assert_error 'linux\.devices\[0\]\.path: must be a path under /dev'
    cfg '.linux.devices = [{"path": "/dev/x", "type": "z", "major": 1, "minor": 3}]'
    in_container true
    assert_error 'linux\.devices\[0\]\.type: must be one of c, b, u, p'
    cfg '.linux.devices = [{"path": "/dev/x", "type": "c"}]'
    in_container true
    assert_error 'linux\.devices\[0\]: major and minor are required'
}

@test "user namespace: devices are bind mounts of the host's nodes, not mknod" {
    userns_bundle
    cfg '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 420}]'
    in_container sh -c "cat /proc/self/uid_map; stat -c '%n $STAT' /dev/null /dev/kmsg; echo x >/dev/null && echo null-works;
        awk '\$5 == \"/dev/null\" || \$5 == \"/dev/kmsg\" {i = 7; while (\$i != \"-\") i++; print \$5, \$(i + 1)}' /proc/self/mountinfo"
    assert_success
    assert_match "${lines[0]}" '^ +0 +100000 +65536$'
    # the host's nodes (owned by host root: nobody in the container)
    assert_match "${lines[1]}" '^/dev/null character special file 1 3 666 65534 65534$'
    assert_match "${lines[2]}" '^/dev/kmsg character special file 1 b [0-7]+ 65534 65534$'
    assert_equal "${lines[3]}" null-works
    assert_equal "${lines[4]}" "/dev/null devtmpfs"
    assert_equal "${lines[5]}" "/dev/kmsg devtmpfs"
}

@test "user namespace: a linux.devices entry whose node the host lacks fails with its path" {
    rt_only "error wording"
    userns_bundle
    cfg '.linux.devices = [{"path": "/dev/rt-test-no-such-node", "type": "c", "major": 1, "minor": 3}]'
    in_container true
    assert_error 'device /dev/rt-test-no-such-node: .*No such file or directory'
}
