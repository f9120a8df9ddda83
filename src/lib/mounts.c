/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "util/path.h"
#include "util/util.h"

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
    {"bind", false, MS_BIND},         {"rbind", false, MS_BIND | MS_REC},
};

static const struct {
    const char *name;
    unsigned long flag;
} propagation_opts[] = {
    {"private", MS_PRIVATE},   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},     {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},       {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

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
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof(*(a)))

static bool parse_one(const char *o, mount_opts *out)
{
    for (size_t i = 0; i < ARRAY_LEN(flag_opts); i++) {
        if (strcmp(o, flag_opts[i].name))
            continue;
        if (flag_opts[i].clear)
            out->flags &= ~flag_opts[i].flag;
        else
            out->flags |= flag_opts[i].flag;
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
        }
        return true;
    }
    return false;
}

int mount_opts_parse(char **options, size_t n, mount_opts *out, rt_error **err)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < n; i++)
        cap += strlen(options[i]) + 1;
    out->data = calloc(1, cap);
    for (size_t i = 0; i < n; i++) {
        const char *o = options[i];
        if (parse_one(o, out))
            continue;
        if (!strcmp(o, "tmpcopyup") || !strcmp(o, "idmap") || !strcmp(o, "ridmap")) {
            free(out->data);
            out->data = NULL;
            return rt_err(err, 0, "mount option \"%s\" is not supported yet", o);
        }
        /* Anything else is filesystem data, passed through (mode=755, size=...). */
        len += (size_t)snprintf(out->data + len, cap - len, "%s%s", len ? "," : "", o);
    }
    return 0;
}

int mounts_validate(const oci_config *cfg, rt_error **err)
{
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        const oci_mount *m = &cfg->mounts[i];
        if (!m->destination || m->destination[0] != '/')
            return rt_err(err, 0, "mounts[%zu].destination: must be an absolute path", i);
        if (m->uid_mappings_len || m->gid_mappings_len)
            return rt_err(err, 0, "mounts[%zu].uidMappings: idmapped mounts are not supported yet",
                          i);
        mount_opts o;
        if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
            return rt_err_wrap(err, "mounts[%zu].options", i);
        free(o.data);
        bool bind = (o.flags & MS_BIND) != 0;
        if (!bind && !m->type)
            return rt_err(err, 0, "mounts[%zu].type: required for a mount that is not a bind mount",
                          i);
        if (bind && (!m->source || !*m->source))
            return rt_err(err, 0, "mounts[%zu].source: required for a bind mount", i);
    }
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

/* Flags a bind mount cannot take on the first mount(2): applied by remount. */
#define BIND_REMOUNT_FLAGS                                                                         \
    (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME |     \
     MS_STRICTATIME)

static int finish_mount(const char *target, const mount_opts *o, const char *dest, rt_error **err)
{
    if ((o->flags & MS_BIND) && (o->flags & BIND_REMOUNT_FLAGS)) {
        if (remount_keep_locked(target, o->flags & BIND_REMOUNT_FLAGS, err) < 0)
            return rt_err_wrap(err, "mount %s", dest);
    }
    if (o->propagation && mount(NULL, target, NULL, o->propagation, NULL) < 0)
        return rt_err(err, errno, "set propagation of %s", dest);
    if (o->attr_set || o->attr_clr) {
        struct mount_attr attr = {.attr_set = o->attr_set, .attr_clr = o->attr_clr};
        if (syscall(SYS_mount_setattr, AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof(attr)) < 0)
            return rt_err(err, errno, "set recursive attributes of %s", dest);
    }
    return 0;
}

/* The cgroup mount type: the container's own cgroup directories, bound
 * read-only (or as asked) under a tmpfs on v1, or cgroup2 itself on v2. */
static int mount_cgroup(int rootfd, const oci_mount *m, const mount_opts *o, const rt_state *st,
                        bool cgroupns, rt_error **err)
{
    char buf[32];
    cleanup_close int fd = path_create_in_root(rootfd, m->destination, false, err);
    if (fd < 0)
        return -1;
    unsigned long flags = o->flags & ~(MS_BIND | MS_REC);
    bool v2only = st->cgroups_len == 1 && !strncmp(st->cgroups[0], "/sys/fs/cgroup/", 15) &&
                  access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
    if (v2only) {
        if (cgroupns) {
            if (mount("cgroup2", path_fd(fd, buf), "cgroup2", flags, NULL) < 0)
                return rt_err(err, errno, "mount cgroup2 on %s", m->destination);
            return 0;
        }
        if (mount(st->cgroups[0], path_fd(fd, buf), NULL, MS_BIND, NULL) < 0)
            return rt_err(err, errno, "mount cgroup on %s", m->destination);
        close(fd);
        if ((fd = path_open_in_root(rootfd, m->destination, O_PATH, err)) < 0)
            return -1;
        return remount_keep_locked(path_fd(fd, buf), flags, err);
    }
    if (mount("tmpfs", path_fd(fd, buf), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
        return rt_err(err, errno, "mount tmpfs on %s", m->destination);
    close(fd);
    if ((fd = path_open_in_root(rootfd, m->destination, O_PATH, err)) < 0)
        return -1;
    for (size_t i = 0; i < st->cgroups_len; i++) {
        /* /sys/fs/cgroup/<hierarchy>/<path>: the hierarchy's directory name. */
        const char *dir = st->cgroups[i];
        if (strncmp(dir, "/sys/fs/cgroup/", 15))
            continue;
        cleanup_free char *name = xstrdup(dir + 15);
        name[strcspn(name, "/")] = '\0';
        cleanup_free char *dest = xasprintf("%s/%s", m->destination, name);
        cleanup_close int sub = path_create_in_root(rootfd, dest, false, err);
        if (sub < 0)
            return -1;
        char sbuf[32];
        if (mount(dir, path_fd(sub, sbuf), NULL, MS_BIND, NULL) < 0)
            return rt_err(err, errno, "mount cgroup %s on %s", name, dest);
        close(sub);
        if ((sub = path_open_in_root(rootfd, dest, O_PATH, err)) < 0)
            return -1;
        if (remount_keep_locked(path_fd(sub, sbuf), flags | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                err) < 0)
            return -1;
    }
    if (flags & MS_RDONLY)
        return remount_keep_locked(path_fd(fd, buf), MS_RDONLY, err);
    return 0;
}

int mount_one(int rootfd, const oci_mount *m, const rt_state *st, bool cgroupns, rt_error **err)
{
    mount_opts o;
    if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
        return -1;
    cleanup_free char *data = o.data;
    if (m->type && !strcmp(m->type, "cgroup") && !(o.flags & MS_BIND))
        return mount_cgroup(rootfd, m, &o, st, cgroupns, err);
    bool bind = (o.flags & MS_BIND) != 0;
    bool file = false;
    if (bind) {
        struct stat sb;
        if (stat(m->source, &sb) < 0)
            return rt_err(err, errno, "mount %s: stat source %s", m->destination, m->source);
        file = !S_ISDIR(sb.st_mode);
    }
    cleanup_close int fd = path_create_in_root(rootfd, m->destination, file, err);
    if (fd < 0)
        return -1;
    char buf[32];
    const char *target = path_fd(fd, buf);
    unsigned long flags = bind ? o.flags & (MS_BIND | MS_REC) : o.flags;
    if (mount(m->source ? m->source : m->type, target, bind ? NULL : m->type, flags,
              bind ? NULL : data) < 0)
        return rt_err(err, errno, "mount \"%s\" on \"%s\"", m->source ? m->source : m->type,
                      m->destination);
    /* The mount now sits on top of the O_PATH fd's directory: reopen it so
     * later steps act on the new mount, not on what it covers. */
    close(fd);
    fd = path_open_in_root(rootfd, m->destination, O_PATH, err);
    if (fd < 0)
        return -1;
    target = path_fd(fd, buf);
    return finish_mount(target, &o, m->destination, err);
}
