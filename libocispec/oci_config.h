/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Typed OCI runtime-spec config.json (v1.0.0 .. v1.3.x), parsed with yajl.
 *
 * Conventions:
 *  - every JSON object is a struct oci_<name>; a nested object is a pointer, NULL when absent;
 *  - a string is char *, NULL when absent;
 *  - an array of strings is `char **x; size_t x_len;`, an array of objects `oci_y *x; size_t
 * x_len;`;
 *  - an optional scalar has `bool has_<name>`, set when the field was present; required scalars
 *    (per the runtime-spec schema) have no has_ flag;
 *  - a JSON null is treated exactly like an absent field;
 *  - on duplicate keys in one object the LAST occurrence wins (like Go's encoding/json);
 *  - unknown properties are ignored.
 */
#ifndef OCI_CONFIG_H
#define OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A JSON object of strings (annotations, sysctl, unified); keys are unique. */
typedef struct oci_string_map {
    char **keys;
    char **values;
    size_t len;
} oci_string_map;

/* Look a key up in a string map; NULL when absent. */
const char *oci_string_map_get(const oci_string_map *map, const char *key);

typedef struct oci_root {
    char *path; /* required */
    bool readonly;
    bool has_readonly;
} oci_root;

typedef struct oci_id_mapping {
    uint32_t container_id; /* required */
    uint32_t host_id;      /* required */
    uint32_t size;         /* required */
} oci_id_mapping;

typedef struct oci_mount {
    char *destination; /* required */
    char *type;
    char *source;
    char **options;
    size_t options_len;
    oci_id_mapping *uid_mappings;
    size_t uid_mappings_len;
    oci_id_mapping *gid_mappings;
    size_t gid_mappings_len;
} oci_mount;

typedef struct oci_console_size {
    uint64_t height; /* required */
    uint64_t width;  /* required */
} oci_console_size;

typedef struct oci_user {
    uint32_t uid;
    bool has_uid;
    uint32_t gid;
    bool has_gid;
    uint32_t umask;
    bool has_umask;
    uint32_t *additional_gids;
    size_t additional_gids_len;
    char *username;
} oci_user;

typedef struct oci_capabilities {
    char **bounding;
    size_t bounding_len;
    char **effective;
    size_t effective_len;
    char **inheritable;
    size_t inheritable_len;
    char **permitted;
    size_t permitted_len;
    char **ambient;
    size_t ambient_len;
} oci_capabilities;

typedef struct oci_rlimit {
    char *type;    /* required */
    uint64_t hard; /* required */
    uint64_t soft; /* required */
} oci_rlimit;

typedef struct oci_scheduler {
    char *policy; /* required */
    int32_t nice;
    bool has_nice;
    int32_t priority;
    bool has_priority;
    char **flags;
    size_t flags_len;
    uint64_t runtime;
    bool has_runtime;
    uint64_t deadline;
    bool has_deadline;
    uint64_t period;
    bool has_period;
} oci_scheduler;

typedef struct oci_io_priority {
    char *class; /* required */
    int32_t priority;
    bool has_priority;
} oci_io_priority;

typedef struct oci_exec_cpu_affinity {
    char *initial;
    char *final;
} oci_exec_cpu_affinity;

typedef struct oci_process {
    bool terminal;
    bool has_terminal;
    oci_console_size *console_size;
    oci_user *user; /* never NULL in a parsed process: absent "user" gives a zeroed struct */
    char **args;
    size_t args_len;
    char *command_line;
    char **env;
    size_t env_len;
    char *cwd; /* required */
    oci_capabilities *capabilities;
    oci_rlimit *rlimits;
    size_t rlimits_len;
    bool no_new_privileges;
    bool has_no_new_privileges;
    char *apparmor_profile;
    int oom_score_adj;
    bool has_oom_score_adj;
    oci_scheduler *scheduler;
    char *selinux_label;
    oci_io_priority *io_priority;
    oci_exec_cpu_affinity *exec_cpu_affinity;
} oci_process;

typedef struct oci_hook {
    char *path; /* required */
    char **args;
    size_t args_len;
    char **env;
    size_t env_len;
    int timeout; /* seconds, >= 1 */
    bool has_timeout;
} oci_hook;

typedef struct oci_hooks {
    oci_hook *prestart;
    size_t prestart_len;
    oci_hook *create_runtime;
    size_t create_runtime_len;
    oci_hook *create_container;
    size_t create_container_len;
    oci_hook *start_container;
    size_t start_container_len;
    oci_hook *poststart;
    size_t poststart_len;
    oci_hook *poststop;
    size_t poststop_len;
} oci_hooks;

typedef struct oci_namespace {
    char *type; /* required */
    char *path;
} oci_namespace;

/* linux.timeOffsets is an object keyed by clock name; one entry per key, in document order. */
typedef struct oci_time_offset {
    char *clock; /* the key: "monotonic" or "boottime" (others are kept too) */
    int64_t secs;
    bool has_secs;
    uint32_t nanosecs;
    bool has_nanosecs;
} oci_time_offset;

typedef struct oci_device {
    char *type; /* required: "c", "b", "u" or "p" */
    char *path; /* required */
    int64_t major;
    bool has_major;
    int64_t minor;
    bool has_minor;
    uint32_t file_mode;
    bool has_file_mode;
    uint32_t uid;
    bool has_uid;
    uint32_t gid;
    bool has_gid;
} oci_device;

/* linux.netDevices is an object keyed by the host interface name. */
typedef struct oci_net_device {
    char *host_name; /* the key */
    char *name;
} oci_net_device;

typedef struct oci_device_cgroup {
    bool allow; /* required */
    char *type;
    int64_t major;
    bool has_major;
    int64_t minor;
    bool has_minor;
    char *access;
} oci_device_cgroup;

typedef struct oci_memory {
    int64_t limit;
    bool has_limit;
    int64_t reservation;
    bool has_reservation;
    int64_t swap;
    bool has_swap;
    int64_t kernel;
    bool has_kernel;
    int64_t kernel_tcp;
    bool has_kernel_tcp;
    uint64_t swappiness;
    bool has_swappiness;
    bool disable_oom_killer;
    bool has_disable_oom_killer;
    bool use_hierarchy;
    bool has_use_hierarchy;
    bool check_before_update;
    bool has_check_before_update;
} oci_memory;

typedef struct oci_cpu {
    uint64_t shares;
    bool has_shares;
    int64_t quota;
    bool has_quota;
    uint64_t burst;
    bool has_burst;
    uint64_t period;
    bool has_period;
    int64_t realtime_runtime;
    bool has_realtime_runtime;
    uint64_t realtime_period;
    bool has_realtime_period;
    char *cpus;
    char *mems;
    int64_t idle;
    bool has_idle;
} oci_cpu;

typedef struct oci_weight_device {
    int64_t major; /* required */
    int64_t minor; /* required */
    uint16_t weight;
    bool has_weight;
    uint16_t leaf_weight;
    bool has_leaf_weight;
} oci_weight_device;

typedef struct oci_throttle_device {
    int64_t major; /* required */
    int64_t minor; /* required */
    uint64_t rate;
    bool has_rate;
} oci_throttle_device;

typedef struct oci_block_io {
    uint16_t weight;
    bool has_weight;
    uint16_t leaf_weight;
    bool has_leaf_weight;
    oci_weight_device *weight_device;
    size_t weight_device_len;
    oci_throttle_device *throttle_read_bps_device;
    size_t throttle_read_bps_device_len;
    oci_throttle_device *throttle_write_bps_device;
    size_t throttle_write_bps_device_len;
    oci_throttle_device *throttle_read_iops_device;
    size_t throttle_read_iops_device_len;
    oci_throttle_device *throttle_write_iops_device;
    size_t throttle_write_iops_device_len;
} oci_block_io;

typedef struct oci_hugepage_limit {
    char *page_size; /* required */
    uint64_t limit;  /* required */
} oci_hugepage_limit;

typedef struct oci_interface_priority {
    char *name;        /* required */
    uint32_t priority; /* required */
} oci_interface_priority;

typedef struct oci_network {
    uint32_t class_id;
    bool has_class_id;
    oci_interface_priority *priorities;
    size_t priorities_len;
} oci_network;

typedef struct oci_pids {
    /* required by the schema, optional in the Go types (runtime-spec >= 1.2.1): kept optional */
    int64_t limit;
    bool has_limit;
} oci_pids;

typedef struct oci_rdma {
    uint32_t hca_handles;
    bool has_hca_handles;
    uint32_t hca_objects;
    bool has_hca_objects;
} oci_rdma;

/* linux.resources.rdma: an object keyed by device name. */
typedef struct oci_rdma_map {
    char **keys;
    oci_rdma *values;
    size_t len;
} oci_rdma_map;

typedef struct oci_resources {
    oci_device_cgroup *devices;
    size_t devices_len;
    oci_memory *memory;
    oci_cpu *cpu;
    oci_pids *pids;
    oci_block_io *block_io;
    oci_hugepage_limit *hugepage_limits;
    size_t hugepage_limits_len;
    oci_network *network;
    oci_rdma_map rdma;
    oci_string_map unified;
} oci_resources;

typedef struct oci_intel_rdt {
    char *clos_id;
    char **schemata;
    size_t schemata_len;
    char *l3_cache_schema;
    char *mem_bw_schema;
    bool enable_monitoring;
    bool has_enable_monitoring;
} oci_intel_rdt;

typedef struct oci_memory_policy {
    char *mode;
    char *nodes;
    char **flags;
    size_t flags_len;
} oci_memory_policy;

typedef struct oci_personality {
    char *domain;
    char **flags;
    size_t flags_len;
} oci_personality;

typedef struct oci_syscall_arg {
    uint32_t index; /* required */
    uint64_t value; /* required */
    uint64_t value_two;
    bool has_value_two;
    char *op; /* required */
} oci_syscall_arg;

typedef struct oci_syscall {
    char **names; /* required */
    size_t names_len;
    char *action; /* required */
    uint32_t errno_ret;
    bool has_errno_ret;
    oci_syscall_arg *args;
    size_t args_len;
} oci_syscall;

typedef struct oci_seccomp {
    char *default_action; /* required */
    uint32_t default_errno_ret;
    bool has_default_errno_ret;
    char **architectures;
    size_t architectures_len;
    char **flags;
    size_t flags_len;
    char *listener_path;
    char *listener_metadata;
    oci_syscall *syscalls;
    size_t syscalls_len;
} oci_seccomp;

typedef struct oci_linux {
    oci_namespace *namespaces;
    size_t namespaces_len;
    oci_id_mapping *uid_mappings;
    size_t uid_mappings_len;
    oci_id_mapping *gid_mappings;
    size_t gid_mappings_len;
    oci_time_offset *time_offsets;
    size_t time_offsets_len;
    oci_device *devices;
    size_t devices_len;
    oci_net_device *net_devices;
    size_t net_devices_len;
    char *cgroups_path;
    char *rootfs_propagation;
    oci_resources *resources;
    oci_intel_rdt *intel_rdt;
    oci_memory_policy *memory_policy;
    oci_personality *personality;
    oci_seccomp *seccomp;
    oci_string_map sysctl;
    char **masked_paths;
    size_t masked_paths_len;
    char **readonly_paths;
    size_t readonly_paths_len;
    char *mount_label;
} oci_linux;

typedef struct oci_config {
    char *oci_version; /* required; major version 1 */
    oci_root *root;
    oci_mount *mounts;
    size_t mounts_len;
    oci_process *process;
    char *hostname;
    char *domainname;
    oci_hooks *hooks;
    oci_string_map annotations;
    oci_linux *linux_;
} oci_config;

/*
 * Parse config.json text / file. On error return -1 and set *err to a malloc'd one-line
 * message naming the JSON path, e.g. `mounts[2].destination: expected string` (no
 * "config.json: " prefix); on success return 0 and set *out (free with oci_config_free).
 * parse_file I/O errors read like "open: No such file or directory". *err is NULL only when
 * memory ran out while reporting. A document nested deeper than 512 levels is refused.
 */
int oci_config_parse_data(const char *data, size_t len, oci_config **out, char **err);
int oci_config_parse_file(const char *path, oci_config **out, char **err);
void oci_config_free(oci_config *cfg);

/* A lone process object, as given to `exec --process FILE`. Paths in errors start at the
 * top of that document: `user.uid: expected integer`. */
int oci_process_parse_data(const char *data, size_t len, oci_process **out, char **err);
int oci_process_parse_file(const char *path, oci_process **out, char **err);
void oci_process_free(oci_process *proc);

/* A lone linux.resources object, as given to `update --resources FILE|-`. */
int oci_resources_parse_data(const char *data, size_t len, oci_resources **out, char **err);
void oci_resources_free(oci_resources *res);

/* Read a whole file into a NUL-terminated malloc'd buffer; on error set *err to
 * "open: <strerror>" / "read: <strerror>" and return -1. */
int oci_read_file(const char *path, char **data, size_t *len, char **err);

#ifdef __cplusplus
}
#endif

#endif /* OCI_CONFIG_H */
