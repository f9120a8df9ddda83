/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <time.h>

int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* RFC 3339 in UTC, e.g. 2026-11-26T02:50:21.276938827Z as runc writes it. */
char *rfc3339_now(bool nanos)
{
    struct timespec ts;
    struct tm tm;
    char buf[64];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    if (nanos)
        return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
    return xasprintf("%sZ", buf);
}
