/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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
    size_t len = payload ? strlen(payload) : 0;
    if (len > SYNC_MAX - sizeof(struct sync_hdr))
        len = SYNC_MAX - sizeof(struct sync_hdr);
    char buf[SYNC_MAX];
    struct sync_hdr h = {.type = type, .len = (uint32_t)len};
    memcpy(buf, &h, sizeof(h));
    if (len)
        memcpy(buf + sizeof(h), payload, len);
    for (;;) {
        ssize_t n = send(fd, buf, sizeof(h) + len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rt_err(err, errno, "sync: send");
        return 0;
    }
}

int sync_recv(int fd, enum sync_type *type, char **payload, rt_error **err)
{
    char buf[SYNC_MAX + 1];
    ssize_t n;
    do
        n = recv(fd, buf, SYNC_MAX, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return rt_err(err, errno, "sync: receive");
    if (n == 0)
        return rt_err(err, 0, "container init exited unexpectedly");
    struct sync_hdr h;
    if ((size_t)n < sizeof(h))
        return rt_err(err, 0, "sync: short message");
    memcpy(&h, buf, sizeof(h));
    if (h.len != (size_t)n - sizeof(h))
        return rt_err(err, 0, "sync: bad message length");
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
