/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_MOUNTS_H
#define RT_MOUNTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"
#include "state.h"

/* A config mount's options, split into mount(2) flags, propagation, the
 * recursive mount_setattr(2) attributes, rt's own options and the data
 * string (everything else, passed to the filesystem). */
typedef struct mount_opts {
    unsigned long flags;
    unsigned long cleared; /* MS_* flags an option cleared (rw, suid …): cleared on a bind too */
    bool atime_given;      /* an atime option was given: a bind mount gets it */
    unsigned long propagation;
    unsigned long long attr_set, attr_clr; /* MOUNT_ATTR_* for the r* options */
    bool tmpcopyup;
    bool idmap, ridmap; /* ridmap sets both */
    char *data;
} mount_opts;

/* The mappings of an idmapped mount. */
typedef struct idmap_maps {
    const oci_id_mapping *uids, *gids;
    size_t nuids, ngids;
    bool recursive;
} idmap_maps;

/* MS_* of a propagation name ("rslave"...); -1 if it is not one. */
int mount_propagation_flag(const char *name, unsigned long *flag);
int mount_opts_parse(char **options, size_t n, mount_opts *out, rt_error **err);
/* Check every mount of the config (options, destinations) before cloning. */
int mounts_validate(const oci_config *cfg, rt_error **err);
/* Mount config mount m inside the rootfs open as rootfd (the cwd is the
 * bundle: relative sources and overlay dirs are taken from there). */
int mount_one(int rootfd, const oci_mount *m, const rt_state *st, bool cgroupns, rt_error **err);
/* Bind src (a path; recursively if rec) on *fd, the O_PATH fd of the
 * destination dest inside the rootfs open as rootfd, and make *fd the new
 * mount (an fd of the destination refers to what the mount covers): a
 * detached copy (open_tree, Linux 5.2) attached by fd, so the mount later
 * steps act on is the one made; mount(2) and dest reopened by path before. */
int mount_bind_on(int rootfd, const char *dest, int *fd, const char *src, bool rec, rt_error **err);
/* Remount an existing mount point with extra flags, keeping the flags the
 * kernel locks (nosuid, nodev, noexec, atime) as they are. */
int remount_keep_locked(const char *target, unsigned long flags, rt_error **err);

/* A read-only tmpfs, or a read-only new filesystem on /dev, is mounted
 * writable by mount_one; this makes them read-only once everything in them
 * is made (devices, /dev/pts, masked paths). */
int mounts_finish_readonly(int rootfd, const oci_config *cfg, rt_error **err);

/* Idmapped mounts of a container in its own user namespace: only a process
 * in the host's user namespace may idmap a host filesystem, so the runtime
 * makes these bind mounts as detached trees before clone, and the init
 * attaches them.  fds[i] belongs to mounts[i], -1 for the others. */
typedef struct mount_trees {
    int *fds;
    size_t len;
} mount_trees;

/* In the runtime, before clone (userns: the init gets a new or joined user
 * namespace; without one the init makes its idmapped mounts itself and
 * this does nothing).  Relative sources are taken from bundle. */
int mount_trees_prepare(const oci_config *cfg, const char *bundle, bool userns, mount_trees *t,
                        rt_error **err);
void mount_trees_close(mount_trees *t);
/* In the init: mount m from its prepared tree. */
int mount_one_prepared(int rootfd, const oci_mount *m, int tree, rt_error **err);

/* Bind sources in a user namespace, as runc opens them: by rt, root of the
 * host, in the init's mount namespace (a source the container's root may not
 * reach, mode 0700 say, is still mounted; the mounts keep the locks the
 * namespace put on them).  The init asks once its mount namespace is made
 * (mount_sources_receive) and rt answers with one tree per bind mount that
 * is not idmapped (mount_sources_send); a source rt cannot open, or a
 * runtime that may not enter the namespace (rootless), leaves the mount to
 * the init, which makes it by path as before and says why it failed. */
bool mount_sources_wanted(const oci_config *cfg);
int mount_sources_send(const oci_config *cfg, const char *bundle, pid_t pid, int sock,
                       rt_error **err);
int mount_sources_receive(const oci_config *cfg, int sock, mount_trees *t, rt_error **err);

/* tmpcopyup (mountcopy.c): copy the directory src into dst, keeping owners,
 * modes and times; symlinks are copied, never followed. */
int mount_copy_tree(int src, int dst, rt_error **err);

#endif
