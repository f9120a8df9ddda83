/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_CONTAINER_H
#define RT_CONTAINER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "oci_state.h"
#include "state.h"

/* The lifecycle: every command starts from the state directory and the live
 * kernel objects, never from memory of an earlier call. */

typedef struct create_opts {
    const char *root;
    const char *id;
    const char *bundle;
    const char *pid_file;
    const char *console_socket;
    int preserve_fds;
    int listen_fds; /* socket activation: LISTEN_FDS of rt's environment */
    bool no_pivot;
    bool no_new_keyring;
    bool foreground;     /* run without --detach: rt stays and can proxy a terminal */
    bool run;            /* create then start: the config needs a process */
    bool rootless;       /* --rootless (auto: not euid 0): cgroups are optional */
    bool systemd_cgroup; /* --systemd-cgroup: a transient systemd scope */
    /* Foreground run: block the signals rt forwards once the config is
     * compiled (a long libseccomp compile can still be interrupted), into
     * this signalfd and the mask before. */
    struct run_signals *signals;
} create_opts;

typedef struct run_signals {
    int fd;
    sigset_t old;
} run_signals;

typedef struct run_opts {
    bool detach;
    bool keep;
    bool no_subreaper;
} run_opts;

/* An existing container: its root and state directory (locked as asked:
 * LOCK_EX for the commands that change it, LOCK_SH for those that act in it
 * (kill, exec until its process runs, ps, events while it opens), 0 for
 * state) and its state.  Every command after create starts here. */
typedef struct opened {
    int rootfd;
    int dirfd;
    rt_state *st;
    oci_config *cfg; /* opened_config's, parsed on first use */
} opened;

int container_open(const char *root, const char *id, int lock, opened *c, rt_error **err);
void opened_close(opened *c);
/* The config as create saw it (its copy in the state directory), parsed once
 * and kept with c; NULL with *err when it cannot be read. */
oci_config *opened_config(opened *c, rt_error **err);
#define cleanup_opened __attribute__((cleanup(opened_close)))

/* Socket activation as runc does it: with LISTEN_FDS=L and LISTEN_PID=our
 * pid in the environment, fds 3..3+L-1 go to the process (before the
 * --preserve-fds ones) with LISTEN_FDS=L and LISTEN_PID=1 in its env. */
int listen_fds_from_env(void);
char **env_with_listen_fds(char **env, size_t *len, int listen_fds);

/* Write pid atomically to path (relative to the cwd). */
int write_pid_file(const char *path, pid_t pid, rt_error **err);

int container_create(const create_opts *o, rt_error **err);
int container_start(const char *root, const char *id, rt_error **err);
/* Returns the container's exit status (128+N when killed by signal N) in
 * *status; 0 with --detach. */
int container_run(const create_opts *o, const run_opts *r, int *status, rt_error **err);
int container_kill(const char *root, const char *id, int sig, bool all, rt_error **err);
int container_delete(const char *root, const char *id, bool force, rt_error **err);
/* The OCI state of one container, as runc prints it (pretty JSON). */
int container_state_json(const char *root, const char *id, char **json, rt_error **err);

/* The OCI state of every container under root (list). */
int container_list(const char *root, oci_state ***out, size_t *n, rt_error **err);

#endif
