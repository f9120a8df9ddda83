/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v1 (and hybrid hosts): one hierarchy per controller group, the
 * limits in <controller>.* files of each.  docs/cgroups.md has the map. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <fcntl.h>

#include "cgroup/internal.h"
#include "log.h"
#include "util/util.h"

#define F_MEM "linux.resources.memory."
#define F_CPU "linux.resources.cpu."
#define F_BLKIO "linux.resources.blockIO."
/* What the kernel reads back for "no limit" (PAGE_COUNTER_MAX pages). */
#define V1_UNLIMITED 0x7FFFFFFFFFFFF000ULL

/* "invalid configuration" is runc's wording for a v2-only field on v1 (tools
 * match it). */
static int v1_check(const cg_host *host, const oci_resources *r, rt_error **err)
{
    if (r->unified.len)
        return rt_err(err, 0,
                      "linux.resources.unified: invalid configuration: cannot use unified on "
                      "cgroup v1 (%s)",
                      r->unified.keys[0]);
    for (size_t i = 0; i < r->hugepage_limits_len; i++)
        if (r->hugepage_limits[i].limit < V1_UNLIMITED && !cg_host_find(host, "hugetlb"))
            return rt_err(err, 0,
                          "linux.resources.hugepageLimits: no hugetlb cgroup v1 hierarchy is "
                          "mounted (hugetlb.%s.limit_in_bytes)",
                          r->hugepage_limits[i].page_size);
    const oci_network *n = r->network;
    if (n && n->has_class_id && n->class_id && !cg_host_find(host, "net_cls"))
        return rt_err(err, 0,
                      "linux.resources.network.classID: no net_cls cgroup hierarchy is "
                      "mounted (net_cls.classid)");
    for (size_t i = 0; n && i < n->priorities_len; i++)
        if (n->priorities[i].priority && !cg_host_find(host, "net_prio"))
            return rt_err(err, 0,
                          "linux.resources.network.priorities: no net_prio cgroup "
                          "hierarchy is mounted (net_prio.ifpriomap)");
    if (r->rdma.len && !cg_host_find(host, "rdma"))
        return rt_err(err, 0,
                      "linux.resources.rdma: no rdma cgroup hierarchy is mounted "
                      "(rdma.max)");
    return 0;
}

static int v1_setup(const cg_ctx *c, rt_error **err)
{
    (void)c;
    (void)err;
    return 0;
}

/* --- memory ---------------------------------------------------------------------------------- */

static int set_mem_limit(const char *dir, int64_t v, rt_error **err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    if (!dir)
        return cg_set(dir, "memory", "memory.limit_in_bytes", buf, v == -1, F_MEM "limit", err);
    cleanup_free char *path = xasprintf("%s/memory.limit_in_bytes", dir);
    if (write_file_at(AT_FDCWD, path, buf, strlen(buf), NULL) == 0)
        return 0;
    if (errno == EBUSY) {
        uint64_t usage = 0, peak = 0;
        cg_read_u64(dir, "memory.usage_in_bytes", &usage);
        cg_read_u64(dir, "memory.max_usage_in_bytes", &peak);
        return rt_err(err, 0,
                      F_MEM "limit: unable to set memory limit to %lld (current usage: %" PRIu64
                            ", peak usage: %" PRIu64 ")",
                      (long long)v, usage, peak);
    }
    return rt_err(err, errno, F_MEM "limit: write %s to %s", buf, path);
}

static int set_memsw(const char *dir, int64_t v, rt_error **err)
{
    return cg_set_i64(dir, "memory", "memory.memsw.limit_in_bytes", v, v == -1, F_MEM "swap", err);
}

/* Kernel memory limits are gone from new kernels: a warning, as runc. */
static void set_kmem(const char *dir, const char *file, int64_t v, const char *field)
{
    if (!v || v == -1 || !dir)
        return;
    cleanup_error rt_error *e = NULL;
    if (!cg_exists(dir, file) || cg_set_i64(dir, "memory", file, v, false, field, &e) < 0)
        log_warn("%s: kernel memory limits are not supported by this kernel (%s); ignored", field,
                 file);
}

/* Memory and memory+swap must keep limit <= memsw at every step: when the
 * new memsw is above the current limit write it first, else the limit first
 * (as runc). */
static int v1_memory(const cg_ctx *c, const oci_memory *m, bool update, rt_error **err)
{
    const char *dir = cg_dir(c, "memory");
    int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
    if (limit == -1 && swap == 0 && dir && cg_exists(dir, "memory.memsw.limit_in_bytes"))
        swap = -1;
    if (update && m->has_check_before_update && m->check_before_update && limit > 0 && dir) {
        uint64_t usage = 0;
        if (cg_read_u64(dir, "memory.usage_in_bytes", &usage) == 0 && (uint64_t)limit < usage)
            return rt_err(err, 0,
                          F_MEM "limit: %lld is below the current usage %" PRIu64
                                " (checkBeforeUpdate)",
                          (long long)limit, usage);
    }
    if (limit && swap) {
        uint64_t cur = 0;
        if (dir && cg_read_u64(dir, "memory.limit_in_bytes", &cur) < 0)
            return rt_err(err, errno, "read %s/memory.limit_in_bytes", dir);
        if (swap == -1 || cur < (uint64_t)swap) {
            if (set_memsw(dir, swap, err) < 0 || set_mem_limit(dir, limit, err) < 0)
                return -1;
        } else if (set_mem_limit(dir, limit, err) < 0 || set_memsw(dir, swap, err) < 0) {
            return -1;
        }
    } else if ((limit && set_mem_limit(dir, limit, err) < 0) ||
               (swap && set_memsw(dir, swap, err) < 0)) {
        return -1;
    }
    if (m->has_reservation && m->reservation &&
        cg_set_i64(dir, "memory", "memory.soft_limit_in_bytes", m->reservation,
                   m->reservation == -1, F_MEM "reservation", err) < 0)
        return -1;
    set_kmem(dir, "memory.kmem.limit_in_bytes", m->has_kernel ? m->kernel : 0, F_MEM "kernel");
    set_kmem(dir, "memory.kmem.tcp.limit_in_bytes", m->has_kernel_tcp ? m->kernel_tcp : 0,
             F_MEM "kernelTCP");
    if (m->has_swappiness && m->swappiness != UINT64_MAX &&
        cg_set_i64(dir, "memory", "memory.swappiness", (int64_t)m->swappiness, false,
                   F_MEM "swappiness", err) < 0)
        return -1;
    if (m->has_disable_oom_killer && (m->disable_oom_killer || update) &&
        cg_set(dir, "memory", "memory.oom_control", m->disable_oom_killer ? "1" : "0",
               !m->disable_oom_killer, F_MEM "disableOOMKiller", err) < 0)
        return -1;
    if (m->has_use_hierarchy) {
        uint64_t cur;
        /* Always 1 on new kernels, where writing 0 is EINVAL. */
        if (dir && cg_read_u64(dir, "memory.use_hierarchy", &cur) == 0 &&
            cur == (uint64_t)m->use_hierarchy)
            return 0;
        if (cg_set(dir, "memory", "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
                   m->use_hierarchy, F_MEM "useHierarchy", err) < 0)
            return -1;
    }
    return 0;
}

/* --- cpu, cpuset ----------------------------------------------------------------------------- */

/* Write a period and its runtime/quota: a period below the current one may
 * be EINVAL until the quota is lowered, so then quota first (as runc). */
static int set_period_pair(const char *dir, const char *pfile, uint64_t period, const char *qfile,
                           int64_t quota, const char *pfield, const char *qfield, bool qdefault,
                           rt_error **err)
{
    bool period_done = false;
    if (period) {
        cleanup_error rt_error *e = NULL;
        if (cg_set_i64(dir, "cpu", pfile, (int64_t)period, false, pfield, &e) == 0)
            period_done = true;
        else if (!quota || e->errnum != EINVAL || !dir)
            return rt_err(err, 0, "%s", e->msg);
    }
    if (quota && cg_set_i64(dir, "cpu", qfile, quota, qdefault, qfield, err) < 0)
        return -1;
    if (period && !period_done &&
        cg_set_i64(dir, "cpu", pfile, (int64_t)period, false, pfield, err) < 0)
        return -1;
    return 0;
}

static int v1_cpu(const cg_ctx *c, const oci_cpu *p, rt_error **err)
{
    const char *dir = cg_dir(c, "cpu");
    if (p->has_shares && p->shares) {
        if (cg_set_i64(dir, "cpu", "cpu.shares", (int64_t)p->shares, p->shares == 1024,
                       F_CPU "shares", err) < 0)
            return -1;
        uint64_t got;
        if (dir && cg_read_u64(dir, "cpu.shares", &got) == 0 && got != p->shares)
            return rt_err(err, 0, F_CPU "shares: the %s allowed cpu-shares is %" PRIu64,
                          p->shares > got ? "maximum" : "minimum", got);
    }
    if (set_period_pair(dir, "cpu.cfs_period_us", p->has_period ? p->period : 0, "cpu.cfs_quota_us",
                        p->has_quota ? p->quota : 0, F_CPU "period", F_CPU "quota",
                        p->has_quota && p->quota == -1, err) < 0)
        return -1;
    if (p->has_burst && cg_set_i64(dir, "cpu", "cpu.cfs_burst_us", (int64_t)p->burst, p->burst == 0,
                                   F_CPU "burst", err) < 0)
        return -1;
    if (set_period_pair(dir, "cpu.rt_period_us", p->has_realtime_period ? p->realtime_period : 0,
                        "cpu.rt_runtime_us", p->has_realtime_runtime ? p->realtime_runtime : 0,
                        F_CPU "realtimePeriod", F_CPU "realtimeRuntime", false, err) < 0)
        return -1;
    if (p->has_idle &&
        cg_set_i64(dir, "cpu", "cpu.idle", p->idle, p->idle == 0, F_CPU "idle", err) < 0)
        return -1;
    const char *cs = cg_dir(c, "cpuset");
    if (p->cpus && *p->cpus &&
        cg_set(cs, "cpuset", "cpuset.cpus", p->cpus, false, F_CPU "cpus", err) < 0)
        return -1;
    if (p->mems && *p->mems &&
        cg_set(cs, "cpuset", "cpuset.mems", p->mems, false, F_CPU "mems", err) < 0)
        return -1;
    return 0;
}

/* --- blkio ----------------------------------------------------------------------------------- */

static int set_throttle(const char *dir, const char *file, const oci_throttle_device *t, size_t n,
                        const char *field, rt_error **err)
{
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *v = xasprintf("%lld:%lld %" PRIu64, (long long)t[i].major,
                                         (long long)t[i].minor, t[i].has_rate ? t[i].rate : 0);
        if (cg_set(dir, "blkio", file, v, !t[i].rate, field, err) < 0)
            return -1;
    }
    return 0;
}

static int v1_blkio(const cg_ctx *c, const oci_block_io *b, rt_error **err)
{
    const char *dir = cg_dir(c, "blkio");
    /* CFQ's blkio.weight is gone from new kernels; BFQ has its own. */
    bool bfq = dir && !cg_exists(dir, "blkio.weight") && cg_exists(dir, "blkio.bfq.weight");
    const char *wfile = bfq ? "blkio.bfq.weight" : "blkio.weight";
    const char *wdfile = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
    if (b->has_weight && b->weight &&
        cg_set_i64(dir, "blkio", wfile, b->weight, false, F_BLKIO "weight", err) < 0)
        return -1;
    if (b->has_leaf_weight && b->leaf_weight &&
        cg_set_i64(dir, "blkio", "blkio.leaf_weight", b->leaf_weight, false, F_BLKIO "leafWeight",
                   err) < 0)
        return -1;
    for (size_t i = 0; i < b->weight_device_len; i++) {
        const oci_weight_device *w = &b->weight_device[i];
        if (w->has_weight && w->weight) {
            cleanup_free char *v =
                xasprintf("%lld:%lld %u", (long long)w->major, (long long)w->minor, w->weight);
            if (cg_set(dir, "blkio", wdfile, v, false, F_BLKIO "weightDevice", err) < 0)
                return -1;
        }
        if (w->has_leaf_weight && w->leaf_weight) {
            cleanup_free char *v =
                xasprintf("%lld:%lld %u", (long long)w->major, (long long)w->minor, w->leaf_weight);
            if (cg_set(dir, "blkio", "blkio.leaf_weight_device", v, false,
                       F_BLKIO "weightDevice.leafWeight", err) < 0)
                return -1;
        }
    }
    if (set_throttle(dir, "blkio.throttle.read_bps_device", b->throttle_read_bps_device,
                     b->throttle_read_bps_device_len, F_BLKIO "throttleReadBpsDevice", err) < 0 ||
        set_throttle(dir, "blkio.throttle.write_bps_device", b->throttle_write_bps_device,
                     b->throttle_write_bps_device_len, F_BLKIO "throttleWriteBpsDevice", err) < 0 ||
        set_throttle(dir, "blkio.throttle.read_iops_device", b->throttle_read_iops_device,
                     b->throttle_read_iops_device_len, F_BLKIO "throttleReadIOPSDevice", err) < 0 ||
        set_throttle(dir, "blkio.throttle.write_iops_device", b->throttle_write_iops_device,
                     b->throttle_write_iops_device_len, F_BLKIO "throttleWriteIOPSDevice", err) < 0)
        return -1;
    return 0;
}

/* --- the rest -------------------------------------------------------------------------------- */

static int v1_hugetlb(const cg_ctx *c, const oci_resources *r, rt_error **err)
{
    const char *dir = cg_dir(c, "hugetlb");
    for (size_t i = 0; i < r->hugepage_limits_len; i++) {
        const oci_hugepage_limit *h = &r->hugepage_limits[i];
        cleanup_free char *file = xasprintf("hugetlb.%s.limit_in_bytes", h->page_size);
        cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
        char v[32];
        snprintf(v, sizeof(v), "%" PRIu64, h->limit);
        if (cg_set(dir, "hugetlb", file, v, h->limit >= V1_UNLIMITED,
                   "linux.resources.hugepageLimits", err) < 0)
            return -1;
        if (dir && cg_exists(dir, rsvd) &&
            cg_set(dir, "hugetlb", rsvd, v, false, "linux.resources.hugepageLimits", err) < 0)
            return -1;
    }
    return 0;
}

static int v1_network(const cg_ctx *c, const oci_network *n, rt_error **err)
{
    if (n->has_class_id &&
        cg_set_i64(cg_dir(c, "net_cls"), "net_cls", "net_cls.classid", n->class_id, !n->class_id,
                   "linux.resources.network.classID", err) < 0)
        return -1;
    const char *prio = cg_dir(c, "net_prio");
    for (size_t i = 0; i < n->priorities_len; i++) {
        cleanup_free char *v = xasprintf("%s %u", n->priorities[i].name, n->priorities[i].priority);
        if (cg_set(prio, "net_prio", "net_prio.ifpriomap", v, !n->priorities[i].priority,
                   "linux.resources.network.priorities", err) < 0)
            return -1;
    }
    return 0;
}

static int v1_devices(const cg_ctx *c, const oci_resources *r, rt_error **err)
{
    const char *dir = cg_dir(c, "devices");
    if (!dir) {
        if (r->devices_len)
            log_warn("linux.resources.devices: no devices cgroup hierarchy; device rules not "
                     "enforced");
        return 0;
    }
    char rule[128];
    if (cg_write(dir, "devices.deny", "a", err) < 0)
        return -1;
    for (size_t i = 0; i < r->devices_len + cg_default_devices_len; i++) {
        const oci_device_cgroup *d =
            i < r->devices_len ? &r->devices[i] : &cg_default_devices[i - r->devices_len];
        if (cg_device_rule(d, rule, sizeof(rule), err) < 0 ||
            cg_write(dir, d->allow ? "devices.allow" : "devices.deny", rule, err) < 0)
            return -1;
    }
    return 0;
}

static int v1_apply(const cg_ctx *c, const oci_resources *r, bool update, rt_error **err)
{
    if (!update && v1_devices(c, r, err) < 0)
        return -1;
    if (r->cpu && v1_cpu(c, r->cpu, err) < 0)
        return -1;
    if (r->memory && v1_memory(c, r->memory, update, err) < 0)
        return -1;
    if (r->pids && r->pids->has_limit && r->pids->limit) {
        char v[32] = "max";
        if (r->pids->limit > 0)
            snprintf(v, sizeof(v), "%lld", (long long)r->pids->limit);
        if (cg_set(cg_dir(c, "pids"), "pids", "pids.max", v, r->pids->limit < 0,
                   "linux.resources.pids.limit", err) < 0)
            return -1;
    }
    if (r->block_io && v1_blkio(c, r->block_io, err) < 0)
        return -1;
    if (v1_hugetlb(c, r, err) < 0)
        return -1;
    if (r->network && v1_network(c, r->network, err) < 0)
        return -1;
    return cg_set_rdma(cg_dir(c, "rdma"), &r->rdma, err);
}

/* --- freezer --------------------------------------------------------------------------------- */

static int v1_freeze(const cg_ctx *c, bool frozen, rt_error **err)
{
    const char *dir = cg_dir(c, "freezer");
    if (!dir)
        return rt_err(err, 0, "no freezer cgroup hierarchy is mounted");
    const char *want = frozen ? "FROZEN" : "THAWED";
    /* FREEZING can get stuck behind a task in an uninterruptible sleep:
     * write the state again now and then, and give up after ~2 s. */
    for (int i = 0; i < 400; i++) {
        if (i % 20 == 0 && cg_write(dir, "freezer.state", want, err) < 0)
            return -1;
        cleanup_free char *s = NULL;
        if (cg_read(dir, "freezer.state", &s) < 0)
            return rt_err(err, errno, "read %s/freezer.state", dir);
        if (!strncmp(s, want, strlen(want)))
            return 0;
        cg_sleep_ms(i < 10 ? 1 : 5);
    }
    if (!frozen)
        return rt_err(err, 0,
                      "unable to thaw the container: %s/freezer.state stays frozen (a parent "
                      "cgroup is frozen?)",
                      dir);
    cg_write(dir, "freezer.state", "THAWED", NULL);
    return rt_err(err, 0, "unable to freeze the container: %s/freezer.state stays FREEZING", dir);
}

/* --- OOM ------------------------------------------------------------------------------------- */

static int v1_oom_open(const cg_ctx *c, cgroup_oom *w, rt_error **err)
{
    const char *dir = cg_dir(c, "memory");
    if (!dir)
        return 0;
    cleanup_free char *ctl = xasprintf("%s/memory.oom_control", dir);
    w->ctl_fd = open(ctl, O_RDONLY | O_CLOEXEC);
    if (w->ctl_fd < 0)
        return rt_err(err, errno, "open %s", ctl);
    w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->fd < 0)
        return rt_err(err, errno, "eventfd");
    char buf[64];
    snprintf(buf, sizeof(buf), "%d %d", w->fd, w->ctl_fd);
    if (cg_write(dir, "cgroup.event_control", buf, err) < 0)
        return -1;
    return 0;
}

/* The eventfd also fires when the cgroup is removed. Whether it was is asked
 * of the memory.oom_control held open (a removed cgroup's files fail with
 * ENODEV), not of the path: a new container's cgroup may be there already. */
static int v1_oom_read(cgroup_oom *w)
{
    uint64_t v;
    char buf[256];
    if (read(w->fd, &v, sizeof(v)) != sizeof(v))
        return errno == EAGAIN ? 0 : -1;
    return pread(w->ctl_fd, buf, sizeof(buf), 0) >= 0 ? 1 : -1;
}

static const char *v1_procs_dir(const cg_ctx *c)
{
    const char *d = cg_dir(c, "freezer");
    return d ? d : cg_dir(c, "devices");
}

const cgroup_driver cgroup_v1_driver = {
    .name = "cgroupfs-v1",
    .check = v1_check,
    .setup = v1_setup,
    .apply = v1_apply,
    .freeze = v1_freeze,
    .stats = cg_v1_stats,
    .oom_open = v1_oom_open,
    .oom_read = v1_oom_read,
    .procs_dir = v1_procs_dir,
};
