/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_OPS_H
#define RT_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* The commands that act on a container's cgroup: update, pause, resume, ps,
 * events.  Status checks and error texts as runc's. */

int container_pause(const char *root, const char *id, rt_error **err);
int container_resume(const char *root, const char *id, rt_error **err);
int container_update(const char *root, const char *id, const oci_resources *r, rt_error **err);
/* The pids of the container's cgroup (none once it has stopped). */
int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, rt_error **err);
/* Print {"type":"stats",...} once (stats_only) or every interval_ms, and
 * {"type":"oom",...} as OOM kills happen, until the container's cgroup is
 * gone (v1) or empty (v2). */
int container_events(const char *root, const char *id, bool stats_only, long interval_ms,
                     rt_error **err);

#endif
