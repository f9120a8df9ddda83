/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A seccomp agent for the tests of SCMP_ACT_NOTIFY (config-linux.md, "The
 * Container Process State").  It listens on SOCKET; each connection brings
 * one container process state (JSON) with the listener fd in SCM_RIGHTS.
 * The JSON goes as one line to STATE-FILE; each notification it answers is
 * logged to STATE-FILE.log as "<syscall> <pid>".
 *
 * MODE says what a notified mkdir/mkdirat does (any other notified syscall
 * runs as if not filtered):
 *   errno:N    fails with errno N
 *   ok         "succeeds" without the directory being made
 *   continue   really runs (SECCOMP_USER_NOTIF_FLAG_CONTINUE)
 *
 * It exits when every listener it got has hung up (all processes under the
 * filter are gone), or after 60 s.  Prints "ready" when it listens. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdbool.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTENERS 16

enum mode {
    MODE_ERRNO,
    MODE_OK,
    MODE_CONTINUE
};

static int die(const char *what)
{
    fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Whether buf holds one whole JSON object (braces balanced outside strings). */
static bool json_complete(const char *buf, size_t len)
{
    int depth = 0;
    bool in_string = false, seen = false;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{') {
            depth++;
            seen = true;
        } else if (c == '}') {
            depth--;
        }
    }
    return seen && depth == 0;
}

/* One connection: the JSON (maybe in several reads: until it is whole, or
 * EOF; a runtime may keep the connection open), the fd with the first. */
static int take_state(int conn, FILE *out)
{
    char buf[65536];
    size_t len = 0;
    int fd = -1;
    union {
        char b[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } u;
    for (;;) {
        struct iovec iov = {.iov_base = buf + len, .iov_len = sizeof(buf) - 1 - len};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (fd < 0) {
            msg.msg_control = u.b;
            msg.msg_controllen = sizeof(u.b);
        }
        ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (struct cmsghdr *c = fd < 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                memcpy(&fd, CMSG_DATA(c), sizeof(int));
        len += (size_t)n;
        if (len >= sizeof(buf) - 1 || json_complete(buf, len))
            break;
    }
    buf[len] = '\0';
    fprintf(out, "%s\n", buf);
    fflush(out);
    return fd;
}

static void answer(int fd, enum mode mode, int errnum, FILE *log)
{
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
        die("SECCOMP_GET_NOTIF_SIZES");
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    if (!req || !resp)
        die("calloc");
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
        free(req);
        free(resp);
        return; /* the process went away before we took it */
    }
    char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
    bool is_mkdir = name && (!strcmp(name, "mkdir") || !strcmp(name, "mkdirat"));
    fprintf(log, "%s %u\n", name ? name : "?", req->pid);
    fflush(log);
    resp->id = req->id;
    if (!is_mkdir || mode == MODE_CONTINUE)
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    else if (mode == MODE_ERRNO)
        resp->error = -errnum;
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
        die("SECCOMP_IOCTL_NOTIF_SEND");
    free(name);
    free(req);
    free(resp);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: seccomp-agent SOCKET STATE-FILE errno:N|ok|continue\n");
        return 2;
    }
    enum mode mode;
    int errnum = 0;
    if (!strncmp(argv[3], "errno:", 6)) {
        mode = MODE_ERRNO;
        errnum = atoi(argv[3] + 6);
    } else if (!strcmp(argv[3], "ok")) {
        mode = MODE_OK;
    } else if (!strcmp(argv[3], "continue")) {
        mode = MODE_CONTINUE;
    } else {
        fprintf(stderr, "seccomp-agent: unknown mode %s\n", argv[3]);
        return 2;
    }
    FILE *out = fopen(argv[2], "we");
    char logpath[4096];
    snprintf(logpath, sizeof(logpath), "%s.log", argv[2]);
    FILE *log = fopen(logpath, "we");
    if (!out || !log)
        die("open the state file");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        die(argv[1]);
    }
    strcpy(addr.sun_path, argv[1]);
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 8) < 0)
        die("listen");
    printf("ready\n");
    fflush(stdout);
    struct pollfd p[1 + MAX_LISTENERS];
    size_t n = 0, taken = 0;
    p[0] = (struct pollfd){.fd = ls, .events = POLLIN};
    time_t deadline = time(NULL) + 60;
    while (time(NULL) < deadline && !(taken > 0 && n == 0)) {
        if (poll(p, 1 + n, 1000) < 0 && errno != EINTR)
            die("poll");
        if (p[0].revents & POLLIN) {
            int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
            if (conn >= 0) {
                int fd = take_state(conn, out);
                close(conn);
                if (fd >= 0 && n < MAX_LISTENERS) {
                    p[1 + n++] = (struct pollfd){.fd = fd, .events = POLLIN};
                    taken++;
                }
            }
        }
        for (size_t i = 1; i <= n; i++) {
            if (p[i].revents & POLLIN) {
                answer(p[i].fd, mode, errnum, log);
            } else if (p[i].revents & (POLLHUP | POLLERR | POLLNVAL)) {
                close(p[i].fd);
                p[i--] = p[n--];
            }
        }
    }
    unlink(argv[1]);
    return 0;
}
