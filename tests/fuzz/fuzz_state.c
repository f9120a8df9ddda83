/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: state.json as every command reads it back (untrusted input). */
#include <stddef.h>
#include <stdint.h>

#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rt_state *st = NULL;
    rt_error *err = NULL;
    if (state_parse((const char *)data, size, "fuzz", &st, &err) == 0)
        state_free(st);
    rt_error_free(err);
    return 0;
}
