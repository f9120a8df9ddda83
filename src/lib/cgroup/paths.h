/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_CGROUP_PATHS_H
#define RT_CGROUP_PATHS_H

#include <stddef.h>

/* Where a container's cgroup is: what create resolved and state.json keeps,
 * and all the cgroup manager needs to find it again. */
typedef struct cgroup_paths {
    char **dirs; /* one directory per mounted hierarchy */
    size_t len;
    /* For each of dirs (or NULL): the topmost directory create made, that
     * directory or an ancestor of it; delete removes up to there. */
    char **made;
    /* The systemd driver's transient scope ("prefix-name.scope"); NULL with
     * the cgroupfs driver. */
    char *unit;
} cgroup_paths;

void cgroup_paths_free(cgroup_paths *p);

#endif
