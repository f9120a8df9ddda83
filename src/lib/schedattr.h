/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_SCHEDATTR_H
#define RT_SCHEDATTR_H

/* Named schedattr.h, not sched.h: src/lib is on the include path and a
 * "sched.h" there would hide the system's <sched.h> from every engine file. */

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* How a process is scheduled and where its memory comes from:
 * process.scheduler, process.ioPriority, process.execCPUAffinity,
 * linux.memoryPolicy and linux.personality. */

/* Before the system is touched: every name, range and list of a process
 * (for create, and for exec's --process), and of the whole config. */
int sched_validate_process(const oci_process *p, rt_error **err);
int sched_validate(const oci_config *cfg, rt_error **err);

/* Parent: the scheduler and I/O priority of pid, set from outside so that
 * the runtime's privileges count, not those of a user namespace the process
 * may be in; the process's children inherit both.  For create: once the init
 * has sent SYNC_READY, so its own setup (and its createContainer hook forks:
 * a SCHED_DEADLINE task cannot fork) is not affected. */
int sched_apply_process(const oci_process *p, pid_t pid, rt_error **err);

/* Init, after its setup and before it drops privileges: memory policy and
 * personality, which a task can only set for itself; both survive execve. */
int sched_apply_init(const oci_config *cfg, rt_error **err);

/* process.execCPUAffinity of a process exec'd into a running container (not
 * of the init: config.md says it does not apply there): `initial` (final
 * false) on the new process before it joins the container's cgroup, `final`
 * after.  An empty or absent list leaves the affinity alone. */
int sched_exec_affinity(const oci_process *p, pid_t pid, bool final, rt_error **err);

#endif
