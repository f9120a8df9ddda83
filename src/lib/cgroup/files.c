/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and writing the files of a cgroup directory, through the
 * directory's fd: each directory is opened once (O_PATH) and a file is then
 * one openat of its name, not a walk of the whole path from /. Errors name
 * the file and, for a limit, the OCI field. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cgroup/internal.h"
#include "util/util.h"

/* The directories this process has opened, most recent last. */
#define MAX_DIRS 16
static struct {
    char *path;
    int fd;
} dirs[MAX_DIRS];
static size_t ndirs;

static void forget_at(size_t i)
{
    close(dirs[i].fd);
    free(dirs[i].path);
    memmove(&dirs[i], &dirs[i + 1], (ndirs - i - 1) * sizeof(*dirs));
    ndirs--;
}

/* The fd of dir (opened now or before), or -1 with errno. */
static int dir_fd(const char *dir)
{
    for (size_t i = 0; i < ndirs; i++)
        if (!strcmp(dirs[i].path, dir))
            return dirs[i].fd;
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (ndirs == MAX_DIRS)
        forget_at(0);
    dirs[ndirs].path = xstrdup(dir);
    dirs[ndirs++].fd = fd;
    return fd;
}

void cgroup_close_fds(void)
{
    while (ndirs)
        forget_at(ndirs - 1);
}

void cg_dir_forget(const char *dir)
{
    size_t l = strlen(dir);
    for (size_t i = ndirs; i-- > 0;)
        if (!strncmp(dirs[i].path, dir, l) && (!dirs[i].path[l] || dirs[i].path[l] == '/'))
            forget_at(i);
}

bool cg_exists(const char *dir, const char *file)
{
    int dfd = dir_fd(dir);
    return dfd >= 0 && faccessat(dfd, file, F_OK, 0) == 0;
}

int cg_read(const char *dir, const char *file, char **out)
{
    int dfd = dir_fd(dir);
    return dfd < 0 ? -1 : read_file_at(dfd, file, out, NULL, NULL);
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
    int dfd = dir_fd(dir);
    if (dfd < 0 || write_file_at(dfd, file, value, strlen(value), NULL) < 0)
        return rt_err(err, errno, "write %s to %s/%s", value, dir, file);
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
