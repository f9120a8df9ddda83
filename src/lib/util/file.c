/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int read_all_fd(int fd, char **out, size_t *len, rt_error **err)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        return rt_err(err, ENOMEM, "read");
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                return rt_err(err, ENOMEM, "read");
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return rt_err(err, e, "read");
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return 0;
}

int read_file_at(int dirfd, const char *path, char **out, size_t *len, rt_error **err)
{
    cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rt_err(err, errno, "open %s", path);
    if (read_all_fd(fd, out, len, err) < 0)
        return rt_err_wrap(err, "%s", path);
    return 0;
}

int write_file_at(int dirfd, const char *path, const char *data, size_t len, rt_error **err)
{
    cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return rt_err(err, errno, "open %s", path);
    if (write_all(fd, data, len) < 0)
        return rt_err(err, errno, "write %s", path);
    return 0;
}

/* Write to a temporary name and rename over the target, so readers see either
 * the old or the new content, never half of it.  No fsync: what rt writes
 * (state, the config's copy, pid files, compiled filters) describes processes
 * that a power loss ends anyway, and lives on a tmpfs (/run) on most hosts; a
 * killed rt leaves the old file or the new, which is what matters. */
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                      rt_error **err)
{
    cleanup_free char *tmp = xasprintf("%s.tmp.%d", name, getpid());
    cleanup_close int fd =
        openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return rt_err(err, errno, "create %s", tmp);
    if (write_all(fd, data, len) < 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        return rt_err(err, e, "write %s", tmp);
    }
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        return rt_err(err, e, "rename %s", name);
    }
    return 0;
}

char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *r = strdup(s);
    if (!r)
        abort();
    return r;
}

char *xasprintf(const char *fmt, ...)
{
    char *r;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&r, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    return r;
}

char **strv_push(char **v, size_t *len, char *item)
{
    char **out = realloc(v, (*len + 2) * sizeof(char *));
    if (!out)
        abort();
    out[(*len)++] = item;
    out[*len] = NULL;
    return out;
}

int parse_int64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/* Remove a directory tree below dirfd without following symlinks. */
int rm_rf_at(int dirfd, const char *name)
{
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        rm_rf_at(fd, de->d_name);
    }
    closedir(d);
    return unlinkat(dirfd, name, AT_REMOVEDIR);
}

char *passwd_name(uid_t uid)
{
    cleanup_fclose FILE *f = fopen("/etc/passwd", "re");
    struct passwd *pw;
    while (f && (pw = fgetpwent(f)))
        if (pw->pw_uid == uid)
            return xstrdup(pw->pw_name);
    return NULL;
}

const char *go_words(const char *libc_text, char *buf, size_t len)
{
    snprintf(buf, len, "%s", libc_text ? libc_text : "unknown");
    buf[0] = (char)tolower((unsigned char)buf[0]);
    return buf;
}

char *search_path(const char *dirs, const char *name)
{
    cleanup_free char *copy = xstrdup(dirs);
    char *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        cleanup_free char *cand = xasprintf("%s/%s", *d ? d : ".", name);
        struct stat sb;
        if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) && access(cand, X_OK) == 0)
            return take_ptr(cand);
    }
    return NULL;
}
