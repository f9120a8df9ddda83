/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container.h"

static size_t max_width(oci_state **s, size_t n, size_t off, size_t min)
{
    size_t w = min;
    for (size_t i = 0; i < n; i++) {
        const char *v = *(char **)((char *)s[i] + off);
        if (v && strlen(v) > w)
            w = strlen(v);
    }
    return w;
}

/* Columns as runc's: Go's tabwriter with minimum width 12 and padding 3. */
static int col(oci_state **s, size_t n, size_t off, const char *title)
{
    size_t w = max_width(s, n, off, strlen(title)) + 3;
    return (int)(w < 12 ? 12 : w);
}

static void print_table(oci_state **s, size_t n)
{
    int wid = col(s, n, offsetof(oci_state, id), "ID");
    int wst = col(s, n, offsetof(oci_state, status), "STATUS");
    int wbu = col(s, n, offsetof(oci_state, bundle), "BUNDLE");
    int wcr = col(s, n, offsetof(oci_state, created), "CREATED");
    int wpid = 12;
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(NULL, 0, "%d", s[i]->pid) + 3;
        if (len > wpid)
            wpid = len;
    }
    printf("%-*s%-*s%-*s%-*s%-*s%s\n", wid, "ID", wpid, "PID", wst, "STATUS", wbu, "BUNDLE", wcr,
           "CREATED", "OWNER");
    for (size_t i = 0; i < n; i++)
        printf("%-*s%-*d%-*s%-*s%-*s%s\n", wid, s[i]->id, wpid, s[i]->pid, wst, s[i]->status, wbu,
               s[i]->bundle, wcr, s[i]->created, s[i]->owner);
}

int cmd_list(const global_opts *g, int argc, char **argv, rt_error **err)
{
    const char *format = "table";
    bool quiet = false;
    const flag_spec flags[] = {
        {"format", 'f', FLAG_STRING, &format},
        {"quiet", 'q', FLAG_BOOL, &quiet},
        {0},
    };
    int n;
    if (flags_parse(argc, argv, flags, &n, err) < 0 || want_args(n, 0, "list", "", err) < 0)
        return 1;
    if (strcmp(format, "table") && strcmp(format, "json"))
        return rt_err(err, 0, "invalid format option"), 1;
    oci_state **s;
    size_t count;
    if (container_list(g->root, &s, &count, err) < 0)
        return 1;
    if (quiet) {
        for (size_t i = 0; i < count; i++)
            printf("%s\n", s[i]->id);
    } else if (!strcmp(format, "json") && count == 0) {
        printf("null\n"); /* what runc prints for no containers */
    } else if (!strcmp(format, "json")) {
        char *json = oci_state_list_to_json(s, count);
        printf("%s\n", json);
        free(json);
    } else {
        print_table(s, count);
    }
    for (size_t i = 0; i < count; i++)
        oci_state_free(s[i]);
    free(s);
    return 0;
}
