/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lsm.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>

#include "config.h"
#include "util/util.h"

#if HAVE_APPARMOR
#include <sys/apparmor.h>
#endif
#if HAVE_SELINUX
#include <selinux/selinux.h>
#endif

bool lsm_apparmor_supported(void)
{
    return HAVE_APPARMOR;
}

bool lsm_selinux_supported(void)
{
    return HAVE_SELINUX;
}

bool apparmor_on_host(void)
{
#if HAVE_APPARMOR
    return aa_is_enabled() == 1;
#else
    return false;
#endif
}

bool selinux_on_host(void)
{
#if HAVE_SELINUX
    return is_selinux_enabled() == 1;
#else
    return false;
#endif
}

static bool set(const char *s)
{
    return s && *s;
}

#define SELINUX_OFF "selinux label is specified in config, but selinux is disabled or not supported"

int lsm_validate(const oci_process *p, const char *mount_label, rt_error **err)
{
    if (p && set(p->apparmor_profile) && !apparmor_on_host()) {
        if (!HAVE_APPARMOR)
            return rt_err(err, 0,
                          "process.apparmorProfile: apparmor profile \"%s\" is specified in "
                          "config, but this rt was built without AppArmor support",
                          p->apparmor_profile);
        return rt_err(err, 0,
                      "process.apparmorProfile: apparmor profile \"%s\" is specified in config, "
                      "but AppArmor is not enabled on this host",
                      p->apparmor_profile);
    }
    if (p && set(p->selinux_label) && !selinux_on_host())
        return rt_err(err, 0, "process.selinuxLabel: " SELINUX_OFF);
    /* As crun (runc fails later, on the first mount): the mounts are made without
     * a context, and the user is told. */
    if (set(mount_label) && !selinux_on_host())
        log_warn("linux.mountLabel: SELinux is not enabled on this host; mounts get no context=");
    return 0;
}

/* /proc/thread-self/attr/<attr> (or <fallback> when that does not exist),
 * for writing: only on procfs, never through a symlink out of /proc, a magic
 * link or a mount over the file. */
static int open_attr(const char *attr, const char *fallback, const char **used, rt_error **err)
{
    cleanup_close int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (proc < 0 || !fd_is_procfs(proc))
        return rt_err(err, proc < 0 ? errno : 0, "/proc is not procfs: refusing to write %s", attr);
    struct open_how how = {
        .flags = O_WRONLY | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    char path[64];
    snprintf(path, sizeof(path), "thread-self/attr/%s", attr);
    *used = attr;
    int fd = (int)syscall(SYS_openat2, proc, path, &how, sizeof(how));
    if (fd < 0 && errno == ENOENT && fallback) {
        snprintf(path, sizeof(path), "thread-self/attr/%s", fallback);
        *used = fallback;
        fd = (int)syscall(SYS_openat2, proc, path, &how, sizeof(how));
    }
    if (fd < 0)
        return rt_err(err, errno, "open /proc/%s", path);
    if (!fd_is_procfs(fd)) {
        close(fd);
        return rt_err(err, 0, "/proc/%s is not on procfs", path);
    }
    return fd;
}

static int write_attr(const char *attr, const char *fallback, const char *value, rt_error **err)
{
    const char *used = attr;
    cleanup_close int fd = open_attr(attr, fallback, &used, err);
    if (fd < 0)
        return -1;
    size_t len = strlen(value);
    ssize_t n = write(fd, value, len);
    if (n < 0 || (size_t)n != len)
        return rt_err(err, n < 0 ? errno : EIO, "write /proc/thread-self/attr/%s", used);
    return 0;
}

int lsm_set_keycreate(const char *label, rt_error **err)
{
    if (!HAVE_SELINUX || !selinux_on_host())
        return 0;
    if (write_attr("keycreate", NULL, label ? label : "", err) < 0)
        return rt_err_wrap(err, "label the session keyring");
    return 0;
}

int lsm_apply_exec(const oci_process *p, rt_error **err)
{
    if (set(p->apparmor_profile)) {
        cleanup_free char *cmd = xasprintf("exec %s", p->apparmor_profile);
        /* attr/apparmor/exec since Linux 5.8 (LSM stacking); attr/exec before. */
        if (write_attr("apparmor/exec", "exec", cmd, err) < 0)
            return rt_err_wrap(err, "apply apparmor profile \"%s\"", p->apparmor_profile);
    }
    if (set(p->selinux_label) && write_attr("exec", NULL, p->selinux_label, err) < 0)
        return rt_err_wrap(err, "set selinux label \"%s\"", p->selinux_label);
    return 0;
}

static bool has_option(const oci_mount *m, const char *a, const char *b)
{
    for (size_t i = 0; i < m->options_len; i++)
        if (!strcmp(m->options[i], a) || !strcmp(m->options[i], b))
            return true;
    return false;
}

static bool takes_context(const oci_mount *m)
{
    static const char *const no[] = {"bind",   "none",    "proc",  "sysfs",
                                     "cgroup", "cgroup2", "mqueue"};
    if (!m->type || has_option(m, "bind", "rbind"))
        return false;
    for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
        if (!strcmp(m->type, no[i]))
            return false;
    return true;
}

const oci_mount *lsm_label_mount(const oci_mount *m, const char *label, lsm_mount *buf)
{
    *buf = (lsm_mount){0};
    if (!set(label) || !takes_context(m) || !selinux_on_host())
        return m;
    buf->options = calloc(m->options_len + 2, sizeof(char *));
    if (!buf->options)
        abort();
    for (size_t i = 0; i < m->options_len; i++)
        buf->options[i] = m->options[i];
    /* Quoted: a label has commas ("s0:c1,c2"), and the option list is joined with them. */
    buf->context = xasprintf("context=\"%s\"", label);
    buf->options[m->options_len] = buf->context;
    buf->m = *m;
    buf->m.options = buf->options;
    buf->m.options_len = m->options_len + 1;
    return &buf->m;
}

void lsm_mount_free(lsm_mount *buf)
{
    free(buf->options);
    free(buf->context);
    *buf = (lsm_mount){0};
}
