/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_FOREGROUND_H
#define RT_FOREGROUND_H

#include <signal.h>
#include <sys/types.h>

#include "error.h"

/* rt staying in the foreground of a process it started (run, exec): every
 * signal it gets goes to the process, and it exits with the process's status. */

/* Block all signals (the previous mask in *old) and return a signalfd for them. */
int signals_block(sigset_t *old, rt_error **err);
/* Wait for pid, forwarding signals read from sigfd; with a pty master >= 0,
 * proxy rt's terminal meanwhile.  *status: the exit code, 128+N when killed
 * by signal N. */
int foreground_wait(pid_t pid, int sigfd, int master, int *status, rt_error **err);

#endif
