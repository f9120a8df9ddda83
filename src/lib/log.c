/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

/* logrus writes a value bare when it is made of these only, else quoted. */
static bool needs_quoting(const char *v)
{
    for (; *v; v++)
        if (!isalnum((unsigned char)*v) && !strchr("-._/@^+", *v))
            return true;
    return false;
}

/* v as Go's %q writes it for the text records (ASCII escapes; UTF-8 kept). */
static void put_quoted(FILE *f, const char *v)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", f);
        else if (*c == '\t')
            fputs("\\t", f);
        else if (*c == '\r')
            fputs("\\r", f);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(f, "\\x%02x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

static void put_field(FILE *f, const char *key, const char *v, bool last)
{
    fprintf(f, "%s=", key);
    if (needs_quoting(v))
        put_quoted(f, v);
    else
        fputs(v, f);
    fputc(last ? '\n' : ' ', f);
}

/* One logrus-style text record: time="…" level=… msg=… */
static char *text_record(const char *now, const char *level, const char *msg)
{
    char *line = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&line, &len);
    if (!f)
        return NULL;
    put_field(f, "time", now, false);
    put_field(f, "level", level, false);
    put_field(f, "msg", msg, true);
    fclose(f);
    return line;
}

static char *json_record(const char *now, const char *level, const char *msg)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g)
        return NULL;
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
    char *line = NULL;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
        line = xasprintf("%.*s\n", (int)len, buf);
    yajl_gen_free(g);
    return line;
}

/* A record in the --log-format, to the --log file, else to stderr. */
static void log_record(const char *level, const char *msg)
{
    /* logrus's text records have whole seconds (RFC 3339). */
    cleanup_free char *now = rfc3339_now(log_opts.json);
    cleanup_free char *line =
        log_opts.json ? json_record(now, level, msg) : text_record(now, level, msg);
    if (line)
        write_all(log_opts.fd >= 0 ? log_opts.fd : STDERR_FILENO, line, strlen(line));
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
    /* Debug records (--debug) are always records, as runc's; a warning
     * without a log file is one line like an error. */
    if (log_opts.fd >= 0 || !strcmp(level, "debug"))
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
