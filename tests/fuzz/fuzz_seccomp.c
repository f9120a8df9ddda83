/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: a config's linux.seccomp object (the input, as JSON) through the typed parser and
 * its translation into a BPF program with libseccomp.  Nothing is loaded: prepare only builds
 * the program (its flags are probed with a seccomp(2) call that has no program).
 *
 * A profile with more than MAX_ARG_RULES rules with args on one syscall is skipped: libseccomp
 * (2.5.4) takes tens of minutes, in runc too, to merge seven overlapping multi-argument rules
 * of one syscall (tests/fuzz/known/libseccomp-slow-kill-rules.json, docs/seccomp.md); that
 * is libseccomp's, and the fuzzer would find nothing else while it waits.  Docker's default
 * profile has at most five (personality). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "seccomp_filter.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

#define MAX_ARG_RULES 6

static bool too_many_arg_rules(const oci_seccomp *s)
{
    for (size_t i = 0; i < s->syscalls_len; i++) {
        for (size_t n = 0; n < s->syscalls[i].names_len; n++) {
            size_t count = 0;
            for (size_t j = 0; j < s->syscalls_len; j++)
                for (size_t m = 0; s->syscalls[j].args_len && m < s->syscalls[j].names_len; m++)
                    count += !strcmp(s->syscalls[j].names[m], s->syscalls[i].names[n]);
            if (count > MAX_ARG_RULES)
                return true;
        }
    }
    return false;
}

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
    if (cfg->linux_ && cfg->linux_->seccomp && !too_many_arg_rules(cfg->linux_->seccomp) &&
        seccomp_filter_prepare(cfg->linux_->seccomp, &f, &err) == 0)
        seccomp_filter_free(f);
    rt_error_free(err);
    oci_config_free(cfg);
    return 0;
}
