/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_HOSTCHECK_H
#define RT_HOSTCHECK_H

#include <stddef.h>

/* `rt check`: what this host offers rt, one probe per feature.  A probe
 * only reads the host, or tries a system call in a short-lived child whose
 * namespaces, detached mounts and fds die with it: nothing it does outlives
 * the command (docs/check.md). */

typedef enum hc_state {
    HC_OK,
    HC_PARTIAL,
    HC_MISSING,
} hc_state;

typedef struct hc_result {
    const char *name; /* short key, as `check` prints it: "cgroup", "timens" */
    hc_state state;
    char *detail;        /* what the probe found, one line */
    const char *rt_does; /* what rt does without the feature (or the part missing) */
} hc_result;

/* "ok", "partial", "missing". */
const char *hc_state_name(hc_state s);

/* Every probe, in the order of the report: out has room for HC_COUNT. */
#define HC_COUNT 13
size_t hostcheck_run(hc_result *out, const char *criu);
void hc_result_free(hc_result *r);

hc_result hostcheck_cgroup_mode(void);
hc_result hostcheck_cgroup_controllers(void);
hc_result hostcheck_apparmor(void);
hc_result hostcheck_selinux(void);
hc_result hostcheck_seccomp(void);
hc_result hostcheck_userns(void);
hc_result hostcheck_subids(void);
hc_result hostcheck_idmap(void);
hc_result hostcheck_timens(void);
hc_result hostcheck_clone3(void);
hc_result hostcheck_clone_into_cgroup(void);
hc_result hostcheck_pidfd(void);
/* criu: the program (a path, or a name looked up in PATH). */
hc_result hostcheck_criu(const char *criu);

#endif
