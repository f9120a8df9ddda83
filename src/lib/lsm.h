/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_LSM_H
#define RT_LSM_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"

/* AppArmor (process.apparmorProfile) and SELinux (process.selinuxLabel,
 * linux.mountLabel).  Labels take effect at the process's execve: they are
 * written to /proc/thread-self/attr/..., through a /proc checked to be procfs
 * and opened with openat2(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS), so that
 * neither a symlinked /proc nor a mount over an attr file can redirect the
 * write (CVE-2019-16884, CVE-2023-27561/-28642). */

/* Whether this build supports them (what `features` reports). */
bool lsm_apparmor_supported(void);
bool lsm_selinux_supported(void);
/* Whether they are enabled on this host (what lsm_validate goes by; `check`). */
bool apparmor_on_host(void);
bool selinux_on_host(void);

/* In the parent, before anything is created: p's profile and label (and
 * mount_label, may be NULL) can be applied on this host.  As runc 1.1.5: a
 * SELinux label on a host without SELinux fails with "selinux label is
 * specified in config, but selinux is disabled or not supported".  An
 * AppArmor profile on a host without AppArmor fails too (runc 1.1.5 fails in
 * its init, writing /proc/self/attr/exec: "invalid argument"). */
int lsm_validate(const oci_process *p, const char *mount_label, rt_error **err);

/* SELinux: keys the process creates from now on (the session keyring the
 * init joins) get label; NULL or "" resets it.  Nothing without a label. */
int lsm_set_keycreate(const char *label, rt_error **err);

/* The AppArmor profile and SELinux label of p, for its next execve. */
int lsm_apply_exec(const oci_process *p, rt_error **err);

/* linux.mountLabel: m with `context="LABEL"` added to its options when its
 * filesystem takes one (not bind mounts, proc, sysfs, cgroup, mqueue, as
 * runc); else m itself.  buf owns the copy: lsm_mount_free(buf) after use. */
typedef struct lsm_mount {
    oci_mount m;
    char **options;
    char *context;
} lsm_mount;
const oci_mount *lsm_label_mount(const oci_mount *m, const char *label, lsm_mount *buf);
void lsm_mount_free(lsm_mount *buf);
#define cleanup_lsm_mount __attribute__((cleanup(lsm_mount_free)))

#endif
