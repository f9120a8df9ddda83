/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "container.h"

int cmd_run(const global_opts *g, int argc, char **argv, rt_error **err)
{
    create_opts o = {.root = g->root,
                     .bundle = ".",
                     .rootless = global_rootless(g),
                     .systemd_cgroup = g->systemd_cgroup};
    run_opts r = {0};
    const flag_spec flags[] = {
        {"bundle", 'b', FLAG_STRING, &o.bundle},
        {"pid-file", 0, FLAG_STRING, &o.pid_file},
        {"console-socket", 0, FLAG_STRING, &o.console_socket},
        {"no-pivot", 0, FLAG_BOOL, &o.no_pivot},
        {"no-new-keyring", 0, FLAG_BOOL, &o.no_new_keyring},
        {"preserve-fds", 0, FLAG_INT, &o.preserve_fds},
        {"detach", 'd', FLAG_BOOL, &r.detach},
        {"keep", 0, FLAG_BOOL, &r.keep},
        {"no-subreaper", 0, FLAG_BOOL, &r.no_subreaper},
        {0},
    };
    int n;
    if (flags_parse(argc, argv, flags, &n, err) < 0 ||
        want_args(n, 1, "run", "<container-id>", err) < 0)
        return 1;
    o.id = argv[0];
    o.listen_fds = listen_fds_from_env();
    int status;
    if (container_run(&o, &r, &status, err) < 0)
        return 1;
    return status;
}
