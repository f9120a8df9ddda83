/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "util/util.h"

#define NOTIFY_IN_CONTAINER "/run/notify"

int notify_prepare(int dirfd, const char *state_path, oci_config *cfg, rt_error **err)
{
    if (!getenv("NOTIFY_SOCKET") || !cfg->process)
        return 0;
    if (mkdirat(dirfd, NOTIFY_DIR, 0755) < 0 || fchmodat(dirfd, NOTIFY_DIR, 0755, 0) < 0)
        return rt_err(err, errno, "create the notify directory");
    oci_mount *m = realloc(cfg->mounts, (cfg->mounts_len + 1) * sizeof(*m));
    if (!m)
        abort();
    cfg->mounts = m;
    m = &cfg->mounts[cfg->mounts_len++];
    memset(m, 0, sizeof(*m));
    m->destination = xstrdup(NOTIFY_IN_CONTAINER);
    m->type = xstrdup("bind");
    m->source = xasprintf("%s/" NOTIFY_DIR, state_path);
    m->options = calloc(3, sizeof(char *));
    m->options[0] = xstrdup("bind");
    m->options[1] = xstrdup("nosuid");
    m->options[2] = xstrdup("noexec");
    m->options_len = 3;
    oci_process *p = cfg->process;
    p->env = strv_push(p->env, &p->env_len,
                       xstrdup("NOTIFY_SOCKET=" NOTIFY_IN_CONTAINER "/notify.sock"));
    return 0;
}

int notify_listen(int dirfd, int *sock, rt_error **err)
{
    *sock = -1;
    if (!getenv("NOTIFY_SOCKET") || faccessat(dirfd, NOTIFY_DIR, F_OK, 0) < 0)
        return 0;
    /* The state dir's path, through our fd: bind() needs a path. */
    char buf[64];
    snprintf(buf, sizeof(buf), "/proc/self/fd/%d/" NOTIFY_DIR "/notify.sock", dirfd);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", buf);
    unlink(buf);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || chmod(buf, 0777) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return rt_err(err, e, "bind the notify socket");
    }
    *sock = fd;
    return 0;
}

static int forward(const char *msg, pid_t pid, rt_error **err)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (!path || strlen(path) >= sizeof(addr.sun_path))
        return rt_err(err, 0, "NOTIFY_SOCKET: invalid path");
    strcpy(addr.sun_path, path);
    if (addr.sun_path[0] == '@') /* abstract socket */
        addr.sun_path[0] = '\0';
    cleanup_close int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    cleanup_free char *out = xasprintf("%s\nMAINPID=%d", msg, pid);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
    if (fd < 0 || sendto(fd, out, strlen(out), 0, (struct sockaddr *)&addr, len) < 0)
        return rt_err(err, errno, "NOTIFY_SOCKET: send to %s", path);
    return 0;
}

static bool has_ready(const char *msg)
{
    for (const char *p = msg; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (!strncmp(p, "READY=1", 7) && (p[7] == '\n' || !p[7]))
            return true;
    return false;
}

int notify_wait_ready(int sock, int pidfd, pid_t pid, rt_error **err)
{
    for (;;) {
        struct pollfd p[2] = {{.fd = sock, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return rt_err(err, errno, "poll the notify socket");
        }
        if (p[0].revents & POLLIN) {
            char buf[4097];
            ssize_t n = recv(sock, buf, sizeof(buf) - 1, 0);
            if (n < 0)
                continue;
            buf[n] = '\0';
            if (has_ready(buf))
                return forward(buf, pid, err);
            continue;
        }
        if (p[1].revents)
            return 0; /* the init is gone: nothing will be ready */
    }
}
