/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "util/util.h"

static const flag_spec *find_flag(const flag_spec *specs, const char *name, size_t len,
                                  bool is_short)
{
    for (const flag_spec *f = specs; f && f->name; f++) {
        if (is_short ? (len == 1 && f->short_name == name[0])
                     : (strlen(f->name) == len && !strncmp(f->name, name, len)))
            return f;
    }
    return NULL;
}

static int set_flag(const flag_spec *f, const char *value, bool has_value, rt_error **err)
{
    switch (f->kind) {
    case FLAG_BOOL:
        if (!has_value || !strcmp(value, "true") || !strcmp(value, "1"))
            *(bool *)f->dest = true;
        else if (!strcmp(value, "false") || !strcmp(value, "0"))
            *(bool *)f->dest = false;
        else
            return rt_err(err, 0, "invalid boolean value \"%s\" for flag --%s", value, f->name);
        return 0;
    case FLAG_STRING:
        *(const char **)f->dest = value;
        return 0;
    case FLAG_LIST: {
        str_list *l = f->dest;
        char **n = realloc(l->items, (l->len + 1) * sizeof(char *));
        if (!n)
            return rt_err(err, ENOMEM, "flag --%s", f->name);
        l->items = n;
        l->items[l->len++] = (char *)value;
        return 0;
    }
    case FLAG_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < 0 || v > 1 << 20)
            return rt_err(err, 0, "invalid value \"%s\" for flag --%s", value, f->name);
        *(int *)f->dest = (int)v;
        return 0;
    }
    }
    return 0;
}

/* The parser behind flags_parse(); with stop_at_arg it ends at the first
 * positional argument (global flags end at the command name). */
static int parse(int argc, char **argv, const flag_spec *specs, bool stop_at_arg, int *npos,
                 rt_error **err)
{
    int pos = 0;
    bool only_args = false;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_args || a[0] != '-' || a[1] == '\0') {
            if (stop_at_arg) {
                *npos = i;
                return 0;
            }
            argv[pos++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_args = true;
            continue;
        }
        const char *name = a + 1 + (a[1] == '-');
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const flag_spec *f = find_flag(specs, name, len, false);
        if (!f && a[1] != '-')
            f = find_flag(specs, name, len, true);
        if (!f)
            return rt_err(err, 0, "flag provided but not defined: %.*s",
                          (int)(len + 1 + (a[1] == '-')), a);
        if (eq) {
            if (set_flag(f, eq + 1, true, err) < 0)
                return -1;
        } else if (f->kind == FLAG_BOOL) {
            set_flag(f, NULL, false, err);
        } else {
            if (i + 1 >= argc)
                return rt_err(err, 0, "flag needs an argument: %s", a);
            if (set_flag(f, argv[++i], true, err) < 0)
                return -1;
        }
    }
    *npos = stop_at_arg ? argc : pos;
    return 0;
}

int flags_parse(int argc, char **argv, const flag_spec *specs, int *npos, rt_error **err)
{
    return parse(argc, argv, specs, false, npos, err);
}

int flags_parse_prefix(int argc, char **argv, const flag_spec *specs, int *used, rt_error **err)
{
    return parse(argc, argv, specs, true, used, err);
}

int want_args(int npos, int n, const char *cmd, const char *usage, rt_error **err)
{
    if (npos == n)
        return 0;
    return rt_err(err, 0, "\"%s\" requires exactly %d argument%s: %s%s%s", cmd, n,
                  n == 1 ? "" : "s", cmd, *usage ? " " : "", usage);
}

bool global_rootless(const global_opts *g)
{
    /* auto, as runc: not root, or root of a user namespace (rootless podman) */
    return !strcmp(g->rootless, "true") ||
           (!strcmp(g->rootless, "auto") && (geteuid() != 0 || in_user_namespace()));
}
