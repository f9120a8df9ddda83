/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_DEVICES_H
#define RT_DEVICES_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"

int devices_validate(const oci_config *cfg, rt_error **err);
/* Create the default devices, linux.devices and the /dev symlinks inside the
 * rootfs (open as rootfd).  In a user namespace, where mknod is not allowed,
 * the host's device nodes are bind-mounted instead. */
int devices_setup(int rootfd, const oci_config *cfg, bool userns, rt_error **err);

#endif
