/* SPDX-License-Identifier: GPL-2.0-or-later */
/* update: runc's flags, or a LinuxResources JSON with --resources FILE|-
 * (how containerd and podman call it; then the other flags are ignored).
 * Only what is given is changed. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ops.h"
#include "util/util.h"

/* docker's units.RAMInBytes: "100", "64m", "1.5GiB" (powers of 1024). */
static int ram_in_bytes(const char *s, int64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)*s))
        return -1;
    double v = strtod(s, &end);
    if (*end == ' ')
        end++;
    static const char units[] = "kmgtp";
    double mul = 1;
    if (*end) {
        const char *u = strchr(units, tolower((unsigned char)*end));
        if (u) {
            for (const char *k = units; k <= u; k++)
                mul *= 1024;
            end++;
        }
        if (*end == 'i' || *end == 'I')
            end++;
        if (*end == 'b' || *end == 'B')
            end++;
    }
    if (*end || v * mul > 9.2e18)
        return -1;
    *out = (int64_t)(v * mul);
    return 0;
}

static int parse_mem(const char *opt, const char *val, int64_t *dst, bool *has, rt_error **err)
{
    if (!val)
        return 0;
    if (!strcmp(val, "-1"))
        *dst = -1;
    else if (ram_in_bytes(val, dst) < 0)
        return rt_err(err, 0, "invalid value for %s: invalid size: '%s'", opt, val);
    *has = true;
    return 0;
}

static int parse_num(const char *opt, const char *val, bool is_signed, void *dst, bool *has,
                     rt_error **err)
{
    if (!val)
        return 0;
    char *end;
    errno = 0;
    if (is_signed)
        *(int64_t *)dst = strtoll(val, &end, 10);
    else if (*val == '-')
        end = (char *)val;
    else
        *(uint64_t *)dst = strtoull(val, &end, 10);
    if (errno == ERANGE)
        return rt_err(err, 0, "invalid value for %s: parsing \"%s\": value out of range", opt, val);
    if (!*val || *end || end == val)
        return rt_err(err, 0, "invalid value for %s: parsing \"%s\": invalid syntax", opt, val);
    *has = true;
    return 0;
}

typedef struct update_flags {
    const char *resources, *blkio_weight, *cpu_period, *cpu_quota, *cpu_share, *cpu_rt_period,
        *cpu_rt_runtime, *cpuset_cpus, *cpuset_mems, *memory, *memory_reservation, *memory_swap,
        *pids_limit, *l3_cache_schema, *mem_bw_schema;
} update_flags;

/* The flags as a LinuxResources with only the given fields set. */
static int from_flags(const update_flags *f, oci_resources *r, oci_memory *m, oci_cpu *c,
                      oci_pids *p, oci_block_io *b, rt_error **err)
{
    uint64_t w = 0;
    bool has_w = false;
    if (parse_num("blkio-weight", f->blkio_weight, false, &w, &has_w, err) < 0 ||
        parse_num("cpu-period", f->cpu_period, false, &c->period, &c->has_period, err) < 0 ||
        parse_num("cpu-rt-period", f->cpu_rt_period, false, &c->realtime_period,
                  &c->has_realtime_period, err) < 0 ||
        parse_num("cpu-share", f->cpu_share, false, &c->shares, &c->has_shares, err) < 0 ||
        parse_num("cpu-quota", f->cpu_quota, true, &c->quota, &c->has_quota, err) < 0 ||
        parse_num("cpu-rt-runtime", f->cpu_rt_runtime, true, &c->realtime_runtime,
                  &c->has_realtime_runtime, err) < 0 ||
        parse_num("pids-limit", f->pids_limit, true, &p->limit, &p->has_limit, err) < 0 ||
        parse_mem("memory", f->memory, &m->limit, &m->has_limit, err) < 0 ||
        parse_mem("memory-swap", f->memory_swap, &m->swap, &m->has_swap, err) < 0 ||
        parse_mem("memory-reservation", f->memory_reservation, &m->reservation, &m->has_reservation,
                  err) < 0)
        return -1;
    if (has_w && w > 65535)
        return rt_err(err, 0, "invalid value for blkio-weight: %s", f->blkio_weight);
    b->weight = (uint16_t)w;
    b->has_weight = has_w;
    c->cpus = (char *)f->cpuset_cpus;
    c->mems = (char *)f->cpuset_mems;
    r->memory = m;
    r->cpu = c;
    r->pids = p;
    r->block_io = b;
    return 0;
}

static int read_resources(const char *path, oci_resources **out, rt_error **err)
{
    cleanup_free char *data = NULL;
    size_t len;
    cleanup_error rt_error *rerr = NULL;
    if (!strcmp(path, "-") ? read_all_fd(0, &data, &len, &rerr) < 0
                           : read_file_at(AT_FDCWD, path, &data, &len, &rerr) < 0)
        return rt_err(err, 0, "%s", rerr->msg);
    char *msg = NULL;
    if (oci_resources_parse_data(data, len, out, &msg) < 0) {
        rt_err(err, 0, "--resources %s: %s", path, msg ? msg : "invalid JSON");
        free(msg);
        return -1;
    }
    return 0;
}

int cmd_update(const global_opts *g, int argc, char **argv, rt_error **err)
{
    update_flags f = {0};
    const flag_spec flags[] = {
        {"resources", 'r', FLAG_STRING, &f.resources},
        {"blkio-weight", 0, FLAG_STRING, &f.blkio_weight},
        {"cpu-period", 0, FLAG_STRING, &f.cpu_period},
        {"cpu-quota", 0, FLAG_STRING, &f.cpu_quota},
        {"cpu-share", 0, FLAG_STRING, &f.cpu_share},
        {"cpu-rt-period", 0, FLAG_STRING, &f.cpu_rt_period},
        {"cpu-rt-runtime", 0, FLAG_STRING, &f.cpu_rt_runtime},
        {"cpuset-cpus", 0, FLAG_STRING, &f.cpuset_cpus},
        {"cpuset-mems", 0, FLAG_STRING, &f.cpuset_mems},
        {"memory", 0, FLAG_STRING, &f.memory},
        {"memory-reservation", 0, FLAG_STRING, &f.memory_reservation},
        {"memory-swap", 0, FLAG_STRING, &f.memory_swap},
        {"pids-limit", 0, FLAG_STRING, &f.pids_limit},
        {"l3-cache-schema", 0, FLAG_STRING, &f.l3_cache_schema},
        {"mem-bw-schema", 0, FLAG_STRING, &f.mem_bw_schema},
        {0},
    };
    int n;
    if (flags_parse(argc, argv, flags, &n, err) < 0 ||
        want_args(n, 1, "update", "[command options] <container-id>", err) < 0)
        return 1;
    oci_resources *json = NULL, r = {0};
    oci_memory m = {0};
    oci_cpu c = {0};
    oci_pids p = {0};
    oci_block_io b = {0};
    if (f.resources) {
        if (read_resources(f.resources, &json, err) < 0)
            return 1;
    } else if (from_flags(&f, &r, &m, &c, &p, &b, err) < 0) {
        return 1;
    }
    /* rt does not manage Intel RDT (resctrl) yet. */
    if (!f.resources && f.l3_cache_schema && *f.l3_cache_schema)
        return rt_err(err, 0, "Intel RDT/CAT: l3 cache schema is not enabled"), 1;
    if (!f.resources && f.mem_bw_schema && *f.mem_bw_schema)
        return rt_err(err, 0, "Intel RDT/MBA: memory bandwidth schema is not enabled"), 1;
    int ret = container_update(g->root, argv[0], json ? json : &r, err) < 0 ? 1 : 0;
    oci_resources_free(json);
    return ret;
}
