/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "ops.h"

int cmd_pause(const global_opts *g, int argc, char **argv, rt_error **err)
{
    int n;
    if (flags_parse(argc, argv, NULL, &n, err) < 0 ||
        want_args(n, 1, "pause", "<container-id>", err) < 0)
        return 1;
    return container_pause(g->root, argv[0], err) < 0 ? 1 : 0;
}
