/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_ROOTFS_H
#define RT_ROOTFS_H

#include <stdbool.h>

#include "error.h"
#include "mounts.h"
#include "oci_config.h"
#include "state.h"
#include "terminal.h"

typedef struct rootfs_opts {
    bool no_pivot;
    bool userns;
    bool cgroupns;
    bool netns;               /* a new network namespace: sysfs can be mounted */
    const mount_trees *trees; /* idmapped mounts made by the parent, or NULL */
    pty *pty;                 /* process.terminal: filled with a pty of the container's devpts */
} rootfs_opts;

/* Validate everything about the filesystem the config asks for. */
int rootfs_validate(const oci_config *cfg, const char *rootfs, rt_error **err);
/* In the init, in its new mount namespace: mounts, devices, sysctls, masked
 * and read-only paths, all inside the rootfs (createContainer hooks run
 * after this, still seeing the host's filesystem). */
int rootfs_prepare(const oci_config *cfg, const char *rootfs, const rt_state *st,
                   const rootfs_opts *opts, rt_error **err);
/* pivot_root (or move + chroot), rootfsPropagation, root.readonly. */
int rootfs_enter(const oci_config *cfg, const char *rootfs, const rootfs_opts *opts,
                 rt_error **err);

#endif
