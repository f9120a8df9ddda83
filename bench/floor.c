/* SPDX-License-Identifier: GPL-2.0-or-later */
/* floor: the kernel work of rt's lifecycle paths and nothing else (issue #15).
 *
 *   floor [--root DIR] [--no-reexec] run [-d] -b BUNDLE ID | create -b BUNDLE ID | start ID
 *         | state ID | delete [-f] ID | exec ID PROGRAM [ARG...]
 *
 * The same command line as rt for what bench/bench.py runs, so that the benchmark times it as
 * one more runtime.  It is not a runtime: it does, for the default `rt spec` bundle on a
 * cgroup v1 host, the syscalls that leave a container in the state rt leaves it in, each once,
 * and no others.  From config.json it takes only process.args, process.env, root.path and
 * hostname; every other setting is the default spec's, written into the code below:
 *
 * - one clone with the five namespaces (mount, UTS, IPC, PID, network), lo brought up, the
 *   hostname, a session keyring;
 * - a cgroup per v1 hierarchy (beside this process's own, named by the id), cpuset.cpus and
 *   cpuset.mems copied from the parent, the default device rules (deny all, then the 12 the
 *   spec allows); the init joined to each, by its parent, while the init mounts;
 * - the rootfs bound recursively, /proc, a /dev tmpfs with devpts, shm and mqueue, the six
 *   device nodes and five links, a read-only sysfs, a read-only tmpfs at /sys/fs/cgroup with
 *   the container's cgroup of each hierarchy bound read-only below it, the masked and
 *   read-only paths, pivot_root, the root made read-only;
 * - setsid, RLIMIT_NOFILE, the bounding set dropped to the spec's three capabilities, the
 *   same three effective and permitted, no_new_privs, and the exec of the program;
 * - state as one small file per container under --root, written once with the init's pid and
 *   start time (the start time guards against a reused pid, as rt's does), and exec.fifo for
 *   create/start as rt has it.
 *
 * Mount points inside the rootfs are resolved with openat2(RESOLVE_IN_ROOT) and mounted on
 * through /proc/self/fd, as a runtime must against a hostile rootfs; inside the filesystems it
 * mounted itself the floor walks plain paths.  Like rt, it runs create, run and exec from a
 * read-only bind of its own binary (the CVE-2019-5736 guard); --no-reexec leaves that out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CG 16
#define MAX_ARGS 64
#define CG_ROOT "/sys/fs/cgroup"

extern char **environ;

enum mode {
    RUN,
    RUN_DETACHED,
    CREATE
};

struct container {
    const char *root;
    const char *id;
    char dir[4096];    /* ROOT/ID */
    char bundle[4096]; /* absolute */
    char rootfs[4096]; /* absolute */
    char hostname[256];
    char *args[MAX_ARGS];
    char *env[MAX_ARGS];
    char cg[MAX_CG][512];     /* the container's cgroup in each hierarchy */
    char cg_name[MAX_CG][64]; /* the hierarchy's folder under /sys/fs/cgroup */
    int ncg;
    pid_t pid;
    unsigned long long start_time;
};

/* What exists so far, for die() to remove: nothing is left behind on an error. */
static struct {
    struct container *c;
    bool dir;
    int cgroups;
    pid_t child;
    bool in_init;
} made;

static void undo(void);

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("floor: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (made.in_init)
        _exit(1);
    undo();
    exit(1);
}

#define die_errno(f, ...) die(f ": %s", ##__VA_ARGS__, strerror(errno))

/* snprintf into buf, or an error where it does not fit */
__attribute__((format(printf, 3, 4))) static char *fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(buf, size, f, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size)
        die("%.40s...: longer than %zu bytes", buf, size);
    return buf;
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_PATH | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

static const char *fd_path(char *buf, size_t size, int fd, const char *rest)
{
    fmt(buf, size, "/proc/self/fd/%d%s%s", fd, rest ? "/" : "", rest ? rest : "");
    return buf;
}

/* path's content, NUL-terminated; -1 where it does not exist and missing_ok. */
static ssize_t read_file_opt(const char *path, char *buf, size_t size, bool missing_ok)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && missing_ok)
        return -1;
    if (fd < 0)
        die_errno("open %s", path);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
        n += (size_t)r;
    if (r < 0)
        die_errno("read %s", path);
    buf[n] = 0;
    close(fd);
    return (ssize_t)n;
}

static void read_file(const char *path, char *buf, size_t size)
{
    read_file_opt(path, buf, size, false);
}

static void write_file(const char *path, const char *data)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, data, strlen(data)) < 0)
        die_errno("write %s", path);
    close(fd);
}

/* ---- config.json: the four values the floor honours ---- */

/* The JSON string at *p (after blanks and a colon or comma), unescaped into a new string. */
static char *json_string(char **p)
{
    char *s = *p + strspn(*p, " \t\r\n:,");
    if (*s != '"')
        return NULL;
    char *out = malloc(strlen(s)), *w = out;
    if (!out)
        die("out of memory");
    s++;
    for (; *s && *s != '"'; s++) {
        if (*s == '\\') {
            s++;
            if (!strchr("\"\\/", *s))
                die("config.json: the escape \\%c is more than the floor reads", *s);
        }
        *w++ = *s;
    }
    if (*s != '"')
        die("config.json: an unterminated string");
    *w = 0;
    *p = s + 1;
    return out;
}

static char *json_key(char *from, const char *key)
{
    char quoted[64];
    fmt(quoted, sizeof(quoted), "\"%s\"", key);
    char *k = strstr(from, quoted);
    return k ? k + strlen(quoted) : NULL;
}

static void json_strings(char *from, const char *key, char **out, const char *what)
{
    char *p = json_key(from, key);
    if (!p || *(p += strspn(p, " \t\r\n:")) != '[')
        die("config.json: no %s", what);
    p++;
    int n = 0;
    char *s;
    while ((s = json_string(&p))) {
        if (n == MAX_ARGS - 1)
            die("config.json: more than %d %s", MAX_ARGS - 1, what);
        out[n++] = s;
    }
    out[n] = NULL;
}

static void read_config(struct container *c, char *buf, size_t size)
{
    char path[4200];
    fmt(path, sizeof(path), "%s/config.json", c->bundle);
    read_file(path, buf, size);
    char *root = json_key(buf, "root"), *p = root ? json_key(root, "path") : NULL;
    char *rootfs = p ? json_string(&p) : NULL;
    char *host = json_key(buf, "hostname");
    if (host && (host = json_string(&host)))
        fmt(c->hostname, sizeof(c->hostname), "%s", host);
    if (!rootfs)
        die("config.json: no root.path");
    if (rootfs[0] == '/')
        fmt(c->rootfs, sizeof(c->rootfs), "%s", rootfs);
    else
        fmt(c->rootfs, sizeof(c->rootfs), "%s/%s", c->bundle, rootfs);
    char *proc = json_key(buf, "process");
    if (!proc)
        die("config.json: no process");
    json_strings(proc, "args", c->args, "process.args");
    json_strings(proc, "env", c->env, "process.env");
    if (!c->args[0])
        die("config.json: process.args is empty");
}

/* ---- cgroups (v1) ---- */

/* This process's cgroup in each v1 hierarchy, from /proc/self/cgroup: the container's is the
 * id below it, in the folder that the standard layout mounts the hierarchy on. */
static void cgroups_find(struct container *c)
{
    char buf[4096];
    read_file("/proc/self/cgroup", buf, sizeof(buf));
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        char *ctrl = strchr(line, ':'), *path = ctrl ? strchr(ctrl + 1, ':') : NULL;
        if (!path)
            die("/proc/self/cgroup: a line without two colons: %s", line);
        *path++ = 0;
        ctrl++;
        if (!*ctrl)
            continue; /* the v2 line of a hybrid host: not joined, as rt in bench.py's namespace */
        if (c->ncg == MAX_CG)
            die("more than %d cgroup hierarchies", MAX_CG);
        if (!strncmp(ctrl, "name=", 5))
            ctrl += 5;
        fmt(c->cg_name[c->ncg], sizeof(c->cg_name[0]), "%s", ctrl);
        fmt(c->cg[c->ncg], sizeof(c->cg[0]), CG_ROOT "/%s%s/%s", ctrl,
            strcmp(path, "/") ? path : "", c->id);
        c->ncg++;
    }
    if (!c->ncg)
        die("no cgroup v1 hierarchy: the floor follows rt's cgroup v1 path only");
}

static void cpuset_copy(const char *cg, const char *file)
{
    char parent[600], path[600], value[256];
    fmt(parent, sizeof(parent), "%.*s/%s", (int)(strrchr(cg, '/') - cg), cg, file);
    read_file(parent, value, sizeof(value));
    fmt(path, sizeof(path), "%s/%s", cg, file);
    write_file(path, value);
}

/* The default spec's devices: all denied, then the 12 that runc's and rt's list allows, one
 * rule per write on one open file. */
static void devices_allow(const char *cg)
{
    static const char *const allow[] = {
        "c *:* m",   "b *:* m",   "c 1:3 rwm", "c 1:8 rwm",   "c 1:7 rwm", "c 5:0 rwm",
        "c 1:5 rwm", "c 1:9 rwm", "c 5:1 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
    };
    char path[600];
    fmt(path, sizeof(path), "%s/devices.deny", cg);
    write_file(path, "a");
    fmt(path, sizeof(path), "%s/devices.allow", cg);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        die_errno("open %s", path);
    for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
        if (write(fd, allow[i], strlen(allow[i])) < 0)
            die_errno("write %s to %s", allow[i], path);
    close(fd);
}

static void cgroups_make(struct container *c)
{
    for (int i = 0; i < c->ncg; i++) {
        if (mkdir(c->cg[i], 0755) < 0)
            die_errno("mkdir %s", c->cg[i]);
        made.cgroups = i + 1;
        if (strstr(c->cg_name[i], "cpuset")) {
            cpuset_copy(c->cg[i], "cpuset.cpus");
            cpuset_copy(c->cg[i], "cpuset.mems");
        }
        if (strstr(c->cg_name[i], "devices"))
            devices_allow(c->cg[i]);
    }
}

static void cgroups_join(struct container *c, pid_t pid)
{
    char path[600], num[24];
    fmt(num, sizeof(num), "%d", pid);
    for (int i = 0; i < c->ncg; i++) {
        fmt(path, sizeof(path), "%s/cgroup.procs", c->cg[i]);
        write_file(path, num);
    }
}

static int cgroup_remove(const char *cg)
{
    /* a killed init may leave its cgroup busy for a moment: bounded wait, 2 s at most */
    for (int tries = 0; rmdir(cg) < 0; tries++) {
        if (errno == ENOENT)
            return 0;
        if (errno != EBUSY || tries == 200)
            return -1;
        usleep(10000);
    }
    return 0;
}

static void cgroups_remove(struct container *c, int n)
{
    for (int i = 0; i < n; i++)
        if (cgroup_remove(c->cg[i]) < 0)
            fprintf(stderr, "floor: rmdir %s: %s\n", c->cg[i], strerror(errno));
}

/* ---- state: one small file per container ---- */

static void state_write(struct container *c)
{
    char buf[MAX_CG * 520 + 8400];
    int n = snprintf(buf, sizeof(buf), "pid %d\nstart %llu\nbundle %s\n", c->pid, c->start_time,
                     c->bundle);
    for (int i = 0; i < c->ncg; i++)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, "cgroup %s\n", c->cg[i]);
    char path[4200];
    fmt(path, sizeof(path), "%s/state", c->dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, buf, (size_t)n) != n)
        die_errno("write %s", path);
    close(fd);
}

static void state_read(struct container *c)
{
    char buf[8192], path[4200];
    fmt(path, sizeof(path), "%s/state", c->dir);
    if (read_file_opt(path, buf, sizeof(buf), true) < 0)
        die("container %s does not exist", c->id);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "pid ", 4))
            c->pid = atoi(line + 4);
        else if (!strncmp(line, "start ", 6))
            c->start_time = strtoull(line + 6, NULL, 10);
        else if (!strncmp(line, "bundle ", 7))
            fmt(c->bundle, sizeof(c->bundle), "%s", line + 7);
        else if (!strncmp(line, "cgroup ", 7) && c->ncg < MAX_CG)
            fmt(c->cg[c->ncg++], sizeof(c->cg[0]), "%s", line + 7);
    }
}

/* Field 22 of /proc/PID/stat, and whether the process is a zombie; 0 when it is gone. */
static unsigned long long proc_start(pid_t pid, bool *zombie)
{
    char path[64], buf[1024];
    fmt(path, sizeof(path), "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    char *p = n > 0 ? (buf[n] = 0, strrchr(buf, ')')) : NULL;
    if (!p)
        return 0;
    *zombie = p[2] == 'Z' || p[2] == 'X';
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    return p ? strtoull(p + 1, NULL, 10) : 0;
}

static bool container_alive(struct container *c)
{
    bool zombie = false;
    return c->pid > 0 && proc_start(c->pid, &zombie) == c->start_time && !zombie;
}

/* ---- the init: namespaces are new, the parent joins it to the cgroups meanwhile ---- */

static void loopback_up(void)
{
    struct ifreq ifr = {.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING};
    strcpy(ifr.ifr_name, "lo");
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        die_errno("bring lo up");
    close(s);
}

static int mount_point(int rootfd, const char *name)
{
    int fd = openat2_in_root(rootfd, name, O_DIRECTORY);
    if (fd < 0 && errno == ENOENT) {
        if (mkdirat(rootfd, name, 0755) < 0)
            die_errno("mkdir /%s in the rootfs", name);
        fd = openat2_in_root(rootfd, name, O_DIRECTORY);
    }
    if (fd < 0)
        die_errno("open /%s in the rootfs", name);
    return fd;
}

static void mount_on(const char *src, int fd, const char *rest, const char *type,
                     unsigned long flags, const char *data)
{
    char path[4200];
    if (mount(src, fd_path(path, sizeof(path), fd, rest), type, flags, data) < 0)
        die_errno("mount %s on %s", src ? src : type, path);
}

/* A new filesystem on /NAME of the rootfs: the fd of its root. */
static int mount_new(int rootfd, const char *name, const char *type, unsigned long flags,
                     const char *data)
{
    int fd = mount_point(rootfd, name);
    mount_on(type, fd, NULL, type, flags, data);
    close(fd);
    fd = openat2_in_root(rootfd, name, O_DIRECTORY);
    if (fd < 0)
        die_errno("open /%s", name);
    return fd;
}

static void mount_dev(int rootfd)
{
    static const struct {
        const char *name;
        unsigned major, minor;
    } nodes[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                 {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
    static const char *const links[][2] = {{"/proc/self/fd", "fd"},
                                           {"/proc/self/fd/0", "stdin"},
                                           {"/proc/self/fd/1", "stdout"},
                                           {"/proc/self/fd/2", "stderr"},
                                           {"pts/ptmx", "ptmx"}};
    int dev = mount_new(rootfd, "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
    if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 0755) < 0 ||
        mkdirat(dev, "mqueue", 0755) < 0)
        die_errno("mkdir in /dev");
    mount_on("devpts", dev, "pts", "devpts", MS_NOSUID | MS_NOEXEC,
             "newinstance,ptmxmode=0666,mode=0620,gid=5");
    mount_on("shm", dev, "shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k");
    mount_on("mqueue", dev, "mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
        if (mknodat(dev, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)))
            die_errno("mknod /dev/%s", nodes[i].name);
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (symlinkat(links[i][0], dev, links[i][1]) < 0)
            die_errno("symlink /dev/%s", links[i][1]);
}

/* A read-only tmpfs at /sys/fs/cgroup, the container's cgroup of each hierarchy bound
 * read-only below it, as runc and rt mount the spec's "cgroup" on v1. */
static void mount_cgroups(struct container *c, int sys)
{
    const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    char path[4200];
    mount_on("tmpfs", sys, "fs/cgroup", "tmpfs", flags, "mode=755");
    int cg = openat(sys, "fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0)
        die_errno("open /sys/fs/cgroup");
    for (int i = 0; i < c->ncg; i++) {
        if (mkdirat(cg, c->cg_name[i], 0755) < 0)
            die_errno("mkdir /sys/fs/cgroup/%s", c->cg_name[i]);
        mount_on(c->cg[i], cg, c->cg_name[i], NULL, MS_BIND, NULL);
        mount_on(NULL, cg, c->cg_name[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL);
    }
    if (mount(NULL, fd_path(path, sizeof(path), cg, NULL), NULL,
              MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL) < 0)
        die_errno("make /sys/fs/cgroup read-only");
}

/* maskedPaths and readonlyPaths of the default spec, below the proc and sysfs the floor
 * mounted itself; a path that this kernel does not have is skipped, as rt skips it. */
static void mask_paths(int proc, int sys)
{
    static const char *const dirs[] = {"acpi", "asound", "scsi"};
    static const char *const files[] = {"kcore",      "keys",        "latency_stats",
                                        "timer_list", "timer_stats", "sched_debug"};
    static const char *const readonly[] = {"bus", "fs", "irq", "sys", "sysrq-trigger"};
    char path[4200];
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (mount("tmpfs", fd_path(path, sizeof(path), proc, dirs[i]), "tmpfs", MS_RDONLY, NULL) &&
            errno != ENOENT)
            die_errno("mask %s", path);
    if (mount("tmpfs", fd_path(path, sizeof(path), sys, "firmware"), "tmpfs", MS_RDONLY, NULL) &&
        errno != ENOENT)
        die_errno("mask %s", path);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if (mount("/dev/null", fd_path(path, sizeof(path), proc, files[i]), NULL, MS_BIND, NULL) &&
            errno != ENOENT)
            die_errno("mask %s", path);
    for (size_t i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++) {
        fd_path(path, sizeof(path), proc, readonly[i]);
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
            if (errno == ENOENT)
                continue;
            die_errno("bind %s", path);
        }
        if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
            die_errno("make %s read-only", path);
    }
}

static void setup_rootfs(struct container *c)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
        mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        die_errno("bind the rootfs %s", c->rootfs);
    int root = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        die_errno("open %s", c->rootfs);
    int proc = mount_new(root, "proc", "proc", 0, NULL);
    mount_dev(root);
    int sys = mount_new(root, "sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
    mount_cgroups(c, sys);
    mask_paths(proc, sys);
    if (fchdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0)
        die_errno("pivot_root to %s", c->rootfs);
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
        die_errno("make the rootfs read-only");
}

/* The spec's capabilities: CAP_AUDIT_WRITE, CAP_KILL and CAP_NET_BIND_SERVICE in the
 * bounding, effective and permitted sets, none inheritable; uid and gid 0, no extra groups. */
static void drop_privileges(void)
{
    const unsigned keep = 1u << CAP_AUDIT_WRITE | 1u << CAP_KILL | 1u << CAP_NET_BIND_SERVICE;
    for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
        if (!(cap < 32 && keep & 1u << cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            die_errno("drop capability %d", cap);
    if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        die_errno("set the user");
    struct __user_cap_header_struct head = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct data[2] = {{.effective = keep, .permitted = keep}};
    if (syscall(SYS_capset, &head, data) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die_errno("set the capabilities");
}

/* The program as execve will take it: a name without a slash is looked up in /bin, then
 * /usr/bin, the dirs of the default PATH that busybox uses. */
static const char *program(char **args, char *buf, size_t size)
{
    if (strchr(args[0], '/')) {
        if (access(args[0], X_OK) < 0)
            die_errno("exec %s", args[0]);
        return args[0];
    }
    static const char *const dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                       "/usr/bin",        "/sbin",          "/bin"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        fmt(buf, size, "%s/%s", dirs[i], args[0]);
        if (access(buf, X_OK) == 0)
            return buf;
    }
    die("exec %s: not found in PATH", args[0]);
    return NULL;
}

static void wait_byte(int fd, const char *fail)
{
    char b;
    if (read(fd, &b, 1) != 1)
        die("%s", fail);
}

static void run_program(char **args, char **env, const char *path)
{
    umask(022);
    execve(path, args, env);
    die_errno("exec %s", path);
}

static void init_main(struct container *c, enum mode mode, int sync, int fifo)
{
    made.in_init = true;
    /* only stdio goes into the container, as with rt: what the caller leaked stays out */
    syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC);
    loopback_up();
    if (c->hostname[0] && sethostname(c->hostname, strlen(c->hostname)) < 0)
        die_errno("sethostname");
    char ring[300];
    fmt(ring, sizeof(ring), "_ses.%s", c->id);
    if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, ring) < 0)
        die_errno("join a session keyring");
    setup_rootfs(c);
    if (setsid() < 0 || setrlimit(RLIMIT_NOFILE, &(struct rlimit){1024, 1024}) < 0)
        die_errno("setsid, RLIMIT_NOFILE");
    drop_privileges();
    char buf[4200];
    const char *path = program(c->args, buf, sizeof(buf));
    if (mode == CREATE) {
        if (send(sync, "r", 1, MSG_NOSIGNAL) != 1)
            die_errno("tell create we are ready");
        wait_byte(fifo, "exec.fifo closed before start");
    } else {
        wait_byte(sync, "the runtime went away before the cgroups were joined");
    }
    run_program(c->args, c->env, path);
}

/* ---- the commands ---- */

static const char *const default_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", "HOME=/root",
    NULL};

/* Run from a read-only bind of our own binary, as rt does (CVE-2019-5736): the container can
 * then not write the binary through /proc/PID/exe. */
static void reexec(char **argv)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct statfs fs;
    if (fd < 0 || fstatfs(fd, &fs) < 0)
        die_errno("/proc/self/exe");
    if (fs.f_flags & ST_RDONLY) {
        close(fd);
        return;
    }
    int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
    if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
        die_errno("a read-only bind of /proc/self/exe");
    syscall(SYS_execveat, tree, "", argv, environ, AT_EMPTY_PATH);
    die_errno("re-exec from a read-only bind");
}

static void check_id(const char *id)
{
    if (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))
        die("invalid container id '%s'", id);
}

static void container_at(struct container *c, const char *root, const char *id)
{
    check_id(id);
    c->root = root;
    c->id = id;
    fmt(c->dir, sizeof(c->dir), "%s/%s", root, id);
}

static void state_dir_make(struct container *c)
{
    if (mkdir(c->root, 0700) < 0 && errno != EEXIST)
        die_errno("mkdir %s", c->root);
    if (mkdir(c->dir, 0711) < 0)
        die(errno == EEXIST ? "container %s exists" : "mkdir %s", c->id);
    made.dir = true;
}

static void container_remove(struct container *c)
{
    char path[4200];
    cgroups_remove(c, c->ncg);
    fmt(path, sizeof(path), "%s/state", c->dir);
    unlink(path);
    if (rmdir(c->dir) < 0 && errno == ENOTEMPTY) {
        fmt(path, sizeof(path), "%s/exec.fifo", c->dir);
        unlink(path);
        rmdir(c->dir);
    }
}

static void undo(void)
{
    if (made.child > 0) {
        kill(made.child, SIGKILL);
        waitpid(made.child, NULL, 0);
    }
    if (made.c) {
        cgroups_remove(made.c, made.cgroups);
        made.c->ncg = 0;
        if (made.dir)
            container_remove(made.c);
    }
}

static int exit_code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_create(struct container *c, enum mode mode)
{
    static char config[65536];
    made.c = c;
    read_config(c, config, sizeof(config));
    cgroups_find(c);
    umask(0); /* the modes below are the spec's exactly; the program gets 022 back */
    state_dir_make(c);
    cgroups_make(c);
    int fifo = -1, sync[2];
    char path[4200];
    if (mode == CREATE) {
        fmt(path, sizeof(path), "%s/exec.fifo", c->dir);
        if (mknod(path, S_IFIFO | 0622, 0) < 0 || (fifo = open(path, O_RDWR | O_CLOEXEC)) < 0)
            die_errno("make %s", path);
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
        die_errno("socketpair");
    const long flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET;
    pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
    if (pid < 0)
        die_errno("clone");
    if (pid == 0) {
        close(sync[0]);
        init_main(c, mode, sync[1], fifo);
    }
    made.child = c->pid = pid;
    close(sync[1]);
    if (fifo >= 0)
        close(fifo);
    bool zombie;
    c->start_time = proc_start(pid, &zombie);
    state_write(c);
    cgroups_join(c, pid);
    if (mode == CREATE) {
        wait_byte(sync[0], "the container's init failed");
        return 0;
    }
    send(sync[0], "g", 1, MSG_NOSIGNAL);
    if (mode == RUN_DETACHED)
        return 0;
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die_errno("wait for the container");
    made.child = 0;
    container_remove(c);
    return exit_code(status);
}

static int cmd_start(struct container *c)
{
    char path[4200];
    fmt(path, sizeof(path), "%s/exec.fifo", c->dir);
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && access(c->dir, F_OK) < 0)
        die("container %s does not exist", c->id);
    if (fd < 0)
        die("container %s is not created (%s)", c->id, strerror(errno));
    if (write(fd, "0", 1) != 1)
        die_errno("write %s", path);
    /* POLLERR once the init has closed its end: it has exec'd the program (or died) */
    struct pollfd p = {.fd = fd};
    if (poll(&p, 1, 10000) != 1)
        die("container %s: its init did not exec in 10 s", c->id);
    unlink(path);
    return 0;
}

static const char *status_of(struct container *c)
{
    char path[4200];
    if (!container_alive(c))
        return "stopped";
    fmt(path, sizeof(path), "%s/exec.fifo", c->dir);
    return access(path, F_OK) == 0 ? "created" : "running";
}

static int cmd_state(struct container *c)
{
    state_read(c);
    printf("{\"ociVersion\":\"1.0.2\",\"id\":\"%s\",\"status\":\"%s\",\"pid\":%d,"
           "\"bundle\":\"%s\"}\n",
           c->id, status_of(c), c->pid, c->bundle);
    return 0;
}

static void kill_init(struct container *c)
{
    int pidfd = pidfd_open(c->pid, 0);
    if (pidfd < 0 || !container_alive(c))
        return;
    if (pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0)
        die_errno("kill the init of %s", c->id);
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    if (poll(&p, 1, 10000) != 1)
        die("container %s: its init did not die in 10 s", c->id);
    close(pidfd);
}

static int cmd_delete(struct container *c, bool force)
{
    state_read(c);
    if (container_alive(c)) {
        if (!force)
            die("container %s is not stopped", c->id);
        kill_init(c);
    }
    container_remove(c);
    return 0;
}

/* exec: the new process in the init's namespaces (one setns of a pidfd; the pid namespace
 * through our own pid_ns_for_children, so that one fork suffices) and cgroups. */
static int cmd_exec(struct container *c, char **args)
{
    state_read(c);
    int pidfd = pidfd_open(c->pid, 0);
    if (pidfd < 0 || !container_alive(c))
        die("container %s is not running", c->id);
    int sync[2];
    if (setns(pidfd, CLONE_NEWPID) < 0 ||
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync))
        die_errno("join the pid namespace of %s", c->id);
    pid_t pid = fork();
    if (pid < 0)
        die_errno("fork");
    if (pid == 0) {
        made.in_init = true;
        syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC);
        if (setns(pidfd, CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET) < 0)
            die_errno("join the namespaces of %s", c->id);
        if (setsid() < 0 || setrlimit(RLIMIT_NOFILE, &(struct rlimit){1024, 1024}) < 0)
            die_errno("setsid, RLIMIT_NOFILE");
        drop_privileges();
        char buf[4200];
        const char *path = program(args, buf, sizeof(buf));
        wait_byte(sync[1], "the runtime went away before the cgroups were joined");
        run_program(args, (char **)default_env, path);
    }
    close(sync[1]);
    made.child = pid;
    cgroups_join(c, pid);
    send(sync[0], "g", 1, MSG_NOSIGNAL);
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die_errno("wait for the process");
    return exit_code(status);
}

__attribute__((noreturn)) static void usage(void)
{
    die("usage: floor [--root DIR] [--no-reexec] run [-d] -b BUNDLE ID | create -b BUNDLE ID | "
        "start ID | state ID | delete [-f] ID | exec ID PROGRAM [ARG...]");
}

/* -b BUNDLE (or --bundle), -d, -f and the id, in any order. */
static const char *parse(int argc, char **argv, struct container *c, bool *flag)
{
    const char *id = NULL, *bundle = ".";
    for (int i = 0; i < argc; i++) {
        if ((!strcmp(argv[i], "-b") || !strcmp(argv[i], "--bundle")) && i + 1 < argc)
            bundle = argv[++i];
        else if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "-f") || !strcmp(argv[i], "--detach") ||
                 !strcmp(argv[i], "--force"))
            *flag = true;
        else if (argv[i][0] != '-' && !id)
            id = argv[i];
        else
            usage();
    }
    if (!id)
        usage();
    if (bundle[0] == '/')
        fmt(c->bundle, sizeof(c->bundle), "%s", bundle);
    else if (!realpath(bundle, c->bundle))
        die_errno("bundle %s", bundle);
    return id;
}

int main(int argc, char **argv)
{
    static struct container c;
    const char *root = "/run/floor";
    bool reexec_ok = true;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--root") && i + 1 < argc)
            root = argv[++i];
        else if (!strcmp(argv[i], "--no-reexec"))
            reexec_ok = false;
        else
            usage();
    }
    if (i == argc)
        usage();
    const char *cmd = argv[i++];
    bool flag = false;
    if (!strcmp(cmd, "exec")) {
        if (argc - i < 2)
            usage();
        if (reexec_ok)
            reexec(argv);
        container_at(&c, root, argv[i]);
        return cmd_exec(&c, argv + i + 1);
    }
    bool creates = !strcmp(cmd, "run") || !strcmp(cmd, "create");
    if (creates && reexec_ok)
        reexec(argv);
    const char *id = parse(argc - i, argv + i, &c, &flag);
    container_at(&c, root, id);
    if (!strcmp(cmd, "run"))
        return cmd_create(&c, flag ? RUN_DETACHED : RUN);
    if (!strcmp(cmd, "create") && !flag)
        return cmd_create(&c, CREATE);
    if (!strcmp(cmd, "start") && !flag)
        return cmd_start(&c);
    if (!strcmp(cmd, "state") && !flag)
        return cmd_state(&c);
    if (!strcmp(cmd, "delete"))
        return cmd_delete(&c, flag);
    usage();
}
