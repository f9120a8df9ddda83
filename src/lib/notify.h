/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_NOTIFY_H
#define RT_NOTIFY_H

#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* sd_notify for containers, as runc does it: with NOTIFY_SOCKET in rt's
 * environment, `create` makes <state>/notify and binds it into the container
 * at /run/notify, whose processes get NOTIFY_SOCKET=/run/notify/notify.sock;
 * `start` (and `run`) listen there, wait for READY=1 (or the init's exit)
 * and pass the message on to rt's own NOTIFY_SOCKET with MAINPID. */

#define NOTIFY_DIR "notify"

/* create: the directory, the mount and the env of the config. */
int notify_prepare(int dirfd, const char *state_path, oci_config *cfg, rt_error **err);
/* start: bind the socket (before the process runs); -1 fd when not asked. */
int notify_listen(int dirfd, int *sock, rt_error **err);
/* start: wait for READY=1 or the init's exit, then forward. */
int notify_wait_ready(int sock, int pidfd, pid_t pid, rt_error **err);

#endif
