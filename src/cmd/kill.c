/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container.h"

static const struct {
    const char *name;
    int sig;
} signal_names[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},       {"CHLD", SIGCHLD},
    {"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},       {"HUP", SIGHUP},
    {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},         {"IOT", SIGIOT},
    {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},     {"PROF", SIGPROF},
    {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},     {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM},     {"TRAP", SIGTRAP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

/* s is 1 to 3 decimal digits and nothing else (no sign, space or overflow):
 * its value, else -1. */
static int small_number(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n >= 1 && n <= 3 && !s[n] ? atoi(s) : -1;
}

/* A number, or a name with or without SIG, in any case (as runc); RTMIN+N and
 * RTMAX-N for the realtime signals. 0 asks only whether the init is alive
 * (kill(2)'s null signal), as runc takes it. */
static int parse_signal(const char *s)
{
    int v = small_number(s);
    if (v >= 0)
        return v < NSIG ? v : -1;
    char up[32];
    size_t i = 0;
    for (; s[i] && i < sizeof(up) - 1; i++)
        up[i] = (char)toupper((unsigned char)s[i]);
    if (s[i])
        return -1;
    up[i] = '\0';
    const char *name = strncmp(up, "SIG", 3) ? up : up + 3;
    for (size_t k = 0; k < sizeof(signal_names) / sizeof(*signal_names); k++)
        if (!strcmp(signal_names[k].name, name))
            return signal_names[k].sig;
    int sig = -1;
    if (!strcmp(name, "RTMIN") || !strcmp(name, "RTMAX"))
        sig = name[3] == 'I' ? SIGRTMIN : SIGRTMAX;
    else if (!strncmp(name, "RTMIN+", 6) && (v = small_number(name + 6)) >= 0)
        sig = SIGRTMIN + v;
    else if (!strncmp(name, "RTMAX-", 6) && (v = small_number(name + 6)) >= 0)
        sig = SIGRTMAX - v;
    return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
}

int cmd_kill(const global_opts *g, int argc, char **argv, rt_error **err)
{
    bool all = false;
    const flag_spec flags[] = {{"all", 'a', FLAG_BOOL, &all}, {0}};
    int n;
    if (flags_parse(argc, argv, flags, &n, err) < 0)
        return 1;
    if (n < 1 || n > 2)
        return rt_err(err, 0,
                      "\"kill\" requires 1 or 2 arguments: kill [--all] <container-id> "
                      "[signal]"),
               1;
    int sig = SIGTERM;
    if (n == 2 && (sig = parse_signal(argv[1])) < 0)
        return rt_err(err, 0, "unknown signal \"%s\"", argv[1]), 1;
    return container_kill(g->root, argv[0], sig, all, err) < 0 ? 1 : 0;
}
