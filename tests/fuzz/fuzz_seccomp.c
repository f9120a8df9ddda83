/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: a config's linux.seccomp object (the input, as JSON) through the typed parser and
 * its translation into a BPF program with libseccomp.  Nothing is loaded: prepare only builds
 * the program (its flags are probed with a seccomp(2) call that has no program).
 *
 * A profile that gives libseccomp more than MAX_ARG_RULES rules with arguments for one
 * syscall is skipped: libseccomp (2.5.4) takes tens of minutes, in runc too, to merge a few
 * overlapping multi-argument rules of one syscall with the single-condition rules rt makes of
 * an entry that compares an argument twice (tests/fuzz/known/, docs/seccomp.md); that is
 * libseccomp's, and the fuzzer would find nothing else while it waits.  Docker's default
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

/* The rules libseccomp gets for one entry: one, or one per condition when an
 * argument is compared twice (seccomp.c splits those). */
static size_t rules_of(const oci_syscall *sc)
{
    for (size_t a = 0; a < sc->args_len; a++)
        for (size_t b = a + 1; b < sc->args_len; b++)
            if (sc->args[a].index == sc->args[b].index)
                return sc->args_len;
    return sc->args_len ? 1 : 0;
}

static bool too_many_arg_rules(const oci_seccomp *s)
{
    for (size_t i = 0; i < s->syscalls_len; i++) {
        for (size_t n = 0; n < s->syscalls[i].names_len; n++) {
            size_t count = 0;
            for (size_t j = 0; j < s->syscalls_len && count <= MAX_ARG_RULES; j++)
                for (size_t m = 0; m < s->syscalls[j].names_len; m++)
                    if (!strcmp(s->syscalls[j].names[m], s->syscalls[i].names[n]))
                        count += rules_of(&s->syscalls[j]);
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
