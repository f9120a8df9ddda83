/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tmpcopyup: what a new tmpfs covers is copied into it, so an image's
 * directory (e.g. /etc/ssl) stays visible but becomes a scratch copy. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "mounts.h"
#include "util/util.h"

static int copy_data(int src, int dst)
{
    for (;;) {
        ssize_t n = sendfile(dst, src, NULL, 1 << 20);
        if (n == 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

/* Owner, mode and times of name in dst as sb says. */
static int copy_attrs(int dst, const char *name, const struct stat *sb)
{
    if (fchownat(dst, name, sb->st_uid, sb->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    if (!S_ISLNK(sb->st_mode) && fchmodat(dst, name, sb->st_mode & 07777, 0) < 0)
        return -1;
    struct timespec t[2] = {sb->st_atim, sb->st_mtim};
    return utimensat(dst, name, t, AT_SYMLINK_NOFOLLOW);
}

static int copy_entry(int src, int dst, const char *name, const struct stat *sb, rt_error **err)
{
    int r = 0;
    if (S_ISDIR(sb->st_mode)) {
        if (mkdirat(dst, name, 0700) < 0)
            return rt_err(err, errno, "tmpcopyup: mkdir %s", name);
        cleanup_close int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        cleanup_close int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0 || d < 0)
            return rt_err(err, errno, "tmpcopyup: open %s", name);
        if (mount_copy_tree(s, d, err) < 0)
            return rt_err_wrap(err, "%s", name);
    } else if (S_ISREG(sb->st_mode)) {
        cleanup_close int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        cleanup_close int d = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (s < 0 || d < 0 || copy_data(s, d) < 0)
            return rt_err(err, errno, "tmpcopyup: copy %s", name);
    } else if (S_ISLNK(sb->st_mode)) {
        char target[4096];
        ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
        if (n < 0)
            return rt_err(err, errno, "tmpcopyup: readlink %s", name);
        target[n] = '\0';
        r = symlinkat(target, dst, name);
    } else if (S_ISSOCK(sb->st_mode)) {
        return 0; /* a socket is nothing without its listener */
    } else {
        r = mknodat(dst, name, sb->st_mode, sb->st_rdev);
    }
    if (r < 0 || copy_attrs(dst, name, sb) < 0)
        return rt_err(err, errno, "tmpcopyup: %s", name);
    return 0;
}

int mount_copy_tree(int src, int dst, rt_error **err)
{
    int dupfd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dupfd < 0 ? NULL : fdopendir(dupfd);
    if (!d) {
        if (dupfd >= 0)
            close(dupfd);
        return rt_err(err, errno, "tmpcopyup: read directory");
    }
    int r = 0;
    struct dirent *e;
    while (r == 0 && (errno = 0, e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat sb;
        if (fstatat(src, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
            r = rt_err(err, errno, "tmpcopyup: stat %s", e->d_name);
        else
            r = copy_entry(src, dst, e->d_name, &sb, err);
    }
    if (r == 0 && errno)
        r = rt_err(err, errno, "tmpcopyup: read directory");
    closedir(d);
    return r;
}
