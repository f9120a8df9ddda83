/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_HOOKS_H
#define RT_HOOKS_H

#include <stddef.h>

#include "error.h"
#include "oci_config.h"

/* Run each hook in order with the container state JSON on its stdin, its own
 * args and env, killed at its timeout.  The first failure stops the run and
 * is returned, naming the phase and the hook's path. */
int hooks_run(const oci_hook *hooks, size_t n, const char *phase, const char *state_json,
              rt_error **err);
/* The same, where a failure is only a warning (poststop): every hook runs. */
void hooks_run_warn(const oci_hook *hooks, size_t n, const char *phase, const char *state_json);
/* Check every hook of the config (paths absolute, timeouts positive). */
int hooks_validate(const oci_hooks *h, rt_error **err);

#endif
