/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"

/* Commands of runc's contract whose work is still to come (exec, ps, pause,
 * resume, update, events): say so plainly rather than pretend. */
int cmd_not_yet(const global_opts *g, int argc, char **argv, rt_error **err)
{
    (void)g;
    (void)argc;
    rt_err(err, 0, "command \"%s\" is not implemented yet", argv[-1]);
    return 1;
}
