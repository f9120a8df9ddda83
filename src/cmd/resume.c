/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "ops.h"

int cmd_resume(const global_opts *g, int argc, char **argv, rt_error **err)
{
    int n;
    if (flags_parse(argc, argv, NULL, &n, err) < 0 ||
        want_args(n, 1, "resume", "<container-id>", err) < 0)
        return 1;
    return container_resume(g->root, argv[0], err) < 0 ? 1 : 0;
}
