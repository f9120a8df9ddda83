/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_PATH_H
#define RT_PATH_H

#include <stdbool.h>

#include "../error.h"

/* Paths inside the container's root, resolved by openat2(RESOLVE_IN_ROOT): a
 * symlink in the image can never lead out of the rootfs. */

/* Open `path` (absolute or not, taken as inside rootfd) with flags. */
int path_open_in_root(int rootfd, const char *path, int flags, rt_error **err);
/* Make the directories of `path` inside rootfd (and the last one too, or an
 * empty file when last_is_file), then return an O_PATH fd of it. */
int path_create_in_root(int rootfd, const char *path, bool last_is_file, rt_error **err);
/* The process's cwd resolved inside our own root, without magic links
 * (CVE-2024-21626), opened before a seccomp filter could refuse openat2; then
 * entered (fchdir, and checked to be inside the root) as root and as the user. */
int path_open_cwd(const char *cwd, rt_error **err);
int path_enter_cwd(int fd, const char *cwd, rt_error **err);
/* "/proc/self/fd/N" for mount(2) and friends. */
const char *path_fd(int fd, char buf[static 32]);

#endif
