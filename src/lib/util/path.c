/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static int openat2_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .mode = (flags & O_CREAT) ? mode : 0,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    while (*path == '/')
        path++;
    if (!*path)
        path = ".";
    int fd;
    do
        fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    while (fd < 0 && (errno == EAGAIN || errno == EINTR));
    return fd;
}

int path_open_in_root(int rootfd, const char *path, int flags, rt_error **err)
{
    int fd = openat2_in_root(rootfd, path, flags, 0);
    if (fd < 0)
        return rt_err(err, errno, "open %s in the container", path);
    return fd;
}

/* Make what is missing of path, one component at a time; each step is
 * resolved inside the root again, so a symlink planted in the image cannot
 * redirect us.  A dangling symlink on the way (an image's /evil -> /tmp/x)
 * is followed inside the root, as RESOLVE_IN_ROOT follows it, and its
 * target is made there. */
static int create_in_root(int rootfd, const char *path, bool last_is_file, int depth,
                          rt_error **err)
{
    if (depth > 40)
        return rt_err(err, ELOOP, "create %s in the container", path);
    cleanup_close int dirfd = openat2_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
    if (dirfd < 0)
        return rt_err(err, errno, "open container root");
    cleanup_free char *sofar = xstrdup("");
    for (const char *p = path;;) {
        p += strspn(p, "/");
        if (!*p)
            break;
        size_t n = strcspn(p, "/");
        const char *rest = p + n; /* "" or "/more" */
        bool last = rest[strspn(rest, "/")] == '\0';
        size_t parent_len = strlen(sofar);
        char *np = xasprintf("%s/%.*s", sofar, (int)n, p);
        free(sofar);
        sofar = np;
        const char *comp = sofar + parent_len + 1;
        int fd = openat2_in_root(rootfd, sofar, O_PATH, 0);
        if (fd < 0 && errno == ENOENT) {
            int r;
            if (last && last_is_file) {
                r = openat(dirfd, comp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (r >= 0)
                    close(r);
            } else {
                r = mkdirat(dirfd, comp, 0755);
            }
            if (r < 0 && errno == EEXIST) {
                char target[PATH_MAX];
                ssize_t len = readlinkat(dirfd, comp, target, sizeof(target) - 1);
                if (len > 0) {
                    target[len] = '\0';
                    cleanup_free char *next =
                        target[0] == '/'
                            ? xasprintf("%s%s", target, rest)
                            : xasprintf("%.*s/%s%s", (int)parent_len, sofar, target, rest);
                    return create_in_root(rootfd, next, last_is_file, depth + 1, err);
                }
            }
            if (r < 0 && errno != EEXIST)
                return rt_err(err, errno, "create %s in the container", sofar);
            fd = openat2_in_root(rootfd, sofar, O_PATH, 0);
        }
        if (fd < 0)
            return rt_err(err, errno, "open %s in the container", sofar);
        close(dirfd);
        dirfd = fd;
        p = rest;
    }
    return take_fd(&dirfd);
}

int path_create_in_root(int rootfd, const char *path, bool last_is_file, rt_error **err)
{
    return create_in_root(rootfd, path, last_is_file, 0, err);
}

/* CVE-2024-21626: a cwd such as /proc/self/fd/N would follow a magic link to
 * an fd of ours, outside the root.  Resolve it inside our root with no magic
 * links, fchdir there, and check that the kernel agrees we are under the root. */
int path_open_cwd(const char *cwd, rt_error **err)
{
    cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return rt_err(err, errno, "open /");
    int fd = openat2_in_root(root, cwd, O_PATH | O_DIRECTORY, 0);
    if (fd < 0)
        return rt_err(err, errno, "process.cwd: chdir %s", cwd);
    return fd;
}

int path_enter_cwd(int fd, const char *cwd, rt_error **err)
{
    if (fchdir(fd) < 0)
        return rt_err(err, errno, "process.cwd: chdir %s", cwd);
    char buf[PATH_MAX];
    /* glibc's getcwd fails with ENOENT for "(unreachable)" paths. */
    if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
        return rt_err(err, errno ? errno : ENOENT, "process.cwd: %s is outside the container", cwd);
    return 0;
}

const char *path_fd(int fd, char buf[static 32])
{
    snprintf(buf, 32, "/proc/self/fd/%d", fd);
    return buf;
}
