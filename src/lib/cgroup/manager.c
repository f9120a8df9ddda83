/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup manager: which hierarchies the host has, where the container's
 * directories are, and the steps every driver shares (mkdir, enter, signal,
 * destroy); the resource files themselves are the drivers' job. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup/internal.h"
#include "log.h"
#include "util/util.h"

/* --- the lifecycle --------------------------------------------------------------------------- */

int cgroup_check_resources(const oci_config *cfg, rt_error **err)
{
    const oci_resources *r = cfg->linux_ ? cfg->linux_->resources : NULL;
    if (!r)
        return 0;
    char rule[128];
    for (size_t i = 0; i < r->devices_len; i++) {
        const char *a = r->devices[i].access;
        if (cg_device_rule(&r->devices[i], rule, sizeof(rule), err) < 0)
            return -1;
        if (a && strspn(a, "rwm") != strlen(a))
            log_warn("linux.resources.devices[%zu]: access \"%s\": letters other than r, w, m "
                     "ignored",
                     i, a);
    }
    if (cg_check_common(r, err) < 0)
        return -1;
    cg_host host;
    if (cg_host_load(&host, err) < 0)
        return -1;
    const cgroup_driver *drv = host.unified ? &cgroup_v2_driver : &cgroup_v1_driver;
    int ret = drv->check(&host, r, err);
    cg_host_free(&host);
    return ret;
}

/* A v1 cpuset directory whose cpus or mems are empty cannot take tasks
 * (ENOSPC): it gets its parent's, as the kernel does not copy them. Applied
 * top-down to every level, made now or already there (an empty pod cgroup
 * that someone else made). */
static int cpuset_fill(char *p, rt_error **err)
{
    if (!cg_exists(p, "cpuset.cpus") || cg_exists(p, "cgroup.controllers"))
        return 0;
    static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
    for (size_t i = 0; i < 2; i++) {
        cleanup_free char *own = NULL, *parent = NULL;
        if (cg_read(p, files[i], &own) < 0)
            return rt_err(err, errno, "read %s/%s", p, files[i]);
        if (own[strspn(own, " \n")])
            continue;
        char *slash = strrchr(p, '/');
        *slash = '\0';
        int r = cg_read(p, files[i], &parent);
        *slash = '/';
        if (r < 0)
            return rt_err(err, errno, "read %s of the parent of %s", files[i], p);
        if (cg_write(p, files[i], parent, err) < 0)
            return -1;
    }
    return 0;
}

/* mkdir -p, filling v1 cpusets on the way.  *made: the first directory it
 * made.  The usual case, a new directory in a hierarchy other than cpuset,
 * costs one mkdir and one look for cpuset.cpus. */
static int mkdir_cgroup(const char *dir, char **made, rt_error **err)
{
    if (mkdir(dir, 0755) == 0) {
        cg_dir_forget(dir);
        *made = xstrdup(dir);
        if (!cg_exists(dir, "cpuset.cpus"))
            return 0;
    }
    cleanup_free char *p = xstrdup(dir);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s)
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0755) == 0) {
            cg_dir_forget(p);
            if (!*made)
                *made = xstrdup(p);
        } else if (errno != EEXIST) {
            return rt_err(err, errno, "create cgroup %s", p);
        }
        if (cpuset_fill(p, err) < 0)
            return -1;
        if (!c)
            break;
        *s = c;
    }
    return 0;
}

/* Frozen now, by itself or an ancestor (v1 freezer.state says either; v2
 * cgroup.events "frozen 1", or cgroup.freeze for one still freezing). */
static bool frozen_now(const cg_ctx *c, const char **where)
{
    const char *dir = *where = cg_dir(c, c->host.unified ? NULL : "freezer");
    cleanup_free char *s = NULL, *ev = NULL;
    uint64_t v = 0;
    if (!dir)
        return false;
    if (!c->host.unified)
        return cg_read(dir, "freezer.state", &s) == 0 && strncmp(s, "THAWED", 6) != 0;
    return (cg_read(dir, "cgroup.freeze", &s) == 0 && s[0] == '1') ||
           (cg_read(dir, "cgroup.events", &ev) == 0 && cg_kv_get(ev, "frozen", &v) && v);
}

int cgroup_check_existing(const cgroup_paths *cg, rt_error **err)
{
    cleanup_ctx cg_ctx c;
    if (cg_ctx_open(cg, &c, err) < 0)
        return -1;
    const char *dir;
    if (frozen_now(&c, &dir))
        return rt_err(err, 0, "container's cgroup unexpectedly frozen (%s)", dir);
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_get_pids(cg, &pids, &n, NULL) == 0 && n)
        log_warn("container's cgroup is not empty: %zu process(es) found", n);
    return 0;
}

bool cgroup_has_limits(const oci_config *cfg)
{
    const oci_resources *r = cfg->linux_ ? cfg->linux_->resources : NULL;
    return r && (r->memory || r->cpu || r->pids || r->block_io || r->hugepage_limits_len ||
                 r->network || r->rdma.len || r->unified.len);
}

static const oci_resources *resources_of(const oci_config *cfg)
{
    static const oci_resources none;
    return cfg->linux_ && cfg->linux_->resources ? cfg->linux_->resources : &none;
}

/* mkdir (what systemd made is there already), then the limits. */
static int make_and_limit(const oci_config *cfg, cgroup_paths *cg, rt_error **err)
{
    if (!cg->made && !(cg->made = calloc(cg->len + 1, sizeof(char *))))
        abort();
    for (size_t i = 0; i < cg->len; i++)
        if (mkdir_cgroup(cg->dirs[i], &cg->made[i], err) < 0)
            return -1;
    cleanup_ctx cg_ctx c;
    if (cg_ctx_open(cg, &c, err) < 0)
        return -1;
    const oci_resources *res = resources_of(cfg);
    if (c.drv->setup(&c, err) < 0 || c.drv->apply(&c, res, false, err) < 0)
        return -1;
    return 0;
}

int cgroup_create(const oci_config *cfg, cgroup_paths *cg, rt_error **err)
{
    return cg->unit ? 0 : make_and_limit(cfg, cg, err);
}

int cgroup_enter_init(const oci_config *cfg, cgroup_paths *cg, pid_t pid, rt_error **err)
{
    if (!cg->unit)
        return cgroup_enter(cg, pid, err);
    if (cg_systemd_start(cg, cgroup_is_unified(), resources_of(cfg), pid, err) < 0 ||
        make_and_limit(cfg, cg, err) < 0)
        return -1;
    return cgroup_enter(cg, pid, err);
}

int cgroup_update(const cgroup_paths *cg, const oci_resources *r, rt_error **err)
{
    cleanup_ctx cg_ctx c;
    if (cg_ctx_open(cg, &c, err) < 0 || cg_check_common(r, err) < 0 ||
        c.drv->check(&c.host, r, err) < 0)
        return -1;
    if (cg->unit && cg_systemd_update(cg, c.host.unified, r, err) < 0)
        return -1;
    return c.drv->apply(&c, r, true, err);
}

int cgroup_enter(const cgroup_paths *cg, pid_t pid, rt_error **err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%d", pid);
    for (size_t i = 0; i < cg->len; i++)
        if (cg_write(cg->dirs[i], "cgroup.procs", buf, err) < 0)
            return -1;
    return 0;
}

int cgroup_freeze(const cgroup_paths *cg, bool frozen, rt_error **err)
{
    cleanup_ctx cg_ctx c;
    if (cg_ctx_open(cg, &c, err) < 0)
        return -1;
    return c.drv->freeze(&c, frozen, err);
}

/* By itself or an ancestor, on v2 as on v1: a created container whose pod
 * cgroup is frozen is "paused", so start refuses it instead of waiting for an
 * init that cannot run. */
bool cgroup_is_frozen(const cgroup_paths *cg)
{
    cleanup_ctx cg_ctx c;
    const char *dir;
    return cg_ctx_open(cg, &c, NULL) == 0 && frozen_now(&c, &dir);
}

/* Append the pids of dir/cgroup.procs and of every cgroup below it. */
static int pids_below(const char *dir, pid_t **pids, size_t *n, int depth)
{
    cleanup_free char *path = xasprintf("%s/cgroup.procs", dir);
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    long v;
    while (fscanf(f, "%ld", &v) == 1) {
        *pids = realloc(*pids, (*n + 1) * sizeof(pid_t));
        (*pids)[(*n)++] = (pid_t)v;
    }
    fclose(f);
    DIR *d = depth < 32 ? opendir(dir) : NULL;
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_type == DT_DIR && de->d_name[0] != '.') {
            cleanup_free char *sub = xasprintf("%s/%s", dir, de->d_name);
            pids_below(sub, pids, n, depth + 1);
        }
    closedir(d);
    return 0;
}

static const char *procs_dir(const cgroup_paths *cg, const cg_ctx *c)
{
    const char *d = c ? c->drv->procs_dir(c) : NULL;
    return d ? d : cg->len ? cg->dirs[0] : NULL;
}

int cgroup_get_pids(const cgroup_paths *cg, pid_t **pids, size_t *n, rt_error **err)
{
    *pids = NULL;
    *n = 0;
    cleanup_ctx cg_ctx c;
    bool ok = cg_ctx_open(cg, &c, NULL) == 0;
    const char *dir = procs_dir(cg, ok ? &c : NULL);
    if (dir && pids_below(dir, pids, n, 0) < 0)
        return rt_err(err, errno, "read %s/cgroup.procs", dir);
    return 0;
}

int cgroup_signal_all(const cgroup_paths *cg, int sig, rt_error **err)
{
    cleanup_free pid_t *pids = NULL;
    size_t n;
    if (cgroup_get_pids(cg, &pids, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            return rt_err(err, errno, "signal %d", pids[i]);
    /* A v1 frozen task does not die until thawed. */
    if (sig == SIGKILL)
        cgroup_freeze(cg, false, NULL);
    return 0;
}

/* rmdir dir, after the cgroups below it (made by the container itself) if it
 * has any. */
static int rmdir_tree(const char *dir, int depth)
{
    cg_dir_forget(dir);
    if (rmdir(dir) == 0 || errno == ENOENT)
        return 0;
    if (errno != EBUSY && errno != ENOTEMPTY)
        return -1;
    DIR *d = depth < 32 ? opendir(dir) : NULL;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (de->d_type == DT_DIR && de->d_name[0] != '.') {
                cleanup_free char *sub = xasprintf("%s/%s", dir, de->d_name);
                rmdir_tree(sub, depth + 1);
            }
        closedir(d);
    }
    if (rmdir(dir) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

/* rmdir the (empty) parents of dir that create made, up to made. */
static void rmdir_made_parents(const char *dir, const char *made)
{
    size_t ml = made ? strlen(made) : 0;
    if (!ml || strncmp(dir, made, ml) || dir[ml] != '/')
        return;
    cleanup_free char *p = xstrdup(dir);
    for (char *s = strrchr(p, '/'); s && (size_t)(s - p) >= ml; s = strrchr(p, '/')) {
        *s = '\0';
        cg_dir_forget(p);
        if (rmdir(p) < 0)
            return;
    }
}

/* rmdir every cgroup of the container (and what is below it), then the
 * parents create made; false while one is still busy. */
static bool remove_dirs(const cgroup_paths *cg)
{
    bool busy = false;
    for (size_t i = 0; i < cg->len; i++)
        if (rmdir_tree(cg->dirs[i], 0) < 0)
            busy = true;
    for (size_t i = 0; !busy && cg->made && i < cg->len; i++)
        rmdir_made_parents(cg->dirs[i], cg->made[i]);
    return !busy;
}

/* The scope of the systemd driver, once its processes are gone (they are
 * killed here: systemd would send SIGTERM and wait 90 s). Stopped with a
 * warning when systemd cannot be asked: the directories go all the same. */
static void stop_scope(const cgroup_paths *cg, bool kill_all)
{
    for (int attempt = 0; kill_all && attempt < 500; attempt++) {
        cleanup_free pid_t *pids = NULL;
        size_t n;
        if (cgroup_get_pids(cg, &pids, &n, NULL) < 0 || !n)
            break;
        for (size_t i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        cg_sleep_ms(attempt < 20 ? 1 : 10);
    }
    cleanup_error rt_error *e = NULL;
    if (cg_systemd_stop(cg, &e) < 0)
        log_warn("%s", e->msg);
}

/* (A systemd scope that was never started has no directory, and nothing to
 * stop.) */
bool cgroup_exists(const cgroup_paths *cg)
{
    for (size_t i = 0; i < cg->len; i++)
        if (access(cg->dirs[i], F_OK) == 0)
            return true;
    return false;
}

int cgroup_destroy(const cgroup_paths *cg, rt_error **err)
{
    cgroup_freeze(cg, false, NULL);
    if (cg->unit && cgroup_exists(cg))
        stop_scope(cg, true);
    /* Up to ~5 s: SIGKILL whatever is left and remove the directories; rmdir
     * fails with EBUSY until the last task has really exited. */
    for (int attempt = 0; attempt < 500; attempt++) {
        cleanup_free pid_t *pids = NULL;
        size_t n;
        cgroup_get_pids(cg, &pids, &n, NULL);
        for (size_t i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        if (remove_dirs(cg))
            return 0;
        cg_sleep_ms(attempt < 20 ? 1 : 10);
    }
    for (size_t i = 0; i < cg->len; i++)
        if (rmdir_tree(cg->dirs[i], 0) < 0)
            return rt_err(err, errno, "remove cgroup %s", cg->dirs[i]);
    return 0;
}

void cgroup_release(const cgroup_paths *cg)
{
    cgroup_freeze(cg, false, NULL);
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (cg->unit && cgroup_exists(cg) && cgroup_get_pids(cg, &pids, &n, NULL) == 0 && !n)
        stop_scope(cg, false);
    /* rmdir fails with EBUSY until the last task has really gone. */
    for (int attempt = 0; attempt < 100; attempt++) {
        if (remove_dirs(cg))
            return;
        cg_sleep_ms(10);
    }
    for (size_t i = 0; i < cg->len; i++)
        if (rmdir_tree(cg->dirs[i], 0) < 0)
            log_warn("cgroup %s still holds processes that are not the container's: left "
                     "in place",
                     cg->dirs[i]);
}

uint64_t cgroup_oom_kills(const cgroup_paths *cg)
{
    cleanup_ctx cg_ctx c;
    if (cg_ctx_open(cg, &c, NULL) < 0)
        return 0;
    const char *dir = cg_dir(&c, c.host.unified ? NULL : "memory");
    cleanup_free char *data = NULL;
    uint64_t n = 0;
    if (dir && cg_read(dir, c.host.unified ? "memory.events" : "memory.oom_control", &data) == 0)
        cg_kv_get(data, "oom_kill", &n);
    return n;
}

/* --- stats and OOM --------------------------------------------------------------------------- */

int cgroup_stats_json(const cgroup_paths *cg, char **json, rt_error **err)
{
    cleanup_ctx cg_ctx c;
    if (cg_ctx_open(cg, &c, err) < 0)
        return -1;
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_map_open(g);
    int r = c.drv->stats(&c, g, err);
    yajl_gen_map_close(g);
    if (r == 0) {
        const unsigned char *buf;
        size_t len;
        yajl_gen_get_buf(g, &buf, &len);
        *json = strndup((const char *)buf, len);
    }
    yajl_gen_free(g);
    return r;
}

int cgroup_oom_open(const cgroup_paths *cg, cgroup_oom *w, rt_error **err)
{
    *w = (cgroup_oom){.fd = -1, .ctl_fd = -1};
    cleanup_ctx cg_ctx c;
    if (cg_ctx_open(cg, &c, err) < 0)
        return -1;
    w->drv = c.drv;
    return c.drv->oom_open(&c, w, err);
}

int cgroup_oom_read(cgroup_oom *w)
{
    if (w->fd < 0)
        return -1;
    return ((const cgroup_driver *)w->drv)->oom_read(w);
}

void cgroup_oom_close(cgroup_oom *w)
{
    if (w->fd >= 0)
        close(w->fd);
    if (w->ctl_fd >= 0)
        close(w->ctl_fd);
    free(w->dir);
    *w = (cgroup_oom){.fd = -1, .ctl_fd = -1};
}
