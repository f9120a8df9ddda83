/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_NETDEV_H
#define RT_NETDEV_H

#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* linux.netDevices: host interfaces moved into the container's network
 * namespace, over rtnetlink.  Nothing is moved back: when the namespace dies
 * the kernel returns physical devices to the host and destroys virtual ones
 * (config-linux.md, "Namespace Lifecycle"). */

/* Parent, before the system is touched: a network namespace to move into,
 * valid names (a "%d" template included), the host interfaces exist. */
int netdev_validate(const oci_config *cfg, rt_error **err);

/* Parent, after clone and before the init goes on: move each interface into
 * the network namespace of pid (or the one linux.namespaces joins by path),
 * renamed in the same step, with its permanent global addresses, and up. */
int netdev_move(const oci_config *cfg, pid_t pid, rt_error **err);

#endif
