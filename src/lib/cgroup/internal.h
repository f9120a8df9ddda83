/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_CGROUP_INTERNAL_H
#define RT_CGROUP_INTERNAL_H

/* Shared by the files of src/lib/cgroup/: the manager (manager.c), host
 * discovery (host.c), file access (files.c), the conversions (convert.c) and
 * the drivers (v1.c, v2.c, systemd.c).  Not for the rest of the engine. */

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "cgroup/cgroup.h"

/* A mounted hierarchy: where it is mounted, the path inside it that the mount
 * shows as its root, and its controllers ("cpu,cpuacct", "name=systemd", ""
 * for cgroup2). */
typedef struct cg_hier {
    char *mountpoint;
    char *mount_root;
    char *controllers;
    char *own_path; /* rt's own cgroup in it, from /proc/self/cgroup */
} cg_hier;

typedef struct cg_host {
    cg_hier *h;
    size_t n;
    bool unified; /* cgroup2 only */
} cg_host;

int cg_host_load(cg_host *host, rt_error **err);
void cg_host_free(cg_host *host);
/* The v1 hierarchy that has controller, or NULL. */
const cg_hier *cg_host_find(const cg_host *host, const char *controller);

struct cgroup_driver;

/* A container's cgroup as a driver sees it. */
typedef struct cg_ctx {
    const cgroup_paths *paths;
    cg_host host;
    const struct cgroup_driver *drv;
} cg_ctx;

/* Load the host and pick the driver for the container's cgroup paths. */
int cg_ctx_open(const cgroup_paths *cg, cg_ctx *c, rt_error **err);
void cg_ctx_close(cg_ctx *c);
#define cleanup_ctx __attribute__((cleanup(cg_ctx_close)))

/* The container's directory in the v1 hierarchy of controller (NULL when
 * none is mounted); with controller NULL the cgroup2 directory. */
const char *cg_dir(const cg_ctx *c, const char *controller);

/* One implementation of the manager interface. */
typedef struct cgroup_driver {
    const char *name;
    /* Refuse what cannot work on this host, before anything is touched. */
    int (*check)(const cg_host *host, const oci_resources *r, rt_error **err);
    /* After the directories are made, before limits (v2: controllers). */
    int (*setup)(const cg_ctx *c, rt_error **err);
    /* Write the limits.  update: the update command (devices untouched,
     * zero means "unchanged" as in runc). */
    int (*apply)(const cg_ctx *c, const oci_resources *r, bool update, rt_error **err);
    int (*freeze)(const cg_ctx *c, bool frozen, rt_error **err);
    /* The fields of runc's stats object, inside an open map. */
    int (*stats)(const cg_ctx *c, yajl_gen g, rt_error **err);
    int (*oom_open)(const cg_ctx *c, cgroup_oom *w, rt_error **err);
    int (*oom_read)(cgroup_oom *w);
    /* The directory whose cgroup.procs lists the container's processes. */
    const char *(*procs_dir)(const cg_ctx *c);
} cgroup_driver;

extern const cgroup_driver cgroup_v1_driver;
extern const cgroup_driver cgroup_v2_driver;

/* --- file helpers (files.c; errors name the file) --- */
/* Close the cached fds of dir and of the directories below it: before it is
 * removed, and after it is made (a directory of the same name may have been
 * removed by someone else meanwhile). */
void cg_dir_forget(const char *dir);
bool cg_exists(const char *dir, const char *file);
int cg_read(const char *dir, const char *file, char **out);
int cg_read_u64(const char *dir, const char *file, uint64_t *v);
int cg_write(const char *dir, const char *file, const char *value, rt_error **err);
/* Set a limit for the OCI field `field`: a missing hierarchy (dir NULL) or
 * file is an error naming the file, unless is_default (then nothing is
 * written). */
int cg_set(const char *dir, const char *ctrl, const char *file, const char *value, bool is_default,
           const char *field, rt_error **err);
/* v2: why the files of controller ctrl are missing in dir (the ancestor that
 * does not hand it down, and why), or NULL when nothing explains it. */
char *cg_v2_missing_reason(const char *dir, const char *ctrl);
/* v2: whether dir, not the root, holds processes (its children then get no
 * domain controller); `check` asks it of rt's own cgroup. */
bool v2_holds_processes(const char *dir);
int cg_set_i64(const char *dir, const char *ctrl, const char *file, int64_t v, bool is_default,
               const char *field, rt_error **err);

/* --- devices --- */
/* The letters r, w, m that access holds (NULL: all three), in that order, in
 * out; other letters are ignored as runc does ("rwa" is "rw"). None of the
 * three is an error. */
int cg_device_access(const char *access, char out[4], rt_error **err);
/* "c 1:3 rwm" (or "a") of one OCI rule, validated. */
int cg_device_rule(const oci_device_cgroup *d, char *buf, size_t len, rt_error **err);
/* The rules every container gets after its own, as runc. */
extern const oci_device_cgroup cg_default_devices[];
extern const size_t cg_default_devices_len;
/* The device rules (then the defaults) as the v1 controller keeps them: a
 * default and the exceptions to it; for the eBPF program and systemd's
 * DevicePolicy/DeviceAllow. pol->ex is malloc'd. */
typedef struct dev_exception {
    int type;             /* BPF_DEVCG_DEV_BLOCK or BPF_DEVCG_DEV_CHAR */
    int64_t major, minor; /* -1: any */
    int access;           /* BPF_DEVCG_ACC_* bits */
} dev_exception;

typedef struct dev_policy {
    bool default_allow;
    dev_exception *ex;
    size_t n;
} dev_policy;

void cg_device_policy(const oci_resources *r, dev_policy *pol);
/* v2: build the eBPF device program of these rules (+ defaults) and attach
 * it to the cgroup directory. */
int cg_bpf_devices_attach(const char *dir, const oci_resources *r, rt_error **err);

/* --- shared checks and conversions (docs/cgroups.md) --- */
int cg_check_common(const oci_resources *r, rt_error **err);
/* Page sizes as OCI names them ("2MB", "1GB") from /sys/kernel/mm/hugepages. */
bool cg_hugepage_size_valid(const char *size);
void cg_page_size_name(unsigned long kb, char *buf, size_t len);

/* cpu.shares [2, 262144] as cpu.weight [1, 10000]. */
uint64_t cg_shares_to_weight(uint64_t shares);
/* blkio.weight [10, 1000] as io.weight [1, 10000]. */
uint64_t cg_blkio_to_io_weight(uint64_t weight);
/* OCI's swap is memory+swap; v2's memory.swap.max is swap alone. With the
 * memory limit in force (limit; 0: none known): 1 and *swap_max (-1: max)
 * when a value is to be written, 0 when nothing is, -1 on a bad pair. */
int cg_swap_max(int64_t limit, int64_t swap, int64_t *swap_max, rt_error **err);
/* systemd's CPUQuotaPerSecUSec for quota/period (UINT64_MAX: no limit). */
uint64_t cg_quota_per_sec(int64_t quota, uint64_t period);
/* A cpuset list ("0-3,6") as the byte mask of systemd's AllowedCPUs and
 * AllowedMemoryNodes (bit i of byte j: CPU 8j+i). -1 if it is malformed. */
int cg_cpu_mask(const char *list, uint8_t **mask, size_t *len);

int cg_set_rdma(const char *dir, const oci_rdma_map *m, rt_error **err);

/* --- the systemd driver (systemd.c) --- */
/* The cgroup path ("/a.slice/a-b.slice") of a systemd slice name. */
int cg_systemd_slice_path(const char *slice, char **out, rt_error **err);
/* linux.cgroupsPath "slice:prefix:name" (empty: system.slice:rt:<id>) as the
 * scope's unit name and its cgroup path. */
int cg_systemd_resolve(const char *cgroups_path, const char *id, char **unit, char **path,
                       rt_error **err);
/* Start the scope cg->unit with pid in it and r's properties; wait for it. */
int cg_systemd_start(const cgroup_paths *cg, bool v2, const oci_resources *r, pid_t pid,
                     rt_error **err);
int cg_systemd_update(const cgroup_paths *cg, bool v2, const oci_resources *r, rt_error **err);
/* Stop the scope (gone already is fine) and forget its failure. */
int cg_systemd_stop(const cgroup_paths *cg, rt_error **err);

/* --- stats (stats.c) --- */
int cg_v1_stats(const cg_ctx *c, yajl_gen g, rt_error **err);
int cg_v2_stats(const cg_ctx *c, yajl_gen g, rt_error **err);
void cg_gen_key(yajl_gen g, const char *k);
void cg_gen_u64(yajl_gen g, uint64_t v);
void cg_gen_i64(yajl_gen g, int64_t v);
/* key: v, only when v != 0 (Go's omitempty). */
void cg_gen_u64_nz(yajl_gen g, const char *key, uint64_t v);
/* "key value" lines of a flat-keyed file (memory.stat, cpu.stat). */
bool cg_kv_get(const char *data, const char *key, uint64_t *v);
void cg_sleep_ms(long ms);

#endif
