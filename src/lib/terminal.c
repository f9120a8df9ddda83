/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include "util/path.h"
#include "util/util.h"

int pty_open(int rootfd, const char *ptmx_path, pty *p, rt_error **err)
{
    *p = (pty){.master = -1, .slave = -1};
    p->master = path_open_in_root(rootfd, ptmx_path, O_RDWR | O_NOCTTY, err);
    if (p->master < 0)
        return rt_err_wrap(err, "terminal");
    struct stat sb;
    if (fstat(p->master, &sb) < 0 || !S_ISCHR(sb.st_mode) || major(sb.st_rdev) != 5 ||
        minor(sb.st_rdev) != 2) {
        pty_close(p);
        return rt_err(err, 0, "terminal: %s is not the pty multiplexer", ptmx_path);
    }
    int unlock = 0, n;
    if (ioctl(p->master, TIOCSPTLCK, &unlock) < 0 || ioctl(p->master, TIOCGPTN, &n) < 0) {
        int e = errno;
        pty_close(p);
        return rt_err(err, e, "terminal: unlock pty");
    }
    snprintf(p->name, sizeof(p->name), "/dev/pts/%d", n);
    p->slave = ioctl(p->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->slave < 0) {
        int e = errno;
        pty_close(p);
        return rt_err(err, e, "terminal: open pty slave");
    }
    return 0;
}

void pty_close(pty *p)
{
    if (p->master >= 0)
        close(p->master);
    if (p->slave >= 0)
        close(p->slave);
    p->master = p->slave = -1;
}

/* CVE-2025-52565, crun CVE-2026-88264: an image's /dev/console that is a
 * symlink (or anything but a file) would take the bind mount of the pty
 * elsewhere, e.g. onto a procfs file: replace it with an empty file of ours,
 * created and opened without following symlinks. */
int pty_bind_console(int rootfd, const pty *p, rt_error **err)
{
    cleanup_close int dev = path_create_in_root(rootfd, "/dev", false, err);
    if (dev < 0)
        return rt_err_wrap(err, "/dev/console");
    struct stat sb;
    if (fstatat(dev, "console", &sb, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(sb.st_mode) &&
        unlinkat(dev, "console", S_ISDIR(sb.st_mode) ? AT_REMOVEDIR : 0) < 0)
        return rt_err(err, errno, "/dev/console: remove the image's %s",
                      S_ISLNK(sb.st_mode) ? "symlink" : "entry");
    int created = openat(dev, "console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (created < 0)
        return rt_err(err, errno, "create /dev/console");
    close(created);
    cleanup_close int fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return rt_err(err, errno, "open /dev/console");
    char src[32], dst[32];
    if (mount(path_fd(p->slave, src), path_fd(fd, dst), NULL, MS_BIND, NULL) < 0)
        return rt_err(err, errno, "bind the terminal on /dev/console");
    return 0;
}

int pty_set_size(int master, const oci_console_size *size, rt_error **err)
{
    if (!size)
        return 0;
    struct winsize ws = {.ws_row = (unsigned short)size->height,
                         .ws_col = (unsigned short)size->width};
    if (ioctl(master, TIOCSWINSZ, &ws) < 0)
        return rt_err(err, errno, "process.consoleSize");
    return 0;
}

int pty_make_controlling(pty *p, rt_error **err)
{
    if (setsid() < 0)
        return rt_err(err, errno, "setsid");
    if (ioctl(p->slave, TIOCSCTTY, 0) < 0)
        return rt_err(err, errno, "make the terminal controlling");
    for (int fd = 0; fd < 3; fd++)
        if (dup2(p->slave, fd) < 0)
            return rt_err(err, errno, "terminal as stdio");
    return 0;
}

int console_socket_connect(const char *path, rt_error **err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path))
        return rt_err(err, 0, "--console-socket: path too long: %s", path);
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return rt_err(err, errno, "--console-socket: socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int e = errno;
        close(fd);
        return rt_err(err, e, "--console-socket: connect %s", path);
    }
    return fd;
}

/* One message with the pty's name as data and the master as SCM_RIGHTS,
 * the form containerd's shim and conmon read. */
int console_send_master(int sock, const pty *p, rt_error **err)
{
    if (send_with_fd(sock, p->name, strlen(p->name), p->master) < 0)
        return rt_err(err, errno, "send the terminal to the console socket");
    return 0;
}

int console_recv_master(int sock, int *master, rt_error **err)
{
    char buf[64], cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    ssize_t n;
    while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
        if (errno != EINTR)
            return rt_err(err, errno, "receive the terminal");
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (n == 0 || !c || c->cmsg_type != SCM_RIGHTS)
        return rt_err(err, 0, "receive the terminal: no file descriptor");
    memcpy(master, CMSG_DATA(c), sizeof(int));
    return 0;
}

int terminal_of_session(void)
{
    static const int stdio[] = {2, 1, 0};
    for (size_t i = 0; i < 3; i++)
        if (isatty(stdio[i]))
            return fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
    return open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
}

bool terminal_available(void)
{
    int fd = terminal_of_session();
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

void terminal_copy_size(int from, int to)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        ioctl(to, TIOCSWINSZ, &ws);
}

/* Copy what is readable on `from` to `to`; 0 on EOF or error. */
static int pump(int from, int to)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof(buf));
    if (n <= 0)
        return n < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
    return write_all(to, buf, (size_t)n) == 0;
}

static bool reap(pid_t pid, int *status)
{
    int ws;
    pid_t w;
    while ((w = waitpid(-1, &ws, WNOHANG)) > 0)
        if (w == pid) {
            *status = ws;
            return true;
        }
    return false;
}

int terminal_proxy(int master, int sigfd, pid_t pid, int *status, rt_error **err)
{
    struct termios saved;
    cleanup_close int host = terminal_of_session();
    bool raw = host >= 0 && tcgetattr(host, &saved) == 0;
    if (raw) {
        struct termios t = saved;
        cfmakeraw(&t);
        tcsetattr(host, TCSANOW, &t);
        terminal_copy_size(host, master);
    }
    bool in_open = true, out_open = true, exited = false;
    while (!exited || out_open) {
        struct pollfd p[3] = {{.fd = sigfd, .events = POLLIN},
                              {.fd = out_open ? master : -1, .events = POLLIN},
                              {.fd = in_open ? 0 : -1, .events = POLLIN}};
        /* Once the process is gone, drain what is left of its output. */
        if (poll(p, 3, exited ? 100 : -1) <= 0) {
            if (exited || errno != EINTR)
                break;
            continue;
        }
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
                if (si.ssi_signo == SIGCHLD)
                    exited = exited || reap(pid, status);
                else if (si.ssi_signo == SIGWINCH)
                    terminal_copy_size(host, master);
                else
                    kill(pid, (int)si.ssi_signo);
            }
        }
        if (p[1].revents && !pump(master, 1))
            out_open = false;
        if (p[2].revents && !pump(0, master)) {
            in_open = false;
            /* EOF on our stdin: the terminal's EOF character, as a user would type it. */
            char eof = 4;
            write_all(master, &eof, 1);
        }
    }
    if (raw)
        tcsetattr(host, TCSANOW, &saved);
    if (!exited) {
        int ws;
        if (waitpid(pid, &ws, 0) != pid)
            return rt_err(err, errno, "wait for the process");
        *status = ws;
    }
    return 0;
}
