/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "config.h"
#include "lsm.h"
#include "oci_features.h"
#include "seccomp_filter.h"
#include "validate.h"

#define LIST(a)                                       \
    {                                                 \
        .items = (a), .len = sizeof(a) / sizeof(*(a)) \
    }

/* What this build of rt really acts on; nothing it would refuse. */
static const char *const mount_options[] = {
    "async",         "atime",       "bind",       "defaults",       "dev",
    "diratime",      "dirsync",     "exec",       "iversion",       "lazytime",
    "loud",          "mand",        "noatime",    "nodev",          "nodiratime",
    "noexec",        "noiversion",  "nolazytime", "nomand",         "norelatime",
    "nostrictatime", "nosuid",      "private",    "rbind",          "rdev",
    "rdiratime",     "relatime",    "remount",    "rexec",          "rnoatime",
    "rnodev",        "rnodiratime", "rnoexec",    "rnostrictatime", "rnosuid",
    "rnosymfollow",  "ro",          "rprivate",   "rrelatime",      "rro",
    "rrw",           "rshared",     "rslave",     "rstrictatime",   "rsuid",
    "rsymfollow",    "runbindable", "rw",         "shared",         "silent",
    "slave",         "strictatime", "suid",       "sync",           "unbindable",
};
static const char *const namespaces[] = {
    "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts",
};
static const char *const capabilities[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

static const char *const hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static const char *const mpol_modes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_LOCAL",
};
static const char *const mpol_flags[] = {
    "MPOL_F_NUMA_BALANCING",
    "MPOL_F_RELATIVE_NODES",
    "MPOL_F_STATIC_NODES",
};

int cmd_features(const global_opts *g, int argc, char **argv, rt_error **err)
{
    (void)g;
    int n;
    if (flags_parse(argc, argv, NULL, &n, err) < 0 || want_args(n, 0, "features", "", err) < 0)
        return 1;
    const oci_features_cgroup cgroup = {.v1 = OCI_TRUE,
                                        .v2 = OCI_TRUE,
                                        .systemd = OCI_TRUE,
                                        .systemd_user = OCI_FALSE,
                                        .rdma = OCI_FALSE};
    oci_features_seccomp seccomp = {.enabled = OCI_FALSE};
    const char *supported[8];
    if (seccomp_feature_enabled()) {
        seccomp_names a = seccomp_feature_known_actions(), o = seccomp_feature_known_operators(),
                      ar = seccomp_feature_known_archs(), k = seccomp_feature_known_flags();
        seccomp = (oci_features_seccomp){
            .enabled = OCI_TRUE,
            .actions = {a.items, a.len},
            .operators = {o.items, o.len},
            .archs = {ar.items, ar.len},
            .known_flags = {k.items, k.len},
            .supported_flags = {supported, seccomp_feature_supported_flags(supported)},
        };
    }
    const oci_features_memory_policy mpol = {.modes = LIST(mpol_modes), .flags = LIST(mpol_flags)};
    const oci_features_intel_rdt rdt = {.enabled = OCI_FALSE};
    const oci_features_linux lnx = {
        .namespaces = LIST(namespaces),
        .capabilities = LIST(capabilities),
        .cgroup = &cgroup,
        .seccomp = &seccomp,
        .apparmor_enabled = lsm_apparmor_supported() ? OCI_TRUE : OCI_FALSE,
        .selinux_enabled = lsm_selinux_supported() ? OCI_TRUE : OCI_FALSE,
        .mount_extensions_idmap_enabled = OCI_TRUE, /* idmap, ridmap, mount uid/gidMappings */
        .intel_rdt = &rdt,
        .memory_policy = &mpol,
        .net_devices_enabled = OCI_TRUE,
    };
    char *ann_keys[] = {"org.opencontainers.rt.version"};
    char *ann_values[] = {RT_VERSION};
    const oci_string_map annotations = {.keys = ann_keys, .values = ann_values, .len = 1};
    const oci_features f = {
        .oci_version_min = "1.0.0",
        .oci_version_max = OCI_VERSION,
        .hooks = LIST(hooks),
        .mount_options = LIST(mount_options),
        .linux_ = &lnx,
        .annotations = &annotations,
    };
    char *json = oci_features_to_json(&f);
    printf("%s\n", json);
    free(json);
    return 0;
}
