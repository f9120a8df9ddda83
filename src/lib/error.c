/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rt_err(rt_error **err, int errnum, const char *fmt, ...)
{
    if (!err || *err)
        return -1;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    if (msg && errnum) {
        char *full = NULL;
        if (asprintf(&full, "%s: %s", msg, strerror(errnum)) >= 0) {
            free(msg);
            msg = full;
        }
    }
    rt_error *e = calloc(1, sizeof(*e));
    if (!e) {
        free(msg);
        return -1;
    }
    e->errnum = errnum;
    e->msg = msg ? msg : strdup("out of memory");
    *err = e;
    return -1;
}

int rt_err_wrap(rt_error **err, const char *fmt, ...)
{
    if (!err || !*err)
        return -1;
    char *ctx = NULL, *full = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&ctx, fmt, ap);
    va_end(ap);
    if (n >= 0 && asprintf(&full, "%s: %s", ctx, (*err)->msg) >= 0) {
        free((*err)->msg);
        (*err)->msg = full;
    }
    free(ctx);
    return -1;
}

void rt_error_free(rt_error *e)
{
    if (!e)
        return;
    free(e->msg);
    free(e);
}
