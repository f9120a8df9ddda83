/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mountapi.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
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

/* The superblock flags of mount(2) that fsconfig takes by name. */
static const struct {
    unsigned long flag;
    const char *name;
} sb_flag_names[] = {
    {MS_RDONLY, "ro"},         {MS_SYNCHRONOUS, "sync"}, {MS_DIRSYNC, "dirsync"},
    {MS_LAZYTIME, "lazytime"}, {MS_MANDLOCK, "mand"},
};

/* The filesystem's own words for why fsconfig failed ("e tmpfs: Bad value
 * for 'size'"), else errno's. */
static int fs_error(int fs, const char *what, rt_error **err)
{
    int e = errno;
    char msg[256];
    ssize_t n;
    while ((n = read(fs, msg, sizeof(msg) - 1)) > 2) {
        if (msg[0] != 'e' || msg[1] != ' ')
            continue;
        msg[n] = '\0';
        msg[strcspn(msg, "\n")] = '\0';
        return rt_err(err, e, "%s", msg + 2);
    }
    return rt_err(err, e, "fsconfig %s", what);
}

static int fs_set(int fs, const char *key, const char *value, rt_error **err)
{
    unsigned cmd = value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG;
    if (syscall(SYS_fsconfig, fs, cmd, key, value, 0) < 0)
        return fs_error(fs, key, err);
    return 0;
}

/* data as mount(2) splits it: options at commas outside double quotes, each
 * "key=value" or a flag; a quoted value (an LSM context) loses its quotes. */
static int fs_set_data(int fs, const char *data, rt_error **err)
{
    cleanup_free char *copy = xstrdup(data ? data : "");
    for (char *p = copy; *p;) {
        char *key = p;
        for (bool quoted = false; *p && (quoted || *p != ','); p++)
            quoted ^= *p == '"';
        if (*p)
            *p++ = '\0';
        char *value = strchr(key, '=');
        if (value) {
            *value++ = '\0';
            size_t n = strlen(value);
            if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
                value[n - 1] = '\0';
                value++;
            }
        }
        if (*key && fs_set(fs, key, value, err) < 0)
            return -1;
    }
    return 0;
}

int mnt_fs_create(const char *type, const char *source, unsigned long sb_flags,
                  unsigned long long attrs, const char *data, rt_error **err)
{
    cleanup_close int fs = (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
    if (fs < 0)
        return NOSYS_OR(err, "fsopen %s", type);
    if (fs_set(fs, "source", source, err) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(sb_flag_names) / sizeof(*sb_flag_names); i++)
        if ((sb_flags & sb_flag_names[i].flag) && fs_set(fs, sb_flag_names[i].name, NULL, err) < 0)
            return -1;
    if (fs_set_data(fs, data, err) < 0)
        return -1;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return fs_error(fs, "create", err);
    int tree = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
    /* Kernels before 5.14 refuse nosymfollow here (mount(2) takes it since
     * 5.10): the caller falls back to mount(2) as for a missing syscall. */
    if (tree < 0 && errno == EINVAL && (attrs & MOUNT_ATTR_NOSYMFOLLOW))
        errno = ENOSYS;
    if (tree < 0)
        return NOSYS_OR(err, "fsmount");
    return tree;
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
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP,
                              .userns_fd = (unsigned long long)userns};
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (syscall(SYS_mount_setattr, tree, "", flags, &attr, sizeof(attr)) < 0)
        return rt_err(err, errno, "idmap the mount");
    return 0;
}
