#!/bin/bash
# Fault soak: SOAK_CYCLES (default 200) random commands (create, start, exec, kill, delete -f,
# run -d) on three ids of one root, a third of them with a `delete -f` of the same id racing
# them, and half of them SIGKILLed at a random moment (0-20 ms in). Then `delete -f` of each
# id must succeed and leave nothing: no state directory, cgroup, mount or process of the ids.
#
#   sudo RT=build/src/rt SOAK_CYCLES=10000 bash scripts/soak.sh      (the long soak)
#
# Prints one TAP line; exits non-zero if anything was left. hardening.bats runs a short one.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
RT=$(realpath "${RT:-build/src/rt}")
cycles=${SOAK_CYCLES:-200}
work=$(mktemp -d /tmp/rt-soak.XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT
root=$work/root bundle=$work/bundle
ids=("rt-soak-$$-a" "rt-soak-$$-b" "rt-soak-$$-c")

mkdir -p "$bundle/rootfs/bin"
cp "${BUSYBOX:-/bin/busybox}" "$bundle/rootfs/bin/busybox"
for a in sh sleep true; do ln -s busybox "$bundle/rootfs/bin/$a"; done
(cd "$bundle" && "$RT" spec) || exit 2
jq '.process.terminal = false | .process.args = ["sleep", "1000"]' "$bundle/config.json" \
    >"$bundle/c" && mv "$bundle/c" "$bundle/config.json"

rtq() { timeout -k 5 60 "$RT" --root "$root" "$@" </dev/null >/dev/null 2>&1; }

kills=0 races=0
for ((i = 0; i < cycles; i++)); do
    id=${ids[RANDOM % 3]}
    case $((RANDOM % 6)) in
    0) cmd=(create -b "$bundle" "$id") ;;
    1) cmd=(start "$id") ;;
    2) cmd=(exec "$id" true) ;;
    3) cmd=(kill "$id" KILL) ;;
    4) cmd=(delete -f "$id") ;;
    5) cmd=(run -d -b "$bundle" "$id") ;;
    esac
    # rt itself (not a subshell around it) is what gets the SIGKILL
    "$RT" --root "$root" "${cmd[@]}" </dev/null >/dev/null 2>&1 &
    pid=$!
    if ((RANDOM % 3 == 0)); then
        rtq delete -f "$id" &
        races=$((races + 1))
    fi
    if ((RANDOM % 2 == 0)); then
        sleep "$(printf '0.%03d' $((RANDOM % 20)))"
        kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
    fi
    wait
done

left=""
for id in "${ids[@]}"; do
    rtq delete -f "$id" || left+="delete -f $id failed; "
done
sleep 0.2
[[ -z "$(ls -A "$root" 2>/dev/null)" ]] || left+="state: $(ls -A "$root" | tr '\n' ' '); "
cg=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 12 -type d -name "rt-soak-$$-*" 2>/dev/null)
[[ -z "$cg" ]] || left+="cgroups: ${cg//$'\n'/ }; "
! grep -qF "$work" /proc/self/mountinfo || left+="mounts under $work; "
# zombies hold nothing of the container: reaping them is the subreaper's business (tini -s)
procs=$(grep -lE "rt-soak-$$-" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3 | while read -r p; do
    s=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
    [[ $s == Z ]] || printf '%s(%s) ' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
done)
[[ -z "$procs" ]] || left+="processes: $procs; "
echo "1..1"
if [[ -z "$left" ]]; then
    echo "ok 1 fault soak: $cycles cycles, $kills SIGKILLs of rt, $races racing delete -f: nothing left"
else
    echo "not ok 1 fault soak: $cycles cycles, $kills SIGKILLs, $races races: left $left"
    exit 1
fi
