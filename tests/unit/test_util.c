/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "test_util.h"

static int n_run, n_failed;
static bool current_failed;

void test_fail_current(void)
{
    current_failed = true;
}

void test_run(const char *name, void (*fn)(void))
{
    current_failed = false;
    fn();
    n_run++;
    if (current_failed)
        n_failed++;
    printf("%s %d - %s\n", current_failed ? "not ok" : "ok", n_run, name);
    fflush(stdout);
}

int test_summary(void)
{
    printf("1..%d\n", n_run);
    printf("# %d passed, %d failed, 0 skipped\n", n_run - n_failed, n_failed);
    return n_failed ? 1 : 0;
}

bool test_check_str(const char *file, int line, const char *expr, const char *got, const char *want)
{
    if ((!got && !want) || (got && want && strcmp(got, want) == 0))
        return true;
    printf("# %s:%d: %s\n#   got:  %s%s%s\n#   want: %s%s%s\n", file, line, expr, got ? "'" : "",
           got ? got : "NULL", got ? "'" : "", want ? "'" : "", want ? want : "NULL",
           want ? "'" : "");
    test_fail_current();
    return false;
}

bool test_check_int(const char *file, int line, const char *expr, long long got_s,
                    unsigned long long got_u, bool got_neg, unsigned long long want)
{
    if (!got_neg && got_u == want)
        return true;
    if (got_neg)
        printf("# %s:%d: %s: got %lld, want %llu\n", file, line, expr, got_s, want);
    else
        printf("# %s:%d: %s: got %llu, want %llu\n", file, line, expr, got_u, want);
    test_fail_current();
    return false;
}

void expect_config_error(const char *json, size_t len, const char *want)
{
    oci_config *cfg = (oci_config *)1;
    char *err = NULL;
    int ret = oci_config_parse_data(json, len, &cfg, &err);

    if (ret != -1) {
        printf("# parse succeeded, want error '%s'\n", want);
        test_fail_current();
    }
    CHECK(cfg == NULL);
    CHECK_STR(err, want);
    oci_config_free(cfg);
    free(err);
}
