/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Descriptor tables for config.json (runtime-spec schema/config-schema.json,
 * config-linux.json, defs.json, defs-linux.json) and the public entry points.
 * Types follow the schema: int32/int64/uint16/uint32/uint64 ranges are checked by the walker.
 */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "oci_internal.h"

#define U16 UINT16_MAX
#define U32 UINT32_MAX
#define U64 UINT64_MAX
#define I32 INT32_MIN, INT32_MAX
#define I64 INT64_MIN, INT64_MAX

static_assert(sizeof(int) == 4, "int fields are parsed as int32");
static_assert(offsetof(oci_string_map, len) == offsetof(struct oci_any_map, len), "map layout");
static_assert(offsetof(oci_rdma_map, values) == offsetof(struct oci_any_map, values), "map layout");
static_assert(offsetof(oci_rdma_map, len) == offsetof(struct oci_any_map, len), "map layout");

/* ---- shared definitions (defs.json) ---- */

static const struct oci_field id_mapping_fields[] = {
    F_UINT_REQ(oci_id_mapping, "containerID", container_id, U32),
    F_UINT_REQ(oci_id_mapping, "hostID", host_id, U32),
    F_UINT_REQ(oci_id_mapping, "size", size, U32),
};
static const struct oci_type id_mapping_type = OCI_TYPE(oci_id_mapping, id_mapping_fields);

static const struct oci_field hook_fields[] = {
    F_STR(oci_hook, "path", path, OCI_F_REQUIRED),
    F_STR_ARRAY(oci_hook, "args", args, 0),
    F_STR_ARRAY(oci_hook, "env", env, 0),
    F_INT(oci_hook, "timeout", timeout, 1, INT32_MAX),
};
static const struct oci_type hook_type = OCI_TYPE(oci_hook, hook_fields);

/* ---- top level (config-schema.json) ---- */

static const struct oci_field root_fields[] = {
    F_STR(oci_root, "path", path, OCI_F_REQUIRED),
    F_BOOL(oci_root, "readonly", readonly),
};
static const struct oci_type root_type = OCI_TYPE(oci_root, root_fields);

static const struct oci_field mount_fields[] = {
    F_STR(oci_mount, "destination", destination, OCI_F_REQUIRED),
    F_STR(oci_mount, "type", type, 0),
    F_STR(oci_mount, "source", source, 0),
    F_STR_ARRAY(oci_mount, "options", options, 0),
    F_OBJ_ARRAY(oci_mount, "uidMappings", uid_mappings, id_mapping_type),
    F_OBJ_ARRAY(oci_mount, "gidMappings", gid_mappings, id_mapping_type),
};
static const struct oci_type mount_type = OCI_TYPE(oci_mount, mount_fields);

static const struct oci_field hooks_fields[] = {
    F_OBJ_ARRAY(oci_hooks, "prestart", prestart, hook_type),
    F_OBJ_ARRAY(oci_hooks, "createRuntime", create_runtime, hook_type),
    F_OBJ_ARRAY(oci_hooks, "createContainer", create_container, hook_type),
    F_OBJ_ARRAY(oci_hooks, "startContainer", start_container, hook_type),
    F_OBJ_ARRAY(oci_hooks, "poststart", poststart, hook_type),
    F_OBJ_ARRAY(oci_hooks, "poststop", poststop, hook_type),
};
static const struct oci_type hooks_type = OCI_TYPE(oci_hooks, hooks_fields);

/* ---- process ---- */

static const struct oci_field console_size_fields[] = {
    F_UINT_REQ(oci_console_size, "height", height, U64),
    F_UINT_REQ(oci_console_size, "width", width, U64),
};
static const struct oci_type console_size_type = OCI_TYPE(oci_console_size, console_size_fields);

static const struct oci_field user_fields[] = {
    F_UINT(oci_user, "uid", uid, U32),
    F_UINT(oci_user, "gid", gid, U32),
    F_UINT(oci_user, "umask", umask, U32),
    F_U32_ARRAY(oci_user, "additionalGids", additional_gids),
    F_STR(oci_user, "username", username, 0),
};
static const struct oci_type user_type = OCI_TYPE(oci_user, user_fields);

static const struct oci_field capabilities_fields[] = {
    F_STR_ARRAY(oci_capabilities, "bounding", bounding, 0),
    F_STR_ARRAY(oci_capabilities, "effective", effective, 0),
    F_STR_ARRAY(oci_capabilities, "inheritable", inheritable, 0),
    F_STR_ARRAY(oci_capabilities, "permitted", permitted, 0),
    F_STR_ARRAY(oci_capabilities, "ambient", ambient, 0),
};
static const struct oci_type capabilities_type = OCI_TYPE(oci_capabilities, capabilities_fields);

static const struct oci_field rlimit_fields[] = {
    F_STR(oci_rlimit, "type", type, OCI_F_REQUIRED),
    F_UINT_REQ(oci_rlimit, "hard", hard, U64),
    F_UINT_REQ(oci_rlimit, "soft", soft, U64),
};
static const struct oci_type rlimit_type = OCI_TYPE(oci_rlimit, rlimit_fields);

static const struct oci_field scheduler_fields[] = {
    F_STR(oci_scheduler, "policy", policy, OCI_F_REQUIRED),
    F_INT(oci_scheduler, "nice", nice, I32),
    F_INT(oci_scheduler, "priority", priority, I32),
    F_STR_ARRAY(oci_scheduler, "flags", flags, 0),
    F_UINT(oci_scheduler, "runtime", runtime, U64),
    F_UINT(oci_scheduler, "deadline", deadline, U64),
    F_UINT(oci_scheduler, "period", period, U64),
};
static const struct oci_type scheduler_type = OCI_TYPE(oci_scheduler, scheduler_fields);

static const struct oci_field io_priority_fields[] = {
    F_STR(oci_io_priority, "class", class, OCI_F_REQUIRED),
    F_INT(oci_io_priority, "priority", priority, I32),
};
static const struct oci_type io_priority_type = OCI_TYPE(oci_io_priority, io_priority_fields);

static const struct oci_field exec_cpu_affinity_fields[] = {
    F_STR(oci_exec_cpu_affinity, "initial", initial, 0),
    F_STR(oci_exec_cpu_affinity, "final", final, 0),
};
static const struct oci_type exec_cpu_affinity_type =
    OCI_TYPE(oci_exec_cpu_affinity, exec_cpu_affinity_fields);

static const struct oci_field process_fields[] = {
    F_BOOL(oci_process, "terminal", terminal),
    F_OBJ(oci_process, "consoleSize", console_size, console_size_type, 0),
    F_OBJ(oci_process, "user", user, user_type, OCI_F_ALWAYS),
    F_STR_ARRAY(oci_process, "args", args, 0),
    F_STR(oci_process, "commandLine", command_line, 0),
    F_STR_ARRAY(oci_process, "env", env, 0),
    F_STR(oci_process, "cwd", cwd, OCI_F_REQUIRED),
    F_OBJ(oci_process, "capabilities", capabilities, capabilities_type, 0),
    F_OBJ_ARRAY(oci_process, "rlimits", rlimits, rlimit_type),
    F_BOOL(oci_process, "noNewPrivileges", no_new_privileges),
    F_STR(oci_process, "apparmorProfile", apparmor_profile, 0),
    F_INT(oci_process, "oomScoreAdj", oom_score_adj, I32),
    F_OBJ(oci_process, "scheduler", scheduler, scheduler_type, 0),
    F_STR(oci_process, "selinuxLabel", selinux_label, 0),
    F_OBJ(oci_process, "ioPriority", io_priority, io_priority_type, 0),
    F_OBJ(oci_process, "execCPUAffinity", exec_cpu_affinity, exec_cpu_affinity_type, 0),
};
static const struct oci_type process_type = OCI_TYPE(oci_process, process_fields);

/* ---- linux.resources ---- */

static const struct oci_field device_cgroup_fields[] = {
    F_BOOL_REQ(oci_device_cgroup, "allow", allow), F_STR(oci_device_cgroup, "type", type, 0),
    F_INT(oci_device_cgroup, "major", major, I64), F_INT(oci_device_cgroup, "minor", minor, I64),
    F_STR(oci_device_cgroup, "access", access, 0),
};
static const struct oci_type device_cgroup_type = OCI_TYPE(oci_device_cgroup, device_cgroup_fields);

static const struct oci_field memory_fields[] = {
    F_INT(oci_memory, "limit", limit, I64),
    F_INT(oci_memory, "reservation", reservation, I64),
    F_INT(oci_memory, "swap", swap, I64),
    F_INT(oci_memory, "kernel", kernel, I64),
    F_INT(oci_memory, "kernelTCP", kernel_tcp, I64),
    F_UINT(oci_memory, "swappiness", swappiness, U64),
    F_BOOL(oci_memory, "disableOOMKiller", disable_oom_killer),
    F_BOOL(oci_memory, "useHierarchy", use_hierarchy),
    F_BOOL(oci_memory, "checkBeforeUpdate", check_before_update),
};
static const struct oci_type memory_type = OCI_TYPE(oci_memory, memory_fields);

static const struct oci_field cpu_fields[] = {
    F_UINT(oci_cpu, "shares", shares, U64),
    F_INT(oci_cpu, "quota", quota, I64),
    F_UINT(oci_cpu, "burst", burst, U64),
    F_UINT(oci_cpu, "period", period, U64),
    F_INT(oci_cpu, "realtimeRuntime", realtime_runtime, I64),
    F_UINT(oci_cpu, "realtimePeriod", realtime_period, U64),
    F_STR(oci_cpu, "cpus", cpus, 0),
    F_STR(oci_cpu, "mems", mems, 0),
    F_INT(oci_cpu, "idle", idle, I64),
};
static const struct oci_type cpu_type = OCI_TYPE(oci_cpu, cpu_fields);

static const struct oci_field weight_device_fields[] = {
    F_INT_REQ(oci_weight_device, "major", major, I64),
    F_INT_REQ(oci_weight_device, "minor", minor, I64),
    F_UINT(oci_weight_device, "weight", weight, U16),
    F_UINT(oci_weight_device, "leafWeight", leaf_weight, U16),
};
static const struct oci_type weight_device_type = OCI_TYPE(oci_weight_device, weight_device_fields);

static const struct oci_field throttle_device_fields[] = {
    F_INT_REQ(oci_throttle_device, "major", major, I64),
    F_INT_REQ(oci_throttle_device, "minor", minor, I64),
    F_UINT(oci_throttle_device, "rate", rate, U64),
};
static const struct oci_type throttle_device_type =
    OCI_TYPE(oci_throttle_device, throttle_device_fields);

static const struct oci_field block_io_fields[] = {
    F_UINT(oci_block_io, "weight", weight, U16),
    F_UINT(oci_block_io, "leafWeight", leaf_weight, U16),
    F_OBJ_ARRAY(oci_block_io, "weightDevice", weight_device, weight_device_type),
    F_OBJ_ARRAY(oci_block_io, "throttleReadBpsDevice", throttle_read_bps_device,
                throttle_device_type),
    F_OBJ_ARRAY(oci_block_io, "throttleWriteBpsDevice", throttle_write_bps_device,
                throttle_device_type),
    F_OBJ_ARRAY(oci_block_io, "throttleReadIOPSDevice", throttle_read_iops_device,
                throttle_device_type),
    F_OBJ_ARRAY(oci_block_io, "throttleWriteIOPSDevice", throttle_write_iops_device,
                throttle_device_type),
};
static const struct oci_type block_io_type = OCI_TYPE(oci_block_io, block_io_fields);

static const struct oci_field hugepage_limit_fields[] = {
    F_STR(oci_hugepage_limit, "pageSize", page_size, OCI_F_REQUIRED),
    F_UINT_REQ(oci_hugepage_limit, "limit", limit, U64),
};
static const struct oci_type hugepage_limit_type =
    OCI_TYPE(oci_hugepage_limit, hugepage_limit_fields);

static const struct oci_field interface_priority_fields[] = {
    F_STR(oci_interface_priority, "name", name, OCI_F_REQUIRED),
    F_UINT_REQ(oci_interface_priority, "priority", priority, U32),
};
static const struct oci_type interface_priority_type =
    OCI_TYPE(oci_interface_priority, interface_priority_fields);

static const struct oci_field network_fields[] = {
    F_UINT(oci_network, "classID", class_id, U32),
    F_OBJ_ARRAY(oci_network, "priorities", priorities, interface_priority_type),
};
static const struct oci_type network_type = OCI_TYPE(oci_network, network_fields);

static const struct oci_field pids_fields[] = {
    F_INT(oci_pids, "limit", limit, I64),
};
static const struct oci_type pids_type = OCI_TYPE(oci_pids, pids_fields);

static const struct oci_field rdma_fields[] = {
    F_UINT(oci_rdma, "hcaHandles", hca_handles, U32),
    F_UINT(oci_rdma, "hcaObjects", hca_objects, U32),
};
static const struct oci_type rdma_type = OCI_TYPE(oci_rdma, rdma_fields);

static const struct oci_field resources_fields[] = {
    F_OBJ_ARRAY(oci_resources, "devices", devices, device_cgroup_type),
    F_OBJ(oci_resources, "memory", memory, memory_type, 0),
    F_OBJ(oci_resources, "cpu", cpu, cpu_type, 0),
    F_OBJ(oci_resources, "pids", pids, pids_type, 0),
    F_OBJ(oci_resources, "blockIO", block_io, block_io_type, 0),
    F_OBJ_ARRAY(oci_resources, "hugepageLimits", hugepage_limits, hugepage_limit_type),
    F_OBJ(oci_resources, "network", network, network_type, 0),
    F_OBJ_MAP(oci_resources, "rdma", rdma, rdma_type),
    F_STR_MAP(oci_resources, "unified", unified),
};
static const struct oci_type resources_type = OCI_TYPE(oci_resources, resources_fields);

/* ---- linux ---- */

static const struct oci_field namespace_fields[] = {
    F_STR(oci_namespace, "type", type, OCI_F_REQUIRED),
    F_STR(oci_namespace, "path", path, 0),
};
static const struct oci_type namespace_type = OCI_TYPE(oci_namespace, namespace_fields);

static const struct oci_field time_offset_fields[] = {
    F_INT(oci_time_offset, "secs", secs, I64),
    F_UINT(oci_time_offset, "nanosecs", nanosecs, U32),
};
static const struct oci_type time_offset_type =
    OCI_KEYED_TYPE(oci_time_offset, time_offset_fields, clock);

static const struct oci_field device_fields[] = {
    F_STR(oci_device, "type", type, OCI_F_REQUIRED),
    F_STR(oci_device, "path", path, OCI_F_REQUIRED),
    F_INT(oci_device, "major", major, I64),
    F_INT(oci_device, "minor", minor, I64),
    F_UINT(oci_device, "fileMode", file_mode, U32),
    F_UINT(oci_device, "uid", uid, U32),
    F_UINT(oci_device, "gid", gid, U32),
};
static const struct oci_type device_type = OCI_TYPE(oci_device, device_fields);

static const struct oci_field net_device_fields[] = {
    F_STR(oci_net_device, "name", name, 0),
};
static const struct oci_type net_device_type =
    OCI_KEYED_TYPE(oci_net_device, net_device_fields, host_name);

static const struct oci_field intel_rdt_fields[] = {
    F_STR(oci_intel_rdt, "closID", clos_id, 0),
    F_STR_ARRAY(oci_intel_rdt, "schemata", schemata, 0),
    F_STR(oci_intel_rdt, "l3CacheSchema", l3_cache_schema, 0),
    F_STR(oci_intel_rdt, "memBwSchema", mem_bw_schema, 0),
    F_BOOL(oci_intel_rdt, "enableMonitoring", enable_monitoring),
};
static const struct oci_type intel_rdt_type = OCI_TYPE(oci_intel_rdt, intel_rdt_fields);

static const struct oci_field memory_policy_fields[] = {
    F_STR(oci_memory_policy, "mode", mode, 0),
    F_STR(oci_memory_policy, "nodes", nodes, 0),
    F_STR_ARRAY(oci_memory_policy, "flags", flags, 0),
};
static const struct oci_type memory_policy_type = OCI_TYPE(oci_memory_policy, memory_policy_fields);

static const struct oci_field personality_fields[] = {
    F_STR(oci_personality, "domain", domain, 0),
    F_STR_ARRAY(oci_personality, "flags", flags, 0),
};
static const struct oci_type personality_type = OCI_TYPE(oci_personality, personality_fields);

static const struct oci_field syscall_arg_fields[] = {
    F_UINT_REQ(oci_syscall_arg, "index", index, U32),
    F_UINT_REQ(oci_syscall_arg, "value", value, U64),
    F_UINT(oci_syscall_arg, "valueTwo", value_two, U64),
    F_STR(oci_syscall_arg, "op", op, OCI_F_REQUIRED),
};
static const struct oci_type syscall_arg_type = OCI_TYPE(oci_syscall_arg, syscall_arg_fields);

static const struct oci_field syscall_fields[] = {
    F_STR_ARRAY(oci_syscall, "names", names, OCI_F_REQUIRED),
    F_STR(oci_syscall, "action", action, OCI_F_REQUIRED),
    F_UINT(oci_syscall, "errnoRet", errno_ret, U32),
    F_OBJ_ARRAY(oci_syscall, "args", args, syscall_arg_type),
};
static const struct oci_type syscall_type = OCI_TYPE(oci_syscall, syscall_fields);

static const struct oci_field seccomp_fields[] = {
    F_STR(oci_seccomp, "defaultAction", default_action, OCI_F_REQUIRED),
    F_UINT(oci_seccomp, "defaultErrnoRet", default_errno_ret, U32),
    F_STR_ARRAY(oci_seccomp, "architectures", architectures, 0),
    F_STR_ARRAY(oci_seccomp, "flags", flags, 0),
    F_STR(oci_seccomp, "listenerPath", listener_path, 0),
    F_STR(oci_seccomp, "listenerMetadata", listener_metadata, 0),
    F_OBJ_ARRAY(oci_seccomp, "syscalls", syscalls, syscall_type),
};
static const struct oci_type seccomp_type = OCI_TYPE(oci_seccomp, seccomp_fields);

static const struct oci_field linux_fields[] = {
    F_OBJ_ARRAY(oci_linux, "namespaces", namespaces, namespace_type),
    F_OBJ_ARRAY(oci_linux, "uidMappings", uid_mappings, id_mapping_type),
    F_OBJ_ARRAY(oci_linux, "gidMappings", gid_mappings, id_mapping_type),
    F_KEYED_ARRAY(oci_linux, "timeOffsets", time_offsets, time_offset_type),
    F_OBJ_ARRAY(oci_linux, "devices", devices, device_type),
    F_KEYED_ARRAY(oci_linux, "netDevices", net_devices, net_device_type),
    F_STR(oci_linux, "cgroupsPath", cgroups_path, 0),
    F_STR(oci_linux, "rootfsPropagation", rootfs_propagation, 0),
    F_OBJ(oci_linux, "resources", resources, resources_type, 0),
    F_OBJ(oci_linux, "intelRdt", intel_rdt, intel_rdt_type, 0),
    F_OBJ(oci_linux, "memoryPolicy", memory_policy, memory_policy_type, 0),
    F_OBJ(oci_linux, "personality", personality, personality_type, 0),
    F_OBJ(oci_linux, "seccomp", seccomp, seccomp_type, 0),
    F_STR_MAP(oci_linux, "sysctl", sysctl),
    F_STR_ARRAY(oci_linux, "maskedPaths", masked_paths, 0),
    F_STR_ARRAY(oci_linux, "readonlyPaths", readonly_paths, 0),
    F_STR(oci_linux, "mountLabel", mount_label, 0),
};
static const struct oci_type linux_type = OCI_TYPE(oci_linux, linux_fields);

static const struct oci_field config_fields[] = {
    F_STR(oci_config, "ociVersion", oci_version, OCI_F_REQUIRED),
    F_OBJ(oci_config, "root", root, root_type, 0),
    F_OBJ_ARRAY(oci_config, "mounts", mounts, mount_type),
    F_OBJ(oci_config, "process", process, process_type, 0),
    F_STR(oci_config, "hostname", hostname, 0),
    F_STR(oci_config, "domainname", domainname, 0),
    F_OBJ(oci_config, "hooks", hooks, hooks_type, 0),
    F_STR_MAP(oci_config, "annotations", annotations),
    F_OBJ(oci_config, "linux", linux_, linux_type, 0),
};
static const struct oci_type config_type = OCI_TYPE(oci_config, config_fields);

/* ---- entry points ---- */

/* "MAJOR.MINOR[.PATCH][-pre][+build]" with MAJOR == 1 (runtime-spec versions are semver). */
static bool version_supported(const char *v)
{
    const char *p = v;
    int parts = 0;

    if (strncmp(p, "1.", 2) != 0)
        return false;
    p += 2;
    parts = 1;
    for (;;) {
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        parts++;
        if (*p != '.' || parts == 3)
            break;
        p++;
    }
    if (*p == '\0')
        return true;
    if (*p != '-' && *p != '+')
        return false;
    for (p++; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '+')
            return false;
    }
    return p[-1] != '-' && p[-1] != '+';
}

int oci_config_parse_data(const char *data, size_t len, oci_config **out, char **err)
{
    oci_config *cfg = NULL;

    *out = NULL;
    *err = NULL;
    if (oci_parse_data_typed(&config_type, data, len, (void **)&cfg, err) < 0)
        return -1;
    if (!version_supported(cfg->oci_version)) {
        char *q = oci_quote(cfg->oci_version);
        oci_set_error(err, "ociVersion: unsupported version %s", q ? q : "");
        free(q);
        oci_config_free(cfg);
        return -1;
    }
    *out = cfg;
    return 0;
}

int oci_config_parse_file(const char *path, oci_config **out, char **err)
{
    char *data = NULL;
    size_t len = 0;
    int ret;

    *out = NULL;
    if (oci_read_file(path, &data, &len, err) < 0)
        return -1;
    ret = oci_config_parse_data(data, len, out, err);
    free(data);
    return ret;
}

void oci_config_free(oci_config *cfg)
{
    oci_free_typed(&config_type, cfg);
}

int oci_process_parse_data(const char *data, size_t len, oci_process **out, char **err)
{
    *out = NULL;
    *err = NULL;
    return oci_parse_data_typed(&process_type, data, len, (void **)out, err);
}

int oci_process_parse_file(const char *path, oci_process **out, char **err)
{
    char *data = NULL;
    size_t len = 0;
    int ret;

    *out = NULL;
    if (oci_read_file(path, &data, &len, err) < 0)
        return -1;
    ret = oci_process_parse_data(data, len, out, err);
    free(data);
    return ret;
}

void oci_process_free(oci_process *proc)
{
    oci_free_typed(&process_type, proc);
}

int oci_resources_parse_data(const char *data, size_t len, oci_resources **out, char **err)
{
    *out = NULL;
    *err = NULL;
    return oci_parse_data_typed(&resources_type, data, len, (void **)out, err);
}

void oci_resources_free(oci_resources *res)
{
    oci_free_typed(&resources_type, res);
}

const char *oci_string_map_get(const oci_string_map *map, const char *key)
{
    for (size_t i = 0; map && i < map->len; i++) {
        if (strcmp(map->keys[i], key) == 0)
            return map->values[i];
    }
    return NULL;
}
