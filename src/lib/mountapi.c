/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mountapi.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "util/util.h"

/* ENOSYS is the caller's cue to use mount(2): no error message for it. */
#define NOSYS_OR(err, ...) (errno == ENOSYS ? -1 : rt_err(err, errno, __VA_ARGS__))

int mnt_tree_clone(int dirfd, const char *path, bool recursive, rt_error **err)
{
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
    int fd = (int)syscall(SYS_open_tree, dirfd, path, flags);
    if (fd < 0)
        return NOSYS_OR(err, "open_tree %s", path);
    return fd;
}

int mnt_tree_setattr(int tree, unsigned long long set, unsigned long long clr,
                     unsigned long propagation, bool recursive, rt_error **err)
{
    if (!set && !clr && !propagation)
        return 0;
    struct mount_attr attr = {.attr_set = set, .attr_clr = clr, .propagation = propagation};
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (syscall(SYS_mount_setattr, tree, "", flags, &attr, sizeof(attr)) < 0)
        return NOSYS_OR(err, "mount_setattr");
    return 0;
}

int mnt_tree_attach(int tree, int dest_fd, rt_error **err)
{
    if (syscall(SYS_move_mount, tree, "", dest_fd, "",
                MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return NOSYS_OR(err, "move_mount");
    return 0;
}

static int write_map(pid_t pid, const char *file, const oci_id_mapping *m, size_t n, rt_error **err)
{
    size_t cap = n * 40 + 1, len = 0;
    cleanup_free char *buf = malloc(cap);
    if (!buf)
        return rt_err(err, ENOMEM, "idmap");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
                                m[i].size);
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
        return rt_err(err, errno, "idmap: write %s", file);
    return 0;
}

/* A user namespace holding the mappings: a child is cloned into a new one,
 * given the maps, and killed once its namespace is open.  The child tells
 * its pid as /proc (the host's) knows it, since ours may be a pid namespace
 * of the container where clone()'s answer means another process in /proc. */
static int userns_with_maps(const oci_id_mapping *uids, size_t nuids, const oci_id_mapping *gids,
                            size_t ngids, rt_error **err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return rt_err(err, errno, "idmap: pipe");
    pid_t child = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
    if (child < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return rt_err(err, e, "idmap: clone a user namespace");
    }
    if (child == 0) {
        char self[32];
        ssize_t n = readlink("/proc/self", self, sizeof(self));
        if (n > 0)
            (void)!write(p[1], self, (size_t)n);
        close(p[1]);
        for (;;)
            pause();
    }
    close(p[1]);
    char pidbuf[32] = "";
    ssize_t n = read(p[0], pidbuf, sizeof(pidbuf) - 1);
    close(p[0]);
    int fd = -1;
    int64_t hostpid = 0;
    if (n <= 0 || parse_int64(pidbuf, &hostpid) < 0 || hostpid <= 0)
        rt_err(err, 0, "idmap: the user namespace helper did not start");
    else if (write_map((pid_t)hostpid, "uid_map", uids, nuids, err) == 0 &&
             write_map((pid_t)hostpid, "gid_map", gids, ngids, err) == 0) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)hostpid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            rt_err(err, errno, "idmap: open %s", path);
    }
    kill(child, SIGKILL);
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
        ;
    return fd;
}

int mnt_tree_idmap(int tree, const oci_id_mapping *uids, size_t nuids, const oci_id_mapping *gids,
                   size_t ngids, bool recursive, rt_error **err)
{
    cleanup_close int userns = userns_with_maps(uids, nuids, gids, ngids, err);
    if (userns < 0)
        return -1;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (syscall(SYS_mount_setattr, tree, "", flags, &attr, sizeof(attr)) < 0)
        return rt_err(err, errno, "idmap the mount");
    return 0;
}
