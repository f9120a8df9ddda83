#!/usr/bin/env bats
# Docker 20.10 (Debian's docker.io) with "exec-opts": ["native.cgroupdriver=systemd"] running
# containers on the runtime under test (dockerd --add-runtime; docker run --runtime), issue
# #19's acceptance point: the runc v2 shim calls the runtime with --systemd-cgroup and
# linux.cgroupsPath "system.slice:docker:ID", so each container is the scope docker-ID.scope.
#
# It starts dockerd (with the containerd it manages) and so runs only in the throwaway systemd
# boot of the test VM (RT_VM=1, systemd as PID 1; tests/vm/run-bats.sh --systemd FILE, or
# scripts/test.sh), which has no network: no bridge, no iptables, containers with
# --network none, the image imported from a busybox-static tarball. RT=runc: the same against
# runc. tests/clients/docker.sh covers Docker with the cgroupfs driver on any host.

# bats file_tags=vm-systemd
load helpers

DOCKER_BIN=/usr/bin/docker
IMAGE=localhost/rt-test-busybox:latest

# in_systemd_vm: the systemd boot of the test VM (nothing of a real host is touched there).
in_systemd_vm() {
    [[ -n "${RT_VM:-}" && -d /run/systemd/system && -f /sys/fs/cgroup/cgroup.controllers ]]
}

# runtime_name: the name dockerd knows the runtime under test by (it reserves "runc").
runtime_name() {
    if [[ "$RT_NAME" == runc ]]; then echo runc-under-test; else echo "$RT_NAME"; fi
}

# D ARGS...: the docker client of the test's dockerd, bounded.
D() {
    timeout -k 5 120 "$DOCKER_BIN" "$@"
}

# wait_until SECONDS COMMAND...: poll until COMMAND succeeds.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || fail "timed out after ${deadline}s waiting for: $*"
        sleep 0.2
    done
}

setup_file() {
    in_systemd_vm || return 0
    [[ -x "$DOCKER_BIN" ]] && command -v dockerd >/dev/null || return 0
    local w="$BATS_FILE_TMPDIR" dir
    export DOCKER_HOST="unix://$w/docker.sock" DOCKER_CONFIG="$w/docker-cli"
    jq -n --arg name "$(runtime_name)" --arg path "$RT" \
        '{"exec-opts": ["native.cgroupdriver=systemd"], runtimes: {($name): {path: $path}}}' \
        >"$w/daemon.json"
    # vfs: a storage driver that needs nothing of the filesystem (the image is one small
    # layer); no network of its own: the guest has only lo
    setsid dockerd --config-file "$w/daemon.json" --host "$DOCKER_HOST" \
        --data-root "$w/data" --exec-root "$w/exec" --pidfile "$w/dockerd.pid" \
        --storage-driver vfs --bridge none --iptables=false --ip6tables=false --ip-masq=false \
        --userland-proxy=false </dev/null >"$w/dockerd.log" 2>&1 &
    echo $! >"$w/dockerd.started"
    local deadline=$((SECONDS + 120))
    until D version >/dev/null 2>&1; do
        if ((SECONDS >= deadline)) || ! kill -0 "$(cat "$w/dockerd.started")" 2>/dev/null; then
            echo "dockerd did not start:" >&2
            tail -20 "$w/dockerd.log" >&2
            return 1
        fi
        sleep 0.2
    done
    dir="$w/rootfs"
    . "$BATS_TEST_DIRNAME/../../scripts/lib.sh"
    make_busybox_rootfs "$dir"
    mkdir -p "$dir"/{proc,sys,dev,tmp}
    tar -C "$dir" --numeric-owner -cf "$w/rootfs.tar" .
    D import "$w/rootfs.tar" "$IMAGE" >/dev/null
}

teardown_file() {
    local w="$BATS_FILE_TMPDIR" pid ids
    [[ -f "$w/dockerd.started" ]] || return 0
    mapfile -t ids < <(D ps --all --quiet 2>/dev/null)
    ((${#ids[@]} == 0)) || D rm --force "${ids[@]}" >/dev/null 2>&1
    pid="$(cat "$w/dockerd.started")"
    # dockerd stops the containerd it started
    kill -TERM "$pid" 2>/dev/null
    wait_pid_exit "$pid" 30 || kill -KILL "$pid" 2>/dev/null
}

setup() {
    in_systemd_vm || skip "starts dockerd: only in the systemd boot of the test VM (tests/vm/run-bats.sh --systemd)"
    [[ -x "$DOCKER_BIN" ]] && command -v dockerd >/dev/null || skip "docker.io is not installed"
    [[ -x "$RT" ]] || fail "the runtime under test is not there: $RT"
    export DOCKER_HOST="unix://$BATS_FILE_TMPDIR/docker.sock" DOCKER_CONFIG="$BATS_FILE_TMPDIR/docker-cli"
    RUNTIME=$(runtime_name)
    NAME="rt-test-docker-$BATS_TEST_NUMBER-$RANDOM"
}

teardown() {
    [[ -n "${NAME:-}" ]] && D rm --force "$NAME" >/dev/null 2>&1
    return 0
}

# scope_of NAME: the unit of container NAME under the systemd driver.
scope_of() {
    echo "docker-$(D inspect --format '{{.Id}}' "$1").scope"
}

@test "docker systemd driver: dockerd reports the systemd cgroup driver and the runtime" {
    run -0 D info --format '{{.CgroupDriver}} {{.CgroupVersion}}'
    assert_equal "$output" "systemd 2"
    run -0 D info --format '{{json .Runtimes}}'
    jq -e --arg n "$RUNTIME" --arg p "$RT" '.[$n].path == $p' <<<"$output"
}

@test "docker systemd driver: docker run --runtime, output and exit status" {
    run -0 D run --rm --runtime "$RUNTIME" --network none "$IMAGE" echo hello from a scope
    assert_equal "$output" "hello from a scope"
    run -7 D run --rm --runtime "$RUNTIME" --network none "$IMAGE" sh -c 'exit 7'
}

@test "docker systemd driver: a detached container is docker-ID.scope with --memory as MemoryMax; update, pause, exec, rm" {
    local id pid u d state
    D run -d --name "$NAME" --runtime "$RUNTIME" --network none --memory 64m "$IMAGE" sleep 1000
    wait_until 30 test "$(D inspect --format '{{.State.Status}}' "$NAME")" = running
    id="$(D inspect --format '{{.Id}}' "$NAME")"
    pid="$(D inspect --format '{{.State.Pid}}' "$NAME")"
    u="docker-$id.scope"
    d="/sys/fs/cgroup/system.slice/$u"
    assert_equal "$(D inspect --format '{{.HostConfig.Runtime}}' "$NAME")" "$RUNTIME"
    # the runtime's own state: the runc v2 shim gives it <exec-root>/runtime-runc/moby as root
    state="$("$RT" --root "$BATS_FILE_TMPDIR/exec/runtime-runc/moby" state "$id")"
    assert_equal "$(jq -r .status <<<"$state")" running
    assert_equal "$(jq -r .pid <<<"$state")" "$pid"
    assert_equal "$(cat "/proc/$pid/cgroup")" "0::/system.slice/$u"
    assert_equal "$(systemctl show -P MemoryMax "$u")" 67108864
    assert_equal "$(systemctl show -P ActiveState "$u")" active
    assert_equal "$(cat "$d/memory.max")" 67108864
    # docker update: the shim runs `update --resources -`
    D update --memory 128m --memory-swap 256m "$NAME"
    assert_equal "$(systemctl show -P MemoryMax "$u")" 134217728
    assert_equal "$(cat "$d/memory.max")" 134217728
    D pause "$NAME"
    wait_until 10 test "$(D inspect --format '{{.State.Status}}' "$NAME")" = paused
    assert_contains "$(cat "$d/cgroup.events")" "frozen 1"
    D unpause "$NAME"
    assert_contains "$(cat "$d/cgroup.events")" "frozen 0"
    # an exec joins the scope (Docker gives the container a cgroup namespace: "/" inside)
    run -0 D exec "$NAME" cat /proc/self/cgroup
    assert_equal "$output" "0::/"
    D exec -d "$NAME" sleep 1001
    wait_until 20 test "$(wc -l <"$d/cgroup.procs")" -eq 2
    D rm --force "$NAME"
    run systemctl status "$u"
    assert_equal "$status" 4
    [[ ! -e "$d" ]] || fail "$d is left"
}
