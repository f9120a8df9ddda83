/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/magic.h>
#include <limits.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "log.h"
#include "mountapi.h"
#include "sync.h"
#include "util/path.h"
#include "util/util.h"

/* clang-format off */
static const struct {
    const char *name;
    bool clear;
    unsigned long flag;
} flag_opts[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},         {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},     {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},       {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},     {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},  {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},   {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},     {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},   {"atime", true, MS_NOATIME},
    {"nodiratime", false, MS_NODIRATIME}, {"diratime", true, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME}, {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME}, {"nolazytime", true, MS_LAZYTIME},
    {"iversion", false, MS_I_VERSION}, {"noiversion", true, MS_I_VERSION},
    {"silent", false, MS_SILENT},     {"loud", true, MS_SILENT},
    {"nosymfollow", false, MS_NOSYMFOLLOW}, {"symfollow", true, MS_NOSYMFOLLOW},
    {"bind", false, MS_BIND},         {"rbind", false, MS_BIND | MS_REC},
};

#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

static const struct {
    const char *name;
    unsigned long flag;
} propagation_opts[] = {
    {"private", MS_PRIVATE},   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},     {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},       {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

int mount_propagation_flag(const char *name, unsigned long *flag)
{
    for (size_t i = 0; i < sizeof(propagation_opts) / sizeof(*propagation_opts); i++)
        if (!strcmp(name, propagation_opts[i].name)) {
            *flag = propagation_opts[i].flag;
            return 0;
        }
    return -1;
}

/* The recursive options, applied with mount_setattr(AT_RECURSIVE). */
static const struct {
    const char *name;
    bool clear;
    unsigned long long attr;
} recursive_opts[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},      {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},  {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},  {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

/* The atime setting is one value, not a bit: MOUNT_ATTR_RELATIME is 0, and
 * a change must clear the whole MOUNT_ATTR__ATIME field. */
static const struct {
    const char *name;
    unsigned long long atime;
} recursive_atime_opts[] = {
    {"rnoatime", MOUNT_ATTR_NOATIME},       {"ratime", MOUNT_ATTR_RELATIME},
    {"rrelatime", MOUNT_ATTR_RELATIME},     {"rnorelatime", MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", MOUNT_ATTR_RELATIME},
};

/* Per-mount flags as mount attributes (of a bind mount, or a new mount). */
static const struct {
    unsigned long flag;
    unsigned long long attr;
} bind_attrs[] = {
    {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
    {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
};

/* clang-format on */

#define ARRAY_LEN(a) (sizeof(a) / sizeof(*(a)))

static bool parse_one(const char *o, mount_opts *out)
{
    for (size_t i = 0; i < ARRAY_LEN(flag_opts); i++) {
        if (strcmp(o, flag_opts[i].name))
            continue;
        if (flag_opts[i].flag & ATIME_FLAGS)
            out->atime_given = true;
        if (flag_opts[i].clear) {
            out->flags &= ~flag_opts[i].flag;
            out->cleared |= flag_opts[i].flag;
        } else {
            out->flags |= flag_opts[i].flag;
            out->cleared &= ~flag_opts[i].flag;
        }
        return true;
    }
    for (size_t i = 0; i < ARRAY_LEN(propagation_opts); i++) {
        if (!strcmp(o, propagation_opts[i].name)) {
            out->propagation = propagation_opts[i].flag;
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(recursive_opts); i++) {
        if (strcmp(o, recursive_opts[i].name))
            continue;
        if (recursive_opts[i].clear) {
            out->attr_clr |= recursive_opts[i].attr;
            out->attr_set &= ~recursive_opts[i].attr;
        } else {
            out->attr_set |= recursive_opts[i].attr;
            out->attr_clr &= ~recursive_opts[i].attr;
        }
        return true;
    }
    for (size_t i = 0; i < ARRAY_LEN(recursive_atime_opts); i++) {
        if (strcmp(o, recursive_atime_opts[i].name))
            continue;
        out->attr_clr |= MOUNT_ATTR__ATIME;
        out->attr_set = (out->attr_set & ~(unsigned long long)MOUNT_ATTR__ATIME) |
                        recursive_atime_opts[i].atime;
        return true;
    }
    if (!strcmp(o, "tmpcopyup"))
        return out->tmpcopyup = true;
    if (!strcmp(o, "idmap"))
        return out->idmap = true;
    if (!strcmp(o, "ridmap"))
        return out->idmap = out->ridmap = true;
    return false;
}

int mount_opts_parse(char **options, size_t n, mount_opts *out, rt_error **err)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < n; i++)
        cap += strlen(options[i]) + 1;
    out->data = calloc(1, cap);
    if (!out->data)
        return rt_err(err, ENOMEM, "mount options");
    for (size_t i = 0; i < n; i++) {
        const char *o = options[i];
        if (parse_one(o, out))
            continue;
        /* Anything else is filesystem data, passed through (mode=755, size=...). */
        len += (size_t)snprintf(out->data + len, cap - len, "%s%s", len ? "," : "", o);
    }
    return 0;
}

/* The mappings an idmapped mount uses: its own, or with a bare idmap/ridmap
 * option the container's user namespace mappings.  False if none. */
static bool idmap_of(const oci_config *cfg, const oci_mount *m, const mount_opts *o,
                     idmap_maps *maps)
{
    memset(maps, 0, sizeof(*maps));
    maps->recursive = o->ridmap;
    if (m->uid_mappings_len || m->gid_mappings_len) {
        maps->uids = m->uid_mappings;
        maps->nuids = m->uid_mappings_len;
        maps->gids = m->gid_mappings;
        maps->ngids = m->gid_mappings_len;
        return true;
    }
    if (!o->idmap)
        return false;
    if (cfg && cfg->linux_) {
        maps->uids = cfg->linux_->uid_mappings;
        maps->nuids = cfg->linux_->uid_mappings_len;
        maps->gids = cfg->linux_->gid_mappings;
        maps->ngids = cfg->linux_->gid_mappings_len;
    }
    return true;
}

static bool has_data_key(const char *data, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = data; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, key, k) && p[k] == '=')
            return true;
    return false;
}

static int validate_one(const oci_config *cfg, size_t i, rt_error **err)
{
    const oci_mount *m = &cfg->mounts[i];
    if (!m->destination || m->destination[0] != '/')
        return rt_err(err, 0, "mounts[%zu].destination: must be an absolute path", i);
    mount_opts o;
    if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
        return rt_err_wrap(err, "mounts[%zu].options", i);
    cleanup_free char *data = o.data; /* freed on return */
    (void)data;
    bool bind = (o.flags & MS_BIND) != 0;
    if (!bind && !m->type)
        return rt_err(err, 0, "mounts[%zu].type: required for a mount that is not a bind mount", i);
    if (bind && (!m->source || !*m->source))
        return rt_err(err, 0, "mounts[%zu].source: required for a bind mount", i);
    if (o.tmpcopyup && (bind || strcmp(m->type, "tmpfs")))
        return rt_err(err, 0, "mounts[%zu].options: tmpcopyup needs a tmpfs mount", i);
    if (!bind && !strcmp(m->type, "overlay") && !has_data_key(data, "lowerdir"))
        return rt_err(err, 0, "mounts[%zu].options: an overlay mount needs lowerdir=", i);
    if (!m->uid_mappings_len != !m->gid_mappings_len)
        return rt_err(err, 0, "mounts[%zu]: uidMappings and gidMappings go together", i);
    idmap_maps maps;
    if (!idmap_of(cfg, m, &o, &maps))
        return 0;
    if (!bind)
        return rt_err(err, 0, "mounts[%zu]: an idmapped mount must be a bind mount", i);
    if (!maps.nuids || !maps.ngids)
        return rt_err(err, 0,
                      "mounts[%zu].options: idmap without uidMappings and gidMappings needs the "
                      "container's user namespace mappings",
                      i);
    return 0;
}

int mounts_validate(const oci_config *cfg, rt_error **err)
{
    for (size_t i = 0; i < cfg->mounts_len; i++)
        if (validate_one(cfg, i, err) < 0)
            return -1;
    return 0;
}

int remount_keep_locked(const char *target, unsigned long flags, rt_error **err)
{
    struct statvfs sv;
    if (statvfs(target, &sv) < 0)
        return rt_err(err, errno, "statvfs %s", target);
    unsigned long keep = 0;
    if (sv.f_flag & ST_NOSUID)
        keep |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        keep |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        keep |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME)
        keep |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME)
        keep |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME)
        keep |= MS_RELATIME;
    if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | keep | flags, NULL) < 0)
        return rt_err(err, errno, "remount %s", target);
    return 0;
}

/* A new filesystem asked read-only on /dev, or a tmpfs: made writable so
 * that devices, /dev/pts, mount points and tmpcopyup can go in, and made
 * read-only by mounts_finish_readonly, as runc does. */
static bool readonly_deferred(const oci_mount *m, const mount_opts *o)
{
    if ((o->flags & (MS_BIND | MS_RDONLY)) != MS_RDONLY)
        return false;
    const char *d = m->destination + strspn(m->destination, "/");
    bool dev = !strncmp(d, "dev", 3) && d[3 + strspn(d + 3, "/")] == '\0';
    return dev || (m->type && !strcmp(m->type, "tmpfs"));
}

/* Read-only as runc makes it: the mount (its superblock stays writable). */
static int remount_readonly(int rootfd, const char *dest, rt_error **err)
{
    cleanup_close int fd = path_open_in_root(rootfd, dest, O_PATH, err);
    char buf[32];
    if (fd < 0 || remount_keep_locked(path_fd(fd, buf), MS_RDONLY, err) < 0)
        return rt_err_wrap(err, "mount %s: read-only", dest);
    return 0;
}

int mounts_finish_readonly(int rootfd, const oci_config *cfg, rt_error **err)
{
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        const oci_mount *m = &cfg->mounts[i];
        mount_opts o;
        if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
            return -1;
        free(o.data);
        if (readonly_deferred(m, &o) && remount_readonly(rootfd, m->destination, err) < 0)
            return -1;
    }
    return 0;
}

/* Files inside /proc a mount may cover (lxcfs and the like), as runc allows. */
static const char *const proc_mount_ok[] = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",
    "/proc/stat",    "/proc/swaps",     "/proc/uptime",
    "/proc/loadavg", "/proc/slabinfo",  "/proc/sys/kernel/ns_last_pid",
    "/proc/net/dev",
};

static bool is_fs(const char *path, int fd, long magic)
{
    struct statfs sf;
    return (path ? statfs(path, &sf) : fstatfs(fd, &sf)) == 0 && sf.f_type == magic;
}

/* CVE-2019-16884, CVE-2019-19921: only procfs may be mounted on /proc, and
 * nothing inside it but the few files above, judged by where the destination
 * fd we mount on really is (through a symlink in a volume, say, that another
 * container may swap at any moment), not by its spelling. */
static int check_proc_destination(int rootfd, const oci_mount *m, int fd, rt_error **err)
{
    if (m->type && !strcmp(m->type, "proc"))
        return 0;
    char buf[32], real[PATH_MAX], root[PATH_MAX];
    ssize_t n = readlink(path_fd(fd, buf), real, sizeof(real) - 1);
    ssize_t rn = readlink(path_fd(rootfd, buf), root, sizeof(root) - 1);
    if (n < 0 || rn < 0)
        return rt_err(err, errno, "mount %s: resolve the destination", m->destination);
    real[n] = root[rn] = '\0';
    const char *rel = real;
    if (!strncmp(real, root, (size_t)rn) && (real[rn] == '/' || !real[rn]))
        rel = real[rn] ? real + rn : "/";
    bool in_proc = is_fs(NULL, fd, PROC_SUPER_MAGIC);
    if (!in_proc && strcmp(rel, "/proc"))
        return 0;
    if (!strcmp(rel, "/proc")) {
        if (m->source && is_fs(m->source, -1, PROC_SUPER_MAGIC))
            return 0;
        return rt_err(err, 0, "mount %s: it resolves to /proc, where only procfs may be mounted",
                      m->destination);
    }
    for (size_t i = 0; i < ARRAY_LEN(proc_mount_ok); i++)
        if (!strcmp(rel, proc_mount_ok[i]))
            return 0;
    return rt_err(err, 0, "mount %s: it resolves to %s, inside /proc", m->destination, rel);
}

/* procfs and sysfs go on a directory of the image itself, never through a
 * symlink nor onto a file (CVE-2019-19921), as runc says. */
static bool needs_ordinary_dir(const oci_mount *m)
{
    return m->type && (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs"));
}

/* The destination itself (a last symlink not followed) as an O_PATH fd,
 * refused unless it is a directory; -1 with errno ENOENT and *err unset if
 * it is missing. */
static int open_ordinary_dir(int rootfd, const oci_mount *m, rt_error **err)
{
    cleanup_close int fd = path_open_in_root(rootfd, m->destination, O_PATH | O_NOFOLLOW, NULL);
    if (fd < 0)
        return errno == ENOENT ? -1 : rt_err(err, errno, "mount %s", m->destination);
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return rt_err(err, errno, "mount %s: stat", m->destination);
    if (!S_ISDIR(sb.st_mode))
        return rt_err(err, 0, "mount %s: filesystem \"%s\" must be mounted on ordinary directory",
                      m->destination, m->type);
    return take_fd(&fd);
}

/* A procfs or sysfs destination: checked before anything is made (a
 * dangling symlink's target would be), made if missing, then the directory
 * itself reopened in place of what path_create_in_root resolved. */
static int open_pseudo_destination(int rootfd, const oci_mount *m, rt_error **err)
{
    int fd = open_ordinary_dir(rootfd, m, err);
    if (fd >= 0 || errno != ENOENT)
        return fd;
    cleanup_close int made = path_create_in_root(rootfd, m->destination, false, err);
    if (made < 0)
        return rt_err_wrap(err, "mount %s", m->destination);
    fd = open_ordinary_dir(rootfd, m, err);
    if (fd < 0 && errno == ENOENT)
        return rt_err(err, ENOENT, "mount %s", m->destination);
    return fd;
}

/* The destination of m, made if missing, as an O_PATH fd that may be mounted on. */
static int open_destination(int rootfd, const oci_mount *m, bool last_is_file, rt_error **err)
{
    cleanup_close int fd = needs_ordinary_dir(m)
                               ? open_pseudo_destination(rootfd, m, err)
                               : path_create_in_root(rootfd, m->destination, last_is_file, err);
    if (fd < 0 || check_proc_destination(rootfd, m, fd, err) < 0)
        return -1;
    return take_fd(&fd);
}

/* The MOUNT_ATTR_* mount(2) gives a new mount for flags: relatime unless
 * told otherwise, strictatime winning over noatime. */
static unsigned long long new_mount_attrs(unsigned long flags)
{
    unsigned long long attrs = (flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
                               : (flags & MS_NOATIME)   ? MOUNT_ATTR_NOATIME
                                                        : MOUNT_ATTR_RELATIME;
    for (size_t i = 0; i < ARRAY_LEN(bind_attrs); i++)
        if (flags & bind_attrs[i].flag)
            attrs |= bind_attrs[i].attr;
    return attrs;
}

/* Attach a detached tree on *fd and make *fd the tree: the new mount
 * itself, whatever happens to the path of its destination meanwhile. */
static int attach_in_place(int tree, int *fd, const char *dest, rt_error **err)
{
    if (mnt_tree_attach(tree, *fd, err) < 0) {
        close(tree);
        return rt_err_wrap(err, "mount on \"%s\"", dest);
    }
    close(*fd);
    *fd = tree;
    return 0;
}

/* After mount(2), which hands back no fd of the new mount: *fd, which still
 * refers to what the mount covers, is replaced by dest reopened by path (a
 * racing swap there could give another mount of the container). */
static int reopen_by_path(int rootfd, const char *dest, int *fd, rt_error **err)
{
    close(*fd);
    *fd = path_open_in_root(rootfd, dest, O_PATH, err);
    return *fd < 0 ? -1 : 0;
}

/* A new filesystem on *fd, the destination dest, as mount(2) flags and data
 * say; *fd becomes the new mount.  Made detached (fsopen, Linux 5.2) and
 * attached by fd; by mount(2) on older kernels, for iversion (fsconfig has
 * no name for it) and for remount (*fd is that mount already). */
static int mount_new_fs(int rootfd, const char *dest, int *fd, const char *type, const char *source,
                        unsigned long flags, const char *data, rt_error **err)
{
    if (!(flags & (MS_REMOUNT | MS_I_VERSION))) {
        int tree = mnt_fs_create(type, source, flags, new_mount_attrs(flags), data, err);
        if (tree >= 0)
            return attach_in_place(tree, fd, dest, err);
        if (errno != ENOSYS)
            return rt_err_wrap(err, "mount \"%s\" on \"%s\"", source, dest);
    }
    char buf[32];
    if (mount(source, path_fd(*fd, buf), type, flags, data) < 0)
        return rt_err(err, errno, "mount \"%s\" on \"%s\"", source, dest);
    return (flags & MS_REMOUNT) ? 0 : reopen_by_path(rootfd, dest, fd, err);
}

int mount_bind_on(int rootfd, const char *dest, int *fd, const char *src, bool rec, rt_error **err)
{
    int tree = mnt_tree_clone(AT_FDCWD, src, rec, err);
    if (tree >= 0)
        return attach_in_place(tree, fd, dest, err);
    if (errno != ENOSYS)
        return rt_err_wrap(err, "mount \"%s\" on \"%s\"", src, dest);
    char buf[32];
    if (mount(src, path_fd(*fd, buf), NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
        return rt_err(err, errno, "mount \"%s\" on \"%s\"", src, dest);
    return reopen_by_path(rootfd, dest, fd, err);
}

/* Flags a bind mount cannot take on the first mount(2): applied by remount. */
#define BIND_REMOUNT_FLAGS                                                                     \
    (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | \
     MS_STRICTATIME | MS_NOSYMFOLLOW)

/* Propagation and the recursive attributes of a mount now on fd (O_PATH). */
static int finish_mount(int fd, const mount_opts *o, const char *dest, rt_error **err)
{
    char buf[32];
    if (o->propagation) {
        bool rec = (o->propagation & MS_REC) != 0;
        if (mnt_tree_setattr(fd, 0, 0, o->propagation & ~(unsigned long)MS_REC, rec, err) < 0) {
            if (errno != ENOSYS)
                return rt_err_wrap(err, "set propagation of %s", dest);
            if (mount(NULL, path_fd(fd, buf), NULL, o->propagation, NULL) < 0)
                return rt_err(err, errno, "set propagation of %s", dest);
        }
    }
    if (mnt_tree_setattr(fd, o->attr_set, o->attr_clr, 0, true, err) < 0) {
        if (errno == ENOSYS)
            return rt_err(err, ENOSYS, "recursive mount options on %s", dest);
        return rt_err_wrap(err, "set recursive options of %s", dest);
    }
    return 0;
}

/* The cgroup mount type: the container's own cgroup directories, bound
 * read-only (or as asked) under a tmpfs on v1, or cgroup2 itself on v2. */
static int mount_cgroup(int rootfd, const oci_mount *m, const mount_opts *o, const rt_state *st,
                        bool cgroupns, rt_error **err)
{
    char buf[32];
    cleanup_close int fd = open_destination(rootfd, m, false, err);
    if (fd < 0)
        return -1;
    unsigned long flags = o->flags & ~(unsigned long)(MS_BIND | MS_REC);
    bool v2only = st->cgroups.len == 1 && !strncmp(st->cgroups.dirs[0], "/sys/fs/cgroup/", 15) &&
                  access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
    if (v2only) {
        if (cgroupns) {
            if (mount("cgroup2", path_fd(fd, buf), "cgroup2", flags, NULL) < 0)
                return rt_err(err, errno, "mount cgroup2 on %s", m->destination);
            return 0;
        }
        if (mount_bind_on(rootfd, m->destination, &fd, st->cgroups.dirs[0], false, err) < 0)
            return -1;
        return remount_keep_locked(path_fd(fd, buf), flags, err);
    }
    if (mount_new_fs(rootfd, m->destination, &fd, "tmpfs", "tmpfs",
                     MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", err) < 0)
        return -1;
    for (size_t i = 0; i < st->cgroups.len; i++) {
        /* /sys/fs/cgroup/<hierarchy>/<path>: the hierarchy's directory name. */
        const char *dir = st->cgroups.dirs[i];
        if (strncmp(dir, "/sys/fs/cgroup/", 15))
            continue;
        cleanup_free char *name = xstrdup(dir + 15);
        name[strcspn(name, "/")] = '\0';
        cleanup_free char *dest = xasprintf("%s/%s", m->destination, name);
        /* made in the new tmpfs, by its fd */
        cleanup_close int sub = path_create_in_root(fd, name, false, err);
        if (sub < 0 || mount_bind_on(rootfd, dest, &sub, dir, false, err) < 0)
            return -1;
        char sbuf[32];
        if (remount_keep_locked(path_fd(sub, sbuf), flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, err) <
            0)
            return -1;
    }
    if (flags & MS_RDONLY)
        return remount_keep_locked(path_fd(fd, buf), MS_RDONLY, err);
    return 0;
}

/* A detached copy of the bind source, idmapped if asked, with the per-mount
 * flags set on its top mount, ready to be attached.  -1 with errno ENOSYS
 * (and *err unset) on a kernel without open_tree. */
static int bind_tree_make(int dirfd, const oci_mount *m, const mount_opts *o,
                          const idmap_maps *maps, rt_error **err)
{
    bool rec = (o->flags & MS_REC) != 0;
    cleanup_close int tree = mnt_tree_clone(dirfd, m->source, rec, err);
    if (tree < 0)
        return errno == ENOSYS ? -1 : rt_err_wrap(err, "mount %s", m->destination);
    if (maps && mnt_tree_idmap(tree, maps->uids, maps->nuids, maps->gids, maps->ngids,
                               maps->recursive, err) < 0)
        return rt_err_wrap(err, "mount %s", m->destination);
    unsigned long long set = 0, clr = 0;
    for (size_t i = 0; i < ARRAY_LEN(bind_attrs); i++) {
        if (o->flags & bind_attrs[i].flag)
            set |= bind_attrs[i].attr;
        else if (o->cleared & bind_attrs[i].flag)
            clr |= bind_attrs[i].attr;
    }
    if (o->atime_given) {
        clr |= MOUNT_ATTR__ATIME;
        set |= (o->flags & MS_NOATIME)       ? MOUNT_ATTR_NOATIME
               : (o->flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
                                             : MOUNT_ATTR_RELATIME;
    }
    if (mnt_tree_setattr(tree, set, clr, 0, false, err) < 0 ||
        mnt_tree_setattr(tree, o->attr_set, o->attr_clr, 0, true, err) < 0)
        return rt_err_wrap(err, "mount %s", m->destination);
    return take_fd(&tree);
}

/* Attach a tree on the destination, then its propagation. */
static int bind_tree_attach(int rootfd, const oci_mount *m, const mount_opts *o, int tree,
                            rt_error **err)
{
    struct stat sb;
    if (fstat(tree, &sb) < 0)
        return rt_err(err, errno, "mount %s: stat source", m->destination);
    cleanup_close int fd = open_destination(rootfd, m, !S_ISDIR(sb.st_mode), err);
    if (fd < 0) /* a procfs or sysfs destination's errors name it already */
        return needs_ordinary_dir(m) ? -1 : rt_err_wrap(err, "mount %s", m->destination);
    if (mnt_tree_attach(tree, fd, err) < 0)
        return rt_err_wrap(err, "mount \"%s\" on \"%s\"", m->source, m->destination);
    mount_opts prop = {.propagation = o->propagation};
    return finish_mount(tree, &prop, m->destination, err);
}

static int mount_bind(int rootfd, const oci_mount *m, const mount_opts *o, rt_error **err)
{
    idmap_maps maps;
    bool idmapped = idmap_of(NULL, m, o, &maps);
    cleanup_close int tree = bind_tree_make(AT_FDCWD, m, o, idmapped ? &maps : NULL, err);
    if (tree >= 0)
        return bind_tree_attach(rootfd, m, o, tree, err);
    if (errno != ENOSYS)
        return -1;
    if (idmapped)
        return rt_err(err, ENOSYS, "mount %s: idmapped mounts need Linux 5.12", m->destination);
    struct stat sb;
    if (stat(m->source, &sb) < 0)
        return rt_err(err, errno, "mount %s: stat source %s", m->destination, m->source);
    /* No open_tree or mount_setattr: the flags by a remount of the new mount. */
    cleanup_close int fd = open_destination(rootfd, m, !S_ISDIR(sb.st_mode), err);
    if (fd < 0 ||
        mount_bind_on(rootfd, m->destination, &fd, m->source, (o->flags & MS_REC) != 0, err) < 0)
        return -1;
    char buf[32];
    if ((o->flags & BIND_REMOUNT_FLAGS) &&
        remount_keep_locked(path_fd(fd, buf), o->flags & BIND_REMOUNT_FLAGS, err) < 0)
        return rt_err_wrap(err, "mount %s", m->destination);
    return finish_mount(fd, o, m->destination, err);
}

/* A new filesystem (tmpfs, proc, overlay …) on the destination's O_PATH fd. */
static int mount_fs(int rootfd, const oci_mount *m, const mount_opts *o, rt_error **err)
{
    cleanup_close int fd = open_destination(rootfd, m, false, err);
    if (fd < 0)
        return -1;
    /* tmpcopyup: keep hold of what the tmpfs is about to cover. */
    cleanup_close int covered = -1;
    if (o->tmpcopyup && (covered = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return rt_err(err, errno, "tmpcopyup: open %s", m->destination);
    const char *source = m->source ? m->source : m->type;
    if (mount_new_fs(rootfd, m->destination, &fd, m->type, source, o->flags, o->data, err) < 0)
        return -1;
    if (covered >= 0) {
        cleanup_close int top = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (top < 0)
            return rt_err(err, errno, "tmpcopyup: open %s", m->destination);
        if (mount_copy_tree(covered, top, err) < 0)
            return rt_err_wrap(err, "mount %s", m->destination);
    }
    return finish_mount(fd, o, m->destination, err);
}

/* CVE-2023-25809: "rbind,ro" of the host's sysfs (runc spec --rootless)
 * must not leave /sys/fs/cgroup and the hierarchies below it writable. */
static void harden_sysfs_rbind(const oci_mount *m, mount_opts *o)
{
    if ((o->flags & (MS_BIND | MS_REC | MS_RDONLY)) == (MS_BIND | MS_REC | MS_RDONLY) &&
        m->source && is_fs(m->source, -1, SYSFS_MAGIC)) {
        o->attr_set |= MOUNT_ATTR_RDONLY;
        o->attr_clr &= ~(unsigned long long)MOUNT_ATTR_RDONLY;
    }
}

int mount_one(int rootfd, const oci_mount *m, const rt_state *st, bool cgroupns, rt_error **err)
{
    mount_opts o;
    if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
        return -1;
    cleanup_free char *data = o.data; /* freed on return */
    (void)data;
    harden_sysfs_rbind(m, &o);
    if (o.flags & MS_BIND)
        return mount_bind(rootfd, m, &o, err);
    if (readonly_deferred(m, &o))
        o.flags &= ~(unsigned long)MS_RDONLY;
    if (m->type && !strcmp(m->type, "cgroup"))
        return mount_cgroup(rootfd, m, &o, st, cgroupns, err);
    return mount_fs(rootfd, m, &o, err);
}

int mount_one_prepared(int rootfd, const oci_mount *m, int tree, rt_error **err)
{
    mount_opts o;
    if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
        return -1;
    free(o.data);
    return bind_tree_attach(rootfd, m, &o, tree, err);
}

int mount_trees_prepare(const oci_config *cfg, const char *bundle, bool userns, mount_trees *t,
                        rt_error **err)
{
    *t = (mount_trees){0};
    if (!userns)
        return 0;
    cleanup_close int bundlefd = -1;
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        const oci_mount *m = &cfg->mounts[i];
        mount_opts o;
        if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
            goto fail;
        free(o.data);
        idmap_maps maps;
        if (!(o.flags & MS_BIND) || !idmap_of(cfg, m, &o, &maps))
            continue;
        if (!t->fds) {
            t->fds = malloc(cfg->mounts_len * sizeof(int));
            if (!t->fds) {
                rt_err(err, ENOMEM, "idmapped mounts");
                goto fail;
            }
            t->len = cfg->mounts_len;
            for (size_t j = 0; j < t->len; j++)
                t->fds[j] = -1;
        }
        if (bundlefd < 0 && (bundlefd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
            rt_err(err, errno, "open bundle %s", bundle);
            goto fail;
        }
        t->fds[i] = bind_tree_make(bundlefd, m, &o, &maps, err);
        if (t->fds[i] < 0) {
            if (errno == ENOSYS)
                rt_err(err, ENOSYS, "mount %s: idmapped mounts need Linux 5.12", m->destination);
            goto fail;
        }
    }
    return 0;
fail:
    mount_trees_close(t);
    return -1;
}

void mount_trees_close(mount_trees *t)
{
    for (size_t i = 0; i < t->len; i++)
        if (t->fds[i] >= 0)
            close(t->fds[i]);
    free(t->fds);
    *t = (mount_trees){0};
}

/* A bind mount the init would otherwise make from its path: not idmapped
 * (mount_trees_prepare made those).  Its options, hardened, in *o. */
static bool source_opened_by_rt(const oci_config *cfg, const oci_mount *m, mount_opts *o)
{
    if (mount_opts_parse(m->options, m->options_len, o, NULL) < 0)
        return false;
    idmap_maps maps;
    if (!(o->flags & MS_BIND) || idmap_of(cfg, m, o, &maps)) {
        free(o->data);
        return false;
    }
    harden_sysfs_rbind(m, o);
    return true;
}

bool mount_sources_wanted(const oci_config *cfg)
{
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        mount_opts o;
        if (source_opened_by_rt(cfg, &cfg->mounts[i], &o)) {
            free(o.data);
            return true;
        }
    }
    return false;
}

typedef struct sources_job {
    const oci_config *cfg;
    const char *bundle;
    pid_t pid;
    int sock;
} sources_job;

/* The tree of mounts[i], made in the helper, sent to the init. */
static int send_tree(const sources_job *j, size_t i)
{
    const oci_mount *m = &j->cfg->mounts[i];
    mount_opts o;
    if (!source_opened_by_rt(j->cfg, m, &o))
        return 0;
    cleanup_close int tree = bind_tree_make(AT_FDCWD, m, &o, NULL, NULL);
    free(o.data);
    char index[24];
    snprintf(index, sizeof(index), "%zu", i);
    if (tree >= 0 && sync_send_fd(j->sock, SYNC_BIND_TREE, index, tree, NULL) < 0)
        return -1;
    return 0;
}

/* A helper in the init's mount namespace, still root of the host. */
static int32_t send_trees(void *arg)
{
    const sources_job *j = arg;
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)j->pid);
    cleanup_close int ns = open(path, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNS) < 0 || chdir(j->bundle) < 0)
        return -errno;
    for (size_t i = 0; i < j->cfg->mounts_len; i++)
        if (send_tree(j, i) < 0)
            return -errno;
    return 0;
}

int mount_sources_send(const oci_config *cfg, const char *bundle, pid_t pid, int sock,
                       rt_error **err)
{
    sources_job j = {.cfg = cfg, .bundle = bundle, .pid = pid, .sock = sock};
    if (run_in_helper(send_trees, &j) < 0)
        log_debug("bind sources left to the init: %s", strerror(errno));
    return sync_send(sock, SYNC_BINDS_DONE, NULL, err);
}

/* fd becomes the tree of mounts[i] (of n). */
static void trees_set(mount_trees *t, size_t n, size_t i, int fd)
{
    if (!t->fds) {
        t->fds = malloc(n * sizeof(int));
        if (!t->fds)
            abort();
        t->len = n;
        for (size_t k = 0; k < n; k++)
            t->fds[k] = -1;
    }
    if (t->fds[i] >= 0)
        close(t->fds[i]);
    t->fds[i] = fd;
}

int mount_sources_receive(const oci_config *cfg, int sock, mount_trees *t, rt_error **err)
{
    if (!mount_sources_wanted(cfg))
        return 0;
    if (sync_send(sock, SYNC_BINDS, NULL, err) < 0)
        return -1;
    for (;;) {
        enum sync_type type;
        cleanup_free char *index = NULL;
        int fd;
        if (sync_recv_fd(sock, &type, &index, &fd, err) < 0)
            return -1;
        int64_t i = -1;
        if (type == SYNC_BIND_TREE && fd >= 0 && index && parse_int64(index, &i) == 0 && i >= 0 &&
            (size_t)i < cfg->mounts_len) {
            trees_set(t, cfg->mounts_len, (size_t)i, fd);
            continue;
        }
        if (fd >= 0)
            close(fd);
        if (type == SYNC_BINDS_DONE)
            return 0;
        return rt_err(err, 0, "sync: unexpected message %d", type);
    }
}
