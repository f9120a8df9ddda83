/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: config.json as create reads it: the typed parser, then the checks that need no
 * host (process, mounts) and the seccomp profile's translation into a BPF program. */
#include <stdint.h>
#include <stdlib.h>

#include "mounts.h"
#include "oci_config.h"
#include "process.h"
#include "seccomp_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oci_config *cfg = NULL;
    char *msg = NULL;
    if (oci_config_parse_data((const char *)data, size, &cfg, &msg) < 0) {
        free(msg);
        return 0;
    }
    rt_error *err = NULL;
    if (cfg->process)
        process_validate(cfg->process, &err);
    rt_error_free(err);
    err = NULL;
    mounts_validate(cfg, &err);
    rt_error_free(err);
    err = NULL;
    rt_seccomp *f = NULL;
    if (cfg->linux_ && cfg->linux_->seccomp &&
        seccomp_filter_compile_here(cfg->linux_->seccomp, &f, &err) == 0)
        seccomp_filter_free(f);
    rt_error_free(err);
    oci_config_free(cfg);
    return 0;
}
