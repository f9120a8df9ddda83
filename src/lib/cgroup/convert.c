/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the cgroup drivers share: device rules, checks that do not depend on
 * the cgroup version, and the JSON helpers of the stats. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/internal.h"
#include "util/util.h"

#define DEV(t, ma, mi, acc)                                                                  \
    {                                                                                        \
        .allow = true, .type = (char *)(t), .major = (ma), .has_major = true, .minor = (mi), \
        .has_minor = true, .access = (char *)(acc)                                           \
    }

/* As runc: mknod of any device, and /dev/null, random, full, tty, zero,
 * urandom, console, pts/N, ptmx, net/tun. */
const oci_device_cgroup cg_default_devices[] = {
    DEV("c", -1, -1, "m"),    DEV("b", -1, -1, "m"), DEV("c", 1, 3, "rwm"),
    DEV("c", 1, 8, "rwm"),    DEV("c", 1, 7, "rwm"), DEV("c", 5, 0, "rwm"),
    DEV("c", 1, 5, "rwm"),    DEV("c", 1, 9, "rwm"), DEV("c", 5, 1, "rwm"),
    DEV("c", 136, -1, "rwm"), DEV("c", 5, 2, "rwm"), DEV("c", 10, 200, "rwm"),
};
const size_t cg_default_devices_len = sizeof(cg_default_devices) / sizeof(*cg_default_devices);

int cg_device_access(const char *access, char out[4], rt_error **err)
{
    size_t n = 0;
    if (!access)
        access = "rwm";
    for (const char *l = "rwm"; *l; l++)
        if (strchr(access, *l))
            out[n++] = *l;
    out[n] = '\0';
    if (!n)
        return rt_err(err, 0, "linux.resources.devices: invalid access \"%s\": no r, w or m",
                      access);
    return 0;
}

int cg_device_rule(const oci_device_cgroup *d, char *buf, size_t len, rt_error **err)
{
    const char *type = d->type ? d->type : "a";
    if (strcmp(type, "a") && strcmp(type, "b") && strcmp(type, "c"))
        return rt_err(err, 0, "linux.resources.devices: invalid type %s", type);
    char access[4];
    if (cg_device_access(d->access, access, err) < 0)
        return -1;
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

/* Checked before (cg_device_rule): only r, w and m count. */
static int access_bits(const char *a)
{
    char letters[4];
    int bits = 0;
    if (cg_device_access(a, letters, NULL) < 0)
        return 0;
    for (const char *l = letters; *l; l++)
        bits |= *l == 'r'   ? BPF_DEVCG_ACC_READ
                : *l == 'w' ? BPF_DEVCG_ACC_WRITE
                            : BPF_DEVCG_ACC_MKNOD;
    return bits;
}

/* One rule, as the v1 controller applies a write to devices.allow/deny. */
static void policy_apply(dev_policy *p, const oci_device_cgroup *d)
{
    const char *type = d->type ? d->type : "a";
    if (!strcmp(type, "a")) {
        p->default_allow = d->allow;
        p->n = 0;
        return;
    }
    dev_exception e = {
        .type = *type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
        .major = d->has_major && d->major >= 0 ? d->major : -1,
        .minor = d->has_minor && d->minor >= 0 ? d->minor : -1,
        .access = access_bits(d->access),
    };
    size_t i;
    for (i = 0; i < p->n; i++)
        if (p->ex[i].type == e.type && p->ex[i].major == e.major && p->ex[i].minor == e.minor)
            break;
    if (d->allow == p->default_allow) {
        /* Same as the default: take the access away from the exception. */
        if (i < p->n && !(p->ex[i].access &= ~e.access))
            memmove(&p->ex[i], &p->ex[i + 1], (--p->n - i) * sizeof(*p->ex));
        return;
    }
    if (i < p->n) {
        p->ex[i].access |= e.access;
        return;
    }
    p->ex = realloc(p->ex, (p->n + 1) * sizeof(*p->ex));
    p->ex[p->n++] = e;
}

void cg_device_policy(const oci_resources *r, dev_policy *pol)
{
    *pol = (dev_policy){0};
    for (size_t i = 0; r && i < r->devices_len; i++)
        policy_apply(pol, &r->devices[i]);
    for (size_t i = 0; i < cg_default_devices_len; i++)
        policy_apply(pol, &cg_default_devices[i]);
}

/* "2048kB" of /sys/kernel/mm/hugepages/hugepages-2048kB as OCI writes it. */
void cg_page_size_name(unsigned long kb, char *buf, size_t len)
{
    if (kb % (1024 * 1024) == 0)
        snprintf(buf, len, "%luGB", kb / (1024 * 1024));
    else if (kb % 1024 == 0)
        snprintf(buf, len, "%luMB", kb / 1024);
    else
        snprintf(buf, len, "%luKB", kb);
}

bool cg_hugepage_size_valid(const char *size)
{
    DIR *d = opendir("/sys/kernel/mm/hugepages");
    if (!d)
        return false;
    bool ok = false;
    struct dirent *de;
    while (!ok && (de = readdir(d))) {
        unsigned long kb;
        char name[32];
        if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
            continue;
        cg_page_size_name(kb, name, sizeof(name));
        ok = !strcmp(name, size);
    }
    closedir(d);
    return ok;
}

int cg_check_common(const oci_resources *r, rt_error **err)
{
    const oci_memory *m = r->memory;
    if (m) {
        if (m->has_swappiness && m->swappiness > 100 && m->swappiness != UINT64_MAX)
            return rt_err(err, 0,
                          "linux.resources.memory.swappiness: %" PRIu64 " is out of range (0-100)",
                          m->swappiness);
        if (m->has_limit && m->limit < -1)
            return rt_err(err, 0, "linux.resources.memory.limit: invalid value %lld",
                          (long long)m->limit);
        if (m->has_swap && m->swap < -1)
            return rt_err(err, 0, "linux.resources.memory.swap: invalid value %lld",
                          (long long)m->swap);
        if (m->has_swap && m->swap > 0 && m->has_limit && m->limit > 0 && m->swap < m->limit)
            return rt_err(err, 0,
                          "linux.resources.memory.swap: the memory+swap limit (%lld) must not be "
                          "lower than the memory limit (%lld)",
                          (long long)m->swap, (long long)m->limit);
    }
    const oci_cpu *c = r->cpu;
    if (c && c->has_quota && c->quota < -1)
        return rt_err(err, 0, "linux.resources.cpu.quota: invalid value %lld", (long long)c->quota);
    for (size_t i = 0; i < r->hugepage_limits_len; i++)
        if (!cg_hugepage_size_valid(r->hugepage_limits[i].page_size))
            return rt_err(err, 0,
                          "linux.resources.hugepageLimits[%zu].pageSize: this host has no %s "
                          "huge pages",
                          i, r->hugepage_limits[i].page_size);
    for (size_t i = 0; i < r->rdma.len; i++)
        if (!*r->rdma.keys[i] || strpbrk(r->rdma.keys[i], " \n="))
            return rt_err(err, 0, "linux.resources.rdma: invalid device name \"%s\"",
                          r->rdma.keys[i]);
    if (r->network)
        for (size_t i = 0; i < r->network->priorities_len; i++)
            if (!*r->network->priorities[i].name || strpbrk(r->network->priorities[i].name, " \n/"))
                return rt_err(err, 0,
                              "linux.resources.network.priorities[%zu].name: invalid interface "
                              "name \"%s\"",
                              i, r->network->priorities[i].name);
    return 0;
}

/* rdma.max, the same on v1 and v2: "<device> hca_handle=N hca_object=M". */
int cg_set_rdma(const char *dir, const oci_rdma_map *m, rt_error **err)
{
    for (size_t i = 0; i < m->len; i++) {
        const oci_rdma *d = &m->values[i];
        if (!d->has_hca_handles && !d->has_hca_objects)
            continue;
        char h[48] = "", o[48] = "";
        if (d->has_hca_handles)
            snprintf(h, sizeof(h), " hca_handle=%u", d->hca_handles);
        if (d->has_hca_objects)
            snprintf(o, sizeof(o), " hca_object=%u", d->hca_objects);
        cleanup_free char *v = xasprintf("%s%s%s", m->keys[i], h, o);
        if (cg_set(dir, "rdma", "rdma.max", v, false, "linux.resources.rdma", err) < 0)
            return -1;
    }
    return 0;
}

/* --- stats JSON ------------------------------------------------------------------------------ */

void cg_gen_key(yajl_gen g, const char *k)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

void cg_gen_u64(yajl_gen g, uint64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
    yajl_gen_number(g, buf, (size_t)n);
}

void cg_gen_i64(yajl_gen g, int64_t v)
{
    yajl_gen_integer(g, (long long)v);
}

void cg_gen_u64_nz(yajl_gen g, const char *key, uint64_t v)
{
    if (!v)
        return;
    cg_gen_key(g, key);
    cg_gen_u64(g, v);
}

bool cg_kv_get(const char *data, const char *key, uint64_t *v)
{
    size_t kl = strlen(key);
    for (const char *p = data; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (!strncmp(p, key, kl) && p[kl] == ' ') {
            *v = strtoull(p + kl + 1, NULL, 10);
            return true;
        }
    }
    return false;
}

/* --- OCI values to kernel (and systemd) values ----------------------------------------------- */

uint64_t cg_shares_to_weight(uint64_t shares)
{
    /* [2, 262144] -> [1, 10000] */
    uint64_t s = shares < 2 ? 2 : shares > 262144 ? 262144 : shares;
    return 1 + ((s - 2) * 9999) / 262142;
}

uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
    /* [10, 1000] -> [1, 10000] */
    uint64_t w = weight < 10 ? 10 : weight > 1000 ? 1000 : weight;
    return 1 + (w - 10) * 9999 / 990;
}

int cg_swap_max(int64_t limit, int64_t swap, int64_t *swap_max, rt_error **err)
{
    if (limit == -1 && swap == 0) {
        *swap_max = -1;
        return 1;
    }
    if (swap == 0)
        return 0;
    if (swap < 0) {
        *swap_max = -1;
        return 1;
    }
    if (limit <= 0)
        return rt_err(
            err, 0, "linux.resources.memory.swap: cannot set a swap limit without a memory limit");
    if (swap < limit)
        return rt_err(err, 0,
                      "linux.resources.memory.swap: the memory+swap limit (%lld) must not be lower "
                      "than the memory limit (%lld)",
                      (long long)swap, (long long)limit);
    *swap_max = swap - limit;
    return 1;
}

uint64_t cg_quota_per_sec(int64_t quota, uint64_t period)
{
    if (quota <= 0)
        return UINT64_MAX;
    if (!period)
        period = 100000;
    /* systemd keeps CPU time per second in steps of 10 ms: round up, so the
     * limit it writes is never below the config's. */
    uint64_t us = (uint64_t)quota * 1000000 / period;
    return (us + 9999) / 10000 * 10000;
}

int cg_cpu_mask(const char *list, uint8_t **mask, size_t *len)
{
    *mask = NULL;
    *len = 0;
    for (const char *p = list; *p;) {
        char *end;
        errno = 0;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (end == p || errno || lo > 65535)
            goto bad;
        if (*end == '-') {
            p = end + 1;
            hi = strtoul(p, &end, 10);
            if (end == p || errno || hi < lo || hi > 65535)
                goto bad;
        }
        if (*end && *end != ',' && *end != '\n')
            goto bad;
        if (hi / 8 + 1 > *len) {
            uint8_t *m = realloc(*mask, hi / 8 + 1);
            if (!m)
                abort();
            memset(m + *len, 0, hi / 8 + 1 - *len);
            *mask = m;
            *len = hi / 8 + 1;
        }
        for (unsigned long c = lo; c <= hi; c++)
            (*mask)[c / 8] |= (uint8_t)(1u << (c % 8));
        p = *end ? end + 1 : end;
    }
    return 0;
bad:
    free(*mask);
    *mask = NULL;
    *len = 0;
    return -1;
}
