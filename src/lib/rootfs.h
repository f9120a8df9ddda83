/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_ROOTFS_H
#define RT_ROOTFS_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"
#include "state.h"

typedef struct rootfs_opts {
    bool no_pivot;
    bool userns;
    bool cgroupns;
    bool netns; /* a new network namespace: sysfs can be mounted */
} rootfs_opts;

/* Validate everything about the filesystem the config asks for. */
int rootfs_validate(const oci_config *cfg, const char *rootfs, rt_error **err);
/* In the init, in its new mount namespace: mounts, devices, pivot_root. */
int rootfs_setup(const oci_config *cfg, const char *rootfs, const rt_state *st,
                 const rootfs_opts *opts, rt_error **err);
/* After pivot_root: masked and read-only paths, sysctls, read-only root. */
int rootfs_finish(const oci_config *cfg, rt_error **err);

#endif
