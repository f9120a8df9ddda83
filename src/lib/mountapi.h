/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_MOUNTAPI_H
#define RT_MOUNTAPI_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci_config.h"

/* The fd-based mount API (fsopen, fsmount, open_tree, mount_setattr,
 * move_mount): a mount is made as a detached tree, shaped while nobody can
 * see it, and attached onto the destination's O_PATH fd; no
 * "/proc/self/fd/N" string is involved, and the tree's fd stays the new
 * mount's.  Every function returns -1 with errno ENOSYS (and *err unset)
 * where the kernel lacks the call, so the caller can fall back to mount(2). */

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

/* A new filesystem as a detached mount (fsopen, fsconfig, fsmount), as
 * mount(2) makes it: sb_flags are mount(2) flags, of which the superblock's
 * (MS_RDONLY, MS_SYNCHRONOUS, MS_DIRSYNC, MS_LAZYTIME, MS_MANDLOCK) count,
 * attrs the MOUNT_ATTR_* of the mount, data mount(2)'s comma-separated
 * filesystem options.  Returns the mount's fd. */
int mnt_fs_create(const char *type, const char *source, unsigned long sb_flags,
                  unsigned long long attrs, const char *data, rt_error **err);

/* Attach a detached tree onto the directory or file open as dest_fd. */
int mnt_tree_attach(int tree, int dest_fd, rt_error **err);

#endif
