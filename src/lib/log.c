/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "util/util.h"

/* Part of the parsed global options: set once in main(). */
static struct {
    int fd;
    bool json;
    bool debug;
} log_opts = {.fd = -1};

int log_open(const char *path, bool json, bool debug)
{
    log_opts.json = json;
    log_opts.debug = debug;
    if (!path || !*path)
        return 0;
    log_opts.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return log_opts.fd < 0 ? -1 : 0;
}

static void log_record(const char *level, const char *msg)
{
    cleanup_free char *now = rfc3339_now(true);
    if (!log_opts.json) {
        cleanup_free char *line = xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", now, level, msg);
        write_all(log_opts.fd, line, strlen(line));
        return;
    }
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g)
        return;
    yajl_gen_map_open(g);
    yajl_gen_string(g, (const unsigned char *)"level", 5);
    yajl_gen_string(g, (const unsigned char *)level, strlen(level));
    yajl_gen_string(g, (const unsigned char *)"msg", 3);
    yajl_gen_string(g, (const unsigned char *)msg, strlen(msg));
    yajl_gen_string(g, (const unsigned char *)"time", 4);
    yajl_gen_string(g, (const unsigned char *)now, strlen(now));
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        cleanup_free char *line = xasprintf("%.*s\n", (int)len, buf);
        write_all(log_opts.fd, line, strlen(line));
    }
    yajl_gen_free(g);
}

void log_error(const char *msg)
{
    if (log_opts.fd >= 0)
        log_record("error", msg);
    fprintf(stderr, "rt: %s\n", msg);
}

static void log_vformat(const char *level, const char *fmt, va_list ap)
{
    cleanup_free char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        return;
    if (log_opts.fd >= 0)
        log_record(level, msg);
    else
        fprintf(stderr, "rt: %s: %s\n", level, msg);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vformat("warning", fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    if (!log_opts.debug)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_vformat("debug", fmt, ap);
    va_end(ap);
}
