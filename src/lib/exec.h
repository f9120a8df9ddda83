/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_EXEC_H
#define RT_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* `exec`: a new process in a running container, as runc's flags describe it. */
typedef struct exec_opts {
    const char *root;
    const char *id;
    const char *process_file; /* --process: a process.json; else the config's process */
    char **args;              /* the command, when no --process */
    size_t args_len;
    const char *cwd;
    char **env; /* appended to the process's env */
    size_t env_len;
    const char *user; /* uid[:gid] */
    char **additional_gids;
    size_t additional_gids_len;
    char **caps; /* added to the bounding, effective and permitted sets */
    size_t caps_len;
    const char *pid_file;
    const char *console_socket;
    const char *apparmor;
    const char *process_label;
    char **cgroups; /* --cgroup [<controller>:]<path>: existing sub-cgroups to join */
    size_t cgroups_len;
    int preserve_fds;
    int listen_fds;
    bool tty;
    bool no_new_privs;
    bool detach;
    bool ignore_paused;
} exec_opts;

/* Runs the process; without detach waits for it and returns its status (128+N
 * when killed by signal N) in *status. */
int container_exec(const exec_opts *o, int *status, rt_error **err);

#endif
