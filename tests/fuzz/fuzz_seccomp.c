/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: a config's linux.seccomp object (the input, as JSON) through the typed parser and
 * its translation into a BPF program with libseccomp.  Nothing is loaded: prepare only builds
 * the program (its flags are probed with a seccomp(2) call that has no program).
 *
 * A profile that gives libseccomp two rules with more than one argument condition for one
 * syscall is skipped: libseccomp (2.5.4) does not finish merging some such pairs, in runc too
 * (`kill` with arg0 <= 9 && arg1 >= 2 && arg2 > 255, then arg0 <= 9 && arg2 > 255; see
 * tests/fuzz/known/ and docs/seccomp.md); that is libseccomp's, rt bounds it with a deadline
 * (seccomp_filter_prepare), and the fuzzer would find nothing else while it waits.  Docker's
 * default profile has none: its argument rules have one condition each. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "seccomp_filter.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

/* Whether libseccomp gets one rule with two or more conditions of the entry: an entry that
 * compares an argument twice becomes one rule per condition (seccomp.c splits those). */
static bool multi_condition(const oci_syscall *sc)
{
    for (size_t a = 0; a < sc->args_len; a++)
        for (size_t b = a + 1; b < sc->args_len; b++)
            if (sc->args[a].index == sc->args[b].index)
                return false;
    return sc->args_len > 1;
}

static bool names(const oci_syscall *sc, const char *name)
{
    for (size_t m = 0; m < sc->names_len; m++)
        if (!strcmp(sc->names[m], name))
            return true;
    return false;
}

static bool two_multi_condition_rules(const oci_seccomp *s)
{
    for (size_t i = 0; i < s->syscalls_len; i++) {
        if (!multi_condition(&s->syscalls[i]))
            continue;
        for (size_t n = 0; n < s->syscalls[i].names_len; n++)
            for (size_t j = i + 1; j < s->syscalls_len; j++)
                if (multi_condition(&s->syscalls[j]) &&
                    names(&s->syscalls[j], s->syscalls[i].names[n]))
                    return true;
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
    if (cfg->linux_ && cfg->linux_->seccomp && !two_multi_condition_rules(cfg->linux_->seccomp) &&
        seccomp_filter_compile_here(cfg->linux_->seccomp, &f, &err) == 0)
        seccomp_filter_free(f);
    rt_error_free(err);
    oci_config_free(cfg);
    return 0;
}
