#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Side-by-side lifecycle benchmark of rt, crun and runc (issue #15).

    sudo python3 bench/bench.py [--rounds 150] [--rt build/src/rt] [--seccomp]

Makes a busybox bundle with the default `rt spec` config (process /bin/true, no terminal), and
runs every runtime interleaved round-robin, the order rotated each round, each with its own
--root. Prints median and p90 of run, create, start, delete and exec, the runtime's own peak
RSS (GNU time's %M), the CPU time of a run (user + system, the runtime and what it reaped:
a figure that drifts less with load than wall time), the wall time of N runs at concurrency C, the syscalls one `run` makes (strace, the
runtime's processes only: the container's program is not counted from its execve on), rt's
ratio to each peer, and the host's load average. --seccomp gives every config Docker's default
profile (tests/fixtures/docker-default-seccomp.json).

--floor adds bench/floor.c, built here with cc: the same kernel work as rt (namespaces,
cgroups, mounts, capabilities, state, exec) hard-coded for this bundle and nothing else, timed in
the same rounds; the output then also gives each runtime's distance from it. --floor-bare adds
it once more without its re-exec from a read-only bind (rt's CVE-2019-5736 guard). --icount
counts one run's user-space instructions of each runtime but runc by single-stepping it
(bench/icount.c): where neither perf nor valgrind can, a figure that does not drift with load.

On a hybrid cgroup host crun 1.8 refuses to start (it sees the cgroup2 mount beside the v1
ones): the whole benchmark then runs in a private mount namespace with /sys/fs/cgroup/unified
unmounted, every runtime alike, and the output says so. Not part of CI's pass/fail.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
UNIFIED = "/sys/fs/cgroup/unified"


def hybrid_host():
    return os.path.ismount(UNIFIED) and not os.path.exists("/sys/fs/cgroup/cgroup.controllers")


def enter_private_mount_ns():
    """Re-run this script in a mount namespace without /sys/fs/cgroup/unified."""
    if os.environ.get("RT_BENCH_UNSHARED"):
        subprocess.run(["umount", UNIFIED], check=True)
        return True
    env = dict(os.environ, RT_BENCH_UNSHARED="1")
    argv = ["unshare", "-m", "--propagation", "private", sys.executable] + sys.argv
    os.execvpe("unshare", argv, env)


def spawn(argv, devnull):
    """Run argv with its output discarded: (seconds, wait status, CPU seconds of it and the
    children it reaped).  posix_spawn: a vfork, so the time is the runtime's, not that of
    copying this process."""
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                       (os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, ru = os.wait4(pid, 0)
    return time.perf_counter() - t0, status, ru.ru_utime + ru.ru_stime


class Runtime:
    def __init__(self, name, binary, roots, pre=()):
        self.name = name
        self.bin = binary
        self.pre = list(pre)  # options before --root
        self.root = os.path.join(roots, name)
        # each its own: the id names the container's cgroups, which must not be shared
        self.sleeper = "rt-bench-sleeper-" + name
        self.times = {}
        self.rss = []
        self.conc = {}

    def cmd(self, *args):
        return [self.bin] + self.pre + ["--root", self.root] + list(args)

    def record(self, what, seconds):
        self.times.setdefault(what, []).append(seconds * 1000)


class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.bundle = os.path.join(work, "bundle")
        self.devnull = os.open(os.devnull, os.O_RDWR)
        self.seq = 0

    def make_bundle(self, rt):
        rootfs = os.path.join(self.bundle, "rootfs", "bin")
        os.makedirs(rootfs)
        shutil.copy("/bin/busybox", rootfs)
        for a in ("true", "sleep", "sh"):
            os.symlink("busybox", os.path.join(rootfs, a))
        subprocess.run([rt, "spec"], cwd=self.bundle, check=True)
        path = os.path.join(self.bundle, "config.json")
        with open(path) as f:
            cfg = json.load(f)
        # crun 1.8 refuses the spec version rt writes (1.3.0): runc's, which all three take
        cfg["ociVersion"] = "1.0.2-dev"
        cfg["process"]["terminal"] = False
        cfg["process"]["args"] = ["/bin/true"]
        if self.args.seccomp:
            with open(os.path.join(TOP, "tests/fixtures/docker-default-seccomp.json")) as f:
                cfg["linux"]["seccomp"] = json.load(f)
        with open(path, "w") as f:
            json.dump(cfg, f)
        sleeper = dict(cfg, process=dict(cfg["process"], args=["sleep", "100000"]),
                       root=dict(cfg["root"], path=os.path.join(self.bundle, "rootfs")))
        self.sleeper = os.path.join(self.work, "sleeper")
        os.makedirs(self.sleeper)
        with open(os.path.join(self.sleeper, "config.json"), "w") as f:
            json.dump(sleeper, f)

    def new_id(self, r):
        self.seq += 1
        return "rt-bench-%s-%d" % (r.name, self.seq)

    def ok(self, r, what, res):
        if not (os.WIFEXITED(res[1]) and os.WEXITSTATUS(res[1]) == 0):
            sys.exit("%s: %s failed (wait status %#x)" % (r.name, what, res[1]))
        return res

    def wait_stopped(self, r, cid):
        for _ in range(2000):
            out = subprocess.run(r.cmd("state", cid), capture_output=True, text=True)
            if '"stopped"' in out.stdout:
                return
            time.sleep(0.001)
        sys.exit("%s: %s never stopped" % (r.name, cid))

    def peak_rss(self, r):
        """The runtime's peak RSS in one `run`, in MiB. GNU time forks it from its own small
        process: a child spawned from Python would count Python's RSS as its own."""
        out = subprocess.run(["/usr/bin/time", "-f", "%M"] + r.cmd("run", "-b", self.bundle,
                                                                    self.new_id(r)),
                             stdout=self.devnull, stderr=subprocess.PIPE, text=True, check=True)
        return int(out.stderr.split()[-1]) / 1024

    def one_round(self, r):
        cid = self.new_id(r)
        res = self.ok(r, "run", spawn(r.cmd("run", "-b", self.bundle, cid), self.devnull))
        r.record("run", res[0])
        r.record("run CPU", res[2])
        r.rss.append(self.peak_rss(r))
        cid = self.new_id(r)
        r.record("create", self.ok(r, "create", spawn(r.cmd("create", "-b", self.bundle, cid),
                                                       self.devnull))[0])
        r.record("start", self.ok(r, "start", spawn(r.cmd("start", cid), self.devnull))[0])
        self.wait_stopped(r, cid)
        r.record("delete", self.ok(r, "delete", spawn(r.cmd("delete", cid), self.devnull))[0])
        r.record("exec", self.ok(r, "exec", spawn(r.cmd("exec", r.sleeper, "/bin/true"),
                                                   self.devnull))[0])

    def concurrent(self, r, n, c):
        ids = [self.new_id(r) for _ in range(n)]
        lock = threading.Lock()
        failed = []

        def worker():
            while True:
                with lock:
                    if not ids:
                        return
                    cid = ids.pop()
                res = spawn(r.cmd("run", "-b", self.bundle, cid), self.devnull)
                if res[1] != 0:
                    failed.append(cid)

        threads = [threading.Thread(target=worker) for _ in range(c)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failed:
            sys.exit("%s: %d of %d concurrent runs failed" % (r.name, len(failed), n))
        r.conc.setdefault((n, c), []).append((time.perf_counter() - t0) * 1000)

    def syscalls(self, r):
        """Syscalls of one `run`, the container's program left out from its execve on."""
        log = os.path.join(self.work, "strace-" + r.name)
        subprocess.run(["strace", "-f", "-qq", "-o", log] + r.cmd("run", "-b", self.bundle,
                                                                  self.new_id(r)),
                       stdout=self.devnull, stderr=self.devnull, check=True)
        count, gone = 0, set()
        # strace splits the line ("<unfinished ...>") when another process runs meanwhile
        exec_true = re.compile(r'^(\d+)\s+execve\("/bin/true".*(= 0|<unfinished \.\.\.>)')
        with open(log) as f:
            for line in f:
                pid = line.split(None, 1)[0]
                if pid in gone or "<... " in line or line.split(None, 2)[1].startswith(("---", "+++")):
                    continue
                count += 1
                if exec_true.match(line):
                    gone.add(pid)
        return count


def instructions(b, r):
    """Instructions of rt's own process in one `run` (callgrind), a figure that does not drift
    with load. rt runs from a read-only bind mount of its folder, so that it does not
    re-execute itself (valgrind does not follow that execveat); the init is a fork whose
    counts callgrind mixes with the parent's, so only the parent is counted."""
    if not shutil.which("valgrind"):
        return None
    out = os.path.join(b.work, "callgrind.out")
    ro = os.path.join(b.work, "rt-ro")
    os.makedirs(ro, exist_ok=True)
    script = 'mount --bind -o ro "$1" "$2" && shift 2 && exec "$@"'
    cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
           os.path.dirname(r.bin), ro, "valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           os.path.join(ro, os.path.basename(r.bin)), "--root", r.root, "run", "-b", b.bundle,
           b.new_id(r)]
    res = subprocess.run(cmd, stdout=b.devnull, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        print("callgrind: rt failed under valgrind: %s" % res.stderr.strip()[-300:], file=sys.stderr)
        return None
    with open(out) as f:
        for line in f:
            if line.startswith("summary:"):
                return int(line.split()[1])
    return None


def build(work, name, static=True):
    """bench/NAME.c, built into work (floor as a static binary, as rt is linked)."""
    out = os.path.join(work, name)
    cc = os.environ.get("CC", "cc")
    res = subprocess.run([cc, "-O2", "-Wall", "-Wextra"] + ["-static"] * static +
                         ["-o", out, os.path.join(HERE, name + ".c")], capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("bench.py: %s could not build bench/%s.c:\n%s" % (cc, name, res.stderr.strip()))
    return out


def single_stepped(b, runtimes):
    """User-space instructions of one `run` of each runtime (bench/icount.c single-steps it and
    every process it forks, until the container's busybox is exec'd); runc is left out: its
    Go threads would take hours."""
    icount = build(b.work, "icount", static=False)
    counts = {}
    for r in runtimes:
        if r.name == "runc":
            continue
        res = subprocess.run([icount, "-x", "busybox"] + r.cmd("run", "-b", b.bundle, b.new_id(r)),
                             stdout=b.devnull, stderr=subprocess.PIPE, text=True)
        m = re.search(r"^(\d+) instructions", res.stderr, re.M)
        if res.returncode != 0 or not m:
            print("icount: %s run failed: %s" % (r.name, res.stderr.strip()[-300:]), file=sys.stderr)
            continue
        counts[r.name] = int(m.group(1))
    return counts


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def ratio(a, b):
    return "%.2f" % (a / b) if b else "-"


def report(runtimes, args, wrapped, syscalls, ir, steps):
    names = [r.name for r in runtimes]
    peers = names[1:]
    print("rt bench: %d rounds, %s, load average %s" % (
        args.rounds, "Docker's seccomp profile" if args.seccomp else "default spec",
        " ".join(open("/proc/loadavg").read().split()[:3])))
    print("host: %s, %d CPUs, kernel %s%s" % (
        "cgroup v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "cgroup v1",
        os.cpu_count(), os.uname().release,
        "; hybrid host: every runtime ran in a private mount namespace without " + UNIFIED
        if wrapped else ""))
    head = "| path | " + " | ".join("%s median (p90)" % n for n in names) + " | " + \
        " | ".join("%s / %s" % (names[0], p) for p in peers) + " |"
    print(head)
    print("|" + "---|" * (1 + len(names) + len(peers)))
    rows = [(w, [r.times[w] for r in runtimes], "ms") for w in ("run", "run CPU", "create",
                                                                  "start", "delete", "exec")]
    rows.append(("peak RSS", [r.rss for r in runtimes], "MiB"))
    for (n, c) in sorted(runtimes[0].conc):
        rows.append(("%d runs at concurrency %d (wall)" % (n, c), [r.conc[(n, c)] for r in runtimes],
                     "ms"))
    medians = []
    for what, series, unit in rows:
        med = [statistics.median(s) for s in series]
        medians.append((what, med, unit))
        cells = ["%.2f %s (%.2f)" % (m, unit, pct(s, 90)) for m, s in zip(med, series)]
        print("| %s | %s | %s |" % (what, " | ".join(cells),
                                     " | ".join(ratio(med[0], m) for m in med[1:])))
    if syscalls:
        print("| syscalls per run | %s | %s |" % (
            " | ".join(str(syscalls[n]) for n in names),
            " | ".join(ratio(syscalls[names[0]], syscalls[p]) for p in peers)))
        medians.append(("syscalls per run", [syscalls[n] for n in names], ""))
    if "floor" in names:
        report_floor(names, medians)
    if steps:
        print("user-space instructions of one run, single-stepped (bench/icount.c): %s" % ", ".join(
            "%s %d" % (n, steps[n]) for n in names if n in steps))
    if steps and not ir:
        return
    print("instructions of one `rt run`: %s" % (
        "%d (callgrind, rt's own process)" % ir if ir else
        "not measured (perf has no PMU counters in a VM; valgrind 3.19 does not know openat2)"))


def report_floor(names, medians):
    """Each runtime's distance from the floor: the median minus the floor's, and the ratio."""
    f = names.index("floor")
    others = [i for i, n in enumerate(names) if i != f]
    print("distance from the floor (bench/floor.c: the same kernel work, nothing else):")
    print("| path | floor | " + " | ".join("%s - floor | %s / floor" % (names[i], names[i])
                                          for i in others) + " |")
    print("|" + "---|" * (2 + 2 * len(others)))
    for what, med, unit in medians:
        cells = []
        for i in others:
            cells += ["%+.2f" % (med[i] - med[f]) if unit else "%+d" % (med[i] - med[f]),
                      ratio(med[i], med[f])]
        print("| %s | %s | %s |" % (what, ("%.2f %s" % (med[f], unit)) if unit else med[f],
                                     " | ".join(cells)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=150)
    ap.add_argument("--rt", default=os.path.join(TOP, "build/src/rt"))
    ap.add_argument("--also", action="append", default=[], metavar="NAME=PATH",
                    help="another rt build to run beside the others (e.g. main's before a change)")
    ap.add_argument("--runtimes", default="rt,crun,runc")
    ap.add_argument("--concurrency", default="50x8,400x16", help="N runs at C, comma-separated")
    ap.add_argument("--concurrency-rounds", type=int, default=10)
    ap.add_argument("--seccomp", action="store_true")
    ap.add_argument("--icount", action="store_true",
                    help="count one run's user-space instructions by single-stepping (not runc)")
    ap.add_argument("--floor", action="store_true",
                    help="also time bench/floor.c (rt's kernel work alone) and print the distance from it")
    ap.add_argument("--floor-bare", action="store_true",
                    help="also time bench/floor.c without its re-exec from a read-only bind")
    ap.add_argument("--no-strace", action="store_true")
    ap.add_argument("--callgrind", action="store_true",
                    help="count one rt run's instructions (needs a valgrind that knows openat2)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench.py: run as root")
    if args.seccomp and (args.floor or args.floor_bare):
        sys.exit("bench.py: the floor loads no seccomp filter: --floor goes with the default spec only")
    if (args.floor or args.floor_bare) and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        sys.exit("bench.py: bench/floor.c follows rt's cgroup v1 path only; this host is cgroup v2")
    wrapped = hybrid_host() and enter_private_mount_ns()
    bins = {"rt": os.path.abspath(args.rt), "crun": shutil.which("crun"), "runc": shutil.which("runc")}
    for also in args.also:
        name, _, path = also.partition("=")
        bins[name] = os.path.abspath(path)
        args.runtimes += "," + name
    work = tempfile.mkdtemp(prefix="rt-bench-")
    pre = {}
    if args.floor or args.floor_bare:
        bins["floor"] = bins["floor-bare"] = build(work, "floor")
        pre["floor-bare"] = ["--no-reexec"]
        args.runtimes += ",floor" * args.floor + ",floor-bare" * args.floor_bare
    # the state roots where the runtimes keep them by default
    roots = tempfile.mkdtemp(prefix="rt-bench-", dir="/run" if os.path.isdir("/run") else None)
    runtimes = [Runtime(n, bins[n], roots, pre.get(n, ())) for n in args.runtimes.split(",")
                if bins.get(n)]
    b = Bench(args, work)
    try:
        b.make_bundle(runtimes[0].bin)
        for r in runtimes:
            b.ok(r, "run -d", spawn(r.cmd("run", "-d", "-b", b.sleeper, r.sleeper),
                                    b.devnull))
            for _ in range(3):
                b.one_round(r)
            r.times, r.rss = {}, []
        for i in range(args.rounds):
            k = i % len(runtimes)
            for r in runtimes[k:] + runtimes[:k]:
                b.one_round(r)
        specs = [tuple(int(x) for x in s.split("x")) for s in args.concurrency.split(",") if s]
        for i in range(args.concurrency_rounds):
            k = i % len(runtimes)
            for (n, c) in specs:
                for r in runtimes[k:] + runtimes[:k]:
                    b.concurrent(r, n, c)
        syscalls = None
        if not args.no_strace and shutil.which("strace"):
            syscalls = {r.name: b.syscalls(r) for r in runtimes}
        ir = instructions(b, runtimes[0]) if runtimes[0].name == "rt" and args.callgrind else None
        steps = single_stepped(b, runtimes) if args.icount else None
        report(runtimes, args, wrapped, syscalls, ir, steps)
    finally:
        for r in runtimes:
            subprocess.run(r.cmd("delete", "-f", r.sleeper), stdout=b.devnull,
                           stderr=b.devnull)
            for cid in os.listdir(r.root) if os.path.isdir(r.root) else []:
                subprocess.run(r.cmd("delete", "-f", cid), stdout=b.devnull, stderr=b.devnull)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(roots, ignore_errors=True)


if __name__ == "__main__":
    main()
