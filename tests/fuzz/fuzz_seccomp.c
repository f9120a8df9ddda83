/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: a config's linux.seccomp object (the input, as JSON) through the typed parser and
 * its translation into a BPF program with libseccomp.  Nothing is loaded: prepare only builds
 * the program (its flags are probed with a seccomp(2) call that has no program). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "seccomp_filter.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = sizeof(head) - 1 + size + sizeof(tail) - 1;
    char *json = malloc(len);
    if (!json)
        return 0;
    memcpy(json, head, sizeof(head) - 1);
    memcpy(json + sizeof(head) - 1, data, size);
    memcpy(json + sizeof(head) - 1 + size, tail, sizeof(tail) - 1);
    oci_config *cfg = NULL;
    char *msg = NULL;
    int r = oci_config_parse_data(json, len, &cfg, &msg);
    free(json);
    if (r < 0) {
        free(msg);
        return 0;
    }
    rt_error *err = NULL;
    rt_seccomp *f = NULL;
    if (cfg->linux_ && cfg->linux_->seccomp &&
        seccomp_filter_prepare(cfg->linux_->seccomp, &f, &err) == 0)
        seccomp_filter_free(f);
    rt_error_free(err);
    oci_config_free(cfg);
    return 0;
}
