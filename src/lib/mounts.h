/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_MOUNTS_H
#define RT_MOUNTS_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"
#include "state.h"

/* A config mount's options, split into mount(2) flags, propagation, the
 * recursive mount_setattr(2) attributes and the data string. */
typedef struct mount_opts {
    unsigned long flags;
    unsigned long propagation;
    unsigned long long attr_set, attr_clr; /* MOUNT_ATTR_* for the r* options */
    char *data;
} mount_opts;

int mount_opts_parse(char **options, size_t n, mount_opts *out, rt_error **err);
/* Check every mount of the config (options, destinations) before cloning. */
int mounts_validate(const oci_config *cfg, rt_error **err);
/* Mount config mount m inside the rootfs open as rootfd. */
int mount_one(int rootfd, const oci_mount *m, const rt_state *st, bool cgroupns, rt_error **err);
/* Remount an existing mount point with extra flags, keeping the flags the
 * kernel locks (nosuid, nodev, noexec, atime) as they are. */
int remount_keep_locked(const char *target, unsigned long flags, rt_error **err);

#endif
