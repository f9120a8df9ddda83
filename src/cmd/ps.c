/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ps: the container's pids as JSON, or the host's `ps` (default -ef) with
 * only the lines of those pids, found by the PID column (as runc). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "ops.h"
#include "util/util.h"

/* Run ps with args; its stdout and stderr together in *out. */
static int run_ps(int argc, char **argv, char **out, rt_error **err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return rt_err(err, errno, "pipe");
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return rt_err(err, errno, "fork");
    }
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        char **args = calloc((size_t)argc + 3, sizeof(char *));
        args[0] = "ps";
        if (argc == 0)
            args[1] = "-ef";
        for (int i = 0; i < argc; i++)
            args[i + 1] = argv[i];
        execvp("ps", args);
        fprintf(stderr, "exec: \"ps\": %s", strerror(errno));
        _exit(127);
    }
    close(p[1]);
    cleanup_error rt_error *rerr = NULL;
    int r = read_all_fd(p[0], out, NULL, &rerr);
    close(p[0]);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    if (r < 0)
        return rt_err(err, 0, "read ps output: %s", rerr->msg);
    if (!WIFEXITED(ws) || WEXITSTATUS(ws)) {
        for (char *s = *out; *s; s++)
            if (*s == '\n')
                *s = ' ';
        rt_err(err, 0, "exit status %d: %s", WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws),
               *out);
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* Field number idx (0-based) of a whitespace-separated line. */
static bool field_at(const char *line, int idx, char *buf, size_t len)
{
    const char *s = line;
    for (int i = 0;; i++) {
        s += strspn(s, " \t");
        if (!*s)
            return false;
        size_t l = strcspn(s, " \t");
        if (i == idx) {
            snprintf(buf, len, "%.*s", (int)l, s);
            return true;
        }
        s += l;
    }
}

static int print_table(const pid_t *pids, size_t n, int argc, char **argv, rt_error **err)
{
    cleanup_free char *out = NULL;
    if (run_ps(argc, argv, &out, err) < 0)
        return -1;
    char *save = NULL;
    char *title = strtok_r(out, "\n", &save);
    int idx = -1;
    char f[64];
    for (int i = 0; title && field_at(title, i, f, sizeof(f)); i++)
        if (!strcmp(f, "PID")) {
            idx = i;
            break;
        }
    if (idx < 0)
        return rt_err(err, 0, "couldn't find PID field in ps output");
    printf("%s\n", title);
    for (char *l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *end;
        if (!field_at(l, idx, f, sizeof(f)))
            continue;
        long pid = strtol(f, &end, 10);
        if (*end || end == f)
            return rt_err(err, 0, "unable to parse pid: %s", f);
        for (size_t i = 0; i < n; i++)
            if (pids[i] == pid) {
                printf("%s\n", l);
                break;
            }
    }
    return 0;
}

int cmd_ps(const global_opts *g, int argc, char **argv, rt_error **err)
{
    const char *format = "table";
    const flag_spec flags[] = {{"format", 'f', FLAG_STRING, &format}, {0}};
    int used;
    if (flags_parse_prefix(argc, argv, flags, &used, err) < 0)
        return 1;
    /* Flags end at the container id; what follows goes to ps. */
    if (used >= argc)
        return rt_err(err, 0,
                      "\"ps\" requires a minimum of 1 argument: ps [--format table|json] "
                      "<container-id> [ps options]"),
               1;
    if (strcmp(format, "table") && strcmp(format, "json"))
        return rt_err(err, 0, "invalid format option"), 1;
    cleanup_free pid_t *pids = NULL;
    size_t n;
    if (container_pids(g->root, argv[used], &pids, &n, err) < 0)
        return 1;
    if (!strcmp(format, "json")) {
        if (!n) {
            printf("null\n");
            return 0;
        }
        printf("[");
        for (size_t i = 0; i < n; i++)
            printf("%s%d", i ? "," : "", pids[i]);
        printf("]\n");
        return 0;
    }
    return print_table(pids, n, argc - used - 1, argv + used + 1, err) < 0 ? 1 : 0;
}
