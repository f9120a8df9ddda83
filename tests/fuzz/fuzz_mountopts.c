/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: a mount's options (one per line) as mounts[].options gives them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = strndup((const char *)data, size);
    if (!text)
        return 0;
    char *opts[64];
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(text, "\n", &save); t && n < 64; t = strtok_r(NULL, "\n", &save))
        opts[n++] = t;
    mount_opts o;
    rt_error *err = NULL;
    if (mount_opts_parse(opts, n, &o, &err) == 0)
        free(o.data);
    rt_error_free(err);
    free(text);
    return 0;
}
