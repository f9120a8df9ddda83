/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_MOUNTAPI_H
#define RT_MOUNTAPI_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci_config.h"

/* The fd-based mount API (open_tree, mount_setattr, move_mount): a mount is
 * made as a detached tree, shaped while nobody can see it, and attached onto
 * the destination's O_PATH fd; no "/proc/self/fd/N" string is involved.
 * Every function returns -1 with errno ENOSYS (and *err unset) where the
 * kernel lacks the call, so the caller can fall back to mount(2). */

/* A detached copy of the tree at path (relative to dirfd), with its
 * submounts when recursive.  Returns the tree's fd. */
int mnt_tree_clone(int dirfd, const char *path, bool recursive, rt_error **err);

/* mount_setattr(2) on a tree fd: set/clear MOUNT_ATTR_* and propagation
 * (MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE, or 0). */
int mnt_tree_setattr(int tree, unsigned long long set, unsigned long long clr,
                     unsigned long propagation, bool recursive, rt_error **err);

/* Idmap a detached tree: a throwaway user namespace gets the mappings
 * ("containerID hostID size" lines, as runc and the runtime-spec mean them:
 * a file owned by containerID on disk shows as hostID), and the tree is
 * marked MOUNT_ATTR_IDMAP with it. */
int mnt_tree_idmap(int tree, const oci_id_mapping *uids, size_t nuids, const oci_id_mapping *gids,
                   size_t ngids, bool recursive, rt_error **err);

/* Attach a detached tree onto the directory or file open as dest_fd. */
int mnt_tree_attach(int tree, int dest_fd, rt_error **err);

#endif
