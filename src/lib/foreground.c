/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "foreground.h"

#include <errno.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "terminal.h"

int signals_block(sigset_t *old, rt_error **err)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, old);
    int fd = signalfd(-1, &all, SFD_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, old, NULL);
        return rt_err(err, e, "signalfd");
    }
    return fd;
}

/* Without a terminal: SIGCHLD reaps (any child: we may be a subreaper), any
 * other signal is passed on. */
static int wait_forwarding(pid_t pid, int sigfd, int *ws, rt_error **err)
{
    for (;;) {
        struct signalfd_siginfo si;
        ssize_t n = read(sigfd, &si, sizeof(si));
        if (n < 0 && errno == EINTR)
            continue;
        if (n != sizeof(si))
            return rt_err(err, errno, "wait for the process");
        if (si.ssi_signo != SIGCHLD) {
            kill(pid, (int)si.ssi_signo);
            continue;
        }
        pid_t w;
        int s;
        while ((w = waitpid(-1, &s, WNOHANG)) > 0)
            if (w == pid) {
                *ws = s;
                return 0;
            }
    }
}

int foreground_wait(pid_t pid, int sigfd, int master, int *status, rt_error **err)
{
    int ws = 0;
    int r = master >= 0 ? terminal_proxy(master, sigfd, pid, &ws, err)
                        : wait_forwarding(pid, sigfd, &ws, err);
    if (r < 0)
        return -1;
    *status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
    return 0;
}
