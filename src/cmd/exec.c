/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container.h"
#include "exec.h"

int cmd_exec(const global_opts *g, int argc, char **argv, rt_error **err)
{
    exec_opts o = {.root = g->root};
    str_list env = {0}, gids = {0}, caps = {0}, cgroups = {0};
    const flag_spec flags[] = {
        {"process", 'p', FLAG_STRING, &o.process_file},
        {"tty", 't', FLAG_BOOL, &o.tty},
        {"console-socket", 0, FLAG_STRING, &o.console_socket},
        {"cwd", 0, FLAG_STRING, &o.cwd},
        {"env", 'e', FLAG_LIST, &env},
        {"user", 'u', FLAG_STRING, &o.user},
        {"additional-gids", 'g', FLAG_LIST, &gids},
        {"cap", 'c', FLAG_LIST, &caps},
        {"no-new-privs", 0, FLAG_BOOL, &o.no_new_privs},
        {"apparmor", 0, FLAG_STRING, &o.apparmor},
        {"process-label", 0, FLAG_STRING, &o.process_label},
        {"detach", 'd', FLAG_BOOL, &o.detach},
        {"pid-file", 0, FLAG_STRING, &o.pid_file},
        {"preserve-fds", 0, FLAG_INT, &o.preserve_fds},
        {"ignore-paused", 0, FLAG_BOOL, &o.ignore_paused},
        {"cgroup", 0, FLAG_LIST, &cgroups},
        {0},
    };
    /* As runc: flags end at the container id; the rest is the command. */
    int used;
    int r = 1;
    if (flags_parse_prefix(argc, argv, flags, &used, err) < 0)
        goto out;
    if (used >= argc) {
        rt_err(err, 0,
               "\"exec\" requires at least 1 argument: exec [options] <container-id> "
               "<command> [args...]");
        goto out;
    }
    o.id = argv[used];
    o.listen_fds = listen_fds_from_env();
    o.args = argv + used + 1;
    o.args_len = (size_t)(argc - used - 1);
    if (o.args_len && !strcmp(o.args[0], "--")) {
        o.args++;
        o.args_len--;
    }
    o.env = env.items;
    o.env_len = env.len;
    o.additional_gids = gids.items;
    o.additional_gids_len = gids.len;
    o.caps = caps.items;
    o.caps_len = caps.len;
    o.cgroups = cgroups.items;
    o.cgroups_len = cgroups.len;
    /* As runc: 255 when exec itself fails, else the process's status. */
    int status;
    r = container_exec(&o, &status, err) == 0 ? status : 255;
out:
    free(env.items);
    free(gids.items);
    free(caps.items);
    free(cgroups.items);
    return r;
}
