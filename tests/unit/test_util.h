/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tiny TAP test harness: one RUN() is one test point. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void test_fail_current(void);
void test_run(const char *name, void (*fn)(void));
int test_summary(void);
bool test_check_str(const char *file, int line, const char *expr, const char *got,
                    const char *want);
bool test_check_int(const char *file, int line, const char *expr, long long got_s,
                    unsigned long long got_u, bool got_neg, unsigned long long want);

#define RUN(fn) test_run(#fn, fn)

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            printf("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);                         \
            test_fail_current();                                                                   \
        }                                                                                          \
    } while (0)

/* Compare strings; NULL matches only NULL. */
#define CHECK_STR(got, want) test_check_str(__FILE__, __LINE__, #got, (got), (want))

#define TEST_IS_SIGNED(x)                                                                          \
    _Generic((x), signed char : 1, short : 1, int : 1, long : 1, long long : 1, default : 0)

/* Compare a non-negative integer of any type with an expected unsigned value. */
#define CHECK_INT(got, want)                                                                       \
    test_check_int(__FILE__, __LINE__, #got, (long long)(got), (unsigned long long)(got),          \
                   TEST_IS_SIGNED(got) && (long long)(got) < 0, (unsigned long long)(want))

/* Test groups in the other files. */
void run_error_tests(void);
void run_edge_tests(void);
void run_gen_tests(void);

/* Expect the config text (json, len) to fail with exactly `want`. */
void expect_config_error(const char *json, size_t len, const char *want);

#endif
