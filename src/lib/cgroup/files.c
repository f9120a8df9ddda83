/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and writing the files of a cgroup directory; errors name the file
 * and, for a limit, the OCI field. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cgroup/internal.h"
#include "util/util.h"

bool cg_exists(const char *dir, const char *file)
{
    cleanup_free char *p = xasprintf("%s/%s", dir, file);
    return access(p, F_OK) == 0;
}

int cg_read(const char *dir, const char *file, char **out)
{
    cleanup_free char *p = xasprintf("%s/%s", dir, file);
    return read_file_at(AT_FDCWD, p, out, NULL, NULL);
}

int cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
    cleanup_free char *data = NULL;
    if (cg_read(dir, file, &data) < 0)
        return -1;
    if (!strncmp(data, "max", 3)) {
        *v = UINT64_MAX;
        return 0;
    }
    char *end;
    errno = 0;
    *v = strtoull(data, &end, 10);
    return errno || end == data ? -1 : 0;
}

int cg_write(const char *dir, const char *file, const char *value, rt_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    if (write_file_at(AT_FDCWD, path, value, strlen(value), NULL) < 0)
        return rt_err(err, errno, "write %s to %s", value, path);
    return 0;
}

/* The error for a limit whose file is missing: on v2, why, when the path to
 * the container's cgroup explains it. */
static int cg_missing(const char *dir, const char *ctrl, const char *file, const char *field,
                      rt_error **err)
{
    cleanup_free char *why = NULL;
    if (cg_exists(dir, "cgroup.controllers")) {
        cleanup_free char *c = xstrdup(*ctrl ? ctrl : file);
        c[strcspn(c, ".")] = '\0';
        if (strcmp(c, "cgroup"))
            why = cg_v2_missing_reason(dir, c);
    }
    if (why)
        return rt_err(err, 0, "%s: %s is not available in %s: %s", field, file, dir, why);
    return rt_err(err, 0, "%s: %s is not available on this host (in %s)", field, file, dir);
}

int cg_set(const char *dir, const char *ctrl, const char *file, const char *value, bool is_default,
           const char *field, rt_error **err)
{
    if (!dir)
        return is_default ? 0
                          : rt_err(err, 0, "%s: no %s cgroup hierarchy is mounted (%s)", field,
                                   ctrl, file);
    if (!cg_exists(dir, file))
        return is_default ? 0 : cg_missing(dir, ctrl, file, field, err);
    if (cg_write(dir, file, value, err) < 0)
        return rt_err_wrap(err, "%s", field);
    return 0;
}

int cg_set_i64(const char *dir, const char *ctrl, const char *file, int64_t v, bool is_default,
               const char *field, rt_error **err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return cg_set(dir, ctrl, file, buf, is_default, field, err);
}

void cg_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}
