/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd cgroup driver (--systemd-cgroup): the container's cgroup is a
 * transient scope "prefix-name.scope" in the slice of linux.cgroupsPath
 * ("slice:prefix:name"), which systemd creates over D-Bus with the init's pid
 * and the resource properties it understands (Delegate=yes); then, as runc
 * does, every limit is also written to the scope's files by the cgroupfs
 * driver of the host, which covers what systemd has no property for.
 * docs/cgroups.md lists which field becomes which property. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/dbus.h"
#include "cgroup/internal.h"
#include "log.h"
#include "util/util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_IFACE "org.freedesktop.systemd1.Manager"
#define F_PATH "linux.cgroupsPath"
/* How long a job may take: runc waits 30 s too. */
#define JOB_TIMEOUT_MS 30000

/* --- names ----------------------------------------------------------------------------------- */

/* What systemd accepts in a unit name (the part before the suffix). */
static bool unit_chars_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("-_.\\@", *s)))
            return false;
    return true;
}

int cg_systemd_slice_path(const char *slice, char **out, rt_error **err)
{
    size_t l = strlen(slice);
    if (l <= 6 || strcmp(slice + l - 6, ".slice") || !unit_chars_ok(slice))
        return rt_err(err, 0, "invalid slice \"%s\": a systemd slice is NAME.slice", slice);
    if (!strcmp(slice, "-.slice")) {
        *out = xstrdup("");
        return 0;
    }
    size_t n = l - 6;
    if (slice[0] == '-' || slice[n - 1] == '-' || memmem(slice, n, "--", 2))
        return rt_err(err, 0, "invalid slice \"%s\": empty part between dashes", slice);
    /* a-b-c.slice lives in a.slice/a-b.slice/a-b-c.slice */
    cleanup_free char *path = xstrdup("");
    for (size_t i = 0; i <= n; i++) {
        if (i < n && slice[i] != '-')
            continue;
        char *next = xasprintf("%s/%.*s.slice", path, (int)i, slice);
        free(path);
        path = next;
    }
    *out = take_ptr(path);
    return 0;
}

int cg_systemd_resolve(const char *cgroups_path, const char *id, char **unit, char **path,
                       rt_error **err)
{
    cleanup_free char *dflt = xasprintf("system.slice:rt:%s", id);
    const char *cp = cgroups_path && *cgroups_path ? cgroups_path : dflt;
    const char *c1 = strchr(cp, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || strchr(c2 + 1, ':'))
        return rt_err(err, 0,
                      F_PATH ": \"%s\" is not slice:prefix:name, as the systemd cgroup driver "
                             "needs",
                      cp);
    cleanup_free char *slice = strndup(cp, (size_t)(c1 - cp));
    cleanup_free char *prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
    const char *name = c2 + 1;
    if (!*name || !unit_chars_ok(name) || !unit_chars_ok(prefix))
        return rt_err(err, 0, F_PATH ": \"%s\": invalid scope name \"%s%s%s\"", cp, prefix,
                      *prefix ? "-" : "", name);
    size_t nl = strlen(name);
    if (nl > 6 && !strcmp(name + nl - 6, ".slice"))
        return rt_err(err, 0, F_PATH ": \"%s\": a slice as the container's unit is not supported",
                      cp);
    cleanup_free char *sp = NULL;
    if (cg_systemd_slice_path(*slice ? slice : "system.slice", &sp, err) < 0)
        return rt_err_wrap(err, F_PATH ": \"%s\"", cp);
    *unit = xasprintf("%s%s%s.scope", prefix, *prefix ? "-" : "", name);
    *path = xasprintf("%s/%s", sp, *unit);
    return 0;
}

/* The slice of a resolved scope: the parent directory's last name. */
static char *unit_slice(const cgroup_paths *cg)
{
    const char *d = cg->len ? cg->dirs[0] : "";
    const char *end = strrchr(d, '/');
    const char *start = end ? end : d;
    while (start > d && start[-1] != '/')
        start--;
    if (!end || end - start < 7 || strncmp(end - 6, ".slice", 6))
        return xstrdup("-.slice");
    return strndup(start, (size_t)(end - start));
}

/* --- properties ------------------------------------------------------------------------------ */

/* One property (sv): the variant's signature, then the value the caller puts. */
static void prop(dbus_buf *w, const char *name, const char *sig)
{
    dbus_put_struct(w);
    dbus_put_str(w, name);
    dbus_put_sig(w, sig);
}

static void prop_u64(dbus_buf *w, const char *name, uint64_t v)
{
    prop(w, name, "t");
    dbus_put_u64(w, v);
}

static void prop_bool(dbus_buf *w, const char *name, bool v)
{
    prop(w, name, "b");
    dbus_put_bool(w, v);
}

static void prop_str(dbus_buf *w, const char *name, const char *v)
{
    prop(w, name, "s");
    dbus_put_str(w, v);
}

static void prop_mask(dbus_buf *w, const char *name, const char *list)
{
    cleanup_free uint8_t *mask = NULL;
    size_t n;
    if (cg_cpu_mask(list, &mask, &n) < 0)
        return; /* the cgroupfs driver names the bad value */
    prop(w, name, "ay");
    dbus_array a = dbus_array_open(w, 1);
    for (size_t i = 0; i < n; i++)
        dbus_put_byte(w, mask[i]);
    dbus_array_close(w, a);
}

static uint64_t limit_value(int64_t v)
{
    return v < 0 ? UINT64_MAX : (uint64_t)v;
}

static void memory_props(dbus_buf *w, const oci_memory *m, bool v2)
{
    if (m->has_limit && m->limit)
        prop_u64(w, v2 ? "MemoryMax" : "MemoryLimit", limit_value(m->limit));
    if (v2 && m->has_reservation && m->reservation)
        prop_u64(w, "MemoryLow", limit_value(m->reservation));
    int64_t swap_max;
    if (v2 && m->has_swap &&
        cg_swap_max(m->has_limit ? m->limit : 0, m->swap, &swap_max, NULL) == 1)
        prop_u64(w, "MemorySwapMax", limit_value(swap_max));
}

static void cpu_props(dbus_buf *w, const oci_cpu *c, bool v2)
{
    if (c->has_shares && c->shares) {
        if (v2)
            prop_u64(w, "CPUWeight", cg_shares_to_weight(c->shares));
        else
            prop_u64(w, "CPUShares", c->shares);
    }
    if (c->has_quota && c->quota) {
        uint64_t period = c->has_period ? c->period : 0;
        prop_u64(w, "CPUQuotaPerSecUSec", cg_quota_per_sec(c->quota, period));
        if (period)
            prop_u64(w, "CPUQuotaPeriodUSec", period);
    }
    if (v2 && c->cpus && *c->cpus)
        prop_mask(w, "AllowedCPUs", c->cpus);
    if (v2 && c->mems && *c->mems)
        prop_mask(w, "AllowedMemoryNodes", c->mems);
}

/* "char-NAME" for the devices of a major, by their name in /proc/devices
 * (systemd takes no number there), or NULL. */
static char *device_group(bool block, int64_t major)
{
    cleanup_fclose FILE *f = fopen("/proc/devices", "re");
    char line[256];
    bool in_block = false;
    while (f && fgets(line, sizeof(line), f)) {
        long long maj;
        char name[200];
        if (!strncmp(line, "Block devices:", 14))
            in_block = true;
        else if (in_block == block && sscanf(line, "%lld %199s", &maj, name) == 2 && maj == major)
            return xasprintf("%s-%s", block ? "block" : "char", name);
    }
    return NULL;
}

/* "c 1:3" as systemd names it: /dev/char/1:3, char-<name> (a major with
 * every minor, by its name in /proc/devices), or char-* (every device). */
static char *device_spec(const dev_exception *e)
{
    const char *kind = e->type == BPF_DEVCG_DEV_BLOCK ? "block" : "char";
    if (e->major < 0)
        return xasprintf("%s-*", kind);
    if (e->minor >= 0)
        return xasprintf("/dev/%s/%lld:%lld", kind, (long long)e->major, (long long)e->minor);
    return device_group(e->type == BPF_DEVCG_DEV_BLOCK, e->major);
}

/* Deny-by-default rules as DevicePolicy=strict with a DeviceAllow each;
 * allow-by-default ones systemd cannot say, so it is told nothing (auto) and
 * rt's own filter (bpf.c, v1 devices.deny) does the work. */
static void device_props(dbus_buf *w, const oci_resources *r)
{
    dev_policy pol;
    cg_device_policy(r, &pol);
    prop_str(w, "DevicePolicy", pol.default_allow ? "auto" : "strict");
    if (!pol.default_allow) {
        prop(w, "DeviceAllow", "a(ss)");
        dbus_array a = dbus_array_open(w, 8);
        for (size_t i = 0; i < pol.n; i++) {
            cleanup_free char *spec = device_spec(&pol.ex[i]);
            if (!spec)
                continue;
            char acc[4], *p = acc;
            if (pol.ex[i].access & BPF_DEVCG_ACC_READ)
                *p++ = 'r';
            if (pol.ex[i].access & BPF_DEVCG_ACC_WRITE)
                *p++ = 'w';
            if (pol.ex[i].access & BPF_DEVCG_ACC_MKNOD)
                *p++ = 'm';
            *p = '\0';
            dbus_put_struct(w);
            dbus_put_str(w, spec);
            dbus_put_str(w, acc);
        }
        dbus_array_close(w, a);
    }
    free(pol.ex);
}

/* The resource properties of r; update: as the update command, devices left
 * alone. */
static void resource_props(dbus_buf *w, const oci_resources *r, bool v2, bool update)
{
    if (r->memory)
        memory_props(w, r->memory, v2);
    if (r->cpu)
        cpu_props(w, r->cpu, v2);
    if (r->pids && r->pids->has_limit && r->pids->limit)
        prop_u64(w, "TasksMax", limit_value(r->pids->limit));
    if (r->block_io && r->block_io->has_weight && r->block_io->weight) {
        if (v2)
            prop_u64(w, "IOWeight", cg_blkio_to_io_weight(r->block_io->weight));
        else
            prop_u64(w, "BlockIOWeight", r->block_io->weight);
    }
    if (!update)
        device_props(w, r);
}

/* --- calls ----------------------------------------------------------------------------------- */

/* Connect, and have JobRemoved signals sent to us: systemd sends them to
 * every private connection unasked (and answers no Subscribe there); on the
 * bus, a match rule and Subscribe. */
static int connect_systemd(dbus_conn *c, rt_error **err)
{
    if (dbus_open_systemd(c, err) < 0)
        return -1;
    if (!c->bus)
        return 0;
    int64_t deadline = monotonic_ms() + JOB_TIMEOUT_MS;
    dbus_buf rule = {0};
    dbus_put_str(&rule,
                 "type='signal',sender='" SD_DEST "',interface='" SD_IFACE "',member='JobRemoved'");
    dbus_msg m;
    int r = dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                      "AddMatch", "s", &rule, &m, deadline, err);
    dbus_buf_free(&rule);
    if (r < 0)
        return -1;
    dbus_msg_free(&m);
    if (dbus_call(c, SD_DEST, SD_PATH, SD_IFACE, "Subscribe", NULL, NULL, &m, deadline, err) < 0)
        return -1;
    dbus_msg_free(&m);
    return 0;
}

/* Call a Manager method that returns a job, and wait for the job's end. */
static int run_job(dbus_conn *c, const char *method, const char *unit, const char *sig,
                   const dbus_buf *args, rt_error **err)
{
    int64_t deadline = monotonic_ms() + JOB_TIMEOUT_MS;
    dbus_msg reply;
    if (dbus_call(c, SD_DEST, SD_PATH, SD_IFACE, method, sig, args, &reply, deadline, err) < 0)
        return -1;
    cleanup_free char *job = xstrdup(dbus_get_str(&reply.body, false));
    dbus_msg_free(&reply);
    for (;;) {
        dbus_msg sigmsg;
        if (dbus_wait_signal(c, "JobRemoved", &sigmsg, deadline, err) < 0)
            return rt_err_wrap(err, "systemd: waiting for the %s job of %s", method, unit);
        dbus_get_u32(&sigmsg.body);
        bool ours = !strcmp(dbus_get_str(&sigmsg.body, false), job);
        dbus_get_str(&sigmsg.body, false);
        cleanup_free char *result = xstrdup(dbus_get_str(&sigmsg.body, false));
        dbus_msg_free(&sigmsg);
        if (!ours)
            continue;
        if (strcmp(result, "done"))
            return rt_err(err, 0, "systemd: the %s job of %s ended \"%s\"", method, unit, result);
        return 0;
    }
}

static void reset_failed(dbus_conn *c, const char *unit)
{
    dbus_buf args = {0};
    dbus_put_str(&args, unit);
    dbus_msg m;
    if (dbus_call(c, SD_DEST, SD_PATH, SD_IFACE, "ResetFailedUnit", "s", &args, &m,
                  monotonic_ms() + JOB_TIMEOUT_MS, NULL) == 0)
        dbus_msg_free(&m);
    dbus_buf_free(&args);
}

static void start_args(dbus_buf *w, const cgroup_paths *cg, const oci_resources *r, bool v2,
                       pid_t pid)
{
    dbus_put_str(w, cg->unit);
    dbus_put_str(w, "replace");
    dbus_array props = dbus_array_open(w, 8);
    cleanup_free char *slice = unit_slice(cg);
    cleanup_free char *desc = xasprintf("rt container %s", cg->unit);
    prop_str(w, "Description", desc);
    prop_str(w, "Slice", slice);
    prop_bool(w, "Delegate", true);
    prop_bool(w, "DefaultDependencies", false);
    prop(w, "PIDs", "au");
    dbus_array pids = dbus_array_open(w, 4);
    dbus_put_u32(w, (uint32_t)pid);
    dbus_array_close(w, pids);
    prop_bool(w, "MemoryAccounting", true);
    prop_bool(w, "CPUAccounting", true);
    prop_bool(w, v2 ? "IOAccounting" : "BlockIOAccounting", true);
    prop_bool(w, "TasksAccounting", true);
    resource_props(w, r, v2, false);
    dbus_array_close(w, props);
    dbus_array aux = dbus_array_open(w, 8);
    dbus_array_close(w, aux);
}

int cg_systemd_start(const cgroup_paths *cg, bool v2, const oci_resources *r, pid_t pid,
                     rt_error **err)
{
    dbus_conn c;
    if (connect_systemd(&c, err) < 0) {
        dbus_close(&c);
        return -1;
    }
    dbus_buf args = {0};
    start_args(&args, cg, r, v2, pid);
    int ret = run_job(&c, "StartTransientUnit", cg->unit, "ssa(sv)a(sa(sv))", &args, err);
    if (ret < 0 && err && *err && strstr((*err)->msg, ".UnitExists:")) {
        /* A failed scope of the same name that systemd still keeps: reset it
         * and try once more, as runc does. */
        rt_error_free(*err);
        *err = NULL;
        reset_failed(&c, cg->unit);
        ret = run_job(&c, "StartTransientUnit", cg->unit, "ssa(sv)a(sa(sv))", &args, err);
    }
    dbus_buf_free(&args);
    dbus_close(&c);
    if (ret < 0)
        return rt_err_wrap(err, "systemd cgroup driver: start %s", cg->unit);
    return 0;
}

int cg_systemd_update(const cgroup_paths *cg, bool v2, const oci_resources *r, rt_error **err)
{
    dbus_buf args = {0};
    dbus_put_str(&args, cg->unit);
    dbus_put_bool(&args, true);
    dbus_array props = dbus_array_open(&args, 8);
    resource_props(&args, r, v2, true);
    dbus_array_close(&args, props);
    dbus_conn c;
    dbus_msg m;
    int ret = dbus_open_systemd(&c, err);
    if (ret == 0)
        ret = dbus_call(&c, SD_DEST, SD_PATH, SD_IFACE, "SetUnitProperties", "sba(sv)", &args, &m,
                        monotonic_ms() + JOB_TIMEOUT_MS, err);
    if (ret == 0)
        dbus_msg_free(&m);
    dbus_buf_free(&args);
    dbus_close(&c);
    if (ret < 0)
        return rt_err_wrap(err, "systemd cgroup driver: update %s", cg->unit);
    return 0;
}

int cg_systemd_stop(const cgroup_paths *cg, rt_error **err)
{
    dbus_conn c;
    if (connect_systemd(&c, err) < 0) {
        dbus_close(&c);
        return rt_err_wrap(err, "systemd cgroup driver: stop %s", cg->unit);
    }
    dbus_buf args = {0};
    dbus_put_str(&args, cg->unit);
    dbus_put_str(&args, "replace");
    int ret = run_job(&c, "StopUnit", cg->unit, "ss", &args, err);
    /* A scope whose processes are all gone has stopped by itself. */
    if (ret < 0 && err && *err && strstr((*err)->msg, ".NoSuchUnit:")) {
        rt_error_free(*err);
        *err = NULL;
        ret = 0;
    }
    reset_failed(&c, cg->unit);
    dbus_buf_free(&args);
    dbus_close(&c);
    if (ret < 0)
        return rt_err_wrap(err, "systemd cgroup driver: stop %s", cg->unit);
    return 0;
}
