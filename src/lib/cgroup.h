/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_CGROUP_H
#define RT_CGROUP_H

#include <signal.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"
#include "state.h"

/* One manager interface over cgroup v1 (and hybrid) and v2 hosts.  A
 * container's cgroup is a list of directories, one per mounted hierarchy,
 * kept in state.json so later commands find them without the config. */

/* Work out the directories for the config's cgroupsPath (or the default
 * <own cgroup>/<id>) and store them in st->cgroups. */
int cgroup_resolve(const oci_config *cfg, const char *id, rt_state *st, rt_error **err);
/* Validate the resources the config asks for before anything is touched. */
int cgroup_check_resources(const oci_config *cfg, rt_error **err);
/* mkdir every directory and apply the resource limits. */
int cgroup_create(const oci_config *cfg, const rt_state *st, rt_error **err);
int cgroup_enter(const rt_state *st, pid_t pid, rt_error **err);
/* Signal every process in the container's cgroup. */
int cgroup_signal_all(const rt_state *st, int sig, rt_error **err);
/* Kill what is left, wait for it to go, and remove the directories. */
int cgroup_destroy(const rt_state *st, rt_error **err);
/* The directory of the hierarchy that has controller (v1) or the v2 one. */
const char *cgroup_dir_for(const rt_state *st, const char *controller);

#endif
