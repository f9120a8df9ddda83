/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "util/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
    const char *name;
    int flag;
} ns_types[] = {
    {"pid", CLONE_NEWPID},       {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},       {"uts", CLONE_NEWUTS},     {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static int ns_flag(const char *name)
{
    for (size_t i = 0; i < sizeof(ns_types) / sizeof(*ns_types); i++)
        if (!strcmp(ns_types[i].name, name))
            return ns_types[i].flag;
    return 0;
}

bool ns_has(const oci_config *cfg, const char *type)
{
    for (size_t i = 0; cfg->linux_ && i < cfg->linux_->namespaces_len; i++)
        if (!strcmp(cfg->linux_->namespaces[i].type, type))
            return true;
    return false;
}

bool ns_creates(const ns_plan *plan, int flag)
{
    if (flag == CLONE_NEWTIME)
        return plan->new_time;
    if (flag == CLONE_NEWCGROUP)
        return plan->new_cgroup;
    return (plan->clone_flags & flag) != 0;
}

static bool is_early(int flag)
{
    return flag == CLONE_NEWUSER || flag == CLONE_NEWPID || flag == CLONE_NEWTIME;
}

bool ns_joins(const ns_plan *plan, int flag)
{
    for (size_t i = 0; i < plan->join_len; i++)
        if (plan->join_types[i] == flag)
            return true;
    return false;
}

bool ns_inherits(const ns_plan *plan, int flag)
{
    return !ns_creates(plan, flag) && !ns_joins(plan, flag);
}

void ns_plan_close(ns_plan *plan)
{
    for (size_t i = 0; i < plan->join_len; i++)
        close(plan->join_fds[i]);
    plan->join_len = 0;
}

static int plan_join(ns_plan *plan, size_t idx, const char *path, int flag, rt_error **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rt_err(err, errno, "linux.namespaces[%zu].path: open %s", idx, path);
    int type = ioctl(fd, NS_GET_NSTYPE);
    if (type != flag) {
        close(fd);
        return rt_err(err, 0, "linux.namespaces[%zu].path: %s is not a namespace of that type", idx,
                      path);
    }
    plan->join_fds[plan->join_len] = fd;
    plan->join_types[plan->join_len++] = flag;
    if (is_early(flag))
        plan->join_early = true;
    return 0;
}

int ns_plan_make(const oci_config *cfg, ns_plan *plan, rt_error **err)
{
    memset(plan, 0, sizeof(*plan));
    int seen = 0;
    for (size_t i = 0; cfg->linux_ && i < cfg->linux_->namespaces_len; i++) {
        const oci_namespace *ns = &cfg->linux_->namespaces[i];
        int flag = ns->type ? ns_flag(ns->type) : 0;
        if (!flag) {
            ns_plan_close(plan);
            return rt_err(err, 0, "linux.namespaces[%zu].type: unknown namespace type \"%s\"", i,
                          ns->type ? ns->type : "");
        }
        if (seen & flag) {
            ns_plan_close(plan);
            return rt_err(err, 0, "linux.namespaces[%zu]: duplicate namespace type \"%s\"", i,
                          ns->type);
        }
        seen |= flag;
        if (ns->path && *ns->path) {
            if (plan_join(plan, i, ns->path, flag, err) < 0) {
                ns_plan_close(plan);
                return -1;
            }
        } else if (flag == CLONE_NEWTIME) {
            plan->new_time = true;
        } else if (flag == CLONE_NEWCGROUP) {
            plan->new_cgroup = true;
        } else {
            plan->clone_flags |= flag;
        }
    }
    const oci_linux *l = cfg->linux_;
    bool maps = l && (l->uid_mappings_len || l->gid_mappings_len);
    if (maps && !(plan->clone_flags & CLONE_NEWUSER) && !ns_joins(plan, CLONE_NEWUSER)) {
        ns_plan_close(plan);
        return rt_err(err, 0,
                      "linux.uidMappings: user namespace mappings need a new user namespace");
    }
    if ((plan->clone_flags & CLONE_NEWUSER) && (!l->uid_mappings_len || !l->gid_mappings_len)) {
        ns_plan_close(plan);
        return rt_err(err, 0,
                      "linux.uidMappings: a new user namespace needs uidMappings and gidMappings");
    }
    if (l && l->time_offsets_len && !plan->new_time) {
        ns_plan_close(plan);
        return rt_err(err, 0, "linux.timeOffsets: time offsets need a new time namespace");
    }
    return 0;
}

static int write_map(pid_t pid, const char *file, const oci_id_mapping *m, size_t n, rt_error **err)
{
    size_t cap = n * 40 + 1, len = 0;
    cleanup_free char *buf = calloc(1, cap);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
                                m[i].size);
    cleanup_free char *path = xasprintf("/proc/%d/%s", pid, file);
    if (write_file_at(AT_FDCWD, path, buf, len, NULL) < 0)
        return rt_err(err, errno, "write %s", file);
    return 0;
}

/* Unprivileged, the kernel lets us map only our own id, once (and a gid only
 * with setgroups denied): more needs the setuid helpers of shadow's uidmap,
 * which check /etc/subuid and /etc/subgid. */
static bool map_is_own(const oci_id_mapping *m, size_t n, unsigned own)
{
    return n == 1 && m->size == 1 && m->host_id == own;
}

static int run_id_mapper(const char *tool, pid_t pid, const oci_id_mapping *m, size_t n,
                         rt_error **err)
{
    size_t argc = 0;
    char **argv = NULL;
    argv = strv_push(argv, &argc, xstrdup(tool));
    argv = strv_push(argv, &argc, xasprintf("%d", pid));
    for (size_t i = 0; i < n; i++) {
        argv = strv_push(argv, &argc, xasprintf("%u", m[i].container_id));
        argv = strv_push(argv, &argc, xasprintf("%u", m[i].host_id));
        argv = strv_push(argv, &argc, xasprintf("%u", m[i].size));
    }
    pid_t child = fork();
    if (child == 0) {
        execvp(tool, argv);
        fprintf(stderr, "rt: exec %s: %s\n", tool, strerror(errno));
        _exit(127);
    }
    int status = 0, saved = errno;
    if (child > 0)
        waitpid(child, &status, 0);
    for (size_t i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    if (child < 0)
        return rt_err(err, saved, "fork for %s", tool);
    const char *file = strcmp(tool, "newuidmap") ? "/etc/subgid" : "/etc/subuid";
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        return rt_err(err, 0, "%s failed (status %d): are the ids in %s for this user?", tool,
                      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), file);
    return 0;
}

int ns_write_id_maps(pid_t pid, const oci_config *cfg, rt_error **err)
{
    const oci_linux *l = cfg->linux_;
    bool root = geteuid() == 0;
    int r;
    if (root || map_is_own(l->uid_mappings, l->uid_mappings_len, geteuid()))
        r = write_map(pid, "uid_map", l->uid_mappings, l->uid_mappings_len, err);
    else
        r = run_id_mapper("newuidmap", pid, l->uid_mappings, l->uid_mappings_len, err);
    if (r < 0)
        return rt_err_wrap(err, "linux.uidMappings");
    cleanup_free char *setgroups = xasprintf("/proc/%d/setgroups", pid);
    if (root)
        r = write_map(pid, "gid_map", l->gid_mappings, l->gid_mappings_len, err);
    else if (!map_is_own(l->gid_mappings, l->gid_mappings_len, getegid()))
        r = run_id_mapper("newgidmap", pid, l->gid_mappings, l->gid_mappings_len, err);
    else if (write_file_at(AT_FDCWD, setgroups, "deny", 4, NULL) < 0)
        r = rt_err(err, errno, "write setgroups");
    else
        r = write_map(pid, "gid_map", l->gid_mappings, l->gid_mappings_len, err);
    return r < 0 ? rt_err_wrap(err, "linux.gidMappings") : 0;
}

static int write_time_offsets(const oci_config *cfg, rt_error **err)
{
    const oci_linux *l = cfg->linux_;
    char buf[256];
    for (size_t i = 0; l && i < l->time_offsets_len; i++) {
        const oci_time_offset *t = &l->time_offsets[i];
        if (strcmp(t->clock, "monotonic") && strcmp(t->clock, "boottime"))
            return rt_err(err, 0, "linux.timeOffsets: unknown clock \"%s\"", t->clock);
        int n =
            snprintf(buf, sizeof(buf), "%s %lld %u\n", t->clock, (long long)t->secs, t->nanosecs);
        if (write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, (size_t)n, NULL) < 0)
            return rt_err(err, errno, "write /proc/self/timens_offsets");
    }
    return 0;
}

int ns_join_early(const ns_plan *plan)
{
    /* The user namespace first: the others are then joined with its rights. */
    static const int order[] = {CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWTIME};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < plan->join_len; i++)
            if (plan->join_types[i] == order[k] && setns(plan->join_fds[i], order[k]) < 0)
                return -1;
    return 0;
}

/* A new network namespace gets its loopback interface up, as with runc. */
static int loopback_up(rt_error **err)
{
    cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        return rt_err(err, errno, "loopback interface");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        return rt_err(err, errno, "bring loopback interface up");
    return 0;
}

int ns_enter(const oci_config *cfg, const ns_plan *plan, rt_error **err)
{
    if ((plan->clone_flags & CLONE_NEWNET) && loopback_up(err) < 0)
        return -1;
    for (size_t i = 0; i < plan->join_len; i++) {
        if (is_early(plan->join_types[i]))
            continue;
        if (setns(plan->join_fds[i], plan->join_types[i]) < 0)
            return rt_err(err, errno, "setns");
    }
    if (plan->new_cgroup && unshare(CLONE_NEWCGROUP) < 0)
        return rt_err(err, errno, "unshare cgroup namespace");
    if (plan->new_time) {
        /* The init itself moves into the new time namespace at execve(). */
        if (unshare(CLONE_NEWTIME) < 0)
            return rt_err(err, errno, "unshare time namespace");
        if (write_time_offsets(cfg, err) < 0)
            return -1;
    }
    return 0;
}
