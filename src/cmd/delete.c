/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "container.h"

int cmd_delete(const global_opts *g, int argc, char **argv, rt_error **err)
{
    bool force = false;
    const flag_spec flags[] = {{"force", 'f', FLAG_BOOL, &force}, {0}};
    int n;
    if (flags_parse(argc, argv, flags, &n, err) < 0 ||
        want_args(n, 1, "delete", "<container-id>", err) < 0)
        return 1;
    return container_delete(g->root, argv[0], force, err) < 0 ? 1 : 0;
}
