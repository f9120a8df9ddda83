#!/usr/bin/env bats
# Mounts: every option of config.md's table acted on and read back from /proc/self/mountinfo
# inside the container, their order, bind volumes, overlay (as a rootfs and as a mount), tmpcopyup,
# rootfsPropagation, idmapped mounts, mount destinations that are symlinks out of the rootfs, and
# --no-pivot.

load helpers

# add_mount JSON: append a mount object to .mounts of $BUNDLE.
add_mount() {
    cfg ".mounts += [$1]"
}

# mnt_line MOUNTPOINT: the container's mountinfo line for MOUNTPOINT (run after in_container
# with `cat /proc/self/mountinfo`), from $stdout.
mnt_line() {
    awk -v m="$1" '$5 == m' <<<"$stdout" | tail -n 1
}

# mnt_opts MOUNTPOINT: the per-mount options (field 6).
mnt_opts() {
    mnt_line "$1" | awk '{print $6}'
}

# mnt_optional MOUNTPOINT: the optional fields (shared:N master:N unbindable …), space separated.
mnt_optional() {
    mnt_line "$1" | awk '{s=""; for (i = 7; $i != "-"; i++) s = s (s ? " " : "") $i; print s}'
}

# mnt_super MOUNTPOINT: the filesystem type and super options (after " - ").
mnt_super() {
    mnt_line "$1" | sed 's/.* - //'
}

# has_opt OPTS NAME: OPTS (comma separated) contains NAME.
has_opt() {
    [[ ",$1," == *",$2,"* ]]
}

# --- overlay ------------------------------------------------------------------------------------

# make_layers DIR: two read-only lower layers (lower1 = the busybox rootfs, lower2 = one file
# and one that hides a file of lower1), an empty upper and a work dir.
make_layers() {
    local d=$1
    mkdir -p "$d/lower2/etc" "$d/upper" "$d/work" "$d/merged"
    cp -a "$BUNDLE/rootfs" "$d/lower1"
    echo from-lower1 >"$d/lower1/etc/layer"
    echo from-lower2 >"$d/lower2/etc/layer"
    echo only-lower2 >"$d/lower2/etc/only2"
}

@test "overlay: a rootfs that is an overlay of two lower layers; writes land in the upper only" {
    local d="$TEST_DIR/layers"
    make_layers "$d"
    mount -t overlay overlay -o "lowerdir=$d/lower2:$d/lower1,upperdir=$d/upper,workdir=$d/work" \
        "$d/merged"
    cfg ".root.path = \"$d/merged\" | .root.readonly = false"
    in_container sh -c 'cat /etc/layer /etc/only2; echo new >/written; echo changed >/etc/only2; rm /etc/passwd'
    umount "$d/merged"
    assert_success
    assert_equal "${lines[0]}" from-lower2
    assert_equal "${lines[1]}" only-lower2
    assert_equal "$(cat "$d/upper/written")" new
    assert_equal "$(cat "$d/upper/etc/only2")" changed
    # the deleted file is a whiteout in the upper; the lowers are as they were
    [[ -c "$d/upper/etc/passwd" ]]
    [[ ! -e "$d/lower1/written" && ! -e "$d/lower2/written" ]]
    assert_equal "$(cat "$d/lower2/etc/only2")" only-lower2
    [[ -f "$d/lower1/etc/passwd" ]]
}

@test "overlay: a config mount of type overlay with lowerdir/upperdir/workdir relative to the bundle" {
    rt_only "overlay dirs relative to the bundle (runc 1.1 takes them from the rootfs)"
    mkdir -p "$BUNDLE"/ovl/{l1,l2,up,wk}
    echo one >"$BUNDLE/ovl/l1/f1"
    echo two >"$BUNDLE/ovl/l2/f2"
    add_mount '{"destination": "/data", "type": "overlay", "source": "overlay",
        "options": ["lowerdir=ovl/l2:ovl/l1", "upperdir=ovl/up", "workdir=ovl/wk", "nodev"]}'
    in_container sh -c 'cat /data/f1 /data/f2; echo new >/data/f3; echo more >>/data/f1; grep " /data " /proc/self/mountinfo'
    assert_success
    assert_equal "${lines[0]}" one
    assert_equal "${lines[1]}" two
    assert_match "${lines[2]}" ' /data [^ ]*nodev[^ ]* (.* )?- overlay overlay '
    assert_equal "$(cat "$BUNDLE/ovl/up/f3")" new
    assert_equal "$(cat "$BUNDLE/ovl/up/f1")" $'one\nmore'
    assert_equal "$(cat "$BUNDLE/ovl/l1/f1")" one
    [[ ! -e "$BUNDLE/ovl/l1/f3" && ! -e "$BUNDLE/ovl/l2/f3" ]]
}

@test "overlay: a mount without lowerdir is refused before anything is made" {
    rt_only "error wording"
    add_mount '{"destination": "/data", "type": "overlay", "source": "overlay", "options": ["upperdir=u"]}'
    in_container true
    assert_error 'mounts\[[0-9]+\]\.options: an overlay mount needs lowerdir='
}

# --- tmpfs, tmpcopyup, data options -------------------------------------------------------------

@test "tmpfs: flags and data options (size=, mode=) reach the mount" {
    add_mount '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
        "options": ["nosuid", "nodev", "noexec", "noatime", "nodiratime", "size=1m", "mode=750"]}'
    in_container sh -c 'cat /proc/self/mountinfo; stat -c %a /scratch'
    assert_success
    local o s
    o="$(mnt_opts /scratch)"
    for f in rw nosuid nodev noexec noatime nodiratime; do
        has_opt "$o" "$f" || fail "/scratch lacks $f: $o"
    done
    s="$(mnt_super /scratch)"
    assert_match "$s" '^tmpfs tmpfs .*size=1024k'
    assert_match "$s" 'mode=750'
    assert_equal "${lines[-1]}" 750
}

@test "tmpfs: ro, strictatime, relatime and sync as asked" {
    add_mount '{"destination": "/a", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "strictatime"]}'
    add_mount '{"destination": "/b", "type": "tmpfs", "source": "tmpfs", "options": ["relatime", "sync", "dirsync"]}'
    in_container sh -c 'cat /proc/self/mountinfo; touch /a/x 2>/dev/null && echo writable; true'
    assert_success
    local a b
    a="$(mnt_opts /a)"
    b="$(mnt_opts /b)"
    has_opt "$a" ro || fail "/a not ro: $a"
    has_opt "$a" relatime && fail "/a has relatime despite strictatime: $a"
    has_opt "$b" relatime || fail "/b not relatime: $b"
    assert_match "$(mnt_super /b)" ' (rw,)?sync,dirsync|sync'
    [[ "$stdout" != *writable* ]]
}

@test "remount: a later entry with remount changes the flags of an earlier mount" {
    add_mount '{"destination": "/rm", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
    add_mount '{"destination": "/rm", "type": "tmpfs", "source": "tmpfs", "options": ["remount", "ro", "nosuid"]}'
    in_container sh -c 'grep " /rm " /proc/self/mountinfo | wc -l; cat /proc/self/mountinfo'
    assert_success
    assert_equal "${lines[0]}" 1
    has_opt "$(mnt_opts /rm)" ro || fail "/rm not ro: $(mnt_line /rm)"
    has_opt "$(mnt_opts /rm)" nosuid || fail "/rm not nosuid: $(mnt_line /rm)"
}

@test "tmpcopyup: the tmpfs starts with a copy of what it covers; the image is untouched" {
    local r="$BUNDLE/rootfs"
    mkdir -p "$r/etc/tc/sub"
    echo a >"$r/etc/tc/a"
    echo b >"$r/etc/tc/sub/b"
    ln -s a "$r/etc/tc/link"
    chmod 751 "$r/etc/tc/sub"
    chown 12:34 "$r/etc/tc/a"
    add_mount '{"destination": "/etc/tc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "mode=755"]}'
    in_container sh -c 'cat /etc/tc/a /etc/tc/sub/b /etc/tc/link; readlink /etc/tc/link;
        stat -c "%a %u %g" /etc/tc/sub /etc/tc/a; echo new >/etc/tc/new;
        grep " /etc/tc " /proc/self/mountinfo'
    assert_success
    assert_equal "${lines[0]}" a
    assert_equal "${lines[1]}" b
    assert_equal "${lines[2]}" a
    assert_equal "${lines[3]}" a
    assert_equal "${lines[4]}" "751 0 0"
    assert_equal "${lines[5]}" "644 12 34"
    assert_match "${lines[6]}" ' - tmpfs '
    [[ ! -e "$r/etc/tc/new" ]]
}

@test "tmpcopyup: refused on a mount that is not tmpfs" {
    rt_only "error wording"
    add_mount "{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"$TEST_DIR\", \"options\": [\"rbind\", \"tmpcopyup\"]}"
    in_container true
    assert_error 'mounts\[[0-9]+\]\.options: tmpcopyup needs a tmpfs mount'
}

# --- bind mounts and volumes --------------------------------------------------------------------

@test "bind: Docker-style read-write and read-only volumes of directories and files" {
    mkdir -p "$TEST_DIR/vol-rw" "$TEST_DIR/vol-ro"
    echo ro-content >"$TEST_DIR/vol-ro/f"
    echo file-content >"$TEST_DIR/one-file"
    echo ro-file >"$TEST_DIR/ro-file"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/vol-rw\", \"destination\": \"/vol/rw\", \"options\": [\"rbind\"]}"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/vol-ro\", \"destination\": \"/vol/ro\", \"options\": [\"rbind\", \"ro\"]}"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/one-file\", \"destination\": \"/etc/one\", \"options\": [\"rbind\", \"rw\"]}"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/ro-file\", \"destination\": \"/etc/deep/ro\", \"options\": [\"bind\", \"ro\"]}"
    in_container sh -c 'echo w >/vol/rw/new; cat /vol/ro/f; echo x >/vol/ro/g 2>/dev/null || echo ro-refused;
        cat /etc/one; echo appended >>/etc/one; cat /etc/deep/ro; echo y >>/etc/deep/ro 2>/dev/null || echo ro-file-refused;
        [ -f /etc/one ] && echo is-file; cat /proc/self/mountinfo'
    assert_success
    assert_equal "${lines[0]}" ro-content
    assert_equal "${lines[1]}" ro-refused
    assert_equal "${lines[2]}" file-content
    assert_equal "${lines[3]}" ro-file
    assert_equal "${lines[4]}" ro-file-refused
    assert_equal "${lines[5]}" is-file
    assert_equal "$(cat "$TEST_DIR/vol-rw/new")" w
    assert_equal "$(cat "$TEST_DIR/one-file")" $'file-content\nappended'
    [[ ! -e "$TEST_DIR/vol-ro/g" ]]
    has_opt "$(mnt_opts /vol/ro)" ro || fail "/vol/ro: $(mnt_line /vol/ro)"
    has_opt "$(mnt_opts /vol/rw)" rw || fail "/vol/rw: $(mnt_line /vol/rw)"
    has_opt "$(mnt_opts /etc/deep/ro)" ro || fail "/etc/deep/ro: $(mnt_line /etc/deep/ro)"
}

@test "bind: a relative source is taken from the bundle" {
    mkdir -p "$BUNDLE/rel-src"
    echo rel >"$BUNDLE/rel-src/f"
    add_mount '{"type": "bind", "source": "rel-src", "destination": "/rel", "options": ["bind"]}'
    in_container cat /rel/f
    assert_success
    assert_equal "$stdout" rel
}

@test "bind: a missing source fails with the path named" {
    rt_only "error wording"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/nope\", \"destination\": \"/x\", \"options\": [\"bind\"]}"
    in_container true
    assert_error "mount /x: .*$TEST_DIR/nope: No such file or directory"
}

@test "bind: nosuid, nodev, noexec, noatime, nosymfollow on a bind; symfollow and rw clear them" {
    mkdir -p "$TEST_DIR/src"
    ln -s /etc/passwd "$TEST_DIR/src/link"
    printf '#!/bin/sh\necho ran\n' >"$TEST_DIR/src/script"
    chmod +x "$TEST_DIR/src/script"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/src\", \"destination\": \"/m1\", \"options\": [\"bind\", \"nosuid\", \"nodev\", \"noexec\", \"noatime\", \"nosymfollow\"]}"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/src\", \"destination\": \"/m2\", \"options\": [\"bind\", \"ro\", \"strictatime\", \"symfollow\"]}"
    in_container sh -c 'cat /proc/self/mountinfo; cat /m1/link >/dev/null 2>&1 || echo m1-nofollow;
        cat /m2/link >/dev/null && echo m2-follows; /m1/script 2>/dev/null || echo m1-noexec; /m2/script'
    assert_success
    local o
    o="$(mnt_opts /m1)"
    for f in rw nosuid nodev noexec noatime nosymfollow; do
        has_opt "$o" "$f" || fail "/m1 lacks $f: $o"
    done
    o="$(mnt_opts /m2)"
    has_opt "$o" ro || fail "/m2 not ro: $o"
    has_opt "$o" nosymfollow && fail "/m2 nosymfollow: $o"
    has_opt "$o" relatime && fail "/m2 relatime despite strictatime: $o"
    assert_contains "$stdout" m1-nofollow
    assert_contains "$stdout" m2-follows
    assert_contains "$stdout" m1-noexec
    assert_contains "$stdout" ran
}

@test "bind: recursive rro/rnosuid/rnoexec/rnoatime reach a submount; plain ro does not" {
    mkdir -p "$TEST_DIR/tree/sub"
    mount -t tmpfs tmpfs "$TEST_DIR/tree/sub"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/tree\", \"destination\": \"/r\", \"options\": [\"rbind\", \"rro\", \"rnosuid\", \"rnoexec\", \"rnoatime\"]}"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/tree\", \"destination\": \"/p\", \"options\": [\"rbind\", \"ro\"]}"
    in_container cat /proc/self/mountinfo
    umount "$TEST_DIR/tree/sub"
    assert_success
    local m o
    for m in /r /r/sub; do
        o="$(mnt_opts "$m")"
        for f in ro nosuid noexec noatime; do
            has_opt "$o" "$f" || fail "$m lacks $f: $o"
        done
    done
    has_opt "$(mnt_opts /p)" ro || fail "/p not ro"
    has_opt "$(mnt_opts /p/sub)" rw || fail "/p/sub should stay rw: $(mnt_line /p/sub)"
}

@test "bind: rrw and rsuid clear recursively what the source had" {
    mkdir -p "$TEST_DIR/tree/sub"
    mount -t tmpfs -o ro,nosuid tmpfs "$TEST_DIR/tree/sub"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/tree\", \"destination\": \"/r\", \"options\": [\"rbind\", \"rrw\", \"rsuid\", \"rnodev\"]}"
    in_container cat /proc/self/mountinfo
    umount "$TEST_DIR/tree/sub"
    assert_success
    local o
    o="$(mnt_opts /r/sub)"
    has_opt "$o" rw || fail "/r/sub not rw: $o"
    has_opt "$o" nosuid && fail "/r/sub still nosuid: $o"
    has_opt "$o" nodev || fail "/r/sub not nodev: $o"
}

# --- propagation --------------------------------------------------------------------------------

@test "propagation: shared, private and unbindable show in mountinfo's optional fields" {
    add_mount '{"destination": "/sh", "type": "tmpfs", "source": "tmpfs", "options": ["shared"]}'
    add_mount '{"destination": "/pr", "type": "tmpfs", "source": "tmpfs", "options": ["private"]}'
    add_mount '{"destination": "/ub", "type": "tmpfs", "source": "tmpfs", "options": ["unbindable"]}'
    in_container cat /proc/self/mountinfo
    assert_success
    assert_match "$(mnt_optional /sh)" '^shared:[0-9]+$'
    assert_equal "$(mnt_optional /pr)" ""
    assert_equal "$(mnt_optional /ub)" unbindable
}

@test "propagation: rslave and rshared of a bind of a shared host mount, and rprivate" {
    local s="$TEST_DIR/shared-src"
    mkdir -p "$s"
    mount --bind "$s" "$s"
    mount --make-shared "$s"
    mkdir -p "$s/sub"
    mount -t tmpfs tmpfs "$s/sub"
    add_mount "{\"type\": \"bind\", \"source\": \"$s\", \"destination\": \"/sl\", \"options\": [\"rbind\", \"rslave\"]}"
    add_mount "{\"type\": \"bind\", \"source\": \"$s\", \"destination\": \"/rs\", \"options\": [\"rbind\", \"rshared\"]}"
    add_mount "{\"type\": \"bind\", \"source\": \"$s\", \"destination\": \"/rp\", \"options\": [\"rbind\", \"rprivate\"]}"
    in_container cat /proc/self/mountinfo
    umount "$s/sub"
    umount "$s"
    assert_success
    assert_match "$(mnt_optional /sl)" '^master:[0-9]+$'
    assert_match "$(mnt_optional /sl/sub)" '^master:[0-9]+$'
    assert_match "$(mnt_optional /rs)" '^shared:[0-9]+ master:[0-9]+$'
    assert_match "$(mnt_optional /rs/sub)" '^shared:[0-9]+ master:[0-9]+$'
    assert_equal "$(mnt_optional /rp)" ""
    assert_equal "$(mnt_optional /rp/sub)" ""
}

@test "propagation: bind with shared, slave, private, unbindable; rbind runbindable; a host mount reaches shared and slave only" {
    local s="$TEST_DIR/shared-src" o d b p
    mkdir -p "$s/late"
    mount --bind "$s" "$s"
    mount --make-shared "$s"
    # as runtime-tools' mounts program: the tmpfs options besides the propagation
    add_mount '{"destination": "/ts", "type": "tmpfs", "source": "tmpfs",
        "options": ["nosuid", "strictatime", "mode=755", "size=1k", "slave"]}'
    for o in bs:bind:shared bsl:bind:slave bp:bind:private bu:bind:unbindable bru:rbind:runbindable; do
        IFS=: read -r d b p <<<"$o"
        add_mount "{\"destination\": \"/$d\", \"type\": \"bind\", \"source\": \"$s\", \"options\": [\"$b\", \"$p\"]}"
    done
    set_args sleep 1000
    rtc run -d -b "$BUNDLE" "$ID"
    assert_success
    local pid
    pid="$(state_field "$ID" .pid)"
    mount -t tmpfs tmpfs "$s/late"
    local info
    info="$(cat "/proc/$pid/mountinfo")"
    umount "$s/late"
    rtc delete -f "$ID"
    assert_success
    umount "$s"
    # the mnt_* helpers read $stdout
    stdout="$info"
    assert_match "$(mnt_optional /bs)" '^shared:[0-9]+ master:[0-9]+$'
    assert_match "$(mnt_optional /bsl)" '^master:[0-9]+$'
    assert_equal "$(mnt_optional /bp)" ""
    assert_equal "$(mnt_optional /bu)" unbindable
    assert_equal "$(mnt_optional /bru)" unbindable
    # a tmpfs has no peer to follow: slave leaves it private; its other options apply
    assert_equal "$(mnt_optional /ts)" ""
    has_opt "$(mnt_opts /ts)" nosuid || fail "/ts: $(mnt_line /ts)"
    assert_match "$(mnt_super /ts)" '^tmpfs tmpfs .*mode=755'
    # the bind's root is the source
    assert_match "$(mnt_line /bp | awk '{print $4}')" "/shared-src\$"
    # the mount made on the host afterwards propagated to shared and slave binds only
    [[ -n "$(mnt_line /bs/late)" && -n "$(mnt_line /bsl/late)" ]] || fail "host mount not propagated"
    [[ -z "$(mnt_line /bp/late)$(mnt_line /bu/late)$(mnt_line /bru/late)" ]] ||
        fail "host mount propagated to a private or unbindable bind"
}

@test "mounts are made in the listed order: mountinfo follows the config; a later mount covers an earlier one" {
    add_mount '{"destination": "/order/inner", "type": "tmpfs", "source": "tmpfs"}'
    add_mount '{"destination": "/order", "type": "tmpfs", "source": "tmpfs"}'
    add_mount '{"destination": "/order/last", "type": "tmpfs", "source": "tmpfs"}'
    in_container sh -c 'cat /proc/self/mountinfo; [ -e /order/inner ] || echo inner-covered
        [ -d /order/last ] && echo last-there'
    assert_success
    assert_contains "$stdout" inner-covered
    assert_contains "$stdout" last-there
    # the config's destinations in the order of their first line in mountinfo
    local dests got
    dests="$(jq -r '.mounts[].destination' "$BUNDLE/config.json")"
    got="$(awk 'NR == FNR {dest[$0] = 1; next} ($5 in dest) && !seen[$5]++ {print $5}' \
        <(echo "$dests") - <<<"$stdout")"
    assert_equal "$got" "$dests"
}

# --- rootfsPropagation --------------------------------------------------------------------------

# rootfs_probe PROPAGATION: runtime-tools' check from inside (with CAP_SYS_ADMIN): bind / to
# /target, then /src to /point; print what /target/point shows ("exposed" or "hidden"), or
# "bind-refused" if / cannot be bound; then the optional fields of / in mountinfo.
rootfs_probe() {
    local r="$BUNDLE/rootfs"
    mkdir -p "$r/target" "$r/point" "$r/src"
    touch "$r/src/f"
    cfg ".linux.rootfsPropagation = \"$1\"
        | .process.capabilities.bounding += [\"CAP_SYS_ADMIN\"]
        | .process.capabilities.effective += [\"CAP_SYS_ADMIN\"]
        | .process.capabilities.permitted += [\"CAP_SYS_ADMIN\"]"
    in_container sh -c 'if mount --rbind / /target 2>/dev/null; then
            mount --bind /src /point; [ -e /target/point/f ] && echo exposed || echo hidden
        else echo bind-refused; fi
        awk "\$5 == \"/\" {s = \"\"; for (i = 7; \$i != \"-\"; i++) s = s \$i; print \"root:\" s}" /proc/self/mountinfo'
    assert_success
}

@test "rootfsPropagation slave and private: a mount under / does not show in a bind of /" {
    local p
    for p in slave private; do
        rootfs_probe "$p"
        # slave: a slave of the host's mount where the host's is shared (systemd), else private
        assert_match "$(tr '\n' ' ' <<<"$stdout")" '^hidden root:(master:[0-9]+)? $'
    done
}

# A rootfs that is a shared mount point (as a snapshotter's mount on a systemd host): with
# rootfsPropagation unset or slave, a mount the host makes under it after start reaches the
# container (config-linux.md: slave receives the host's events); private cuts it. runc 1.1.5
# behaves the same. Checked: rt with its bind of the rootfs made private showed 0 for all.
@test "rootfsPropagation: host mounts under a shared rootfs reach the container unless private" {
    local r="$BUNDLE/rootfs" p id got
    mkdir -p "$r/mnt"
    mount --bind "$r" "$r"
    mount --make-shared "$r"
    set_args sleep 100
    for p in "" rslave slave rprivate private; do
        cfg "if \"$p\" == \"\" then del(.linux.rootfsPropagation) else .linux.rootfsPropagation = \"$p\" end"
        id="$(new_id "$p")"
        rtc run -d -b "$BUNDLE" "$id"
        assert_success
        mount -t tmpfs tmpfs "$r/mnt"
        rtc exec "$id" grep -c " /mnt " /proc/self/mountinfo
        got="$stdout"
        umount "$r/mnt"
        rtc delete -f "$id"
        case $p in
        *private) assert_equal "$got" 0 ;;
        *) assert_equal "$got" 1 ;;
        esac
    done
    umount "$r"
}

@test "rootfsPropagation shared: / is shared and the mount shows in the bind; unbindable: / cannot be bound" {
    rt_only "runc 1.1.5 does neither (runtime-tools' linux_rootfs_propagation)"
    rootfs_probe shared
    assert_match "$(tr '\n' ' ' <<<"$stdout")" '^exposed root:shared:[0-9]+ $'
    rootfs_probe unbindable
    assert_equal "$(tr '\n' ' ' <<<"$stdout")" "bind-refused root:unbindable "
}

# --- idmapped mounts ----------------------------------------------------------------------------

@test "idmap: a bind of a dir owned by 1000 shows as owned by root through uidMappings/gidMappings" {
    rt_only "idmapped mounts (runc 1.2+)"
    mkdir -p "$TEST_DIR/owned/d"
    touch "$TEST_DIR/owned/f"
    chown -R 1000:1000 "$TEST_DIR/owned"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/owned\", \"destination\": \"/owned\", \"options\": [\"bind\", \"idmap\"],
        \"uidMappings\": [{\"containerID\": 1000, \"hostID\": 0, \"size\": 1}],
        \"gidMappings\": [{\"containerID\": 1000, \"hostID\": 0, \"size\": 1}]}"
    in_container sh -c 'stat -c "%u %g" /owned /owned/f; touch /owned/by-root; grep " /owned " /proc/self/mountinfo'
    assert_success
    assert_equal "${lines[0]}" "0 0"
    assert_equal "${lines[1]}" "0 0"
    assert_contains "${lines[2]}" idmapped
    # a file root makes in the container is owned by 1000 on the host
    assert_equal "$(stat -c '%u %g' "$TEST_DIR/owned/by-root")" "1000 1000"
    # and the host's view is unchanged
    assert_equal "$(stat -c '%u %g' "$TEST_DIR/owned/f")" "1000 1000"
}

@test "idmap: ridmap maps a submount too; idmap only the top" {
    rt_only "idmapped mounts (runc 1.2+)"
    mkdir -p "$TEST_DIR/t/sub"
    mount -t tmpfs -o uid=1000,gid=1000 tmpfs "$TEST_DIR/t/sub"
    chown 1000:1000 "$TEST_DIR/t"
    local maps='"uidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}], "gidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}]'
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/t\", \"destination\": \"/rid\", \"options\": [\"rbind\", \"ridmap\"], $maps}"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/t\", \"destination\": \"/id\", \"options\": [\"rbind\", \"idmap\"], $maps}"
    in_container stat -c '%u' /rid /rid/sub /id /id/sub
    umount "$TEST_DIR/t/sub"
    assert_success
    assert_equal "${lines[*]}" "0 0 0 1000"
}

@test "idmap: an idmap option without mappings and without a user namespace is refused" {
    rt_only "idmapped mounts (runc 1.2+)"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR\", \"destination\": \"/x\", \"options\": [\"bind\", \"idmap\"]}"
    in_container true
    assert_error "mounts\[[0-9]+\]\.options: idmap without uidMappings and gidMappings needs the container's user namespace"
}

@test "idmap: uidMappings without gidMappings, and mappings on a tmpfs, are refused" {
    rt_only "idmapped mounts (runc 1.2+)"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR\", \"destination\": \"/x\", \"options\": [\"bind\"],
        \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}"
    in_container true
    assert_error 'mounts\[[0-9]+\]: uidMappings and gidMappings go together'
    cfg '.mounts |= .[:-1]'
    add_mount '{"type": "tmpfs", "source": "tmpfs", "destination": "/x", "options": ["idmap"],
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}'
    in_container true
    assert_error 'mounts\[[0-9]+\]: an idmapped mount must be a bind mount'
}

@test "idmap: a filesystem that cannot be idmapped fails at create with one line, nothing left" {
    rt_only "idmapped mounts (runc 1.2+)"
    add_mount '{"type": "bind", "source": "/proc", "destination": "/x", "options": ["rbind", "idmap"],
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}'
    in_container true
    assert_error 'mount /x: idmap the mount: Invalid argument'
}

@test "idmap: in a container with its own user namespace (mount mappings and bare idmap)" {
    rt_only "idmapped mounts prepared by the runtime before clone"
    mkdir -p "$TEST_DIR/uns"
    touch "$TEST_DIR/uns/f"
    chown -R 100000:100000 "$TEST_DIR/uns"
    chown -R 100000:100000 "$BUNDLE/rootfs"
    searchable_for_others "$BUNDLE"
    cfg '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
    # the on-disk owner 100000 shows as host root through the mount, i.e. nobody in the container
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/uns\", \"destination\": \"/m\", \"options\": [\"bind\", \"idmap\"],
        \"uidMappings\": [{\"containerID\": 100000, \"hostID\": 100005, \"size\": 1}],
        \"gidMappings\": [{\"containerID\": 100000, \"hostID\": 100006, \"size\": 1}]}"
    # bare idmap: the container's own mappings (on-disk 0 shows as 100000 = root inside)
    mkdir -p "$TEST_DIR/rootowned"
    add_mount "{\"type\": \"bind\", \"source\": \"$TEST_DIR/rootowned\", \"destination\": \"/r\", \"options\": [\"bind\", \"idmap\"]}"
    in_container stat -c '%u %g' /m/f /r
    assert_success
    assert_equal "${lines[0]}" "5 6"
    assert_equal "${lines[1]}" "0 0"
}

# --- destinations that are symlinks -------------------------------------------------------------

@test "destination: a symlink pointing out of the rootfs is resolved inside it, never on the host" {
    local host="$TEST_DIR/host-dir" host2="$TEST_DIR/host-dir2" r="$BUNDLE/rootfs"
    mkdir -p "$host" "$host2" "$TEST_DIR/vol"
    echo keep >"$host/keep"
    echo vol >"$TEST_DIR/vol/v"
    ln -s "$host" "$r/evil"
    ln -s "../../../../../../../../../..$host2" "$r/evil2"
    mkdir -p "$r/deep"
    ln -s ../../.. "$r/deep/up"
    add_mount '{"destination": "/evil", "type": "tmpfs", "source": "tmpfs"}'
    add_mount '{"destination": "/evil2/sub", "type": "tmpfs", "source": "tmpfs"}'
    add_mount "{\"destination\": \"/deep/up/escaped\", \"type\": \"bind\", \"source\": \"$TEST_DIR/vol\", \"options\": [\"bind\"]}"
    in_container sh -c "echo x >/evil/written; echo y >/evil2/sub/written; cat /escaped/v; grep -c ' $host ' /proc/self/mountinfo; ls /evil"
    assert_success
    assert_equal "${lines[0]}" vol
    assert_equal "${lines[1]}" 1
    assert_equal "${lines[2]}" written
    # the host dirs are exactly as they were; the mount points were made inside the rootfs
    assert_equal "$(ls -A "$host")" keep
    assert_equal "$(ls -A "$host2")" ""
    [[ -d "$r$host" && -d "$r$host2/sub" && -d "$r/escaped" ]]
    [[ ! -e "$TEST_DIR/escaped" && ! -e "/escaped" ]]
}

# --- --no-pivot ---------------------------------------------------------------------------------

@test "--no-pivot: the container runs in its rootfs (MS_MOVE + chroot) and sees nothing else" {
    touch "$BUNDLE/rootfs/only-in-rootfs"
    set_args sh -c 'ls /; ls -d /work /tmp/bats* 2>/dev/null; grep -c . /proc/self/mountinfo; stat -c %i /'
    local id
    id="$(new_id)"
    rtc run --no-pivot -b "$BUNDLE" "$id"
    assert_success
    assert_contains "$stdout" only-in-rootfs
    [[ "$stdout" != */work* && "$stdout" != */tmp/bats* ]]
    assert_equal "${lines[-1]}" "$(stat -c %i "$BUNDLE/rootfs")"
}
