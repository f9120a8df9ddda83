/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_SYNC_H
#define RT_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Typed messages between rt (parent) and the container's init over a
 * SOCK_SEQPACKET socketpair: one message per packet, so no framing bugs. */
enum sync_type {
    SYNC_GO = 1,       /* parent -> init: maps written, cgroup joined: build the container */
    SYNC_READY,        /* init -> parent: everything done, waiting on exec.fifo */
    SYNC_ERROR,        /* init -> parent: payload is the error message; init exits */
    SYNC_HOOKS,        /* init -> parent: mounts done, run prestart/createRuntime hooks */
    SYNC_HOOKS_DONE,   /* parent -> init: payload: state JSON "creating" \n "created" */
    SYNC_SECCOMP,      /* process -> parent: the next packet carries the seccomp listener fd */
    SYNC_SECCOMP_DONE, /* parent -> process: the fd and the state reached listenerPath */
    SYNC_RECORDED,     /* parent -> init: state.json holds our pid: we may outlive rt */
    SYNC_BINDS,        /* init -> parent: my mount namespace is made: open the bind sources */
    SYNC_BIND_TREE,    /* parent -> init: payload a mounts[] index, with the tree's fd */
    SYNC_BINDS_DONE,   /* parent -> init: every tree it could make was sent */
};

int sync_pair(int fds[2], rt_error **err);
int sync_send(int fd, enum sync_type type, const char *payload, rt_error **err);
/* Receive one message; *payload is malloc'd (may be NULL).  EOF is an error
 * saying the other side exited. */
int sync_recv(int fd, enum sync_type *type, char **payload, rt_error **err);
/* Wait until the other side closes its end (or exits). */
void sync_wait_close(int fd);
/* The same with an fd passed along (SCM_RIGHTS); *passed is -1 if none came. */
int sync_send_fd(int fd, enum sync_type type, const char *payload, int pass, rt_error **err);
int sync_recv_fd(int fd, enum sync_type *type, char **payload, int *passed, rt_error **err);

#endif
