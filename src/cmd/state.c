/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "container.h"

int cmd_state(const global_opts *g, int argc, char **argv, rt_error **err)
{
    int n;
    if (flags_parse(argc, argv, NULL, &n, err) < 0 ||
        want_args(n, 1, "state", "<container-id>", err) < 0)
        return 1;
    char *json = NULL;
    if (container_state_json(g->root, argv[0], &json, err) < 0)
        return 1;
    printf("%s\n", json);
    free(json);
    return 0;
}
