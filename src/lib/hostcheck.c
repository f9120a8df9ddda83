/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `rt check`: one probe per feature rt uses or refuses without.  What needs a
 * system call to be tried (a namespace, a detached mount, clone3) is tried in
 * a child that exits at once: its namespaces, mounts and fds go with it. */
#include "hostcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup/internal.h"
#include "lsm.h"
#include "mountapi.h"
#include "seccomp_filter.h"
#include "util/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* How long a probe child (or criu --version) may take. */
#define PROBE_MS 10000

const char *hc_state_name(hc_state s)
{
    return s == HC_OK ? "ok" : s == HC_PARTIAL ? "partial" : "missing";
}

void hc_result_free(hc_result *r)
{
    free(r->detail);
    r->detail = NULL;
}

static hc_result result(const char *name, hc_state s, const char *rt_does, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static hc_result result(const char *name, hc_state s, const char *rt_does, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *detail = NULL;
    if (vasprintf(&detail, fmt, ap) < 0)
        detail = NULL;
    va_end(ap);
    return (hc_result){.name = name, .state = s, .detail = detail, .rt_does = rt_does};
}

/* --- helpers ---------------------------------------------------------------------------------- */

/* Run fn in a child and return what it returns (0, or an errno value), or
 * -1 when the child could not run or died. */
static int in_child(int (*fn)(void), int timeout_ms)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        _exit(fn() & 0xff);
    int ws = child_wait_deadline(pid, timeout_ms);
    return ws >= 0 && WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

static const char *child_error(int e)
{
    return e < 0 ? "the probe process died" : strerror(e);
}

/* In a child that is not root: a user namespace of its own where it is, so
 * that it can try what rt's rootless containers do there. */
static int enter_own_userns(void)
{
    char map[64];
    int n = snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)geteuid());
    char gmap[64];
    int gn = snprintf(gmap, sizeof(gmap), "0 %u 1\n", (unsigned)getegid());
    if (unshare(CLONE_NEWUSER) < 0 ||
        write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny", 4, NULL) < 0 ||
        write_file_at(AT_FDCWD, "/proc/self/uid_map", map, (size_t)n, NULL) < 0 ||
        write_file_at(AT_FDCWD, "/proc/self/gid_map", gmap, (size_t)gn, NULL) < 0)
        return -1;
    return 0;
}

/* A one-line file of /proc or /sys without its newline; NULL when absent. */
static char *read_line(const char *path)
{
    char *s = NULL;
    if (read_file_at(AT_FDCWD, path, &s, NULL, NULL) < 0)
        return NULL;
    s[strcspn(s, "\n")] = '\0';
    return s;
}

/* prog itself when it has a slash, else the first executable in PATH. */
static char *find_program(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
    const char *path = getenv("PATH");
    return path ? search_path(path, prog) : NULL;
}

/* Whether w is one of the words of list (separated by spaces or newlines). */
static bool in_list(const char *list, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = list ? strstr(list, w) : NULL; p; p = strstr(p + 1, w)) {
        bool starts = p == list || p[-1] == ' ' || p[-1] == '\n';
        bool ends = p[wl] == '\0' || p[wl] == ' ' || p[wl] == '\n';
        if (starts && ends)
            return true;
    }
    return false;
}

/* Append a word (and, if why, " (why)") to a space-separated list. */
static void list_add(char **list, const char *w, const char *why)
{
    char *n = xasprintf("%s%s%s%s%s%s", *list ? *list : "", *list ? (why ? ", " : " ") : "", w,
                        why ? " (" : "", why ? why : "", why ? ")" : "");
    free(*list);
    *list = n;
}

/* --- cgroups ---------------------------------------------------------------------------------- */

#define NO_CGROUP "create fails (no cgroup hierarchy to put the container in)"

hc_result hostcheck_cgroup_mode(void)
{
    cg_host host;
    cleanup_error rt_error *e = NULL;
    if (cg_host_load(&host, &e) < 0)
        return result("cgroup", HC_MISSING, NO_CGROUP, "%s", e->msg);
    const cg_hier *v2 = cg_host_find(&host, NULL);
    hc_result r;
    if (host.unified)
        r = result("cgroup", HC_OK, NO_CGROUP, "v2 (cgroup2 at %s)", v2->mountpoint);
    else if (v2)
        r = result("cgroup", HC_OK, NO_CGROUP,
                   "hybrid (v1 controllers and cgroup2 at %s; rt uses its v1 driver)",
                   v2->mountpoint);
    else
        r = result("cgroup", HC_OK, NO_CGROUP, "v1 (%zu hierarchies)", host.n);
    cg_host_free(&host);
    return r;
}

/* Where rt puts a container with the default cgroupsPath: cgroup_resolve's
 * directory for it in each hierarchy of host (same order), less the id. */
static char **container_parents(const cg_host *host)
{
    oci_config cfg = {0};
    cgroup_paths cg = {0};
    if (cgroup_resolve(&cfg, "rt-check", false, &cg, NULL) < 0 || cg.len != host->n) {
        cgroup_paths_free(&cg);
        return NULL;
    }
    for (size_t i = 0; i < cg.len; i++)
        *strrchr(cg.dirs[i], '/') = '\0';
    return cg.dirs;
}

typedef struct ctrl_report {
    char *usable;
    char *unusable;
    bool unwritable; /* rt cannot make the container's directory somewhere */
} ctrl_report;

/* v1: a controller is usable when rt can make the container's directory in
 * its hierarchy. */
static void v1_controllers(const cg_host *host, char **parents, ctrl_report *out)
{
    for (size_t i = 0; i < host->n; i++) {
        const char *ctrls = host->h[i].controllers;
        if (!*ctrls || !strncmp(ctrls, "name=", 5))
            continue;
        bool ok = access(parents[i], W_OK) == 0;
        cleanup_free char *why = ok ? NULL : xasprintf("%s: %s", parents[i], strerror(errno));
        out->unwritable = out->unwritable || !ok;
        cleanup_free char *copy = xstrdup(ctrls);
        char *save = NULL;
        for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
            list_add(ok ? &out->usable : &out->unusable, c, why);
    }
    /* The kernel's controllers that no v1 hierarchy has. */
    cleanup_fclose FILE *f = fopen("/proc/cgroups", "re");
    char *line = NULL;
    size_t cap = 0;
    while (f && getline(&line, &cap, f) > 0) {
        char name[64];
        int hier, enabled;
        if (line[0] != '#' && sscanf(line, "%63s %d %*d %d", name, &hier, &enabled) == 3 &&
            enabled && !cg_host_find(host, name))
            list_add(&out->unusable, name, "no v1 hierarchy");
    }
    free(line);
}

/* v2: why rt could not hand ctrl down from dir to its children, or NULL.  rt
 * enables it (cgroup/v2.c: v2_setup) where dir has it, holds no process and
 * lets us write its subtree_control.  Below the top, dir has it once its
 * parent hands it down: only the top is asked (top). */
static char *v2_blocked_at(const char *dir, const char *ctrl, bool top)
{
    cleanup_free char *avail = NULL, *on = NULL;
    cg_read(dir, "cgroup.controllers", &avail);
    cg_read(dir, "cgroup.subtree_control", &on);
    if (in_list(on, ctrl))
        return NULL;
    if (top && !in_list(avail, ctrl))
        return xasprintf("%s does not have it", dir);
    if (v2_holds_processes(dir))
        return xasprintf("%s holds processes", dir);
    cleanup_free char *sc = xasprintf("%s/cgroup.subtree_control", dir);
    if (access(sc, W_OK) < 0)
        return xasprintf("%s: %s", sc, strerror(errno));
    return NULL;
}

/* v2: why a child of parent could not have ctrl: the first ancestor, from the
 * hierarchy's top down to parent, that cannot hand it down; or NULL. */
static char *v2_blocked(const char *mountpoint, const char *parent, const char *ctrl)
{
    cleanup_free char *p = xstrdup(parent);
    for (char *end = p + strlen(mountpoint);;) {
        char saved = *end;
        *end = '\0';
        char *why = v2_blocked_at(p, ctrl, !strcmp(p, mountpoint));
        *end = saved;
        if (why || !saved)
            return why;
        end = strchr(end + 1, '/');
        if (!end)
            end = p + strlen(p);
    }
}

static void v2_controllers(const cg_hier *h, const char *parent, ctrl_report *out)
{
    cleanup_free char *avail = NULL;
    cg_read(h->mountpoint, "cgroup.controllers", &avail);
    cleanup_free char *unwritable =
        access(parent, W_OK) < 0 ? xasprintf("%s: %s", parent, strerror(errno)) : NULL;
    out->unwritable = unwritable != NULL;
    char *save = NULL;
    for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
        cleanup_free char *why =
            unwritable ? xstrdup(unwritable) : v2_blocked(h->mountpoint, parent, c);
        list_add(why ? &out->unusable : &out->usable, c, why);
    }
}

hc_result hostcheck_cgroup_controllers(void)
{
    const char *name = "cgroup-controllers";
    cg_host host;
    cleanup_error rt_error *e = NULL;
    if (cg_host_load(&host, &e) < 0)
        return result(name, HC_MISSING, NO_CGROUP, "%s", e->msg);
    char **parents = container_parents(&host);
    ctrl_report rep = {0};
    if (parents && host.unified)
        v2_controllers(cg_host_find(&host, NULL), parents[0], &rep);
    else if (parents)
        v1_controllers(&host, parents, &rep);
    hc_state s = !rep.usable ? HC_MISSING : rep.unusable ? HC_PARTIAL : HC_OK;
    const char *does = rep.unwritable ? "create fails as root; as non-root the container runs "
                                        "without cgroups unless it sets limits"
                                      : "a limit on an unusable controller fails create";
    hc_result r = result(name, s, does, "usable: %s; unusable: %s",
                         rep.usable ? rep.usable : "none", rep.unusable ? rep.unusable : "none");
    for (size_t i = 0; parents && i < host.n; i++)
        free(parents[i]);
    free(parents);
    free(rep.usable);
    free(rep.unusable);
    cg_host_free(&host);
    return r;
}

/* --- LSMs ------------------------------------------------------------------------------------- */

static hc_result lsm_result(const char *name, bool built, bool on, const char *does)
{
    if (!built)
        return result(name, HC_MISSING, does, "rt was built without lib%s", name);
    return result(name, on ? HC_OK : HC_MISSING, does, on ? "enabled" : "not enabled");
}

hc_result hostcheck_apparmor(void)
{
    return lsm_result("apparmor", lsm_apparmor_supported(), apparmor_on_host(),
                      "rt refuses process.apparmorProfile");
}

hc_result hostcheck_selinux(void)
{
    return lsm_result(
        "selinux", lsm_selinux_supported(), selinux_on_host(),
        "rt refuses process.selinuxLabel; linux.mountLabel is ignored with a warning");
}

/* --- seccomp ---------------------------------------------------------------------------------- */

/* The names of /proc/sys/kernel/seccomp/actions_avail. */
static const struct {
    const char *name;
    uint32_t action;
} seccomp_actions[] = {
    {"kill_process", SECCOMP_RET_KILL_PROCESS},
    {"kill_thread", SECCOMP_RET_KILL_THREAD},
    {"trap", SECCOMP_RET_TRAP},
    {"errno", SECCOMP_RET_ERRNO},
    {"user_notif", SECCOMP_RET_USER_NOTIF},
    {"trace", SECCOMP_RET_TRACE},
    {"log", SECCOMP_RET_LOG},
    {"allow", SECCOMP_RET_ALLOW},
};

static bool seccomp_action_avail(uint32_t action)
{
    return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

#define NO_SECCOMP "create fails for any linux.seccomp"
#define NO_NOTIFY "a profile using SCMP_ACT_NOTIFY fails create"

hc_result hostcheck_seccomp(void)
{
    const char *name = "seccomp";
    if (!seccomp_feature_enabled())
        return result(name, HC_MISSING, NO_SECCOMP, "rt was built without libseccomp");
    if (!seccomp_action_avail(SECCOMP_RET_ALLOW))
        return result(name, HC_MISSING, NO_SECCOMP, "seccomp(SECCOMP_GET_ACTION_AVAIL): %s",
                      strerror(errno));
    cleanup_free char *actions = NULL;
    for (size_t i = 0; i < sizeof(seccomp_actions) / sizeof(*seccomp_actions); i++)
        if (seccomp_action_avail(seccomp_actions[i].action))
            list_add(&actions, seccomp_actions[i].name, NULL);
    const char *flags[8];
    size_t nflags = seccomp_feature_supported_flags(flags);
    cleanup_free char *flag_list = NULL;
    for (size_t i = 0; i < nflags; i++)
        list_add(&flag_list, flags[i], NULL);
    struct seccomp_notif_sizes sizes;
    int sizes_err = syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0 ? errno : 0;
    bool notify = !sizes_err && seccomp_action_avail(SECCOMP_RET_USER_NOTIF);
    cleanup_free char *why = sizes_err
                                 ? xasprintf("SECCOMP_GET_NOTIF_SIZES: %s", strerror(sizes_err))
                                 : xstrdup("no user_notif action");
    return result(name, notify ? HC_OK : HC_PARTIAL, notify ? NO_SECCOMP : NO_NOTIFY,
                  "actions: %s; notify: %s; flags: %s", actions, notify ? "yes" : why,
                  flag_list ? flag_list : "none");
}

/* --- user namespaces and subordinate ids ------------------------------------------------------ */

static int probe_userns(void)
{
    return unshare(CLONE_NEWUSER) < 0 ? errno : 0;
}

/* The sysctls that limit user namespaces, those the host has. */
static char *userns_sysctls(void)
{
    static const char *const files[] = {
        "/proc/sys/user/max_user_namespaces",
        "/proc/sys/kernel/unprivileged_userns_clone",
        "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
    };
    char *out = NULL;
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        cleanup_free char *v = read_line(files[i]);
        if (!v)
            continue;
        cleanup_free char *kv = xasprintf("%s=%s", strrchr(files[i], '/') + 1, v);
        list_add(&out, kv, NULL);
    }
    return out;
}

/* Whether a sysctl the host has says no (reads "0"). */
static bool sysctl_is_zero(const char *path)
{
    cleanup_free char *v = read_line(path);
    return v && !strcmp(v, "0");
}

hc_result hostcheck_userns(void)
{
    const char *does = "create fails for a new user namespace (no rootless containers)";
    cleanup_free char *sysctls = userns_sysctls();
    int e = in_child(probe_userns, PROBE_MS);
    /* A sysctl that says no counts as much as the probe. */
    bool refused = sysctl_is_zero("/proc/sys/user/max_user_namespaces") ||
                   (geteuid() != 0 && sysctl_is_zero("/proc/sys/kernel/unprivileged_userns_clone"));
    return result("userns", e || refused ? HC_MISSING : HC_OK, does,
                  "unshare(CLONE_NEWUSER) as uid %u: %s; %s", (unsigned)geteuid(),
                  e ? child_error(e) : "works", sysctls ? sysctls : "no limiting sysctl");
}

/* The ranges of user (by name or number) in file ("start:count" words). */
static char *subid_ranges(const char *file, const char *user, unsigned id)
{
    cleanup_fclose FILE *f = fopen(file, "re");
    char *out = NULL, *line = NULL;
    size_t cap = 0;
    char num[16];
    snprintf(num, sizeof(num), "%u", id);
    while (f && getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *colon = strchr(line, ':');
        if (!colon || line[0] == '#')
            continue;
        *colon = '\0';
        if (!strcmp(line, num) || (user && !strcmp(line, user)))
            list_add(&out, colon + 1, NULL);
    }
    free(line);
    return out;
}

hc_result hostcheck_subids(void)
{
    uid_t uid = geteuid();
    cleanup_free char *user = passwd_name(uid);
    cleanup_free char *su = subid_ranges("/etc/subuid", user, uid);
    cleanup_free char *sg = subid_ranges("/etc/subgid", user, uid);
    cleanup_free char *nu = find_program("newuidmap");
    cleanup_free char *ng = find_program("newgidmap");
    const char *does = uid == 0 ? "no effect as root: rt writes any mapping itself"
                                : "rt maps only the caller's own uid and gid; more fails create";
    /* Without the setuid helpers the ranges are of no use to rt. */
    bool helpers = uid == 0 || (nu && ng);
    hc_state s = su && sg && helpers ? HC_OK : (su || sg) && helpers ? HC_PARTIAL : HC_MISSING;
    return result("subids", s, does, "%s (uid %u): /etc/subuid %s; /etc/subgid %s; %s",
                  user ? user : "?", (unsigned)uid, su ? su : "none", sg ? sg : "none",
                  nu && ng ? "newuidmap and newgidmap found"
                           : "newuidmap or newgidmap not in PATH");
}

/* --- mounts and namespaces -------------------------------------------------------------------- */

/* A detached tmpfs, never attached anywhere, idmapped. */
static int probe_idmap(void)
{
    cleanup_error rt_error *e = NULL;
    cleanup_close int tree = mnt_fs_create("tmpfs", "tmpfs", 0, 0, NULL, &e);
    if (tree < 0)
        return e && e->errnum ? e->errnum : ENOSYS;
    const oci_id_mapping m = {.container_id = 0, .host_id = 65534, .size = 1};
    if (mnt_tree_idmap(tree, &m, 1, &m, 1, false, &e) < 0)
        return e && e->errnum ? e->errnum : EIO;
    return 0;
}

#define NO_IDMAP "create fails for a mount with idmap or ridmap"

hc_result hostcheck_idmap(void)
{
    const char *name = "idmap";
    /* A bad fd: EBADF where the call exists. */
    struct mount_attr attr = {0};
    if (syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 &&
        errno == ENOSYS)
        return result(name, HC_MISSING, NO_IDMAP, "mount_setattr: %s (Linux 5.12 has it)",
                      strerror(errno));
    if (geteuid() != 0)
        return result(name, HC_PARTIAL, NO_IDMAP,
                      "mount_setattr exists; an idmapped mount needs root, not tried as uid %u",
                      (unsigned)geteuid());
    int e = in_child(probe_idmap, PROBE_MS);
    if (e)
        return result(name, HC_PARTIAL, NO_IDMAP,
                      "mount_setattr exists, but MOUNT_ATTR_IDMAP on a detached tmpfs: %s "
                      "(tmpfs takes it from Linux 6.3, other filesystems earlier)",
                      child_error(e));
    return result(name, HC_OK, NO_IDMAP, "MOUNT_ATTR_IDMAP works (tried on a detached tmpfs)");
}

static int probe_timens(void)
{
    if (geteuid() != 0 && enter_own_userns() < 0)
        return errno;
    if (unshare(CLONE_NEWTIME) < 0)
        return errno;
    static const char offsets[] = "monotonic 0 0\n";
    if (write_file_at(AT_FDCWD, "/proc/self/timens_offsets", offsets, sizeof(offsets) - 1, NULL) <
        0)
        return errno;
    return 0;
}

hc_result hostcheck_timens(void)
{
    const char *does = "create fails for a time namespace or linux.timeOffsets";
    int e = in_child(probe_timens, PROBE_MS);
    const char *where = geteuid() == 0 ? "" : " (in a user namespace of its own)";
    if (e)
        return result("timens", HC_MISSING, does, "unshare(CLONE_NEWTIME)%s: %s", where,
                      child_error(e));
    return result("timens", HC_OK, does, "unshare(CLONE_NEWTIME) and timens_offsets work%s", where);
}

/* clone3 with args; the child exits at once.  0 or an errno value. */
static int try_clone3(struct clone_args *args)
{
    args->exit_signal = SIGCHLD;
    pid_t pid = (pid_t)syscall(SYS_clone3, args, sizeof(*args));
    if (pid == 0)
        _exit(0);
    if (pid < 0)
        return errno;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

hc_result hostcheck_clone3(void)
{
    const char *does = "rt starts the init with clone()";
    struct clone_args args = {0};
    int e = try_clone3(&args);
    if (e)
        return result("clone3", HC_MISSING, does, "clone3: %s (Linux 5.3 has it)", strerror(e));
    return result("clone3", HC_OK, does, "clone3 works");
}

hc_result hostcheck_clone_into_cgroup(void)
{
    const char *name = "clone-into-cgroup";
    const char *does = "rt moves the init into its cgroup through cgroup.procs";
    cg_host host;
    if (cg_host_load(&host, NULL) < 0)
        return result(name, HC_MISSING, does, "no cgroup2 hierarchy is mounted");
    const cg_hier *v2 = cg_host_find(&host, NULL);
    char **parents = v2 ? container_parents(&host) : NULL;
    bool unified = host.unified;
    cleanup_free char *dir = NULL;
    for (size_t i = 0; parents && i < host.n; i++) {
        if (&host.h[i] == v2)
            dir = take_ptr(parents[i]);
        free(parents[i]);
    }
    free(parents);
    cg_host_free(&host);
    if (!dir)
        return result(name, HC_MISSING, does, "no cgroup2 hierarchy is mounted");
    cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return result(name, HC_MISSING, does, "open %s: %s", dir, strerror(errno));
    struct clone_args args = {.flags = CLONE_INTO_CGROUP, .cgroup = (unsigned long long)fd};
    int e = try_clone3(&args);
    if (e == ENOSYS || e == E2BIG || e == EINVAL)
        return result(name, HC_MISSING, does,
                      "clone3 with CLONE_INTO_CGROUP: %s (Linux 5.7 has it)", strerror(e));
    if (e)
        return result(name, HC_PARTIAL, does, "clone3 with CLONE_INTO_CGROUP into %s: %s", dir,
                      strerror(e));
    return result(name, HC_OK, does, "clone3 into %s works%s", dir,
                  unified ? "" : "; rt uses it on cgroup v2 hosts only");
}

hc_result hostcheck_pidfd(void)
{
    const char *does = "rt cannot track its containers: each shows as stopped";
    cleanup_close int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (fd < 0)
        return result("pidfd", HC_MISSING, does, "pidfd_open: %s (Linux 5.3 has it)",
                      strerror(errno));
    if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0)
        return result("pidfd", HC_MISSING, does, "pidfd_send_signal: %s (Linux 5.1 has it)",
                      strerror(errno));
    return result("pidfd", HC_OK, does, "pidfd_open and pidfd_send_signal work");
}

/* --- criu ------------------------------------------------------------------------------------- */

/* The "Version: X" of `criu --version`, or NULL. */
static char *criu_version(const char *path)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], STDOUT_FILENO);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execl(path, path, "--version", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    cleanup_close int rd = p[0];
    if (pid < 0)
        return NULL;
    int ws = child_wait_deadline(pid, PROBE_MS);
    cleanup_free char *out = NULL;
    if (ws < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) ||
        !(fcntl(rd, F_SETFL, O_NONBLOCK) == 0 && read_all_fd(rd, &out, NULL, NULL) == 0))
        return NULL;
    char *v = strstr(out, "Version:");
    if (!v)
        return NULL;
    v += strspn(v + 8, " \t") + 8;
    v[strcspn(v, "\n")] = '\0';
    return *v ? xstrdup(v) : NULL;
}

hc_result hostcheck_criu(const char *criu)
{
    const char *does = "no effect: rt does not checkpoint or restore yet";
    cleanup_free char *path = find_program(criu);
    if (!path)
        return result("criu", HC_MISSING, does, "%s not found%s", criu,
                      strchr(criu, '/') ? "" : " in PATH");
    cleanup_free char *v = criu_version(path);
    if (!v)
        return result("criu", HC_PARTIAL, does, "%s: `--version` gave no version", path);
    return result("criu", HC_OK, does, "%s, version %s", path, v);
}

size_t hostcheck_run(hc_result *out, const char *criu)
{
    size_t n = 0;
    out[n++] = hostcheck_cgroup_mode();
    out[n++] = hostcheck_cgroup_controllers();
    out[n++] = hostcheck_apparmor();
    out[n++] = hostcheck_selinux();
    out[n++] = hostcheck_seccomp();
    out[n++] = hostcheck_userns();
    out[n++] = hostcheck_subids();
    out[n++] = hostcheck_idmap();
    out[n++] = hostcheck_timens();
    out[n++] = hostcheck_clone3();
    out[n++] = hostcheck_clone_into_cgroup();
    out[n++] = hostcheck_pidfd();
    out[n++] = hostcheck_criu(criu);
    return n;
}
