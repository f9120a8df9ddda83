/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_NAMESPACES_H
#define RT_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* What the config asks of namespaces, worked out (and validated) in the
 * parent before anything is created. */
typedef struct ns_plan {
    int clone_flags; /* CLONE_NEW* created by clone() */
    bool new_time;   /* CLONE_NEWTIME: unshared by the init (its bit overlaps CSIGNAL) */
    bool new_cgroup; /* unshared by the init once it is in its cgroup, which the
                        namespace then shows as its root */
    int join_fds[8]; /* namespaces joined by path, opened by the parent */
    int join_types[8];
    size_t join_len;
    bool join_early; /* a user, pid or time namespace is joined: see ns_join_early() */
} ns_plan;

int ns_plan_make(const oci_config *cfg, ns_plan *plan, rt_error **err);
void ns_plan_close(ns_plan *plan);
bool ns_has(const oci_config *cfg, const char *type); /* created or joined */
bool ns_creates(const ns_plan *plan, int flag);
bool ns_joins(const ns_plan *plan, int flag);
/* Neither created nor joined: the container keeps rt's namespace of that kind. */
bool ns_inherits(const ns_plan *plan, int flag);

/* Parent: write uid_map/gid_map of the init. */
int ns_write_id_maps(pid_t pid, const oci_config *cfg, rt_error **err);
/* Joined user, pid and time namespaces must be entered before the init is
 * cloned (pid and time apply to children; the others must be owned by the
 * joined user namespace): done by a short-lived helper process. */
int ns_join_early(const ns_plan *plan);
/* Init: setns() into the other joined namespaces, set up a new time namespace. */
int ns_enter(const oci_config *cfg, const ns_plan *plan, rt_error **err);

#endif
