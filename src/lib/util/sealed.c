/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <linux/mount.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* CVE-2019-5736: a container can make a process of ours (the init, or the
 * child of exec, before it execs the container's program) execve
 * /proc/self/exe, directly or as the #! interpreter of a script, and so run
 * our binary inside the container, where /proc/PID/exe hands it the host
 * file to overwrite once we exit.  The commands that put processes into a
 * container therefore run from a binary the container cannot write: the
 * same file seen through a private read-only bind mount of it (open_tree,
 * no copy), or where that is refused (no CAP_SYS_ADMIN over our mount
 * namespace: rootless) a sealed memfd copy. */

/* Execute ourselves from a detached read-only bind mount of our binary;
 * returns only if that could not be done. */
static void reexec_read_only(int self, char **argv)
{
    cleanup_close int tree = (int)syscall(SYS_open_tree, self, "",
                                          AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
    if (tree >= 0 && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) == 0)
        syscall(SYS_execveat, tree, "", argv, environ, AT_EMPTY_PATH);
}

int sealed_self_reexec(char **argv, rt_error **err)
{
    cleanup_close int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return rt_err(err, errno, "open /proc/self/exe");
    int seals = fcntl(self, F_GET_SEALS);
    if (seals >= 0 && (seals & F_SEAL_WRITE))
        return 0; /* we are the copy */
    /* On a read-only mount the binary cannot be written through any fd. */
    struct statvfs sv;
    if (fstatvfs(self, &sv) == 0 && (sv.f_flag & ST_RDONLY))
        return 0;
    reexec_read_only(self, argv);
    struct stat sb;
    if (fstat(self, &sb) < 0)
        return rt_err(err, errno, "stat /proc/self/exe");
    unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
    cleanup_close int copy = (int)syscall(SYS_memfd_create, "rt", flags | MFD_EXEC);
    if (copy < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
        copy = (int)syscall(SYS_memfd_create, "rt", flags);
    if (copy < 0)
        return rt_err(err, errno, "memfd_create");
    for (off_t done = 0; done < sb.st_size;) {
        ssize_t n = sendfile(copy, self, NULL, (size_t)(sb.st_size - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return rt_err(err, n < 0 ? errno : EIO, "copy /proc/self/exe to a memfd");
        done += n;
    }
    if (fcntl(copy, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
        return rt_err(err, errno, "seal the memfd copy of rt");
    syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
    return rt_err(err, errno, "execute the sealed copy of rt");
}
