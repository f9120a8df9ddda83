/* SPDX-License-Identifier: GPL-2.0-or-later */
/* icount: the user-space instructions a command and every process it forks execute, counted
 * by single-stepping each of them with ptrace (issue #15).
 *
 *   icount [-x SUFFIX] COMMAND [ARG...]
 *
 * A process stops being counted when it execs a file whose path ends with SUFFIX (say the
 * container's program, busybox): it is let go from there.  Prints "N instructions in P
 * processes" on stderr and exits with COMMAND's status.
 *
 * This is the figure that does not drift with load, where perf has no PMU counters (a VM) and
 * valgrind cannot run the command (valgrind 3.19 does not know openat2).  Each step is one
 * instruction retired in user space, each iteration of a rep-prefixed one included; the
 * kernel's work is not counted.  Slow: some microseconds per instruction.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PROCS 256

static pid_t procs[MAX_PROCS];
static int nprocs;

/* Whether pid has stopped before: a new child's first stop is its SIGSTOP, not a signal. */
static bool first_stop(pid_t pid)
{
    for (int i = 0; i < nprocs; i++)
        if (procs[i] == pid)
            return false;
    if (nprocs == MAX_PROCS) {
        fprintf(stderr, "icount: more than %d processes\n", MAX_PROCS);
        exit(1);
    }
    procs[nprocs++] = pid;
    return true;
}

static bool exe_ends_with(pid_t pid, const char *suffix)
{
    char link[64], exe[4096];
    snprintf(link, sizeof(link), "/proc/%d/exe", pid);
    ssize_t n = readlink(link, exe, sizeof(exe) - 1);
    if (n < 0)
        return false;
    exe[n] = 0;
    size_t len = strlen(suffix);
    return (size_t)n >= len && !strcmp(exe + n - len, suffix);
}

static pid_t start(char **argv)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("icount: fork");
        exit(1);
    }
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        execvp(argv[0], argv);
        fprintf(stderr, "icount: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    /* the stop at its exec; from here on its forks are traced too */
    if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) {
        fprintf(stderr, "icount: %s did not start\n", argv[0]);
        exit(1);
    }
    first_stop(pid);
    long opts = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)opts) < 0 ||
        ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) < 0) {
        perror("icount: ptrace");
        exit(1);
    }
    return pid;
}

int main(int argc, char **argv)
{
    const char *suffix = NULL;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "-x")) {
        suffix = argv[i + 1];
        i += 2;
    }
    if (i == argc) {
        fprintf(stderr, "usage: icount [-x SUFFIX] COMMAND [ARG...]\n");
        return 1;
    }
    pid_t top = start(argv + i);
    unsigned long long count = 0;
    int exit_status = 1, status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, __WALL)) > 0) {
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == top)
                exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        int sig = WSTOPSIG(status), event = status >> 16, inject = 0;
        if (first_stop(pid) && sig == SIGSTOP)
            inject = 0; /* a new child's start */
        else if (event == PTRACE_EVENT_EXEC && suffix && exe_ends_with(pid, suffix)) {
            ptrace(PTRACE_DETACH, pid, NULL, NULL);
            continue;
        } else if (sig == SIGTRAP && !event)
            count++; /* one instruction */
        else if (!event)
            inject = sig; /* a signal for it: deliver it */
        if (ptrace(PTRACE_SINGLESTEP, pid, NULL, (void *)(long)inject) < 0 && errno != ESRCH) {
            perror("icount: PTRACE_SINGLESTEP");
            return 1;
        }
    }
    fprintf(stderr, "%llu instructions in %d processes\n", count, nprocs);
    return exit_status;
}
