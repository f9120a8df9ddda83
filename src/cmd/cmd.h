/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_CMD_H
#define RT_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The parsed global options: the only process-wide state rt keeps. */
typedef struct global_opts {
    const char *root;
    const char *log;
    const char *log_format;
    const char *rootless;
    const char *criu; /* --criu: the criu program (`check` looks for it) */
    bool debug;
    bool systemd_cgroup;
} global_opts;

/* --rootless: true, false, or auto (rootless when not running as euid 0). */
bool global_rootless(const global_opts *g);

/* A command-line flag, as runc's: --name, --name=value, -n value, and the
 * single-dash long form Go's flag package also takes (-name value). */
typedef enum flag_kind {
    FLAG_BOOL,
    FLAG_STRING,
    FLAG_INT,
    FLAG_LIST
} flag_kind;

/* A repeatable string flag (--env A --env B). */
typedef struct str_list {
    char **items;
    size_t len;
} str_list;
typedef struct flag_spec {
    const char *name;
    char short_name;
    flag_kind kind;
    void *dest; /* bool *, const char **, int *, str_list * */
} flag_spec;

/* Parse argv (flags anywhere until "--"); the positional arguments are
 * moved to the front of argv and counted in *npos. */
int flags_parse(int argc, char **argv, const flag_spec *specs, int *npos, rt_error **err);
/* Parse flags up to the first positional argument; *used counts the words
 * taken. */
int flags_parse_prefix(int argc, char **argv, const flag_spec *specs, int *used, rt_error **err);
/* Exactly n positional arguments, named for the error. */
int want_args(int npos, int n, const char *cmd, const char *usage, rt_error **err);

typedef int (*cmd_fn)(const global_opts *g, int argc, char **argv, rt_error **err);

int cmd_create(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_run(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_start(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_state(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_kill(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_delete(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_list(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_spec(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_features(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_exec(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_update(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_pause(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_resume(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_ps(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_events(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_check(const global_opts *g, int argc, char **argv, rt_error **err);
int cmd_not_yet(const global_opts *g, int argc, char **argv, rt_error **err);

#endif
