/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "devices.h"
#include "log.h"
#include "lsm.h"
#include "mounts.h"
#include "util/path.h"
#include "util/util.h"

/* sysctls that belong to a namespace the container has, as runc allows. */
static int sysctl_check(const oci_config *cfg, const char *key, rt_error **err)
{
    if (!*key || strstr(key, "..") || strchr(key, '/'))
        return rt_err(err, 0, "linux.sysctl: invalid key \"%s\"", key);
    bool ipc = !strncmp(key, "kernel.msg", 10) || !strcmp(key, "kernel.sem") ||
               !strncmp(key, "kernel.shm", 10) || !strncmp(key, "fs.mqueue.", 10);
    bool uts = !strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname");
    bool net = !strncmp(key, "net.", 4);
    const oci_linux *l = cfg->linux_;
    bool have = false;
    const char *want = ipc ? "ipc" : uts ? "uts" : net ? "network" : NULL;
    if (!want)
        return rt_err(err, 0, "linux.sysctl: \"%s\" is not namespaced and cannot be set", key);
    for (size_t i = 0; l && i < l->namespaces_len; i++)
        if (!strcmp(l->namespaces[i].type, want) && !l->namespaces[i].path)
            have = true;
    if (!have)
        return rt_err(err, 0, "linux.sysctl: \"%s\" needs a new %s namespace", key, want);
    return 0;
}

int rootfs_validate(const oci_config *cfg, const char *rootfs, rt_error **err)
{
    struct stat sb;
    if (stat(rootfs, &sb) < 0)
        return rt_err(err, errno, "root.path: %s", rootfs);
    if (!S_ISDIR(sb.st_mode))
        return rt_err(err, 0, "root.path: %s is not a directory", rootfs);
    const oci_linux *l = cfg->linux_;
    unsigned long flag;
    if (l && l->rootfs_propagation && mount_propagation_flag(l->rootfs_propagation, &flag) < 0)
        return rt_err(err, 0, "linux.rootfsPropagation: unknown propagation \"%s\"",
                      l->rootfs_propagation);
    for (size_t i = 0; l && i < l->sysctl.len; i++)
        if (sysctl_check(cfg, l->sysctl.keys[i], err) < 0)
            return -1;
    if (mounts_validate(cfg, err) < 0 || devices_validate(cfg, err) < 0)
        return -1;
    return 0;
}

static int pivot_root_to(int newroot, rt_error **err)
{
    cleanup_close int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0)
        return rt_err(err, errno, "open /");
    if (fchdir(newroot) < 0)
        return rt_err(err, errno, "chdir to rootfs");
    /* pivot_root(".", "."): the old root ends up on top of the new one, and
     * is unmounted from there without needing a directory for it. */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return rt_err(err, errno, "pivot_root");
    if (fchdir(oldroot) < 0)
        return rt_err(err, errno, "chdir to old root");
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return rt_err(err, errno, "make old root rslave");
    if (umount2(".", MNT_DETACH) < 0)
        return rt_err(err, errno, "unmount old root");
    if (chdir("/") < 0)
        return rt_err(err, errno, "chdir /");
    return 0;
}

/* chroot into the rootfs; with move (--no-pivot), after moving it onto /. */
static int chroot_to(const char *rootfs, bool move, rt_error **err)
{
    if (chdir(rootfs) < 0)
        return rt_err(err, errno, "chdir to rootfs");
    if (move && mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return rt_err(err, errno, "move rootfs to /");
    if (chroot(".") < 0)
        return rt_err(err, errno, "chroot");
    if (chdir("/") < 0)
        return rt_err(err, errno, "chdir /");
    return 0;
}

/* Masked and read-only paths are resolved inside the rootfs and mounted
 * through the host's /proc (checked to be procfs) before pivot_root, so the
 * container's own /proc, wherever a config puts it, is never trusted. */
static int mask_path(int rootfd, const char *path, rt_error **err)
{
    cleanup_close int fd = path_open_in_root(rootfd, path, O_PATH | O_NOFOLLOW, NULL);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return rt_err(err, errno, "maskedPaths: open %s", path);
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return rt_err(err, errno, "maskedPaths: stat %s", path);
    char buf[32];
    int r = S_ISDIR(sb.st_mode) ? mount("tmpfs", path_fd(fd, buf), "tmpfs", MS_RDONLY, NULL)
                                : mount("/dev/null", path_fd(fd, buf), NULL, MS_BIND, NULL);
    if (r < 0)
        return rt_err(err, errno, "maskedPaths: mask %s", path);
    return 0;
}

static int readonly_path(int rootfd, const char *path, rt_error **err)
{
    cleanup_close int fd = path_open_in_root(rootfd, path, O_PATH | O_NOFOLLOW, NULL);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return rt_err(err, errno, "readonlyPaths: open %s", path);
    }
    char buf[32];
    if (mount_bind_on(rootfd, path, &fd, path_fd(fd, buf), true, err) < 0)
        return rt_err_wrap(err, "readonlyPaths");
    if (remount_keep_locked(path_fd(fd, buf), MS_RDONLY, err) < 0)
        return rt_err_wrap(err, "readonlyPaths");
    return 0;
}

static int write_sysctl(const char *key, const char *value, rt_error **err)
{
    cleanup_free char *path = xasprintf("/proc/sys/%s", key);
    for (char *p = path + 10; *p; p++)
        if (*p == '.')
            *p = '/';
    cleanup_close int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || write_all(fd, value, strlen(value)) < 0)
        return rt_err(err, errno, "linux.sysctl: set %s", key);
    return 0;
}

/* sysctls are written through the host's /proc: the values a process sees
 * there belong to its own (the container's new) namespaces. */
static int restrict_paths(int rootfd, const oci_config *cfg, rt_error **err)
{
    const oci_linux *l = cfg->linux_;
    for (size_t i = 0; l && i < l->sysctl.len; i++)
        if (write_sysctl(l->sysctl.keys[i], l->sysctl.values[i], err) < 0)
            return -1;
    for (size_t i = 0; l && i < l->masked_paths_len; i++)
        if (mask_path(rootfd, l->masked_paths[i], err) < 0)
            return -1;
    for (size_t i = 0; l && i < l->readonly_paths_len; i++)
        if (readonly_path(rootfd, l->readonly_paths[i], err) < 0)
            return -1;
    return 0;
}

int rootfs_bind_private(const char *rootfs, rt_error **err)
{
    if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return rt_err(err, errno, "bind-mount rootfs %s", rootfs);
    if (mount(NULL, rootfs, NULL, MS_PRIVATE, NULL) < 0)
        return rt_err(err, errno, "make rootfs private");
    return 0;
}

uint64_t rootfs_mount_id(const char *rootfs)
{
    struct statx stx;
    if (statx(AT_FDCWD, rootfs, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 ||
        !(stx.stx_mask & STATX_MNT_ID))
        return 0;
    return stx.stx_mnt_id;
}

/* A mountinfo field with its \ooo escapes undone, in place. */
static void unescape_octal(char *s)
{
    char *o = s;
    for (; *s; s++, o++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *o = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 3;
        } else {
            *o = *s;
        }
    }
    *o = '\0';
}

/* Whether mount mount_id is on path and of the same filesystem as the mount
 * below it: what rt's bind of the rootfs onto itself is, and what a host
 * mount (another filesystem) a forged state.json could name is not. */
static bool is_self_bind(uint64_t mount_id, const char *path)
{
    cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return false;
    char *line = NULL;
    size_t cap = 0;
    unsigned long long id, parent, want_parent = 0;
    char dev[32], mnt[4096], want_dev[32] = "";
    bool found = false;
    while (getline(&line, &cap, f) > 0) {
        if (sscanf(line, "%llu %llu %31s %*s %4095s", &id, &parent, dev, mnt) != 4)
            continue;
        unescape_octal(mnt);
        if (id == mount_id && !strcmp(mnt, path)) {
            found = true;
            want_parent = parent;
            snprintf(want_dev, sizeof(want_dev), "%s", dev);
        }
    }
    bool same = false;
    if (found && fseek(f, 0, SEEK_SET) == 0)
        while (!same && getline(&line, &cap, f) > 0)
            same = sscanf(line, "%llu %*s %31s", &id, dev) == 2 && id == want_parent &&
                   !strcmp(dev, want_dev);
    free(line);
    return same;
}

void rootfs_unbind(const char *rootfs, uint64_t mount_id)
{
    if (!mount_id || !rootfs || rootfs_mount_id(rootfs) != mount_id)
        return;
    if (!is_self_bind(mount_id, rootfs)) {
        log_warn("%s is not rt's bind of a rootfs onto itself: left mounted", rootfs);
        return;
    }
    if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
        log_warn("unmount rootfs %s: %s", rootfs, strerror(errno));
}

static int private_tree(const char *rootfs, rt_error **err)
{
    if (mount(NULL, rootfs, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
        return rt_err(err, errno, "make the mounts under %s private", rootfs);
    return 0;
}

/* config.json's mounts[i]. */
static int mount_entry(int rootfd, const oci_config *cfg, size_t i, const rt_state *st,
                       const rootfs_opts *opts, rt_error **err)
{
    const oci_mount *m = &cfg->mounts[i];
    if (!opts->netns && m->type && !strcmp(m->type, "sysfs")) {
        /* sysfs needs a network namespace of our own: bind the host's. */
        oci_mount bind = *m;
        /* CVE-2023-25809: read-only all the way down, or the host's
         * /sys/fs/cgroup below it would stay writable. */
        char *bind_opts[] = {"rbind", "nosuid",  "noexec",  "nodev", "ro",
                             "rro",   "rnosuid", "rnoexec", "rnodev"};
        bind.source = "/sys";
        bind.options = bind_opts;
        bind.options_len = sizeof(bind_opts) / sizeof(*bind_opts);
        return mount_one(rootfd, &bind, st, opts->cgroupns, err);
    }
    int tree = opts->trees && i < opts->trees->len ? opts->trees->fds[i] : -1;
    cleanup_lsm_mount lsm_mount labelled;
    const oci_mount *lm = lsm_label_mount(m, cfg->linux_->mount_label, &labelled);
    return tree >= 0 ? mount_one_prepared(rootfd, m, tree, err)
                     : mount_one(rootfd, lm, st, opts->cgroupns, err);
}

int rootfs_prepare(const oci_config *cfg, const char *rootfs, const rt_state *st,
                   const rootfs_opts *opts, rt_error **err)
{
    /* Nothing we mount may propagate back to the host, but the host's
     * mounts under the rootfs still reach us (slave, as runc; pivot_root
     * only needs the rootfs to be a mount point that is not shared).  In
     * the host's mount namespace rt made a private bind mount before. */
    if (!opts->host_mntns) {
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
            return rt_err(err, errno, "make / rslave");
        if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
            return rt_err(err, errno, "bind-mount rootfs %s", rootfs);
    }
    cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return rt_err(err, errno, "open rootfs %s", rootfs);
    cleanup_close int procfd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (procfd < 0 || !fd_is_procfs(procfd))
        return rt_err(err, 0, "/proc of the host is not procfs; refusing to mount through it");
    /* In the host's mount namespace a bind of a shared mount would join its
     * peer group, and what we mount under it would reach the host: our tree
     * is made private again after each mount. */
    if (opts->host_mntns && private_tree(rootfs, err) < 0)
        return -1;
    for (size_t i = 0; i < cfg->mounts_len; i++)
        if (mount_entry(rootfd, cfg, i, st, opts, err) < 0 ||
            (opts->host_mntns && private_tree(rootfs, err) < 0))
            return -1;
    if (devices_setup(rootfd, cfg, opts->userns, err) < 0)
        return -1;
    /* /dev/console before masked and read-only paths, as config-linux.md says. */
    if (opts->pty && (pty_open(rootfd, "/dev/pts/ptmx", opts->pty, err) < 0 ||
                      pty_bind_console(rootfd, opts->pty, err) < 0))
        return -1;
    if (restrict_paths(rootfd, cfg, err) < 0)
        return -1;
    return mounts_finish_readonly(rootfd, cfg, err);
}

/* Whether path is dir or below it. */
static bool path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return !strncmp(path, dir, n) && (path[n] == '/' || !path[n] || n == 1);
}

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Whether a mountinfo line is a whole procfs or sysfs mounted outside
 * rootfs; its mount point in mnt. */
static bool is_host_pseudo_fs(const char *line, const char *rootfs, char mnt[static 4096])
{
    char root[4096], type[64];
    const char *dash = strstr(line, " - ");
    if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
        sscanf(dash, " - %63s", type) != 1)
        return false;
    unescape_octal(mnt);
    return !strcmp(root, "/") && (!strcmp(type, "proc") || !strcmp(type, "sysfs")) &&
           !path_under(mnt, rootfs);
}

/* The mount points of whole procfs and sysfs mounts outside rootfs, as
 * mountinfo lists them (parents first): *list, NULL-ended (NULL if none). */
static int host_pseudo_fs(const char *rootfs, char ***list, rt_error **err)
{
    *list = NULL;
    cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return rt_err(err, errno, "open /proc/self/mountinfo");
    size_t n = 0;
    char *line = NULL, mnt[4096];
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0)
        if (is_host_pseudo_fs(line, rootfs, mnt))
            *list = strv_push(*list, &n, xstrdup(mnt));
    free(line);
    return 0;
}

/* --no-pivot: MS_MOVE + chroot keeps the host's mounts in the container's
 * mount namespace, out of reach by path but there for the kernel, which
 * lets a nested user namespace mount a new procfs or sysfs wherever a whole
 * one is visible unmasked: the host's.  runc hides them, and so does rt:
 * each whole procfs and sysfs outside the rootfs is detached, or covered
 * with a tmpfs where it cannot be (locked, in a user namespace).  The
 * container's mount namespace is rslave: nothing reaches the host. */
static int hide_host_pseudo_fs(const char *rootfs, rt_error **err)
{
    char **list;
    if (host_pseudo_fs(rootfs, &list, err) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; r == 0 && list && list[i]; i++) {
        if (umount2(list[i], MNT_DETACH | UMOUNT_NOFOLLOW) == 0 || errno == ENOENT)
            continue;
        if (errno != EINVAL && errno != EPERM)
            r = rt_err(err, errno, "--no-pivot: unmount %s", list[i]);
        else if (mount("tmpfs", list[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                       NULL) < 0 &&
                 errno != ENOENT)
            r = rt_err(err, errno, "--no-pivot: cover %s", list[i]);
    }
    strv_free(list);
    return r;
}

int rootfs_enter(const oci_config *cfg, const char *rootfs, const rootfs_opts *opts, rt_error **err)
{
    cleanup_close int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (newroot < 0)
        return rt_err(err, errno, "open rootfs %s", rootfs);
    if (opts->no_pivot && !opts->host_mntns && hide_host_pseudo_fs(rootfs, err) < 0)
        return -1;
    if (opts->host_mntns || opts->no_pivot ? chroot_to(rootfs, !opts->host_mntns, err)
                                           : pivot_root_to(newroot, err))
        return -1;
    const oci_linux *l = cfg->linux_;
    unsigned long flag;
    if (l && l->rootfs_propagation && mount_propagation_flag(l->rootfs_propagation, &flag) == 0 &&
        mount(NULL, "/", NULL, flag, NULL) < 0)
        return rt_err(err, errno, "set rootfs propagation %s", l->rootfs_propagation);
    if (cfg->root->readonly && remount_keep_locked("/", MS_RDONLY, err) < 0)
        return rt_err_wrap(err, "root.readonly");
    return 0;
}
