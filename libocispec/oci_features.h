/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runtime-spec features.md: what `rt features` prints. A plain generator, no parser. */
#ifndef OCI_FEATURES_H
#define OCI_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "oci_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An optional boolean: OCI_UNSET is omitted from the output. */
typedef enum oci_tristate { OCI_UNSET = 0, OCI_FALSE, OCI_TRUE } oci_tristate;

/* A constant list of strings; a list with len == 0 is omitted from the output. */
typedef struct oci_string_list {
    const char *const *items;
    size_t len;
} oci_string_list; /* items NULL: the key is omitted; len 0 with items set: [] */

typedef struct oci_features_cgroup {
    oci_tristate v1, v2, systemd, systemd_user, rdma;
} oci_features_cgroup;

typedef struct oci_features_seccomp {
    oci_tristate enabled;
    oci_string_list actions, operators, archs, known_flags, supported_flags;
} oci_features_seccomp;

typedef struct oci_features_intel_rdt {
    oci_tristate enabled, schemata, monitoring;
} oci_features_intel_rdt;

typedef struct oci_features_memory_policy {
    oci_string_list modes, flags;
} oci_features_memory_policy;

typedef struct oci_features_linux {
    oci_string_list namespaces;
    oci_string_list capabilities;
    const oci_features_cgroup *cgroup;   /* NULL: omitted */
    const oci_features_seccomp *seccomp; /* NULL: omitted */
    oci_tristate apparmor_enabled;       /* "apparmor": {"enabled": …}; UNSET: omitted */
    oci_tristate selinux_enabled;
    const oci_features_intel_rdt *intel_rdt;
    const oci_features_memory_policy *memory_policy;
    oci_tristate mount_extensions_idmap_enabled; /* "mountExtensions": {"idmap": {"enabled"}} */
    oci_tristate net_devices_enabled;            /* "netDevices": {"enabled": …} */
} oci_features_linux;

typedef struct oci_features {
    const char *oci_version_min; /* NULL: omitted */
    const char *oci_version_max;
    oci_string_list hooks;
    oci_string_list mount_options;
    const oci_features_linux *linux_;  /* NULL: omitted */
    const oci_string_map *annotations; /* NULL or empty: omitted; written with sorted keys */
    oci_string_list potentially_unsafe_config_annotations;
} oci_features;

/* Pretty JSON with 4-space indentation, like `runc features` (which ends it with a newline:
 * this string has none, as with the state writers).
 * Returns a malloc'd string, NULL on allocation failure. */
char *oci_features_to_json(const oci_features *f);

#ifdef __cplusplus
}
#endif

#endif /* OCI_FEATURES_H */
