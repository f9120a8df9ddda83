/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>

/* Read field 22 (starttime) and field 3 (state) of /proc/PID/stat.  The start
 * time tells a process from a later one that reuses its pid. */
int proc_start_time(pid_t pid, uint64_t *start, char *state)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* comm may contain spaces and parentheses: skip to the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p || p[1] != ' ')
        return -1;
    p += 2;
    if (state)
        *state = *p;
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        p++;
    }
    *start = strtoull(p, NULL, 10);
    return 0;
}

/* A pidfd for pid, but only if it is still the process that started at
 * start_time (checked after the pidfd is taken, so the answer cannot go stale).
 * Returns -1 with errno ESRCH if the process is gone or was replaced. */
int pidfd_open_checked(pid_t pid, uint64_t start_time)
{
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        return -1;
    uint64_t st;
    char state;
    if (proc_start_time(pid, &st, &state) < 0 || st != start_time || state == 'Z' || state == 'X') {
        close(fd);
        errno = ESRCH;
        return -1;
    }
    return fd;
}

/* Wait until the process behind pidfd has exited.  Returns 0 when it has, -1
 * with ETIMEDOUT otherwise. */
int pidfd_wait_exit(int pidfd, int timeout_ms)
{
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    for (;;) {
        int r = poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0)
            return 0;
        errno = r == 0 ? ETIMEDOUT : errno;
        return -1;
    }
}

int child_wait_deadline(pid_t pid, int timeout_ms)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    bool timed_out = false;
    if (pidfd >= 0) {
        if (pidfd_wait_exit(pidfd, timeout_ms) < 0 && errno == ETIMEDOUT) {
            timed_out = true;
            kill(pid, SIGKILL);
        }
        close(pidfd);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (timed_out) {
        errno = ETIMEDOUT;
        return -1;
    }
    return ws;
}

int fd_is_procfs(int fd)
{
    struct statfs sfs;
    return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

pid_t run_in_helper(int32_t (*fn)(void *arg), void *arg)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t helper = fork();
    if (helper == 0) {
        int32_t r = fn(arg);
        write_all(p[1], &r, sizeof(r));
        _exit(0);
    }
    close(p[1]);
    int32_t r = -EPIPE;
    if (helper > 0 && read(p[0], &r, sizeof(r)) != sizeof(r))
        r = -EPIPE;
    close(p[0]);
    if (helper < 0)
        return -1;
    waitpid(helper, NULL, 0);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return r;
}

ssize_t send_with_fd(int sock, const void *data, size_t len, int fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof(u));
    struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t n;
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
}

bool in_user_namespace(void)
{
    static int known = -1;
    if (known < 0) {
        cleanup_free char *map = NULL;
        size_t len;
        unsigned long inside, outside, count;
        /* The initial namespace maps every id to itself, in one line:
         * "0 0 4294967295".  Unreadable: assume the initial one. */
        if (read_file_at(AT_FDCWD, "/proc/self/uid_map", &map, &len, NULL) < 0) {
            known = 0;
            return false;
        }
        const char *nl = strchr(map, '\n');
        bool identity = sscanf(map, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
                        outside == 0 && count == 4294967295UL && (!nl || !nl[1]);
        known = !identity;
    }
    return known;
}
