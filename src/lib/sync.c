/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/util.h"

#define SYNC_MAX 65536

struct sync_hdr {
    uint32_t type;
    uint32_t len;
};

int sync_pair(int fds[2], rt_error **err)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
        return rt_err(err, errno, "socketpair");
    return 0;
}

int sync_send(int fd, enum sync_type type, const char *payload, rt_error **err)
{
    return sync_send_fd(fd, type, payload, -1, err);
}

int sync_send_fd(int fd, enum sync_type type, const char *payload, int pass, rt_error **err)
{
    size_t len = payload ? strlen(payload) : 0;
    if (len > SYNC_MAX - sizeof(struct sync_hdr))
        len = SYNC_MAX - sizeof(struct sync_hdr);
    char buf[SYNC_MAX];
    struct sync_hdr h = {.type = type, .len = (uint32_t)len};
    memcpy(buf, &h, sizeof(h));
    if (len)
        memcpy(buf + sizeof(h), payload, len);
    if (pass >= 0) {
        if (send_with_fd(fd, buf, sizeof(h) + len, pass) < 0)
            return rt_err(err, errno, "sync: send");
        return 0;
    }
    for (;;) {
        ssize_t n = send(fd, buf, sizeof(h) + len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rt_err(err, errno, "sync: send");
        return 0;
    }
}

/* One packet into buf; the fd that came with it (if any) in *passed. */
static ssize_t recv_packet(int fd, char *buf, size_t size, int *passed)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = buf, .iov_len = size};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = passed ? u.buf : NULL,
                         .msg_controllen = passed ? sizeof(u.buf) : 0};
    ssize_t n;
    do
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    struct cmsghdr *c = n > 0 && passed ? CMSG_FIRSTHDR(&msg) : NULL;
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
        c->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(passed, CMSG_DATA(c), sizeof(int));
    return n;
}

int sync_recv(int fd, enum sync_type *type, char **payload, rt_error **err)
{
    return sync_recv_fd(fd, type, payload, NULL, err);
}

int sync_recv_fd(int fd, enum sync_type *type, char **payload, int *passed, rt_error **err)
{
    char buf[SYNC_MAX + 1];
    if (passed)
        *passed = -1;
    ssize_t n = recv_packet(fd, buf, SYNC_MAX, passed);
    if (n < 0)
        return rt_err(err, errno, "sync: receive");
    if (n == 0)
        return rt_err(err, 0, "container init exited unexpectedly");
    struct sync_hdr h = {0};
    if ((size_t)n >= sizeof(h))
        memcpy(&h, buf, sizeof(h));
    if ((size_t)n < sizeof(h) || h.len != (size_t)n - sizeof(h)) {
        if (passed && *passed >= 0)
            close(*passed);
        return rt_err(err, 0, "sync: %s",
                      (size_t)n < sizeof(h) ? "short message" : "bad message length");
    }
    *type = (enum sync_type)h.type;
    if (payload) {
        *payload = NULL;
        if (h.len) {
            buf[n] = '\0';
            *payload = xstrdup(buf + sizeof(h));
        }
    }
    return 0;
}

void sync_wait_close(int fd)
{
    char buf[sizeof(struct sync_hdr)];
    ssize_t n;
    do
        n = recv(fd, buf, sizeof(buf), 0);
    while (n > 0 || (n < 0 && errno == EINTR));
}
