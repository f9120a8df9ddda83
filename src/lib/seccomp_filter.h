/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_SECCOMP_FILTER_H
#define RT_SECCOMP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* linux.seccomp (config-linux.md "Seccomp"): the parent compiles the profile
 * with libseccomp into a BPF program before anything is created (so a bad
 * profile fails first and leaves nothing behind), in a child process it
 * kills after 30 s (libseccomp can take minutes on some profiles); the init, or the process
 * of `exec`, only loads that program with a raw seccomp(2) call, which also
 * lets us pass every flag (libseccomp 2.5 cannot set WAIT_KILLABLE_RECV).
 *
 * SCMP_ACT_NOTIFY: the process gets the listener fd from seccomp(2) and hands
 * it to the parent over the sync socket (SYNC_SECCOMP, then one packet with
 * the fd); the parent sends it with the container process state to
 * listenerPath and answers SYNC_SECCOMP_DONE.  */

typedef struct rt_seccomp rt_seccomp;

/* Compile s (NULL: no filter, *out = NULL), or take it from the cache under
 * the state root (root NULL: no cache; seccomp-cache.h).  Errors name the
 * JSON path under "linux.seccomp", e.g. `linux.seccomp.syscalls[3].action:
 * unknown action "SCMP_ACT_FOO"`.  A build without libseccomp fails for any s. */
int seccomp_filter_prepare(const oci_seccomp *s, const char *root, rt_seccomp **out,
                           rt_error **err);
/* The same, but in this process and without the deadline prepare puts on
 * libseccomp (for the fuzzer, whose coverage a child would not report). */
int seccomp_filter_compile_here(const oci_seccomp *s, rt_seccomp **out, rt_error **err);
void seccomp_filter_free(rt_seccomp *f);
static inline void seccomp_filter_freep(rt_seccomp **f)
{
    seccomp_filter_free(*f);
}
#define cleanup_seccomp __attribute__((cleanup(seccomp_filter_freep)))

/* Whether the filter uses SCMP_ACT_NOTIFY (its fd goes to listenerPath). */
bool seccomp_filter_has_listener(const rt_seccomp *f);

/* In the process, with what it has left to do allowed by the filter: load it
 * (f NULL: nothing).  With a listener, hand the fd to the parent over sync_fd
 * and wait until it has reached the agent. */
int seccomp_filter_load(const rt_seccomp *f, int sync_fd, rt_error **err);

/* In the parent, on SYNC_SECCOMP from the process pid: take the fd packet from
 * sync_fd, send the seccomp state (with state_json, the container's state) to
 * listenerPath, and answer SYNC_SECCOMP_DONE. */
int seccomp_filter_relay(const rt_seccomp *f, int sync_fd, pid_t pid, const char *state_json,
                         rt_error **err);

/* For `features`: the names this build recognizes, NULL-free constant lists.
 * supported: the subset of known flags this kernel accepts (out has room for
 * every known flag); returns how many. */
typedef struct seccomp_names {
    const char *const *items;
    size_t len;
} seccomp_names;
bool seccomp_feature_enabled(void);
seccomp_names seccomp_feature_known_actions(void);
seccomp_names seccomp_feature_known_operators(void);
seccomp_names seccomp_feature_known_archs(void);
seccomp_names seccomp_feature_known_flags(void);
size_t seccomp_feature_supported_flags(const char **out);

#endif
