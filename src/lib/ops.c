/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup/cgroup.h"
#include "container.h"
#include "state.h"
#include "util/util.h"

/* A container made rootless without cgroup access has no cgroup to act on. */
static int open_with_cgroup(const char *root, const char *id, int lock, opened *c, rt_error **err)
{
    if (container_open(root, id, lock, c, err) < 0)
        return -1;
    if (c->st->cgroups.len == 0)
        return rt_err(err, 0, "container %s has no cgroup (created rootless without cgroup access)",
                      id);
    return 0;
}

int container_pause(const char *root, const char *id, rt_error **err)
{
    cleanup_opened opened c;
    if (open_with_cgroup(root, id, LOCK_EX, &c, err) < 0)
        return -1;
    const char *status = state_status(c.dirfd, c.st);
    /* As runc: a created container can be paused too. */
    if ((strcmp(status, "running") && strcmp(status, "created")) ||
        cgroup_is_frozen(&c.st->cgroups))
        return rt_err(err, 0, "container not running");
    return cgroup_freeze(&c.st->cgroups, true, err);
}

int container_resume(const char *root, const char *id, rt_error **err)
{
    cleanup_opened opened c;
    if (open_with_cgroup(root, id, LOCK_EX, &c, err) < 0)
        return -1;
    if (!strcmp(state_status(c.dirfd, c.st), "stopped") || !cgroup_is_frozen(&c.st->cgroups))
        return rt_err(err, 0, "container not paused");
    return cgroup_freeze(&c.st->cgroups, false, err);
}

int container_update(const char *root, const char *id, const oci_resources *r, rt_error **err)
{
    cleanup_opened opened c;
    if (open_with_cgroup(root, id, LOCK_EX, &c, err) < 0)
        return -1;
    if (!strcmp(state_status(c.dirfd, c.st), "stopped"))
        return rt_err(err, 0, "container not running");
    return cgroup_update(&c.st->cgroups, r, err);
}

int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, rt_error **err)
{
    cleanup_opened opened c;
    *pids = NULL;
    *n = 0;
    if (open_with_cgroup(root, id, LOCK_SH, &c, err) < 0)
        return -1;
    return cgroup_get_pids(&c.st->cgroups, pids, n, err);
}

static int print_stats(const rt_state *st, rt_error **err)
{
    cleanup_free char *data = NULL;
    if (cgroup_stats_json(&st->cgroups, &data, err) < 0)
        return -1;
    printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", st->id, data);
    fflush(stdout);
    return 0;
}

/* The state directory c holds was removed (delete) or replaced (a new
 * container under the same id): a removed directory has no links left, a
 * replaced one is another inode than the one held. */
static bool container_gone(const opened *c)
{
    struct stat held, now;
    return fstat(c->dirfd, &held) < 0 || held.st_nlink == 0 ||
           fstatat(c->rootfd, c->st->id, &now, AT_SYMLINK_NOFOLLOW) < 0 ||
           held.st_ino != now.st_ino || held.st_dev != now.st_dev;
}

/* How often events looks whether its container is still there, whatever the
 * interval and whether OOM notifications wake it. */
#define EVENTS_CHECK_MS 200

int container_events(const char *root, const char *id, bool stats_only, long interval_ms,
                     rt_error **err)
{
    cleanup_opened opened c;
    if (open_with_cgroup(root, id, LOCK_SH, &c, err) < 0)
        return -1;
    /* It may run for long: delete must not wait for it. */
    state_dir_unlock(c.dirfd);
    if (!strcmp(state_status(c.dirfd, c.st), "stopped"))
        return rt_err(err, 0, "container with id %s is not running", id);
    if (stats_only)
        return print_stats(c.st, err);
    cgroup_oom w;
    if (cgroup_oom_open(&c.st->cgroups, &w, err) < 0) {
        cgroup_oom_close(&w);
        return -1;
    }
    int64_t next = monotonic_ms() + interval_ms;
    int r = 0;
    for (;;) {
        int64_t wait = next - monotonic_ms();
        if (wait > EVENTS_CHECK_MS)
            wait = EVENTS_CHECK_MS;
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        int n = poll(&p, w.fd >= 0 ? 1 : 0, wait < 0 ? 0 : (int)wait);
        if (n < 0 && errno != EINTR) {
            r = rt_err(err, errno, "poll");
            break;
        }
        if (n > 0) {
            int e;
            while ((e = cgroup_oom_read(&w)) == 1) {
                printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
                fflush(stdout);
            }
            if (e < 0)
                break;
        }
        /* Deleted under us: there is nothing more to report (and on v2 the
         * inotify watch on a removed cgroup's files may never fire). */
        if (container_gone(&c) || !cgroup_exists(&c.st->cgroups))
            break;
        if (monotonic_ms() >= next) {
            next += interval_ms;
            /* The cgroup can go between the check and the read. */
            cleanup_error rt_error *e = NULL;
            if (print_stats(c.st, &e) < 0 && cgroup_exists(&c.st->cgroups)) {
                r = rt_err(err, 0, "%s", e->msg);
                break;
            }
        }
    }
    cgroup_oom_close(&w);
    return r;
}
