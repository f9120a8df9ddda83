/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2: one hierarchy, controllers enabled from the top down through
 * cgroup.subtree_control, v1 values converted as runc and crun do
 * (docs/cgroups.md), devices through an eBPF program (bpf.c). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>

#include "cgroup/internal.h"
#include "log.h"
#include "util/util.h"

#define F_MEM "linux.resources.memory."
#define F_CPU "linux.resources.cpu."
#define F_BLKIO "linux.resources.blockIO."
#define UNLIMITED 0x7FFFFFFFFFFFF000ULL

static int v2_check(const cg_host *host, const oci_resources *r, rt_error **err)
{
    (void)host;
    const oci_cpu *c = r->cpu;
    if (c && c->has_realtime_runtime && c->realtime_runtime)
        return rt_err(err, 0, F_CPU "realtimeRuntime: not supported on cgroup v2");
    if (c && c->has_realtime_period && c->realtime_period)
        return rt_err(err, 0, F_CPU "realtimePeriod: not supported on cgroup v2");
    const oci_memory *m = r->memory;
    if (m && m->has_swappiness && m->swappiness != UINT64_MAX)
        return rt_err(err, 0, F_MEM "swappiness: not supported on cgroup v2");
    if (m && m->has_disable_oom_killer && m->disable_oom_killer)
        return rt_err(err, 0, F_MEM "disableOOMKiller: not supported on cgroup v2");
    if (m && m->has_use_hierarchy && !m->use_hierarchy)
        return rt_err(err, 0, F_MEM "useHierarchy: cgroup v2 is always hierarchical");
    const oci_block_io *b = r->block_io;
    if (b && b->has_leaf_weight && b->leaf_weight)
        return rt_err(err, 0, F_BLKIO "leafWeight: not supported on cgroup v2");
    for (size_t i = 0; b && i < b->weight_device_len; i++)
        if (b->weight_device[i].has_leaf_weight && b->weight_device[i].leaf_weight)
            return rt_err(err, 0,
                          F_BLKIO "weightDevice[%zu].leafWeight: not supported on cgroup v2", i);
    const oci_network *n = r->network;
    if (n && n->has_class_id && n->class_id)
        return rt_err(err, 0, "linux.resources.network.classID: cgroup v2 has no net_cls");
    for (size_t i = 0; n && i < n->priorities_len; i++)
        if (n->priorities[i].priority)
            return rt_err(err, 0, "linux.resources.network.priorities: cgroup v2 has no net_prio");
    for (size_t i = 0; i < r->unified.len; i++) {
        const char *k = r->unified.keys[i];
        if (!*k || strchr(k, '/') || !strchr(k, '.') || *k == '.' || !strcmp(k, "cgroup.procs") ||
            !strcmp(k, "cgroup.threads") || !strcmp(k, "cgroup.subtree_control") ||
            !strcmp(k, "cgroup.kill") || !strcmp(k, "cgroup.freeze"))
            return rt_err(err, 0, "linux.resources.unified: invalid key \"%s\"", k);
    }
    return 0;
}

/* Whether the space-separated list has word w. */
static bool has_word(const char *list, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = list; p && *p;) {
        p += strspn(p, " \n");
        size_t l = strcspn(p, " \n");
        if (l == wl && !strncmp(p, w, wl))
            return true;
        p += l;
    }
    return false;
}

/* Whether dir holds processes and is not the root (which alone has no
 * cgroup.type): the no-internal-process rule then refuses it the domain
 * controllers (EBUSY), and lets it take the threaded ones (cpuset, pids) only
 * by making it a thread root, whose new children can take no process
 * (EOPNOTSUPP). */
bool v2_holds_processes(const char *dir)
{
    cleanup_free char *procs = NULL;
    return cg_exists(dir, "cgroup.type") && cg_read(dir, "cgroup.procs", &procs) == 0 && *procs;
}

/* Enable in dir's subtree_control every controller it has: all at once, else
 * one by one; nothing in a cgroup that holds processes.  What cannot be
 * enabled shows later as a missing limit file, and cg_v2_missing_reason says
 * why. */
static void enable_controllers(const char *dir)
{
    cleanup_free char *avail = NULL, *on = NULL;
    if (v2_holds_processes(dir)) {
        log_debug("%s holds processes: no controller enabled for its children", dir);
        return;
    }
    if (cg_read(dir, "cgroup.controllers", &avail) < 0 ||
        cg_read(dir, "cgroup.subtree_control", &on) < 0)
        return;
    cleanup_free char *all = calloc(1, 2 * strlen(avail) + 2);
    if (!all)
        return;
    char *save = NULL;
    size_t n = 0;
    for (char *t = strtok_r(avail, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
        if (!has_word(on, t))
            n += (size_t)sprintf(all + n, "%s+%s", n ? " " : "", t);
    if (!*all || cg_write(dir, "cgroup.subtree_control", all, NULL) == 0)
        return;
    save = NULL;
    for (char *t = strtok_r(all, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        cleanup_error rt_error *e = NULL;
        if (cg_write(dir, "cgroup.subtree_control", t, &e) < 0)
            log_debug("%s", e->msg);
    }
}

/* Every ancestor of the container's directory, from the mount point down to
 * its parent, hands its controllers to its children. */
static int v2_setup(const cg_ctx *c, rt_error **err)
{
    const char *dir = cg_dir(c, NULL);
    const cg_hier *h = cg_host_find(&c->host, NULL);
    if (!dir || !h)
        return rt_err(err, 0, "no cgroup2 directory for the container");
    cleanup_free char *p = xstrdup(dir);
    for (char *s = strchr(p + strlen(h->mountpoint), '/'); s && s[1]; s = strchr(s + 1, '/')) {
        *s = '\0';
        enable_controllers(p);
        *s = '/';
    }
    return 0;
}

/* A parent directory of a cgroup2 directory, or NULL above the hierarchy's
 * top (a directory without cgroup.controllers). */
static char *v2_parent(const char *dir)
{
    char *p = xstrdup(dir);
    char *slash = strrchr(p, '/');
    if (slash && slash != p)
        *slash = '\0';
    if (!slash || slash == p || !cg_exists(p, "cgroup.controllers")) {
        free(p);
        return NULL;
    }
    return p;
}

/* The topmost ancestor of dir that has ctrl but does not hand it to its
 * children, and whether the hierarchy's top has ctrl at all. */
static char *v2_blocking_ancestor(const char *dir, const char *ctrl, bool *at_top)
{
    char *found = NULL;
    *at_top = false;
    for (char *p = v2_parent(dir); p;) {
        cleanup_free char *avail = NULL, *on = NULL;
        cg_read(p, "cgroup.controllers", &avail);
        cg_read(p, "cgroup.subtree_control", &on);
        bool has = has_word(avail, ctrl);
        *at_top = has;
        if (has && !has_word(on, ctrl)) {
            free(found);
            found = xstrdup(p);
        }
        char *up = v2_parent(p);
        free(p);
        p = up;
    }
    return found;
}

char *cg_v2_missing_reason(const char *dir, const char *ctrl)
{
    bool at_top;
    cleanup_free char *anc = v2_blocking_ancestor(dir, ctrl, &at_top);
    if (!anc)
        return at_top ? NULL : xasprintf("this host has no %s controller", ctrl);
    if (v2_holds_processes(anc))
        return xasprintf("the %s controller cannot be enabled for the children of %s, which "
                         "holds processes (cgroup v2's no-internal-process rule): give "
                         "linux.cgroupsPath an absolute path, or move the caller into a leaf "
                         "cgroup first",
                         ctrl, anc);
    return xasprintf("the %s controller could not be enabled in %s/cgroup.subtree_control", ctrl,
                     anc);
}

/* --- resources ------------------------------------------------------------------------------- */

static void fmt_max(char *buf, size_t len, int64_t v)
{
    if (v < 0)
        snprintf(buf, len, "max");
    else
        snprintf(buf, len, "%lld", (long long)v);
}

static int v2_cpu(const char *dir, const oci_cpu *p, rt_error **err)
{
    if (p->has_shares && p->shares) {
        uint64_t w = cg_shares_to_weight(p->shares);
        if (cg_set_i64(dir, "cpu", "cpu.weight", (int64_t)w, p->shares == 1024, F_CPU "shares",
                       err) < 0)
            return -1;
    }
    int64_t quota = p->has_quota ? p->quota : 0;
    uint64_t period = p->has_period ? p->period : 0;
    if (quota || period) {
        char q[32], v[64];
        fmt_max(q, sizeof(q), quota);
        if (quota && period) {
            snprintf(v, sizeof(v), "%s %" PRIu64, q, period);
        } else if (quota) {
            snprintf(v, sizeof(v), "%s", q);
        } else {
            /* Only the period: keep the current quota. */
            cleanup_free char *cur = NULL;
            if (cg_read(dir, "cpu.max", &cur) == 0)
                cur[strcspn(cur, " \n")] = '\0';
            snprintf(v, sizeof(v), "%s %" PRIu64, cur ? cur : "max", period);
        }
        bool dflt = quota <= 0 && (!period || period == 100000);
        if (cg_set(dir, "cpu", "cpu.max", v, dflt, quota ? F_CPU "quota" : F_CPU "period", err) < 0)
            return -1;
    }
    if (p->has_burst && cg_set_i64(dir, "cpu", "cpu.max.burst", (int64_t)p->burst, !p->burst,
                                   F_CPU "burst", err) < 0)
        return -1;
    if (p->has_idle && cg_set_i64(dir, "cpu", "cpu.idle", p->idle, !p->idle, F_CPU "idle", err) < 0)
        return -1;
    if (p->cpus && *p->cpus &&
        cg_set(dir, "cpuset", "cpuset.cpus", p->cpus, false, F_CPU "cpus", err) < 0)
        return -1;
    if (p->mems && *p->mems &&
        cg_set(dir, "cpuset", "cpuset.mems", p->mems, false, F_CPU "mems", err) < 0)
        return -1;
    return 0;
}

static int v2_memory(const char *dir, const oci_memory *m, bool update, rt_error **err)
{
    int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
    if (update && m->has_check_before_update && m->check_before_update && limit > 0) {
        uint64_t cur = 0;
        if (cg_read_u64(dir, "memory.current", &cur) == 0 && (uint64_t)limit < cur)
            return rt_err(err, 0,
                          F_MEM "limit: %lld is below the current usage %" PRIu64
                                " (checkBeforeUpdate)",
                          (long long)limit, cur);
    }
    /* On update without a new limit, the swap is counted from the one in force. */
    int64_t base = limit, swap_max;
    uint64_t cur;
    if (!base && swap > 0 && update && cg_read_u64(dir, "memory.max", &cur) == 0 &&
        cur != UINT64_MAX)
        base = (int64_t)cur;
    int swap_set = cg_swap_max(limit == -1 ? -1 : base, swap, &swap_max, err);
    if (swap_set < 0)
        return -1;
    char v[32];
    if (swap_set) {
        fmt_max(v, sizeof(v), swap_max);
        if (cg_set(dir, "memory", "memory.swap.max", v, swap_max < 0, F_MEM "swap", err) < 0)
            return -1;
    }
    if (limit) {
        fmt_max(v, sizeof(v), limit);
        if (cg_set(dir, "memory", "memory.max", v, limit < 0, F_MEM "limit", err) < 0)
            return -1;
    }
    if (m->has_reservation && m->reservation) {
        fmt_max(v, sizeof(v), m->reservation);
        if (cg_set(dir, "memory", "memory.low", v, false, F_MEM "reservation", err) < 0)
            return -1;
    }
    if ((m->has_kernel && m->kernel && m->kernel != -1) ||
        (m->has_kernel_tcp && m->kernel_tcp && m->kernel_tcp != -1))
        log_warn(F_MEM "kernel, kernelTCP: kernel memory limits are not supported on cgroup v2; "
                       "ignored");
    return 0;
}

static int v2_io(const char *dir, const oci_block_io *b, rt_error **err)
{
    /* BFQ has its own weight file, in the v1 range; io.weight is 1-10000. */
    bool bfq = cg_exists(dir, "io.bfq.weight");
    if (b->has_weight && b->weight) {
        uint64_t w = bfq ? b->weight : cg_blkio_to_io_weight(b->weight);
        if (cg_set_i64(dir, "io", bfq ? "io.bfq.weight" : "io.weight", (int64_t)w, false,
                       F_BLKIO "weight", err) < 0)
            return -1;
    }
    for (size_t i = 0; i < b->weight_device_len; i++) {
        const oci_weight_device *d = &b->weight_device[i];
        if (!d->has_weight || !d->weight)
            continue;
        uint64_t w = bfq ? d->weight : cg_blkio_to_io_weight(d->weight);
        cleanup_free char *v =
            xasprintf("%lld:%lld %" PRIu64, (long long)d->major, (long long)d->minor, w);
        if (cg_set(dir, "io", bfq ? "io.bfq.weight" : "io.weight", v, false, F_BLKIO "weightDevice",
                   err) < 0)
            return -1;
    }
    const struct {
        const oci_throttle_device *t;
        size_t n;
        const char *key, *field;
    } th[] = {
        {b->throttle_read_bps_device, b->throttle_read_bps_device_len, "rbps",
         F_BLKIO "throttleReadBpsDevice"},
        {b->throttle_write_bps_device, b->throttle_write_bps_device_len, "wbps",
         F_BLKIO "throttleWriteBpsDevice"},
        {b->throttle_read_iops_device, b->throttle_read_iops_device_len, "riops",
         F_BLKIO "throttleReadIOPSDevice"},
        {b->throttle_write_iops_device, b->throttle_write_iops_device_len, "wiops",
         F_BLKIO "throttleWriteIOPSDevice"},
    };
    for (size_t k = 0; k < sizeof(th) / sizeof(*th); k++)
        for (size_t i = 0; i < th[k].n; i++) {
            const oci_throttle_device *t = &th[k].t[i];
            char rate[32] = "max";
            if (t->has_rate && t->rate)
                snprintf(rate, sizeof(rate), "%" PRIu64, t->rate);
            cleanup_free char *v = xasprintf("%lld:%lld %s=%s", (long long)t->major,
                                             (long long)t->minor, th[k].key, rate);
            if (cg_set(dir, "io", "io.max", v, !strcmp(rate, "max"), th[k].field, err) < 0)
                return -1;
        }
    return 0;
}

static int v2_apply(const cg_ctx *c, const oci_resources *r, bool update, rt_error **err)
{
    const char *dir = cg_dir(c, NULL);
    if (!dir)
        return rt_err(err, 0, "no cgroup2 directory for the container");
    if (!update && cg_bpf_devices_attach(dir, r, err) < 0)
        return -1;
    if (r->cpu && v2_cpu(dir, r->cpu, err) < 0)
        return -1;
    if (r->memory && v2_memory(dir, r->memory, update, err) < 0)
        return -1;
    if (r->pids && r->pids->has_limit && r->pids->limit) {
        char v[32];
        fmt_max(v, sizeof(v), r->pids->limit);
        if (cg_set(dir, "pids", "pids.max", v, r->pids->limit < 0, "linux.resources.pids.limit",
                   err) < 0)
            return -1;
    }
    if (r->block_io && v2_io(dir, r->block_io, err) < 0)
        return -1;
    for (size_t i = 0; i < r->hugepage_limits_len; i++) {
        const oci_hugepage_limit *h = &r->hugepage_limits[i];
        cleanup_free char *file = xasprintf("hugetlb.%s.max", h->page_size);
        cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.max", h->page_size);
        char v[32];
        snprintf(v, sizeof(v), "%" PRIu64, h->limit);
        if (cg_set(dir, "hugetlb", file, v, h->limit >= UNLIMITED, "linux.resources.hugepageLimits",
                   err) < 0)
            return -1;
        if (cg_exists(dir, rsvd) &&
            cg_set(dir, "hugetlb", rsvd, v, false, "linux.resources.hugepageLimits", err) < 0)
            return -1;
    }
    if (cg_set_rdma(dir, &r->rdma, err) < 0)
        return -1;
    /* Last, so that it overrides what the converted values wrote. */
    for (size_t i = 0; i < r->unified.len; i++) {
        cleanup_free char *field = xasprintf("linux.resources.unified.%s", r->unified.keys[i]);
        if (cg_set(dir, "", r->unified.keys[i], r->unified.values[i], false, field, err) < 0)
            return -1;
    }
    return 0;
}

/* --- freezer --------------------------------------------------------------------------------- */

static int v2_freeze(const cg_ctx *c, bool frozen, rt_error **err)
{
    const char *dir = cg_dir(c, NULL);
    if (!dir)
        return rt_err(err, 0, "no cgroup2 directory for the container");
    if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
    /* cgroup.events says "frozen 1" once every task has stopped. */
    for (int i = 0; i < 400; i++) {
        cleanup_free char *ev = NULL;
        uint64_t v;
        if (cg_read(dir, "cgroup.events", &ev) < 0)
            return rt_err(err, errno, "read %s/cgroup.events", dir);
        if (cg_kv_get(ev, "frozen", &v) && v == (uint64_t)frozen)
            return 0;
        cg_sleep_ms(i < 10 ? 1 : 5);
    }
    if (!frozen)
        return rt_err(err, 0,
                      "unable to thaw the container: %s/cgroup.events stays frozen 1 (a parent "
                      "cgroup is frozen?)",
                      dir);
    cg_write(dir, "cgroup.freeze", "0", NULL);
    return rt_err(err, 0, "unable to freeze the container: %s/cgroup.events never says frozen 1",
                  dir);
}

/* --- OOM ------------------------------------------------------------------------------------- */

static int v2_oom_open(const cg_ctx *c, cgroup_oom *w, rt_error **err)
{
    const char *dir = cg_dir(c, NULL);
    if (!dir || !cg_exists(dir, "memory.events"))
        return 0;
    w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd < 0)
        return rt_err(err, errno, "inotify_init1");
    cleanup_free char *me = xasprintf("%s/memory.events", dir);
    cleanup_free char *ce = xasprintf("%s/cgroup.events", dir);
    if (inotify_add_watch(w->fd, me, IN_MODIFY) < 0 || inotify_add_watch(w->fd, ce, IN_MODIFY) < 0)
        return rt_err(err, errno, "inotify_add_watch %s", dir);
    w->dir = xstrdup(dir);
    cleanup_free char *data = NULL;
    if (cg_read(dir, "memory.events", &data) == 0)
        cg_kv_get(data, "oom_kill", &w->count);
    return 0;
}

static int v2_oom_read(cgroup_oom *w)
{
    char buf[4096];
    while (read(w->fd, buf, sizeof(buf)) > 0)
        ;
    cleanup_free char *data = NULL, *ev = NULL;
    uint64_t n = 0, populated = 0;
    if (cg_read(w->dir, "memory.events", &data) == 0 && cg_kv_get(data, "oom_kill", &n) &&
        n > w->count) {
        w->count++;
        return 1;
    }
    if (cg_read(w->dir, "cgroup.events", &ev) < 0 ||
        (cg_kv_get(ev, "populated", &populated) && !populated))
        return -1;
    return 0;
}

static const char *v2_procs_dir(const cg_ctx *c)
{
    return cg_dir(c, NULL);
}

const cgroup_driver cgroup_v2_driver = {
    .name = "cgroupfs-v2",
    .check = v2_check,
    .setup = v2_setup,
    .apply = v2_apply,
    .freeze = v2_freeze,
    .stats = cg_v2_stats,
    .oom_open = v2_oom_open,
    .oom_read = v2_oom_read,
    .procs_dir = v2_procs_dir,
};
