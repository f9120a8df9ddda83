/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_CGROUP_H
#define RT_CGROUP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"
#include "cgroup/paths.h"

/* The cgroup manager: one interface over cgroup v1 (and hybrid) and v2
 * hosts, with one driver per kind (v1.c, v2.c, systemd.c).  A container's
 * cgroup is a cgroup_paths value (a directory per mounted hierarchy, and the
 * systemd scope), kept in state.json so later commands find it without the
 * config.  docs/cgroups.md maps every OCI field to the files written. */

/* Work out the directories for the config's cgroupsPath (or the default
 * <own cgroup>/<id>) and store them in cg; with systemd, cgroupsPath is
 * "slice:prefix:name" and cg->unit the scope (systemd.c). */
int cgroup_resolve(const oci_config *cfg, const char *id, bool systemd, cgroup_paths *cg,
                   rt_error **err);
/* The cgroups of a state read back: each a clean path strictly below a mounted
 * hierarchy, and where cgroup_resolve puts cgroups_path (the saved config's
 * linux.cgroupsPath; NULL: the default) for container id, else "state.json is
 * corrupt". */
int cgroup_paths_check(const cgroup_paths *cg, const char *id, const char *cgroups_path,
                       rt_error **err);
/* Validate the resources the config asks for before anything is touched. */
int cgroup_check_resources(const oci_config *cfg, rt_error **err);
/* Before create touches the container's cgroups: one that exists already
 * and is frozen is refused (the init could never run: runc's "container's
 * cgroup unexpectedly frozen"); one that holds processes is warned about, as
 * runc does. Directories that do not exist are fine. */
int cgroup_check_existing(const cgroup_paths *cg, rt_error **err);
/* mkdir every directory and apply the resource limits (cpuset included, so
 * before the first task joins). With systemd nothing yet: a scope cannot
 * exist without a process (cgroup_enter_init). */
int cgroup_create(const oci_config *cfg, cgroup_paths *cg, rt_error **err);
/* Put the container's init in its cgroup: cgroupfs, cgroup_enter; systemd,
 * start the scope with it, then make and limit the directories as
 * cgroup_create does. */
int cgroup_enter_init(const oci_config *cfg, cgroup_paths *cg, pid_t pid, rt_error **err);
/* Whether linux.resources asks for any limit (device rules do not count). */
bool cgroup_has_limits(const oci_config *cfg);
int cgroup_enter(const cgroup_paths *cg, pid_t pid, rt_error **err);
/* Signal every process in the container's cgroup (and its children); a
 * SIGKILL also thaws a frozen cgroup so that it can be delivered. */
int cgroup_signal_all(const cgroup_paths *cg, int sig, rt_error **err);
/* Kill what is left, wait for it to go, and remove the directories. */
int cgroup_destroy(const cgroup_paths *cg, rt_error **err);
/* Thaw and remove the directories, killing nothing: for a container whose
 * processes all die with the init of its own pid namespace, what is still in
 * its cgroup was put there by someone else (create warned about it) and is
 * left alone, as runc leaves it; the directories are then kept, with a
 * warning. */
void cgroup_release(const cgroup_paths *cg);
/* The directory of the v1 hierarchy that has controller, or the v2 one
 * (controller NULL); NULL when there is none. */
const char *cgroup_dir_for(const cgroup_paths *cg, const char *controller);
/* Close the directory fds the cgroup files were opened through (files.c):
 * before a clone whose child lives on in the container (the created init
 * waits for `start`), so that it holds none of the host's cgroupfs. */
void cgroup_close_fds(void);
/* Whether any directory of the container's cgroup exists. */
bool cgroup_exists(const cgroup_paths *cg);
/* True when the host is cgroup v2 only. */
bool cgroup_is_unified(void);

/* Change the limits of a running container: only the fields present (and,
 * as in runc, not zero) are written; devices are left as they are. */
int cgroup_update(const cgroup_paths *cg, const oci_resources *r, rt_error **err);
/* Freeze (v1 freezer.state FROZEN, v2 cgroup.freeze) and wait until the
 * kernel says it is done; or thaw. */
int cgroup_freeze(const cgroup_paths *cg, bool frozen, rt_error **err);
/* Whether the container's cgroup is frozen (or freezing), by itself or an
 * ancestor. */
bool cgroup_is_frozen(const cgroup_paths *cg);
/* The pids of the container's cgroup and its descendants. */
int cgroup_get_pids(const cgroup_paths *cg, pid_t **pids, size_t *n, rt_error **err);
/* runc's stats object (the "data" of `events --stats`) as compact JSON. */
/* How many of the container's processes the OOM killer has killed (0 when
 * the host does not say). */
uint64_t cgroup_oom_kills(const cgroup_paths *cg);
int cgroup_stats_json(const cgroup_paths *cg, char **json, rt_error **err);

/* OOM notifications: v1 an eventfd on memory.oom_control, v2 inotify on
 * memory.events.  fd is -1 when the container has no memory controller. */
typedef struct cgroup_oom {
    int fd;
    int ctl_fd;     /* v1: memory.oom_control, kept open for the eventfd */
    char *dir;      /* the memory cgroup directory */
    uint64_t count; /* v2: oom_kill count seen so far */
    const void *drv;
} cgroup_oom;
int cgroup_oom_open(const cgroup_paths *cg, cgroup_oom *w, rt_error **err);
/* After fd became readable: 1 an OOM kill happened, 0 nothing to report,
 * -1 the cgroup is gone (or, on v2, empty). */
int cgroup_oom_read(cgroup_oom *w);
void cgroup_oom_close(cgroup_oom *w);

#endif
