/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_UTIL_H
#define RT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "../error.h"

static inline void freep(void *p)
{
    free(*(void **)p);
}
static inline void closep(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}
static inline void fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}
#define cleanup_free __attribute__((cleanup(freep)))
#define cleanup_close __attribute__((cleanup(closep)))
#define cleanup_fclose __attribute__((cleanup(fclosep)))

/* Hand an fd or pointer out of a cleanup variable. */
static inline int take_fd(int *fd)
{
    int r = *fd;
    *fd = -1;
    return r;
}
#define take_ptr(p)             \
    ({                          \
        __typeof__(p) _t = (p); \
        (p) = NULL;             \
        _t;                     \
    })

/* file.c */
int read_all_fd(int fd, char **out, size_t *len, rt_error **err);
int read_file_at(int dirfd, const char *path, char **out, size_t *len, rt_error **err);
int write_file_at(int dirfd, const char *path, const char *data, size_t len, rt_error **err);
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                      rt_error **err);
int write_all(int fd, const void *buf, size_t len);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_int64(const char *s, int64_t *out);
/* Append item (owned from now on) to a string vector, keeping it NULL-terminated. */
char **strv_push(char **v, size_t *len, char *item);
int rm_rf_at(int dirfd, const char *name);
/* The name of uid in /etc/passwd (read directly, no NSS: rt is linked
 * statically), or NULL. */
char *passwd_name(uid_t uid);
/* A libc description (strerror, sigdescr_np) as Go words it, which is how
 * runc's errors read and what clients match: "no such file or directory".
 * Returns buf. */
const char *go_words(const char *libc_text, char *buf, size_t len);
/* The first regular, executable DIR/name for DIR in the colon-separated
 * dirs (an empty entry is "."), or NULL. */
char *search_path(const char *dirs, const char *name);

/* proc.c */
int proc_start_time(pid_t pid, uint64_t *start, char *state);
int pidfd_open_checked(pid_t pid, uint64_t start_time);
int pidfd_wait_exit(int pidfd, int timeout_ms);
/* Reap the child pid, SIGKILLed first if it is still running after timeout_ms
 * (-1: no limit; a kernel without pidfds waits without one).  Returns its wait
 * status, or -1 with errno (ETIMEDOUT: it was killed at the deadline). */
int child_wait_deadline(pid_t pid, int timeout_ms);
int fd_is_procfs(int fd);
/* Whether we run in a user namespace other than the initial one (rootless
 * podman runs the runtime as uid 0 in its own): root there is not the host's
 * root, as runc's RunningInUserNS decides. */
bool in_user_namespace(void);
/* Run fn(arg) in a short-lived child, which may setns() and clone() with
 * CLONE_PARENT; its result (a pid, or -errno) comes back and the child is
 * reaped.  Returns that pid, or -1 with errno. */
pid_t run_in_helper(int32_t (*fn)(void *arg), void *arg);
/* sendmsg() data with fd as SCM_RIGHTS (no SIGPIPE): the bytes sent, or -1. */
ssize_t send_with_fd(int sock, const void *data, size_t len, int fd);
/* Re-execute from a sealed memfd copy of our binary, unless we are one. */
int sealed_self_reexec(char **argv, rt_error **err);

/* time.c */
/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
int64_t monotonic_ms(void);
char *rfc3339_now(bool nanos);

#endif
