/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which cgroup hierarchies the host has, and where a container's directories
 * are in them: resolved from linux.cgroupsPath at create, checked when a
 * state is read back. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup/internal.h"
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

void cgroup_paths_free(cgroup_paths *p)
{
    for (size_t i = 0; i < p->len; i++) {
        free(p->dirs[i]);
        free(p->made ? p->made[i] : NULL);
    }
    free(p->dirs);
    free(p->made);
    free(p->unit);
    *p = (cgroup_paths){0};
}

static bool path_is_clean(const char *p)
{
    for (const char *s = p; *s; s++)
        if ((s == p || s[-1] == '/') && s[0] == '.' && s[1] == '.' && (s[2] == '/' || !s[2]))
            return false;
    return true;
}

/* The cgroup path of cgroupsPath cp in hierarchy h: absolute as it is, else
 * below our own cgroup there (cp empty: the id). */
static char *cgroupfs_path(const cg_hier *h, const char *cp, const char *id)
{
    if (cp && *cp == '/')
        return xstrdup(cp);
    return xasprintf("%s/%s", strcmp(h->own_path, "/") ? h->own_path : "", cp && *cp ? cp : id);
}

int cgroup_resolve(const oci_config *cfg, const char *id, bool systemd, cgroup_paths *cg,
                   rt_error **err)
{
    const char *cp = cfg->linux_ ? cfg->linux_->cgroups_path : NULL;
    cleanup_free char *unit = NULL, *scope = NULL;
    if (systemd && cg_systemd_resolve(cp, id, &unit, &scope, err) < 0)
        return -1;
    if (!systemd && cp && !path_is_clean(cp))
        return rt_err(err, 0, "linux.cgroupsPath: must not contain \"..\": %s", cp);
    cg_host host;
    if (cg_host_load(&host, err) < 0)
        return -1;
    *cg = (cgroup_paths){.dirs = calloc(host.n + 1, sizeof(char *)), .unit = take_ptr(unit)};
    if (!cg->dirs)
        abort();
    for (size_t i = 0; i < host.n; i++) {
        const cg_hier *h = &host.h[i];
        cleanup_free char *path = scope ? xstrdup(scope) : cgroupfs_path(h, cp, id);
        cg->dirs[cg->len++] = hierarchy_dir(h, path);
    }
    cg_host_free(&host);
    return 0;
}

/* A systemd scope read back: exactly where the saved config puts it. */
static int systemd_paths_check(const cgroup_paths *cg, const char *id, const char *cgroups_path,
                               rt_error **err)
{
    oci_linux lx = {.cgroups_path = (char *)cgroups_path};
    oci_config cfg = {.linux_ = &lx};
    cgroup_paths want = {0};
    cleanup_error rt_error *why = NULL;
    int r = cgroup_resolve(&cfg, id, true, &want, &why);
    bool same = r == 0 && want.len == cg->len && !strcmp(want.unit, cg->unit);
    for (size_t i = 0; same && i < cg->len; i++)
        same = !strcmp(want.dirs[i], cg->dirs[i]);
    cgroup_paths_free(&want);
    if (!same)
        return rt_err(err, 0,
                      "state.json is corrupt: systemd unit %s is not the scope of container %s "
                      "(linux.cgroupsPath %s)",
                      cg->unit, id, cgroups_path && *cgroups_path ? cgroups_path : "unset");
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

int cgroup_paths_check(const cgroup_paths *cg, const char *id, const char *cgroups_path,
                       rt_error **err)
{
    if (cg->unit)
        return systemd_paths_check(cg, id, cgroups_path, err);
    cg_host host;
    if (!cg->len || cg_host_load(&host, NULL) < 0)
        return 0;
    int r = 0;
    for (size_t i = 0; r == 0 && i < cg->len; i++) {
        const char *p = cg->dirs[i];
        const cg_hier *h = hier_of_dir(&host, p);
        if (!h || strlen(p) <= strlen(h->mountpoint) + 1 || !path_is_clean(p) || strstr(p, "//"))
            r = rt_err(err, 0, "state.json is corrupt: %s is not a cgroup below a hierarchy", p);
        else if (!dir_is_own(h, p, cgroups_path, id))
            r = rt_err(err, 0,
                       "state.json is corrupt: %s is not the cgroup of container %s "
                       "(linux.cgroupsPath %s)",
                       p, id, cgroups_path && *cgroups_path ? cgroups_path : "unset");
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
    for (size_t i = 0; i < c->paths->len; i++)
        if (hier_of_dir(&c->host, c->paths->dirs[i]) == h)
            return c->paths->dirs[i];
    return NULL;
}

int cg_ctx_open(const cgroup_paths *cg, cg_ctx *c, rt_error **err)
{
    *c = (cg_ctx){.paths = cg};
    if (cg_host_load(&c->host, err) < 0)
        return -1;
    c->drv = c->host.unified ? &cgroup_v2_driver : &cgroup_v1_driver;
    return 0;
}

void cg_ctx_close(cg_ctx *c)
{
    cg_host_free(&c->host);
}

const char *cgroup_dir_for(const cgroup_paths *cg, const char *controller)
{
    cleanup_ctx cg_ctx c;
    if (cg_ctx_open(cg, &c, NULL) < 0)
        return NULL;
    return cg_dir(&c, controller);
}

/* --- files ----------------------------------------------------------------------------------- */
