/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stats of `events`, with runc's field names and omissions (Go's
 * omitempty): cpu, cpuset, memory, pids, blkio, hugetlb, intel_rdt,
 * network_interfaces. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/util.h"

static uint64_t rd(const char *dir, const char *file)
{
    uint64_t v = 0;
    if (dir && cg_read_u64(dir, file, &v) < 0)
        v = 0;
    return v;
}

static void gen_u64_list(yajl_gen g, const char *key, const uint64_t *v, size_t n)
{
    if (!n)
        return;
    cg_gen_key(g, key);
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++)
        cg_gen_u64(g, v[i]);
    yajl_gen_array_close(g);
}

/* "0-2,5" -> 0 1 2 5 */
static size_t parse_list(const char *s, uint64_t *out, size_t max)
{
    size_t n = 0;
    while (s && *s && *s != '\n' && n < max) {
        char *end;
        unsigned long a = strtoul(s, &end, 10), b = a;
        if (end == s)
            break;
        if (*end == '-')
            b = strtoul(end + 1, &end, 10);
        for (unsigned long i = a; i <= b && n < max; i++)
            out[n++] = i;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* The "raw" map: every "key value" line, sorted by key as Go prints maps. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void gen_raw(yajl_gen g, const char *key, char *data)
{
    char *lines[512];
    size_t n = 0;
    char *save = NULL;
    for (char *l = strtok_r(data, "\n", &save); l && n < 512; l = strtok_r(NULL, "\n", &save))
        if (strchr(l, ' '))
            lines[n++] = l;
    if (!n)
        return;
    qsort(lines, n, sizeof(*lines), cmp_str);
    cg_gen_key(g, key);
    yajl_gen_map_open(g);
    for (size_t i = 0; i < n; i++) {
        char *sp = strchr(lines[i], ' ');
        *sp = '\0';
        cg_gen_key(g, lines[i]);
        cg_gen_u64(g, strtoull(sp + 1, NULL, 10));
    }
    yajl_gen_map_close(g);
}

static void gen_mem_entry(yajl_gen g, const char *key, uint64_t limit, uint64_t usage, uint64_t max,
                          uint64_t failcnt)
{
    cg_gen_key(g, key);
    yajl_gen_map_open(g);
    cg_gen_key(g, "limit");
    cg_gen_u64(g, limit);
    cg_gen_u64_nz(g, "usage", usage);
    cg_gen_u64_nz(g, "max", max);
    cg_gen_key(g, "failcnt");
    cg_gen_u64(g, failcnt);
    yajl_gen_map_close(g);
}

static void gen_cpu(yajl_gen g, uint64_t total, const uint64_t *percpu, size_t n,
                    const uint64_t *pk, const uint64_t *pu, size_t nk, uint64_t kernel,
                    uint64_t user, uint64_t periods, uint64_t throttled, uint64_t ttime)
{
    cg_gen_key(g, "cpu");
    yajl_gen_map_open(g);
    cg_gen_key(g, "usage");
    yajl_gen_map_open(g);
    cg_gen_u64_nz(g, "total", total);
    gen_u64_list(g, "percpu", percpu, n);
    gen_u64_list(g, "percpu_kernel", pk, nk);
    gen_u64_list(g, "percpu_user", pu, nk);
    cg_gen_key(g, "kernel");
    cg_gen_u64(g, kernel);
    cg_gen_key(g, "user");
    cg_gen_u64(g, user);
    yajl_gen_map_close(g);
    cg_gen_key(g, "throttling");
    yajl_gen_map_open(g);
    cg_gen_u64_nz(g, "periods", periods);
    cg_gen_u64_nz(g, "throttledPeriods", throttled);
    cg_gen_u64_nz(g, "throttledTime", ttime);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
}

/* "254:0 Read 4096" lines as runc's BlkioEntry list. */
static bool gen_blkio_list(yajl_gen g, const char *key, const char *dir, const char *file)
{
    cleanup_free char *data = NULL;
    if (!dir || cg_read(dir, file, &data) < 0)
        return false;
    bool any = false;
    char *save = NULL;
    for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        unsigned long long ma, mi, v;
        char op[32];
        if (sscanf(l, "%llu:%llu %31s %llu", &ma, &mi, op, &v) != 4)
            continue;
        if (!any) {
            cg_gen_key(g, key);
            yajl_gen_array_open(g);
            any = true;
        }
        yajl_gen_map_open(g);
        cg_gen_u64_nz(g, "major", ma);
        cg_gen_u64_nz(g, "minor", mi);
        cg_gen_key(g, "op");
        cg_gen_key(g, op);
        cg_gen_u64_nz(g, "value", v);
        yajl_gen_map_close(g);
    }
    if (any)
        yajl_gen_array_close(g);
    return any;
}

static void gen_tail(yajl_gen g)
{
    cg_gen_key(g, "intel_rdt");
    yajl_gen_map_open(g);
    yajl_gen_map_close(g);
    cg_gen_key(g, "network_interfaces");
    yajl_gen_null(g);
}

static void gen_pids(yajl_gen g, const char *dir)
{
    cg_gen_key(g, "pids");
    yajl_gen_map_open(g);
    cg_gen_u64_nz(g, "current", rd(dir, "pids.current"));
    uint64_t lim = rd(dir, "pids.max");
    cg_gen_u64_nz(g, "limit", lim == UINT64_MAX ? 0 : lim);
    yajl_gen_map_close(g);
}

/* Huge page sizes of the host as OCI names them. */
static size_t page_sizes(char names[][32], size_t max)
{
    DIR *d = opendir("/sys/kernel/mm/hugepages");
    size_t n = 0;
    struct dirent *de;
    while (d && n < max && (de = readdir(d))) {
        unsigned long kb;
        if (sscanf(de->d_name, "hugepages-%lukB", &kb) == 1)
            cg_page_size_name(kb, names[n++], 32);
    }
    if (d)
        closedir(d);
    return n;
}

static void gen_hugetlb(yajl_gen g, const char *dir, bool v2)
{
    cg_gen_key(g, "hugetlb");
    yajl_gen_map_open(g);
    char names[8][32];
    size_t n = dir ? page_sizes(names, 8) : 0;
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *usage =
            xasprintf(v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", names[i]);
        if (!cg_exists(dir, usage))
            continue;
        cleanup_free char *maxf = xasprintf("hugetlb.%s.max_usage_in_bytes", names[i]);
        cleanup_free char *fail =
            xasprintf(v2 ? "hugetlb.%s.events" : "hugetlb.%s.failcnt", names[i]);
        cg_gen_key(g, names[i]);
        yajl_gen_map_open(g);
        cg_gen_u64_nz(g, "usage", rd(dir, usage));
        if (!v2)
            cg_gen_u64_nz(g, "max", rd(dir, maxf));
        uint64_t failcnt = 0;
        if (v2) {
            cleanup_free char *ev = NULL;
            if (cg_read(dir, fail, &ev) == 0)
                cg_kv_get(ev, "max", &failcnt);
        } else {
            failcnt = rd(dir, fail);
        }
        cg_gen_key(g, "failcnt");
        cg_gen_u64(g, failcnt);
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
}

/* --- v1 -------------------------------------------------------------------------------------- */

static void v1_cpu_stats(yajl_gen g, const char *acct, const char *cpu)
{
    uint64_t percpu[1024], pk[1024], pu[1024];
    size_t n = 0, nk = 0;
    cleanup_free char *pc = NULL, *all = NULL, *st = NULL, *cs = NULL;
    if (acct && cg_read(acct, "cpuacct.usage_percpu", &pc) == 0)
        for (char *s = pc, *end; n < 1024; s = end) {
            uint64_t v = strtoull(s, &end, 10);
            if (end == s)
                break;
            percpu[n++] = v;
        }
    if (acct && cg_read(acct, "cpuacct.usage_all", &all) == 0) {
        char *line = strchr(all, '\n'); /* "cpu user system" */
        while (line && nk < 1024) {
            unsigned long c;
            unsigned long long u, s;
            if (sscanf(line + 1, "%lu %llu %llu", &c, &u, &s) != 3)
                break;
            pu[nk] = u;
            pk[nk++] = s;
            line = strchr(line + 1, '\n');
        }
    }
    uint64_t user = 0, sys = 0, periods = 0, thr = 0, ttime = 0;
    long hz = sysconf(_SC_CLK_TCK);
    if (acct && cg_read(acct, "cpuacct.stat", &st) == 0) {
        cg_kv_get(st, "user", &user);
        cg_kv_get(st, "system", &sys);
        user = user * 1000000000ULL / (uint64_t)hz;
        sys = sys * 1000000000ULL / (uint64_t)hz;
    }
    if (cpu && cg_read(cpu, "cpu.stat", &cs) == 0) {
        cg_kv_get(cs, "nr_periods", &periods);
        cg_kv_get(cs, "nr_throttled", &thr);
        cg_kv_get(cs, "throttled_time", &ttime);
    }
    gen_cpu(g, rd(acct, "cpuacct.usage"), percpu, n, pk, pu, nk, sys, user, periods, thr, ttime);
}

static void v1_cpuset_stats(yajl_gen g, const char *dir)
{
    cg_gen_key(g, "cpuset");
    yajl_gen_map_open(g);
    uint64_t l[1024];
    cleanup_free char *cpus = NULL, *mems = NULL;
    if (dir && cg_read(dir, "cpuset.cpus", &cpus) == 0)
        gen_u64_list(g, "cpus", l, parse_list(cpus, l, 1024));
    static const char *const f1[] = {"cpu_exclusive"};
    for (size_t i = 0; i < 1; i++) {
        cg_gen_key(g, f1[i]);
        cleanup_free char *f = xasprintf("cpuset.%s", f1[i]);
        cg_gen_u64(g, rd(dir, f));
    }
    if (dir && cg_read(dir, "cpuset.mems", &mems) == 0)
        gen_u64_list(g, "mems", l, parse_list(mems, l, 1024));
    static const char *const f2[] = {"mem_hardwall",       "mem_exclusive",      "memory_migrate",
                                     "memory_spread_page", "memory_spread_slab", "memory_pressure",
                                     "sched_load_balance"};
    for (size_t i = 0; i < sizeof(f2) / sizeof(*f2); i++) {
        cg_gen_key(g, f2[i]);
        cleanup_free char *f = xasprintf("cpuset.%s", f2[i]);
        cg_gen_u64(g, rd(dir, f));
    }
    cleanup_free char *lvl = NULL;
    cg_gen_key(g, "sched_relax_domain_level");
    cg_gen_i64(g, dir && cg_read(dir, "cpuset.sched_relax_domain_level", &lvl) == 0
                      ? strtoll(lvl, NULL, 10)
                      : 0);
    yajl_gen_map_close(g);
}

static void v1_memory_stats(yajl_gen g, const char *dir)
{
    cg_gen_key(g, "memory");
    yajl_gen_map_open(g);
    cleanup_free char *stat = NULL;
    uint64_t cache = 0;
    if (dir && cg_read(dir, "memory.stat", &stat) == 0)
        cg_kv_get(stat, "cache", &cache);
    cg_gen_u64_nz(g, "cache", cache);
    static const struct {
        const char *key, *prefix;
    } e[] = {{"usage", "memory."},
             {"swap", "memory.memsw."},
             {"kernel", "memory.kmem."},
             {"kernelTCP", "memory.kmem.tcp."}};
    for (size_t i = 0; i < sizeof(e) / sizeof(*e); i++) {
        cleanup_free char *lim = xasprintf("%slimit_in_bytes", e[i].prefix);
        cleanup_free char *use = xasprintf("%susage_in_bytes", e[i].prefix);
        cleanup_free char *max = xasprintf("%smax_usage_in_bytes", e[i].prefix);
        cleanup_free char *fc = xasprintf("%sfailcnt", e[i].prefix);
        gen_mem_entry(g, e[i].key, rd(dir, lim), rd(dir, use), rd(dir, max), rd(dir, fc));
    }
    if (stat)
        gen_raw(g, "raw", stat);
    yajl_gen_map_close(g);
}

int cg_v1_stats(const cg_ctx *c, yajl_gen g, rt_error **err)
{
    (void)err;
    v1_cpu_stats(g, cg_dir(c, "cpuacct"), cg_dir(c, "cpu"));
    v1_cpuset_stats(g, cg_dir(c, "cpuset"));
    v1_memory_stats(g, cg_dir(c, "memory"));
    gen_pids(g, cg_dir(c, "pids"));
    cg_gen_key(g, "blkio");
    yajl_gen_map_open(g);
    const char *b = cg_dir(c, "blkio");
    /* The first group with figures: BFQ's, else the throttle layer's. */
    bool bytes =
        gen_blkio_list(g, "ioServiceBytesRecursive", b, "blkio.bfq.io_service_bytes_recursive");
    bool serviced = gen_blkio_list(g, "ioServicedRecursive", b, "blkio.bfq.io_serviced_recursive");
    if (!bytes && !serviced) {
        gen_blkio_list(g, "ioServiceBytesRecursive", b,
                       "blkio.throttle.io_service_bytes_recursive");
        gen_blkio_list(g, "ioServicedRecursive", b, "blkio.throttle.io_serviced_recursive");
    }
    yajl_gen_map_close(g);
    gen_hugetlb(g, cg_dir(c, "hugetlb"), false);
    gen_tail(g);
    return 0;
}

/* --- v2 -------------------------------------------------------------------------------------- */

/* io.stat "254:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." as runc's v1-shaped lists. */
static void v2_io_stats(yajl_gen g, const char *dir)
{
    cg_gen_key(g, "blkio");
    yajl_gen_map_open(g);
    cleanup_free char *data = NULL;
    static const struct {
        const char *list, *key, *op;
    } m[] = {{"ioServiceBytesRecursive", "rbytes", "Read"},
             {"ioServiceBytesRecursive", "wbytes", "Write"},
             {"ioServicedRecursive", "rios", "Read"},
             {"ioServicedRecursive", "wios", "Write"}};
    if (cg_read(dir, "io.stat", &data) == 0 && *data) {
        for (size_t k = 0; k < 4; k += 2) {
            cg_gen_key(g, m[k].list);
            yajl_gen_array_open(g);
            for (char *l = data; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                unsigned long long ma, mi;
                if (sscanf(l, "%llu:%llu", &ma, &mi) != 2)
                    continue;
                for (size_t j = k; j < k + 2; j++) {
                    cleanup_free char *pat = xasprintf(" %s=", m[j].key);
                    char *eol = strchr(l, '\n');
                    char *p = strstr(l, pat);
                    if (!p || (eol && p > eol))
                        continue;
                    yajl_gen_map_open(g);
                    cg_gen_u64_nz(g, "major", ma);
                    cg_gen_u64_nz(g, "minor", mi);
                    cg_gen_key(g, "op");
                    cg_gen_key(g, m[j].op);
                    cg_gen_u64_nz(g, "value", strtoull(p + strlen(pat), NULL, 10));
                    yajl_gen_map_close(g);
                }
            }
            yajl_gen_array_close(g);
        }
    }
    yajl_gen_map_close(g);
}

int cg_v2_stats(const cg_ctx *c, yajl_gen g, rt_error **err)
{
    const char *dir = cg_dir(c, NULL);
    if (!dir)
        return rt_err(err, 0, "no cgroup2 directory for the container");
    cleanup_free char *cs = NULL, *ms = NULL;
    uint64_t usage = 0, user = 0, sys = 0, periods = 0, thr = 0, ttime = 0;
    if (cg_read(dir, "cpu.stat", &cs) == 0) {
        cg_kv_get(cs, "usage_usec", &usage);
        cg_kv_get(cs, "user_usec", &user);
        cg_kv_get(cs, "system_usec", &sys);
        cg_kv_get(cs, "nr_periods", &periods);
        cg_kv_get(cs, "nr_throttled", &thr);
        cg_kv_get(cs, "throttled_usec", &ttime);
    }
    gen_cpu(g, usage * 1000, NULL, 0, NULL, NULL, 0, sys * 1000, user * 1000, periods, thr,
            ttime * 1000);
    v1_cpuset_stats(g, NULL);
    cg_gen_key(g, "memory");
    yajl_gen_map_open(g);
    uint64_t file = 0;
    if (cg_read(dir, "memory.stat", &ms) == 0)
        cg_kv_get(ms, "file", &file);
    cg_gen_u64_nz(g, "cache", file);
    uint64_t mem = rd(dir, "memory.current"), mlim = rd(dir, "memory.max");
    uint64_t peak = rd(dir, "memory.peak"), swp = rd(dir, "memory.swap.current");
    uint64_t slim = rd(dir, "memory.swap.max");
    cleanup_free char *ev = NULL;
    uint64_t fail = 0;
    if (cg_read(dir, "memory.events", &ev) == 0)
        cg_kv_get(ev, "max", &fail);
    gen_mem_entry(g, "usage", mlim, mem, peak, fail);
    /* As runc: "swap" is memory+swap, like v1's memsw. */
    gen_mem_entry(g, "swap", slim == UINT64_MAX || mlim == UINT64_MAX ? UINT64_MAX : slim + mlim,
                  swp + mem, 0, 0);
    gen_mem_entry(g, "kernel", 0, 0, 0, 0);
    gen_mem_entry(g, "kernelTCP", 0, 0, 0, 0);
    if (ms)
        gen_raw(g, "raw", ms);
    yajl_gen_map_close(g);
    gen_pids(g, dir);
    v2_io_stats(g, dir);
    gen_hugetlb(g, dir, true);
    gen_tail(g);
    return 0;
}
