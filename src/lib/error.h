/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_ERROR_H
#define RT_ERROR_H

/* One error type for the whole engine.  Functions return 0 or -1 and fill an
 * rt_error through an out-parameter; each level may prefix context, so the
 * user finally reads e.g. `mount "proc" on "/proc": Operation not permitted`. */
typedef struct rt_error {
    int errnum; /* errno of the root cause, 0 if none */
    char *msg;
} rt_error;

/* Set *err (if err and *err is still empty) and return -1.  When errnum is not
 * 0, ": strerror(errnum)" is appended. */
int rt_err(rt_error **err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefix the existing message with "context: " and return -1. */
int rt_err_wrap(rt_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void rt_error_free(rt_error *e);

static inline void rt_error_freep(rt_error **e)
{
    if (*e)
        rt_error_free(*e);
}
#define cleanup_error __attribute__((cleanup(rt_error_freep)))

#endif
