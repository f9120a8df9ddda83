/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "util/util.h"

/* A mounted hierarchy: where it is mounted, the path inside it that the mount
 * shows as its root, and its controllers ("cpu", "name=systemd", "" for v2). */
typedef struct hierarchy {
    char *mountpoint;
    char *mount_root;
    char *controllers;
    char *own_path; /* rt's own cgroup in it, from /proc/self/cgroup */
} hierarchy;

static void hierarchies_free(hierarchy *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].mountpoint);
        free(h[i].mount_root);
        free(h[i].controllers);
        free(h[i].own_path);
    }
    free(h);
}

/* The v1 controllers of a mount come from its super options, minus the
 * generic ones. */
static char *v1_controllers(const char *superopts)
{
    cleanup_free char *opts = xstrdup(superopts);
    char *out = calloc(1, strlen(superopts) + 1);
    char *save = NULL;
    for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (!strcmp(o, "rw") || !strcmp(o, "ro") || !strncmp(o, "release_agent=", 14) ||
            !strcmp(o, "clone_children") || !strcmp(o, "noprefix") || !strcmp(o, "xattr") ||
            !strcmp(o, "cpuset_v2_mode"))
            continue;
        if (*out)
            strcat(out, ",");
        strcat(out, o);
    }
    return out;
}

static bool seen_controllers(const hierarchy *h, size_t n, const char *controllers)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(h[i].controllers, controllers))
            return true;
    return false;
}

/* Our own cgroup in the hierarchy with these controllers. */
static char *own_cgroup(const char *controllers)
{
    cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f)
        return NULL;
    char *line = NULL;
    size_t cap = 0;
    char *found = NULL;
    while (!found && getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *c = strchr(line, ':');
        char *p = c ? strchr(c + 1, ':') : NULL;
        if (!p)
            continue;
        *p = '\0';
        if (!strcmp(c + 1, controllers))
            found = xstrdup(p + 1);
    }
    free(line);
    return found;
}

static int hierarchies_load(hierarchy **out, size_t *n_out, rt_error **err)
{
    cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return rt_err(err, errno, "open /proc/self/mountinfo");
    hierarchy *h = NULL;
    size_t n = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char root[4096], mnt[4096], fstype[64], superopts[1024];
        char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
            sscanf(dash + 3, "%63s %*s %1023s", fstype, superopts) != 2)
            continue;
        bool v2 = !strcmp(fstype, "cgroup2");
        if (!v2 && strcmp(fstype, "cgroup"))
            continue;
        cleanup_free char *ctrl = v2 ? xstrdup("") : v1_controllers(superopts);
        if (seen_controllers(h, n, ctrl))
            continue;
        char *own = own_cgroup(ctrl);
        if (!own)
            continue;
        h = realloc(h, (n + 1) * sizeof(*h));
        h[n++] = (hierarchy){.mountpoint = xstrdup(mnt),
                             .mount_root = xstrdup(root),
                             .controllers = take_ptr(ctrl),
                             .own_path = own};
    }
    free(line);
    if (n == 0) {
        free(h);
        return rt_err(err, 0, "no cgroup hierarchy is mounted");
    }
    *out = h;
    *n_out = n;
    return 0;
}

/* Directory on disk for cgroup path `path` of hierarchy h. */
static char *hierarchy_dir(const hierarchy *h, const char *path)
{
    const char *rel = path;
    size_t rl = strlen(h->mount_root);
    if (strcmp(h->mount_root, "/") && !strncmp(path, h->mount_root, rl))
        rel = path + rl;
    return xasprintf("%s%s%s", h->mountpoint, *rel == '/' ? "" : "/", rel);
}

static bool path_is_clean(const char *p)
{
    for (const char *s = p; *s; s++)
        if ((s == p || s[-1] == '/') && s[0] == '.' && s[1] == '.' && (s[2] == '/' || !s[2]))
            return false;
    return true;
}

int cgroup_resolve(const oci_config *cfg, const char *id, rt_state *st, rt_error **err)
{
    const char *cp = cfg->linux_ ? cfg->linux_->cgroups_path : NULL;
    if (cp && !path_is_clean(cp))
        return rt_err(err, 0, "linux.cgroupsPath: must not contain \"..\": %s", cp);
    hierarchy *h;
    size_t n;
    if (hierarchies_load(&h, &n, err) < 0)
        return -1;
    st->cgroups = calloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *path = NULL;
        if (cp && *cp == '/')
            path = xstrdup(cp);
        else
            path = xasprintf("%s/%s", strcmp(h[i].own_path, "/") ? h[i].own_path : "",
                             cp && *cp ? cp : id);
        st->cgroups[st->cgroups_len++] = hierarchy_dir(&h[i], path);
    }
    hierarchies_free(h, n);
    return 0;
}

static bool is_v2_dir(const char *dir)
{
    cleanup_free char *p = xasprintf("%s/cgroup.controllers", dir);
    return access(p, F_OK) == 0;
}

static bool is_controller_dir(const char *dir, const char *controller)
{
    /* v1 hierarchy directories hold files named after their controllers. */
    cleanup_free char *probe = NULL;
    if (!strcmp(controller, "devices"))
        probe = xasprintf("%s/devices.list", dir);
    else if (!strcmp(controller, "freezer"))
        probe = xasprintf("%s/freezer.state", dir);
    else if (!strcmp(controller, "cpuset"))
        probe = xasprintf("%s/cpuset.cpus", dir);
    else if (!strcmp(controller, "pids"))
        probe = xasprintf("%s/pids.max", dir);
    else
        probe = xasprintf("%s/%s.stat", dir, controller);
    return access(probe, F_OK) == 0 && !is_v2_dir(dir);
}

const char *cgroup_dir_for(const rt_state *st, const char *controller)
{
    for (size_t i = 0; i < st->cgroups_len; i++) {
        if (controller ? is_controller_dir(st->cgroups[i], controller) : is_v2_dir(st->cgroups[i]))
            return st->cgroups[i];
    }
    return NULL;
}

/* mkdir -p; a v1 cpuset directory gets its parent's cpus and mems, since an
 * empty cpuset cannot take tasks. */
static int mkdir_cgroup(const char *dir, rt_error **err)
{
    cleanup_free char *p = xstrdup(dir);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s)
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0755) == 0) {
            cleanup_free char *cpus = xasprintf("%s/cpuset.cpus", p);
            if (access(cpus, F_OK) == 0 && !is_v2_dir(p)) {
                char *slash = strrchr(p, '/');
                *slash = '\0';
                cleanup_free char *pc = NULL, *pm = NULL;
                cleanup_free char *parent_cpus = xasprintf("%s/cpuset.cpus", p);
                cleanup_free char *parent_mems = xasprintf("%s/cpuset.mems", p);
                *slash = '/';
                cleanup_free char *mems = xasprintf("%s/cpuset.mems", p);
                if (read_file_at(AT_FDCWD, parent_cpus, &pc, NULL, err) < 0 ||
                    read_file_at(AT_FDCWD, parent_mems, &pm, NULL, err) < 0 ||
                    write_file_at(AT_FDCWD, cpus, pc, strlen(pc), err) < 0 ||
                    write_file_at(AT_FDCWD, mems, pm, strlen(pm), err) < 0)
                    return -1;
            }
        } else if (errno != EEXIST) {
            return rt_err(err, errno, "create cgroup %s", p);
        }
        if (!c)
            break;
        *s = c;
    }
    return 0;
}

static int write_cgroup_file(const char *dir, const char *file, const char *value, rt_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    if (write_file_at(AT_FDCWD, path, value, strlen(value), NULL) < 0)
        return rt_err(err, errno, "write %s to %s", value, path);
    return 0;
}

/* The devices every container gets, after the config's own rules (as runc). */
static const char *const default_device_rules[] = {
    "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm",
    "c 1:5 rwm", "c 1:9 rwm", "c 5:1 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
};

static int device_rule(const oci_device_cgroup *d, char *buf, size_t len, rt_error **err)
{
    const char *type = d->type ? d->type : "a";
    if (strcmp(type, "a") && strcmp(type, "b") && strcmp(type, "c"))
        return rt_err(err, 0, "linux.resources.devices: invalid type %s", type);
    const char *access = d->access ? d->access : "rwm";
    if (!*access || strspn(access, "rwm") != strlen(access))
        return rt_err(err, 0, "linux.resources.devices: invalid access %s", access);
    char maj[24] = "*", min[24] = "*";
    if (d->has_major && d->major >= 0)
        snprintf(maj, sizeof(maj), "%lld", (long long)d->major);
    if (d->has_minor && d->minor >= 0)
        snprintf(min, sizeof(min), "%lld", (long long)d->minor);
    if (!strcmp(type, "a"))
        snprintf(buf, len, "a");
    else
        snprintf(buf, len, "%s %s:%s %s", type, maj, min, access);
    return 0;
}

static int apply_devices_v1(const oci_resources *res, const char *dir, rt_error **err)
{
    char rule[128];
    for (size_t i = 0; res && i < res->devices_len; i++) {
        if (device_rule(&res->devices[i], rule, sizeof(rule), err) < 0)
            return -1;
        if (write_cgroup_file(dir, res->devices[i].allow ? "devices.allow" : "devices.deny", rule,
                              err) < 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof(default_device_rules) / sizeof(*default_device_rules); i++)
        if (write_cgroup_file(dir, "devices.allow", default_device_rules[i], err) < 0)
            return -1;
    return 0;
}

int cgroup_check_resources(const oci_config *cfg, rt_error **err)
{
    const oci_resources *r = cfg->linux_ ? cfg->linux_->resources : NULL;
    if (!r)
        return 0;
    char rule[128];
    for (size_t i = 0; i < r->devices_len; i++)
        if (device_rule(&r->devices[i], rule, sizeof(rule), err) < 0)
            return -1;
    /* Resource limits come with the cgroups work: refuse rather than ignore. */
    const char *unsupported = r->memory ? "memory" : r->cpu ? "cpu" : r->pids ? "pids"
                              : r->block_io ? "blockIO" : r->hugepage_limits_len ? "hugepageLimits"
                              : r->network ? "network" : r->rdma.len ? "rdma"
                              : r->unified.len ? "unified" : NULL;
    if (unsupported)
        return rt_err(err, 0, "linux.resources.%s: not supported yet", unsupported);
    return 0;
}

int cgroup_create(const oci_config *cfg, const rt_state *st, rt_error **err)
{
    for (size_t i = 0; i < st->cgroups_len; i++)
        if (mkdir_cgroup(st->cgroups[i], err) < 0)
            return -1;
    const oci_resources *res = cfg->linux_ ? cfg->linux_->resources : NULL;
    const char *devices = cgroup_dir_for(st, "devices");
    if (devices) {
        if (write_cgroup_file(devices, "devices.deny", "a", err) < 0 ||
            apply_devices_v1(res, devices, err) < 0)
            return -1;
    } else if (res && res->devices_len) {
        log_warn("linux.resources.devices: no v1 devices controller; device rules not enforced");
    }
    return 0;
}

int cgroup_enter(const rt_state *st, pid_t pid, rt_error **err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%d", pid);
    for (size_t i = 0; i < st->cgroups_len; i++)
        if (write_cgroup_file(st->cgroups[i], "cgroup.procs", buf, err) < 0)
            return -1;
    return 0;
}

/* Pids in the container's cgroup; *n == 0 when it is empty or gone. */
static int cgroup_pids(const rt_state *st, pid_t **pids, size_t *n)
{
    *pids = NULL;
    *n = 0;
    if (!st->cgroups_len)
        return 0;
    cleanup_free char *path = xasprintf("%s/cgroup.procs", st->cgroups[0]);
    cleanup_fclose FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    long v;
    while (fscanf(f, "%ld", &v) == 1) {
        *pids = realloc(*pids, (*n + 1) * sizeof(pid_t));
        (*pids)[(*n)++] = (pid_t)v;
    }
    return 0;
}

int cgroup_signal_all(const rt_state *st, int sig, rt_error **err)
{
    cleanup_free pid_t *pids = NULL;
    size_t n;
    if (cgroup_pids(st, &pids, &n) < 0)
        return rt_err(err, errno, "read cgroup.procs of %s", st->cgroups[0]);
    for (size_t i = 0; i < n; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            return rt_err(err, errno, "signal %d", pids[i]);
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

int cgroup_destroy(const rt_state *st, rt_error **err)
{
    /* Up to ~5 s: SIGKILL whatever is left and remove the directories; rmdir
     * fails with EBUSY until the last task has really exited. */
    for (int attempt = 0; attempt < 500; attempt++) {
        cleanup_free pid_t *pids = NULL;
        size_t n;
        cgroup_pids(st, &pids, &n);
        for (size_t i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        bool busy = false;
        for (size_t i = 0; i < st->cgroups_len; i++)
            if (rmdir(st->cgroups[i]) < 0 && errno != ENOENT)
                busy = true;
        if (!busy)
            return 0;
        sleep_ms(attempt < 20 ? 1 : 10);
    }
    for (size_t i = 0; i < st->cgroups_len; i++)
        if (rmdir(st->cgroups[i]) < 0 && errno != ENOENT)
            return rt_err(err, errno, "remove cgroup %s", st->cgroups[i]);
    return 0;
}
