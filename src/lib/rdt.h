/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_RDT_H
#define RT_RDT_H

#include "error.h"
#include "oci_config.h"

/* linux.intelRdt: parsed and checked.  Without a resctrl filesystem at
 * /sys/fs/resctrl the spec makes it an error; with one, assigning the
 * container to a CLOS is not done yet, and that is an error too, never a
 * silent no-op. */
int rdt_validate(const oci_config *cfg, rt_error **err);

#endif
