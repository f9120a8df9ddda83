/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_STATE_H
#define RT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/types.h>

#include "cgroup/paths.h"
#include "error.h"

/* What rt remembers of a container between calls: <root>/<id>/state.json.
 * Liveness is never taken from here alone: see state_status(). */
typedef struct rt_state {
    char *id;
    pid_t pid;
    uint64_t start_time; /* of the init, from /proc/PID/stat */
    char *bundle;
    char *rootfs;
    char *created;
    char *owner;
    char **annotation_keys;
    char **annotation_values;
    size_t annotations_len;
    cgroup_paths cgroups;
    uint64_t rootfs_mount; /* no mount namespace: mount id of rt's bind of the rootfs */
} rt_state;

#define STATE_FILE "state.json"
#define CONFIG_COPY "config.json"
#define EXEC_FIFO "exec.fifo"

int state_valid_id(const char *id, rt_error **err);
/* Open (and with create, make) the root directory. */
int state_root_open(const char *root, bool create, rt_error **err);
/* Make <root>/<id> and return it locked exclusively; fails if it exists. */
int state_dir_create(int rootfd, const char *id, rt_error **err);
/* Open <root>/<id>, locked with flock's lock (LOCK_SH or LOCK_EX; 0: not
 * locked); fails if it has no state.json (yet). */
int state_dir_open(int rootfd, const char *id, int lock, rt_error **err);
/* Open <root>/<id> whatever it holds and lock it exclusively, once a create
 * under way is done with it (delete --force of a leftover). -1 with errno
 * ENOENT and no error if there is none. */
int state_dir_claim(int rootfd, const char *id, rt_error **err);
int state_dir_remove(int rootfd, const char *id);
/* flock(how) an open state directory, waiting for the holder. */
int state_dir_lock(int fd, int how, rt_error **err);
void state_dir_unlock(int fd);

int state_write(int dirfd, const rt_state *st, rt_error **err);
/* Read <dir>/state.json of the container id (which st->id then is). */
int state_read(int dirfd, const char *id, rt_state **out, rt_error **err);
/* The same from the text of a state.json. */
int state_parse(const char *data, size_t len, const char *id, rt_state **out, rt_error **err);
void state_free(rt_state *st);

/* created, running, paused or stopped, from the live kernel objects. */
const char *state_status(int dirfd, const rt_state *st);
/* A pidfd for the init if it is alive and still the same process, else -1. */
int state_init_pidfd(const rt_state *st);

#endif
