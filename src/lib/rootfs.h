/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_ROOTFS_H
#define RT_ROOTFS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "mounts.h"
#include "oci_config.h"
#include "state.h"
#include "terminal.h"

typedef struct rootfs_opts {
    bool no_pivot;
    bool host_mntns; /* no mount namespace: rt bound the rootfs; chroot, no pivot */
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
/* A container without a mount namespace makes its mounts in the host's:
 * all of them on one private bind mount of the rootfs, made by rt before
 * the init, and detached (with everything below) by delete.  The mount id
 * (statx) tells that the mount on the rootfs is still that one. */
int rootfs_bind_private(const char *rootfs, rt_error **err);
uint64_t rootfs_mount_id(const char *rootfs);
void rootfs_unbind(const char *rootfs, uint64_t mount_id);
/* pivot_root (or move + chroot, or chroot in the host's mount namespace),
 * rootfsPropagation, root.readonly. */
int rootfs_enter(const oci_config *cfg, const char *rootfs, const rootfs_opts *opts,
                 rt_error **err);

#endif
