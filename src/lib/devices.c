/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "mountapi.h"
#include "util/path.h"
#include "util/util.h"

static const struct {
    const char *path;
    unsigned major, minor;
} default_devices[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
    const char *target, *link;
} default_links[] = {
    {"/proc/self/fd", "/dev/fd"},       {"/proc/self/fd/0", "/dev/stdin"},
    {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
    {"pts/ptmx", "/dev/ptmx"},
};

static bool dev_is_bind_mounted(const oci_config *cfg)
{
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        const oci_mount *m = &cfg->mounts[i];
        if (strcmp(m->destination, "/dev"))
            continue;
        for (size_t j = 0; j < m->options_len; j++)
            if (!strcmp(m->options[j], "bind") || !strcmp(m->options[j], "rbind"))
                return true;
    }
    return false;
}

int devices_validate(const oci_config *cfg, rt_error **err)
{
    for (size_t i = 0; cfg->linux_ && i < cfg->linux_->devices_len; i++) {
        const oci_device *d = &cfg->linux_->devices[i];
        if (!d->path || strncmp(d->path, "/dev/", 5) || strstr(d->path, "/../"))
            return rt_err(err, 0, "linux.devices[%zu].path: must be a path under /dev", i);
        if (!d->type || (strcmp(d->type, "c") && strcmp(d->type, "b") && strcmp(d->type, "u") &&
                         strcmp(d->type, "p")))
            return rt_err(err, 0, "linux.devices[%zu].type: must be one of c, b, u, p", i);
        if (strcmp(d->type, "p") && (!d->has_major || !d->has_minor))
            return rt_err(err, 0, "linux.devices[%zu]: major and minor are required", i);
    }
    return 0;
}

/* The host's node at path, bind-mounted on target (fd-based where the
 * kernel has open_tree, mount(2) otherwise). */
static int bind_host_node(const char *path, int target, rt_error **err)
{
    cleanup_close int tree = mnt_tree_clone(AT_FDCWD, path, false, err);
    if (tree >= 0) {
        if (mnt_tree_attach(tree, target, err) < 0)
            return rt_err_wrap(err, "bind-mount device %s", path);
        return 0;
    }
    if (errno != ENOSYS)
        return rt_err_wrap(err, "bind-mount device %s", path);
    char buf[32];
    if (mount(path, path_fd(target, buf), NULL, MS_BIND, NULL) < 0)
        return rt_err(err, errno, "bind-mount device %s", path);
    return 0;
}

/* mknod (or, in a user namespace, bind the host's node) at path. */
static int make_node(int rootfd, const char *path, mode_t mode, dev_t dev, uid_t uid, gid_t gid,
                     bool userns, rt_error **err)
{
    cleanup_free char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    cleanup_close int dfd = path_create_in_root(rootfd, dir, false, err);
    if (dfd < 0)
        return -1;
    const char *name = slash + 1;
    if (userns) {
        /* O_EXCL: an existing node is never opened (that could act on a device). */
        int fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0 && errno != EEXIST)
            return rt_err(err, errno, "create %s", path);
        if (fd >= 0)
            close(fd);
        cleanup_close int target = path_open_in_root(rootfd, path, O_PATH | O_NOFOLLOW, err);
        if (target < 0)
            return -1;
        return bind_host_node(path, target, err);
    }
    /* EBUSY: a mount of the config is there (a bind onto /dev/null): it stays,
     * as in runc. */
    if (unlinkat(dfd, name, 0) < 0 && errno == EBUSY)
        return 0;
    if (mknodat(dfd, name, mode, dev) < 0)
        return rt_err(err, errno, "mknod %s", path);
    if (fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return rt_err(err, errno, "chown %s", path);
    return 0;
}

static mode_t device_type(const char *t)
{
    return !strcmp(t, "b") ? S_IFBLK : !strcmp(t, "p") ? S_IFIFO : S_IFCHR;
}

int devices_setup(int rootfd, const oci_config *cfg, bool userns, rt_error **err)
{
    if (!dev_is_bind_mounted(cfg)) {
        for (size_t i = 0; i < sizeof(default_devices) / sizeof(*default_devices); i++) {
            if (make_node(rootfd, default_devices[i].path, S_IFCHR | 0666,
                          makedev(default_devices[i].major, default_devices[i].minor), 0, 0, userns,
                          err) < 0)
                return -1;
        }
        cleanup_close int dev = path_create_in_root(rootfd, "/dev", false, err);
        if (dev < 0)
            return -1;
        cleanup_close int devdir = openat(dev, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; i < sizeof(default_links) / sizeof(*default_links); i++) {
            const char *name = default_links[i].link + 5;
            if (symlinkat(default_links[i].target, devdir, name) < 0 && errno != EEXIST)
                return rt_err(err, errno, "symlink %s", default_links[i].link);
        }
        if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", devdir, "core") < 0 &&
            errno != EEXIST)
            return rt_err(err, errno, "symlink /dev/core");
    }
    for (size_t i = 0; cfg->linux_ && i < cfg->linux_->devices_len; i++) {
        const oci_device *d = &cfg->linux_->devices[i];
        mode_t perm = d->has_file_mode ? d->file_mode & 07777 : 0666;
        if (make_node(rootfd, d->path, device_type(d->type) | perm,
                      makedev((unsigned)d->major, (unsigned)d->minor), d->has_uid ? d->uid : 0,
                      d->has_gid ? d->gid : 0, userns, err) < 0)
            return -1;
    }
    return 0;
}
