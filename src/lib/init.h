/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_INIT_H
#define RT_INIT_H

#include <stdbool.h>

#include "mounts.h"
#include "namespaces.h"
#include "oci_config.h"
#include "seccomp_filter.h"
#include "state.h"

/* Everything the container's first process needs, prepared by the parent
 * before clone(): the init does the setup steps in order and then waits on
 * exec.fifo until `start`. */
typedef struct init_args {
    const oci_config *cfg;
    const rt_state *st;
    const ns_plan *ns;
    const char *rootfs;
    const char *bundle; /* relative mount sources are taken from here */
    int sync_fd;
    int exec_fifo;  /* exec.fifo, read-write: `start` writes into it */
    int lock_fd;    /* the parent's locked state dir fd: closed at once */
    int root_fd;    /* the parent's state root: closed at once */
    int console_fd; /* process.terminal: where the pty master is sent, else -1 */
    int cgroup_fd;  /* cgroup v2: the container's cgroup, for clone3 CLONE_INTO_CGROUP */
    int preserve_fds;
    const mount_trees *mount_trees; /* idmapped mounts made by the parent */
    const rt_seccomp *seccomp;      /* compiled by the parent; NULL: none */
    bool no_pivot;
    bool no_new_keyring;
    bool unprivileged_maps; /* rt is not root and writes our id maps itself */
} init_args;

__attribute__((noreturn)) void init_main(const init_args *a);

#endif
