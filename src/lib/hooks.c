/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"
#include "util/util.h"

static int validate_list(const oci_hook *h, size_t n, const char *phase, rt_error **err)
{
    for (size_t i = 0; i < n; i++)
        if (!h[i].path || h[i].path[0] != '/')
            return rt_err(err, 0, "hooks.%s[%zu].path: must be an absolute path", phase, i);
    return 0;
}

int hooks_validate(const oci_hooks *h, rt_error **err)
{
    if (!h)
        return 0;
    if (validate_list(h->prestart, h->prestart_len, "prestart", err) < 0 ||
        validate_list(h->create_runtime, h->create_runtime_len, "createRuntime", err) < 0 ||
        validate_list(h->create_container, h->create_container_len, "createContainer", err) < 0 ||
        validate_list(h->start_container, h->start_container_len, "startContainer", err) < 0 ||
        validate_list(h->poststart, h->poststart_len, "poststart", err) < 0 ||
        validate_list(h->poststop, h->poststop_len, "poststop", err) < 0)
        return -1;
    return 0;
}

static char **null_terminated(char **v, size_t n, const char *first)
{
    char **out = calloc(n + 2, sizeof(char *));
    if (!out)
        return NULL;
    size_t k = 0;
    if (!n && first)
        out[k++] = (char *)first;
    for (size_t i = 0; i < n; i++)
        out[k++] = v[i];
    return out;
}

/* The hook's child: stdin from the pipe, then execve. */
static void hook_child(const oci_hook *h, int in)
{
    if (dup2(in, 0) < 0)
        _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    char **argv = null_terminated(h->args, h->args_len, h->path);
    char **envp = null_terminated(h->env, h->env_len, NULL);
    if (argv && envp)
        execve(h->path, argv, envp);
    _exit(127);
}

/* A signal as Go names it in runc's errors ("bad system call"): glibc's
 * description, first letter in lower case. */
static void signal_name(int sig, char *buf, size_t len)
{
    const char *d = sigdescr_np(sig);
    go_words(d ? d : "unknown signal", buf, len);
}

/* The hook's wait status as an error in the words tools match in runc's:
 * "error running hook: exit status N" or "… signal: NAME". */
static int hook_status(const oci_hook *h, const char *phase, size_t idx, int ws, rt_error **err)
{
    if (WIFSIGNALED(ws)) {
        char name[64];
        signal_name(WTERMSIG(ws), name, sizeof(name));
        return rt_err(err, 0, "hooks.%s[%zu] %s: error running hook: signal: %s%s", phase, idx,
                      h->path, name, WCOREDUMP(ws) ? " (core dumped)" : "");
    }
    if (WEXITSTATUS(ws) == 127)
        return rt_err(err, 0,
                      "hooks.%s[%zu] %s: error running hook: exit status 127 (or it could not "
                      "be executed)",
                      phase, idx, h->path);
    if (WEXITSTATUS(ws))
        return rt_err(err, 0, "hooks.%s[%zu] %s: error running hook: exit status %d", phase, idx,
                      h->path, WEXITSTATUS(ws));
    return 0;
}

static int hook_run(const oci_hook *h, const char *phase, size_t idx, const char *state_json,
                    rt_error **err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return rt_err(err, errno, "hooks.%s[%zu]: pipe", phase, idx);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return rt_err(err, e, "hooks.%s[%zu]: fork", phase, idx);
    }
    if (pid == 0) {
        close(p[1]);
        hook_child(h, p[0]);
    }
    close(p[0]);
    /* A hook that does not read its stdin must not block us: ignore EPIPE. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    write_all(p[1], state_json, strlen(state_json));
    close(p[1]);
    sigaction(SIGPIPE, &old, NULL);
    /* A timeout beyond INT_MAX ms (24 days) is as good as none. */
    bool limited = h->has_timeout && h->timeout > 0 && h->timeout <= INT_MAX / 1000;
    int ws = child_wait_deadline(pid, limited ? h->timeout * 1000 : -1);
    if (ws < 0 && errno == ETIMEDOUT)
        return rt_err(err, 0,
                      "hooks.%s[%zu] %s: error running hook: hook ran past specified timeout "
                      "of %d s",
                      phase, idx, h->path, h->timeout);
    if (ws < 0)
        return rt_err(err, errno, "hooks.%s[%zu] %s: error running hook: wait", phase, idx,
                      h->path);
    return hook_status(h, phase, idx, ws, err);
}

int hooks_run(const oci_hook *hooks, size_t n, const char *phase, const char *state_json,
              rt_error **err)
{
    for (size_t i = 0; i < n; i++)
        if (hook_run(&hooks[i], phase, i, state_json, err) < 0)
            return -1;
    return 0;
}

void hooks_run_warn(const oci_hook *hooks, size_t n, const char *phase, const char *state_json)
{
    for (size_t i = 0; i < n; i++) {
        cleanup_error rt_error *err = NULL;
        if (hook_run(&hooks[i], phase, i, state_json, &err) < 0)
            log_warn("%s", err->msg);
    }
}
