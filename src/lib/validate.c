/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "validate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "hooks.h"
#include "lsm.h"
#include "namespaces.h"
#include "netdev.h"
#include "process.h"
#include "rdt.h"
#include "rootfs.h"
#include "schedattr.h"
#include "terminal.h"
#include "util/util.h"

int bundle_load(const char *bundle, loaded_bundle *lb, rt_error **err)
{
    char abs[PATH_MAX];
    if (!realpath(bundle && *bundle ? bundle : ".", abs))
        return rt_err(err, errno, "bundle %s", bundle ? bundle : ".");
    lb->bundle = xstrdup(abs);
    cleanup_free char *path = xasprintf("%s/config.json", abs);
    if (read_file_at(AT_FDCWD, path, &lb->data, &lb->len, NULL) < 0)
        return rt_err(err, errno, "config.json: open %s", path);
    char *msg = NULL;
    if (oci_config_parse_data(lb->data, lb->len, &lb->cfg, &msg) < 0) {
        rt_err(err, 0, "config.json: %s", msg ? msg : "invalid");
        free(msg);
        return -1;
    }
    const oci_root *root = lb->cfg->root;
    if (!root || !root->path || !*root->path)
        return rt_err(err, 0, "config.json: root.path: required");
    cleanup_free char *joined =
        root->path[0] == '/' ? xstrdup(root->path) : xasprintf("%s/%s", abs, root->path);
    /* Symlinks resolved once here: every later step (mounts, chroot, the
     * unmount at delete) then names the same directory. A missing one is
     * reported by rootfs_validate. */
    char real[PATH_MAX];
    lb->rootfs = xstrdup(realpath(joined, real) ? real : joined);
    return 0;
}

void bundle_free(loaded_bundle *lb)
{
    oci_config_free(lb->cfg);
    free(lb->data);
    free(lb->bundle);
    free(lb->rootfs);
}

static int check_unsupported(const oci_config *cfg, const create_opts *o, rt_error **err)
{
    static const oci_process none;
    const oci_process *p = cfg->process ? cfg->process : &none;
    const oci_linux *l = cfg->linux_;
    /* runc's rules: a terminal needs a console socket unless rt stays in the
     * foreground (then it proxies its own terminal). */
    if (p->terminal && !o->console_socket && !o->foreground)
        return rt_err(err, 0,
                      "cannot allocate tty if rt will detach without setting console "
                      "socket (process.terminal is true)");
    if (p->terminal && !o->console_socket && !terminal_available())
        return rt_err(err, 0,
                      "process.terminal is true but rt has no terminal (stdio nor /dev/tty); "
                      "use --console-socket or set process.terminal to false");
    if (!p->terminal && o->console_socket)
        return rt_err(err, 0,
                      "cannot use console socket if rt will not allocate tty "
                      "(process.terminal is false)");
    if (lsm_validate(p, l ? l->mount_label : NULL, err) < 0)
        return rt_err_wrap(err, "config.json");
    return 0;
}

int config_validate(const loaded_bundle *lb, const create_opts *o, rt_error **err)
{
    const oci_config *cfg = lb->cfg;
    /* config.md: process is optional, and required when start is called. */
    if (!cfg->process && o->run)
        return rt_err(err, 0, "config.json: process: required to run a container");
    if (!cfg->linux_)
        return rt_err(err, 0, "config.json: linux: required on Linux");
    if (check_unsupported(cfg, o, err) < 0)
        return -1;
    if ((cfg->process && process_validate(cfg->process, err) < 0) || sched_validate(cfg, err) < 0 ||
        netdev_validate(cfg, err) < 0 || rdt_validate(cfg, err) < 0 ||
        hooks_validate(cfg->hooks, err) < 0 || cgroup_check_resources(cfg, err) < 0 ||
        rootfs_validate(cfg, lb->rootfs, err) < 0)
        return rt_err_wrap(err, "config.json");
    return 0;
}
