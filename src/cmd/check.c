/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `rt check`: what this host offers rt (src/lib/hostcheck.c), as text or
 * JSON.  Missing features are the report, not errors: the status is 0. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cmd.h"
#include "hostcheck.h"

#define NAME_WIDTH 18

static void print_text(const struct utsname *u, const hc_result *r, size_t n)
{
    printf("rt check: Linux %s (%s), uid %u\n", u->release, u->machine, (unsigned)geteuid());
    for (size_t i = 0; i < n; i++)
        printf("%-*s %-8s %s; missing: %s\n", NAME_WIDTH, r[i].name, hc_state_name(r[i].state),
               r[i].detail ? r[i].detail : "", r[i].rt_does);
}

static void gen_str(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
    gen_str(g, k);
    gen_str(g, v ? v : "");
}

static int print_json(const struct utsname *u, const hc_result *r, size_t n, rt_error **err)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g)
        return rt_err(err, 0, "out of memory");
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    yajl_gen_map_open(g);
    gen_kv(g, "kernel", u->release);
    gen_kv(g, "machine", u->machine);
    gen_str(g, "uid");
    yajl_gen_integer(g, geteuid());
    gen_str(g, "checks");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        gen_kv(g, "name", r[i].name);
        gen_kv(g, "state", hc_state_name(r[i].state));
        gen_kv(g, "detail", r[i].detail);
        gen_kv(g, "missing", r[i].rt_does);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    int rc = 0;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
        printf("%.*s\n", (int)len, (const char *)buf);
    else
        rc = rt_err(err, 0, "check: cannot write the JSON report");
    yajl_gen_free(g);
    return rc;
}

int cmd_check(const global_opts *g, int argc, char **argv, rt_error **err)
{
    const char *format = "text";
    const flag_spec flags[] = {
        {"format", 'f', FLAG_STRING, &format},
        {0},
    };
    int n;
    if (flags_parse(argc, argv, flags, &n, err) < 0 ||
        want_args(n, 0, "check", "[--format text|json]", err) < 0)
        return 1;
    if (strcmp(format, "text") && strcmp(format, "json"))
        return rt_err(err, 0, "invalid --format \"%s\": must be text or json", format), 1;
    struct utsname u;
    if (uname(&u) < 0)
        return rt_err(err, 0, "uname"), 1;
    hc_result r[HC_COUNT];
    size_t count = hostcheck_run(r, g->criu ? g->criu : "criu");
    int rc = 0;
    if (!strcmp(format, "json"))
        rc = print_json(&u, r, count, err) < 0 ? 1 : 0;
    else
        print_text(&u, r, count);
    for (size_t i = 0; i < count; i++)
        hc_result_free(&r[i]);
    return rc;
}
