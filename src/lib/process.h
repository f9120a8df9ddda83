/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_PROCESS_H
#define RT_PROCESS_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"

/* The largest uid or gid a process may have (as runc; -1 means "unchanged"
 * to the set*id calls). */
#define ID_MAX 2147483647

/* The attributes of process that the init applies just before execve:
 * rlimits, oom score, user and groups, capabilities, no_new_privs, cwd. */

int process_validate(const oci_process *p, rt_error **err);
/* Steps that need full privileges: rlimits. */
int process_apply_limits(const oci_process *p, rt_error **err);
/* oom_score_adj through the real procfs: before pivot_root or setns. */
int process_apply_oom_score(const oci_process *p, rt_error **err);
/* process.cwd as runc enters it: while still privileged (the user may not
 * search the way there, e.g. /root); *later when that was refused (EACCES,
 * EPERM), to be tried again as the user with process_enter_cwd_late (e.g. a
 * directory of the user's on a root-squashing filesystem). */
int process_enter_cwd(const oci_process *p, bool *later, rt_error **err);
int process_enter_cwd_late(const oci_process *p, rt_error **err);
/* As runc: stdio that is a pipe, socket or file, or the process's own pty
 * (never /dev/null), becomes the user's (uid only), so the process can reopen
 * /dev/stdout; before the identity switch, since it needs CAP_CHOWN. */
int process_chown_stdio(const oci_process *p, rt_error **err);
/* Switch to the process's user and capability sets, then no_new_privs. */
int process_apply_identity(const oci_process *p, bool userns, rt_error **err);
/* Find args[0] as execve(2) will need it, using PATH from the process env. */
int process_find_executable(const oci_process *p, char **path, rt_error **err);

/* The environment for execve: the config's, plus HOME when it has none
 * (read from the container's /etc/passwd, so call it after pivot_root). */
char **process_environment(const oci_process *p);

/* execve exe with the process's args (NULL-terminated here); returns only on
 * failure, with errno. */
int process_execve(const oci_process *p, const char *exe, char **envp);
/* Only stdio and fds 3..3+preserve-1 survive the execve that follows: every
 * other fd becomes close-on-exec (close_range, or each fd of /proc/self/fd
 * where it fails).  Call it before any hook runs and before the seccomp
 * filter is loaded (a profile may refuse close_range and fcntl). */
int process_close_fds(int preserve, rt_error **err);

#endif
