/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ops.h"

/* A Go duration ("5s", "100ms", "1m30s", "1.5s") in milliseconds; -1 if
 * invalid. */
static long parse_duration(const char *s)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1},
                 {"s", 1e3},   {"m", 6e4},   {"h", 3.6e6}};
    double total = 0;
    if (!strcmp(s, "0"))
        return 0;
    if (!*s)
        return -1;
    while (*s) {
        char *end;
        if (!isdigit((unsigned char)*s) && *s != '.')
            return -1;
        double v = strtod(s, &end);
        if (end == s)
            return -1;
        s = end;
        size_t best = 0, bi = 0;
        for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++) {
            size_t l = strlen(units[i].unit);
            if (!strncmp(s, units[i].unit, l) && l > best) {
                best = l;
                bi = i;
            }
        }
        if (!best)
            return -1;
        total += v * units[bi].ms;
        s += best;
    }
    return total > 0 && total < 1 ? 1 : (long)total;
}

int cmd_events(const global_opts *g, int argc, char **argv, rt_error **err)
{
    const char *interval = "5s";
    bool stats = false;
    const flag_spec flags[] = {
        {"interval", 0, FLAG_STRING, &interval},
        {"stats", 0, FLAG_BOOL, &stats},
        {0},
    };
    int n;
    if (flags_parse(argc, argv, flags, &n, err) < 0 ||
        want_args(n, 1, "events", "[--stats] [--interval DURATION] <container-id>", err) < 0)
        return 1;
    long ms = parse_duration(interval);
    if (ms < 0)
        return rt_err(err, 0, "invalid value \"%s\" for flag -interval: parse error", interval), 1;
    if (ms == 0)
        return rt_err(err, 0, "duration interval must be greater than 0"), 1;
    return container_events(g->root, argv[0], stats, ms, err) < 0 ? 1 : 0;
}
