/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_TERMINAL_H
#define RT_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* A pty of the container's own devpts: the master goes to whoever drives the
 * terminal (a --console-socket, or rt's own proxy), the slave becomes the
 * process's controlling terminal and stdio. */
typedef struct pty {
    int master;
    int slave;
    char name[32]; /* /dev/pts/N as the container sees it */
} pty;

/* Open ptmx at ptmx_path inside rootfd (checked to be the pty multiplexer) and
 * its peer, without a path lookup for the slave. */
int pty_open(int rootfd, const char *ptmx_path, pty *p, rt_error **err);
void pty_close(pty *p);
/* Bind the slave onto /dev/console inside the rootfs. */
int pty_bind_console(int rootfd, const pty *p, rt_error **err);
int pty_set_size(int master, const oci_console_size *size, rt_error **err);
/* setsid, make the slave the controlling terminal, and stdio. */
int pty_make_controlling(pty *p, rt_error **err);

/* --console-socket: connect to the receiver, send it the master. */
int console_socket_connect(const char *path, rt_error **err);
int console_send_master(int sock, const pty *p, rt_error **err);
int console_recv_master(int sock, int *master, rt_error **err);

/* The terminal of rt's session, found as runc does: stderr, stdout or stdin
 * when one is a terminal, else /dev/tty (all three redirected, a controlling
 * terminal still there).  A new fd (close-on-exec), or -1: none. */
int terminal_of_session(void);
bool terminal_available(void);

/* Foreground terminal: copy stdin to the master and the master to stdout
 * (the session's terminal in raw mode, its window size passed on) until the
 * process exits; signals from sigfd are forwarded to pid.  Returns 0 with the
 * process's wait status in *status. */
/* Copy the window size of terminal `from` (if it is one) to `to`. */
void terminal_copy_size(int from, int to);
int terminal_proxy(int master, int sigfd, pid_t pid, int *status, rt_error **err);

#endif
