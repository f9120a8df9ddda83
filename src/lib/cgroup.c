/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup manager: which hierarchies the host has, where the container's
 * directories are, and the steps every driver shares (mkdir, enter, signal,
 * destroy); the resource files themselves are the drivers' job. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup-internal.h"
#include "log.h"
#include "util/util.h"

/* --- the host's hierarchies ------------------------------------------------------------------ */

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

static bool has_token(const char *list, const char *tok)
{
    size_t tl = strlen(tok);
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        if (l == tl && !strncmp(p, tok, tl))
            return true;
        p += l + (p[l] == ',');
    }
    return false;
}

/* Our own cgroup in the hierarchy with these controllers, from the text of
 * /proc/self/cgroup (lines "ID:CONTROLLERS:PATH"). */
static char *own_cgroup(const char *self, const char *controllers)
{
    size_t cl = strlen(controllers);
    for (const char *l = self; *l;) {
        size_t len = strcspn(l, "\n");
        const char *c = memchr(l, ':', len);
        const char *p = c ? memchr(c + 1, ':', len - (size_t)(c + 1 - l)) : NULL;
        if (p && (size_t)(p - c - 1) == cl && !strncmp(c + 1, controllers, cl))
            return strndup(p + 1, len - (size_t)(p + 1 - l));
        l += len + (l[len] == '\n');
    }
    return NULL;
}

void cg_host_free(cg_host *host)
{
    for (size_t i = 0; i < host->n; i++) {
        free(host->h[i].mountpoint);
        free(host->h[i].mount_root);
        free(host->h[i].controllers);
        free(host->h[i].own_path);
    }
    free(host->h);
    *host = (cg_host){0};
}

static int host_read(cg_host *host, rt_error **err)
{
    *host = (cg_host){0};
    cleanup_free char *self = NULL;
    size_t len;
    if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &self, &len, err) < 0)
        return -1;
    cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return rt_err(err, errno, "open /proc/self/mountinfo");
    char *line = NULL;
    size_t cap = 0;
    bool v1_controller = false, v2 = false;
    while (getline(&line, &cap, f) > 0) {
        char root[4096], mnt[4096], fstype[64], superopts[1024];
        char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
            sscanf(dash + 3, "%63s %*s %1023s", fstype, superopts) != 2)
            continue;
        bool is_v2 = !strcmp(fstype, "cgroup2");
        if (!is_v2 && strcmp(fstype, "cgroup"))
            continue;
        cleanup_free char *ctrl = is_v2 ? xstrdup("") : v1_controllers(superopts);
        bool seen = false;
        for (size_t i = 0; i < host->n; i++)
            seen = seen || !strcmp(host->h[i].controllers, ctrl);
        if (seen)
            continue;
        char *own = own_cgroup(self, ctrl);
        if (!own)
            continue;
        v2 = v2 || is_v2;
        v1_controller = v1_controller || (!is_v2 && strncmp(ctrl, "name=", 5));
        host->h = realloc(host->h, (host->n + 1) * sizeof(*host->h));
        host->h[host->n++] = (cg_hier){.mountpoint = xstrdup(mnt),
                                       .mount_root = xstrdup(root),
                                       .controllers = take_ptr(ctrl),
                                       .own_path = own};
    }
    free(line);
    if (host->n == 0)
        return rt_err(err, 0, "no cgroup hierarchy is mounted");
    host->unified = v2 && !v1_controller;
    return 0;
}

/* What the host was when this process last looked: a command asks several
 * times, and the answer changes only with the process (a child) or its mount
 * or cgroup namespace. */
static struct {
    pid_t pid;
    ino_t mnt_ns, cgroup_ns;
    cg_host host;
} seen = {.pid = -1};

static ino_t ns_ino(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_ino : 0;
}

static void host_copy(const cg_host *from, cg_host *to)
{
    *to = (cg_host){.h = calloc(from->n, sizeof(*to->h)), .unified = from->unified};
    for (; to->n < from->n; to->n++) {
        const cg_hier *h = &from->h[to->n];
        to->h[to->n] = (cg_hier){.mountpoint = xstrdup(h->mountpoint),
                                 .mount_root = xstrdup(h->mount_root),
                                 .controllers = xstrdup(h->controllers),
                                 .own_path = xstrdup(h->own_path)};
    }
}

int cg_host_load(cg_host *host, rt_error **err)
{
    *host = (cg_host){0};
    pid_t pid = getpid();
    ino_t mnt = ns_ino("/proc/self/ns/mnt"), cg = ns_ino("/proc/self/ns/cgroup");
    if (seen.pid != pid || seen.mnt_ns != mnt || seen.cgroup_ns != cg || !mnt || !cg) {
        cg_host fresh;
        if (host_read(&fresh, err) < 0) {
            cg_host_free(&fresh);
            return -1;
        }
        cg_host_free(&seen.host);
        seen.host = fresh;
        seen.pid = pid;
        seen.mnt_ns = mnt;
        seen.cgroup_ns = cg;
    }
    host_copy(&seen.host, host);
    return 0;
}

const cg_hier *cg_host_find(const cg_host *host, const char *controller)
{
    for (size_t i = 0; i < host->n; i++)
        if (controller ? has_token(host->h[i].controllers, controller) : !*host->h[i].controllers)
            return &host->h[i];
    return NULL;
}

bool cgroup_is_unified(void)
{
    cg_host host;
    if (cg_host_load(&host, NULL) < 0)
        return false;
    bool u = host.unified;
    cg_host_free(&host);
    return u;
}

/* Directory on disk for cgroup path `path` of hierarchy h. */
static char *hierarchy_dir(const cg_hier *h, const char *path)
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
    cg_host host;
    if (cg_host_load(&host, err) < 0)
        return -1;
    st->cgroups = calloc(host.n, sizeof(char *));
    for (size_t i = 0; i < host.n; i++) {
        const cg_hier *h = &host.h[i];
        cleanup_free char *path = NULL;
        if (cp && *cp == '/')
            path = xstrdup(cp);
        else
            path = xasprintf("%s/%s", strcmp(h->own_path, "/") ? h->own_path : "",
                             cp && *cp ? cp : id);
        st->cgroups[st->cgroups_len++] = hierarchy_dir(h, path);
    }
    cg_host_free(&host);
    return 0;
}

static const cg_hier *hier_of_dir(const cg_host *host, const char *dir);

/* Whether dir is where cgroup_resolve puts cgroupsPath cp (NULL or empty: the
 * default, named after id) in hierarchy h: an absolute cp at one place, a
 * relative one or the id at the end of the caller's cgroup of create. */
static bool dir_is_own(const cg_hier *h, const char *dir, const char *cp, const char *id)
{
    if (cp && *cp == '/') {
        cleanup_free char *want = hierarchy_dir(h, cp);
        return !strcmp(dir, want);
    }
    const char *name = cp && *cp ? cp : id;
    size_t dl = strlen(dir), nl = strlen(name);
    return dl > nl && dir[dl - nl - 1] == '/' && !strcmp(dir + dl - nl, name);
}

int cgroup_paths_check(const rt_state *st, const char *cgroups_path, rt_error **err)
{
    cg_host host;
    if (!st->cgroups_len || cg_host_load(&host, NULL) < 0)
        return 0;
    int r = 0;
    for (size_t i = 0; r == 0 && i < st->cgroups_len; i++) {
        const char *p = st->cgroups[i];
        const cg_hier *h = hier_of_dir(&host, p);
        if (!h || strlen(p) <= strlen(h->mountpoint) + 1 || !path_is_clean(p) || strstr(p, "//"))
            r = rt_err(err, 0, "state.json is corrupt: %s is not a cgroup below a hierarchy", p);
        else if (!dir_is_own(h, p, cgroups_path, st->id))
            r = rt_err(err, 0,
                       "state.json is corrupt: %s is not the cgroup of container %s "
                       "(linux.cgroupsPath %s)",
                       p, st->id, cgroups_path && *cgroups_path ? cgroups_path : "unset");
    }
    cg_host_free(&host);
    return r;
}

/* The hierarchy a directory belongs to: the longest mountpoint prefix. */
static const cg_hier *hier_of_dir(const cg_host *host, const char *dir)
{
    const cg_hier *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < host->n; i++) {
        size_t l = strlen(host->h[i].mountpoint);
        if (l > best_len && !strncmp(dir, host->h[i].mountpoint, l) && (dir[l] == '/' || !dir[l])) {
            best = &host->h[i];
            best_len = l;
        }
    }
    return best;
}

const char *cg_dir(const cg_ctx *c, const char *controller)
{
    const cg_hier *h = cg_host_find(&c->host, controller);
    if (!h)
        return NULL;
    for (size_t i = 0; i < c->st->cgroups_len; i++)
        if (hier_of_dir(&c->host, c->st->cgroups[i]) == h)
            return c->st->cgroups[i];
    return NULL;
}

static int ctx_open(const rt_state *st, cg_ctx *c, rt_error **err)
{
    *c = (cg_ctx){.st = st};
    if (cg_host_load(&c->host, err) < 0)
        return -1;
    c->drv = c->host.unified ? &cgroup_v2_driver : &cgroup_v1_driver;
    return 0;
}

static void ctx_close(cg_ctx *c)
{
    cg_host_free(&c->host);
}
#define cleanup_ctx __attribute__((cleanup(ctx_close)))

const char *cgroup_dir_for(const rt_state *st, const char *controller)
{
    cleanup_ctx cg_ctx c;
    if (ctx_open(st, &c, NULL) < 0)
        return NULL;
    return cg_dir(&c, controller);
}

/* --- files ----------------------------------------------------------------------------------- */

bool cg_exists(const char *dir, const char *file)
{
    cleanup_free char *p = xasprintf("%s/%s", dir, file);
    return access(p, F_OK) == 0;
}

int cg_read(const char *dir, const char *file, char **out)
{
    cleanup_free char *p = xasprintf("%s/%s", dir, file);
    return read_file_at(AT_FDCWD, p, out, NULL, NULL);
}

int cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
    cleanup_free char *data = NULL;
    if (cg_read(dir, file, &data) < 0)
        return -1;
    if (!strncmp(data, "max", 3)) {
        *v = UINT64_MAX;
        return 0;
    }
    char *end;
    errno = 0;
    *v = strtoull(data, &end, 10);
    return errno || end == data ? -1 : 0;
}

int cg_write(const char *dir, const char *file, const char *value, rt_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    if (write_file_at(AT_FDCWD, path, value, strlen(value), NULL) < 0)
        return rt_err(err, errno, "write %s to %s", value, path);
    return 0;
}

/* The error for a limit whose file is missing: on v2, why, when the path to
 * the container's cgroup explains it. */
static int cg_missing(const char *dir, const char *ctrl, const char *file, const char *field,
                      rt_error **err)
{
    cleanup_free char *why = NULL;
    if (cg_exists(dir, "cgroup.controllers")) {
        cleanup_free char *c = xstrdup(*ctrl ? ctrl : file);
        c[strcspn(c, ".")] = '\0';
        if (strcmp(c, "cgroup"))
            why = cg_v2_missing_reason(dir, c);
    }
    if (why)
        return rt_err(err, 0, "%s: %s is not available in %s: %s", field, file, dir, why);
    return rt_err(err, 0, "%s: %s is not available on this host (in %s)", field, file, dir);
}

int cg_set(const char *dir, const char *ctrl, const char *file, const char *value, bool is_default,
           const char *field, rt_error **err)
{
    if (!dir)
        return is_default ? 0
                          : rt_err(err, 0, "%s: no %s cgroup hierarchy is mounted (%s)", field,
                                   ctrl, file);
    if (!cg_exists(dir, file))
        return is_default ? 0 : cg_missing(dir, ctrl, file, field, err);
    if (cg_write(dir, file, value, err) < 0)
        return rt_err_wrap(err, "%s", field);
    return 0;
}

int cg_set_i64(const char *dir, const char *ctrl, const char *file, int64_t v, bool is_default,
               const char *field, rt_error **err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return cg_set(dir, ctrl, file, buf, is_default, field, err);
}

void cg_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

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

int cgroup_check_existing(const rt_state *st, rt_error **err)
{
    cleanup_ctx cg_ctx c;
    if (ctx_open(st, &c, err) < 0)
        return -1;
    const char *dir;
    if (frozen_now(&c, &dir))
        return rt_err(err, 0, "container's cgroup unexpectedly frozen (%s)", dir);
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_get_pids(st, &pids, &n, NULL) == 0 && n)
        log_warn("container's cgroup is not empty: %zu process(es) found", n);
    return 0;
}

bool cgroup_has_limits(const oci_config *cfg)
{
    const oci_resources *r = cfg->linux_ ? cfg->linux_->resources : NULL;
    return r && (r->memory || r->cpu || r->pids || r->block_io || r->hugepage_limits_len ||
                 r->network || r->rdma.len || r->unified.len);
}

int cgroup_create(const oci_config *cfg, rt_state *st, rt_error **err)
{
    if (!st->cgroups_made && !(st->cgroups_made = calloc(st->cgroups_len + 1, sizeof(char *))))
        return rt_err(err, ENOMEM, "cgroups");
    for (size_t i = 0; i < st->cgroups_len; i++)
        if (mkdir_cgroup(st->cgroups[i], &st->cgroups_made[i], err) < 0)
            return -1;
    cleanup_ctx cg_ctx c;
    if (ctx_open(st, &c, err) < 0)
        return -1;
    static const oci_resources none;
    const oci_resources *res =
        cfg->linux_ && cfg->linux_->resources ? cfg->linux_->resources : &none;
    if (c.drv->setup(&c, err) < 0 || c.drv->apply(&c, res, false, err) < 0)
        return -1;
    return 0;
}

int cgroup_update(const rt_state *st, const oci_resources *r, rt_error **err)
{
    cleanup_ctx cg_ctx c;
    if (ctx_open(st, &c, err) < 0 || cg_check_common(r, err) < 0 ||
        c.drv->check(&c.host, r, err) < 0)
        return -1;
    return c.drv->apply(&c, r, true, err);
}

int cgroup_enter(const rt_state *st, pid_t pid, rt_error **err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%d", pid);
    for (size_t i = 0; i < st->cgroups_len; i++)
        if (cg_write(st->cgroups[i], "cgroup.procs", buf, err) < 0)
            return -1;
    return 0;
}

int cgroup_freeze(const rt_state *st, bool frozen, rt_error **err)
{
    cleanup_ctx cg_ctx c;
    if (ctx_open(st, &c, err) < 0)
        return -1;
    return c.drv->freeze(&c, frozen, err);
}

/* By itself or an ancestor, on v2 as on v1: a created container whose pod
 * cgroup is frozen is "paused", so start refuses it instead of waiting for an
 * init that cannot run. */
bool cgroup_is_frozen(const rt_state *st)
{
    cleanup_ctx cg_ctx c;
    const char *dir;
    return ctx_open(st, &c, NULL) == 0 && frozen_now(&c, &dir);
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

static const char *procs_dir(const rt_state *st, const cg_ctx *c)
{
    const char *d = c ? c->drv->procs_dir(c) : NULL;
    return d ? d : st->cgroups_len ? st->cgroups[0] : NULL;
}

int cgroup_get_pids(const rt_state *st, pid_t **pids, size_t *n, rt_error **err)
{
    *pids = NULL;
    *n = 0;
    cleanup_ctx cg_ctx c;
    bool ok = ctx_open(st, &c, NULL) == 0;
    const char *dir = procs_dir(st, ok ? &c : NULL);
    if (dir && pids_below(dir, pids, n, 0) < 0)
        return rt_err(err, errno, "read %s/cgroup.procs", dir);
    return 0;
}

int cgroup_signal_all(const rt_state *st, int sig, rt_error **err)
{
    cleanup_free pid_t *pids = NULL;
    size_t n;
    if (cgroup_get_pids(st, &pids, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            return rt_err(err, errno, "signal %d", pids[i]);
    /* A v1 frozen task does not die until thawed. */
    if (sig == SIGKILL)
        cgroup_freeze(st, false, NULL);
    return 0;
}

/* rmdir dir, after the cgroups below it (made by the container itself) if it
 * has any. */
static int rmdir_tree(const char *dir, int depth)
{
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
        if (rmdir(p) < 0)
            return;
    }
}

/* rmdir every cgroup of the container (and what is below it), then the
 * parents create made; false while one is still busy. */
static bool remove_dirs(const rt_state *st)
{
    bool busy = false;
    for (size_t i = 0; i < st->cgroups_len; i++)
        if (rmdir_tree(st->cgroups[i], 0) < 0)
            busy = true;
    for (size_t i = 0; !busy && st->cgroups_made && i < st->cgroups_len; i++)
        rmdir_made_parents(st->cgroups[i], st->cgroups_made[i]);
    return !busy;
}

int cgroup_destroy(const rt_state *st, rt_error **err)
{
    cgroup_freeze(st, false, NULL);
    /* Up to ~5 s: SIGKILL whatever is left and remove the directories; rmdir
     * fails with EBUSY until the last task has really exited. */
    for (int attempt = 0; attempt < 500; attempt++) {
        cleanup_free pid_t *pids = NULL;
        size_t n;
        cgroup_get_pids(st, &pids, &n, NULL);
        for (size_t i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        if (remove_dirs(st))
            return 0;
        cg_sleep_ms(attempt < 20 ? 1 : 10);
    }
    for (size_t i = 0; i < st->cgroups_len; i++)
        if (rmdir_tree(st->cgroups[i], 0) < 0)
            return rt_err(err, errno, "remove cgroup %s", st->cgroups[i]);
    return 0;
}

void cgroup_release(const rt_state *st)
{
    cgroup_freeze(st, false, NULL);
    /* rmdir fails with EBUSY until the last task has really gone. */
    for (int attempt = 0; attempt < 100; attempt++) {
        if (remove_dirs(st))
            return;
        cg_sleep_ms(10);
    }
    for (size_t i = 0; i < st->cgroups_len; i++)
        if (rmdir_tree(st->cgroups[i], 0) < 0)
            log_warn("cgroup %s still holds processes that are not the container's: left "
                     "in place",
                     st->cgroups[i]);
}

uint64_t cgroup_oom_kills(const rt_state *st)
{
    cleanup_ctx cg_ctx c;
    if (ctx_open(st, &c, NULL) < 0)
        return 0;
    const char *dir = cg_dir(&c, c.host.unified ? NULL : "memory");
    cleanup_free char *data = NULL;
    uint64_t n = 0;
    if (dir && cg_read(dir, c.host.unified ? "memory.events" : "memory.oom_control", &data) == 0)
        cg_kv_get(data, "oom_kill", &n);
    return n;
}

/* --- stats and OOM --------------------------------------------------------------------------- */

int cgroup_stats_json(const rt_state *st, char **json, rt_error **err)
{
    cleanup_ctx cg_ctx c;
    if (ctx_open(st, &c, err) < 0)
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

int cgroup_oom_open(const rt_state *st, cgroup_oom *w, rt_error **err)
{
    *w = (cgroup_oom){.fd = -1, .ctl_fd = -1};
    cleanup_ctx cg_ctx c;
    if (ctx_open(st, &c, err) < 0)
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
