/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup/cgroup.h"
#include "container.h"
#include "foreground.h"
#include "lsm.h"
#include "process.h"
#include "schedattr.h"
#include "seccomp_filter.h"
#include "sync.h"
#include "terminal.h"
#include "util/path.h"
#include "util/util.h"

/* The namespaces an exec'd process joins, user first (the others are then
 * joined with its rights); pid and time apply to the children of the
 * joining process, which is why a helper joins and clones. */
static const struct {
    const char *name;
    int type;
} ns_order[] = {
    {"user", CLONE_NEWUSER},
    {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},
    {"pid", CLONE_NEWPID},
    {"cgroup", CLONE_NEWCGROUP},
    {"time", 0x80 /* CLONE_NEWTIME */},
    {"mnt", CLONE_NEWNS},
};
#define NS_KINDS (sizeof(ns_order) / sizeof(*ns_order))

typedef struct exec_target {
    int ns_fds[NS_KINDS]; /* -1: the same namespace as ours, nothing to join */
    int root_fd;          /* our mount namespace, another root (chroot): the init's root */
    bool userns;
} exec_target;

static void target_close(exec_target *t)
{
    for (size_t i = 0; i < NS_KINDS; i++)
        if (t->ns_fds[i] >= 0)
            close(t->ns_fds[i]);
    if (t->root_fd >= 0)
        close(t->root_fd);
}

static bool same_inode(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
           sa.st_dev == sb.st_dev;
}

/* Open the init's namespaces (by its pidfd-checked pid) that differ from ours. */
static int target_open(pid_t pid, exec_target *t, rt_error **err)
{
    t->root_fd = -1;
    t->userns = false;
    for (size_t i = 0; i < NS_KINDS; i++)
        t->ns_fds[i] = -1;
    for (size_t i = 0; i < NS_KINDS; i++) {
        char theirs[64], ours[64];
        snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, ns_order[i].name);
        snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_order[i].name);
        if (access(theirs, F_OK) < 0 || same_inode(theirs, ours))
            continue;
        if ((t->ns_fds[i] = open(theirs, O_RDONLY | O_CLOEXEC)) < 0) {
            int e = errno;
            target_close(t);
            return rt_err(err, e, "open %s", theirs);
        }
        if (ns_order[i].type == CLONE_NEWUSER)
            t->userns = true;
    }
    /* A container without a mount namespace lives in a chroot of ours (mnt
     * is the last of ns_order). */
    char root[64];
    snprintf(root, sizeof(root), "/proc/%d/root", pid);
    if (t->ns_fds[NS_KINDS - 1] < 0 && !same_inode(root, "/") &&
        (t->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        int e = errno;
        target_close(t);
        return rt_err(err, e, "open %s", root);
    }
    return 0;
}

/* The exec'd process: wait for its cgroup, take its attributes, execve.
 * The sync socket is close-on-exec: EOF tells the parent execve worked. */
/* A pty of the container's devpts (we are in its mount namespace and root):
 * the master to the console fd, the slave our controlling terminal. */
static int exec_terminal(const oci_process *p, int console_fd, rt_error **err)
{
    cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    pty tty;
    if (rootfd < 0)
        return rt_err(err, errno, "open /");
    if (pty_open(rootfd, "/dev/pts/ptmx", &tty, err) < 0)
        return -1;
    int r = -1;
    if (pty_set_size(tty.master, p->console_size, err) == 0 &&
        console_send_master(console_fd, &tty, err) == 0 && pty_make_controlling(&tty, err) == 0)
        r = 0;
    pty_close(&tty);
    close(console_fd);
    return r;
}

__attribute__((noreturn)) static void exec_child(const oci_process *p, int sync_fd, bool userns,
                                                 int console_fd, const rt_seccomp *filter)
{
    cleanup_error rt_error *err = NULL;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    enum sync_type t;
    char **envp = NULL;
    cleanup_free char *exe = NULL;
    if (sync_recv(sync_fd, &t, NULL, &err) == 0 && t != SYNC_GO)
        rt_err(&err, 0, "sync: unexpected message %d", t);
    if (!err && console_fd >= 0)
        exec_terminal(p, console_fd, &err);
    /* bubblewrap CVE-2017-5226: our caller's terminal is not the process's
     * controlling terminal (exec_terminal made a session for --tty). */
    if (!err && console_fd < 0 && setsid() < 0)
        rt_err(&err, errno, "setsid");
    bool cwd_later = false;
    if (!err && process_apply_limits(p, &err) == 0 && process_enter_cwd(p, &cwd_later, &err) == 0)
        process_chown_stdio(p, &err);
    if (!err && !(envp = process_environment(p)))
        rt_err(&err, ENOMEM, "environment");
    if (!err)
        lsm_apply_exec(p, &err);
    /* The seccomp filter as in the init: before the capabilities go, or
     * with no_new_privs as late as we can. */
    if (!err && !p->no_new_privileges)
        seccomp_filter_load(filter, sync_fd, &err);
    if (!err)
        process_apply_identity(p, userns, &err);
    if (!err && cwd_later)
        process_enter_cwd_late(p, &err);
    if (!err)
        process_find_executable(p, &exe, &err);
    if (!err && p->no_new_privileges)
        seccomp_filter_load(filter, sync_fd, &err);
    if (err) {
        sync_send(sync_fd, SYNC_ERROR, err->msg, NULL);
        _exit(1);
    }
    umask(p->user && p->user->has_umask ? p->user->umask : 022);
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    process_execve(p, exe, envp);
    rt_err(&err, errno, "exec %s", exe);
    sync_send(sync_fd, SYNC_ERROR, err->msg, NULL);
    _exit(127);
}

typedef struct spawn_args {
    const exec_target *t;
    const oci_process *p;
    int *sync_fds;
    int preserve;
    int console_fd;
    const rt_seccomp *filter;
} spawn_args;

static int32_t join_and_clone(void *arg)
{
    const spawn_args *a = arg;
    close(a->sync_fds[0]);
    /* CVE-2016-9962: nothing in the container may ptrace or open /proc of
     * the joining process; execve makes the new program dumpable again. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return -errno;
    /* CVE-2025-52881: the oom score goes through the host's procfs, before
     * we join the container, whose mounts may cover its /proc; the child
     * inherits it. */
    if (process_apply_oom_score(a->p, NULL) < 0)
        return errno ? -errno : -EINVAL;
    /* CVE-2024-21626: only the preserved fds reach the process; marked
     * here, through the host's procfs and before any filter (the child
     * inherits the flags). */
    if (process_close_fds(a->preserve, NULL) < 0)
        return errno ? -errno : -EBADF;
    for (size_t i = 0; i < NS_KINDS; i++)
        if (a->t->ns_fds[i] >= 0 && setns(a->t->ns_fds[i], ns_order[i].type) < 0)
            return -errno;
    if (a->t->root_fd >= 0 && (fchdir(a->t->root_fd) < 0 || chroot(".") < 0))
        return -errno;
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0)
        exec_child(a->p, a->sync_fds[1], a->t->userns, a->console_fd, a->filter);
    return pid < 0 ? -errno : pid;
}

/* A helper joins the namespaces and clones the process as our child. */
static pid_t spawn_in(const exec_target *t, const oci_process *p, int sync_fds[2], int preserve,
                      int console_fd, const rt_seccomp *filter)
{
    spawn_args a = {.t = t,
                    .p = p,
                    .sync_fds = sync_fds,
                    .preserve = preserve,
                    .console_fd = console_fd,
                    .filter = filter};
    cgroup_close_fds();
    return run_in_helper(join_and_clone, &a);
}

static char **strv_append(char **v, size_t *len, char *const *add, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v = strv_push(v, len, xstrdup(add[i]));
    if (!v && !(v = calloc(1, sizeof(char *))))
        abort();
    return v;
}

static int parse_id(const char *s, uint32_t *out)
{
    int64_t v;
    if (parse_int64(s, &v) < 0 || v < 0 || v > ID_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Flags override the process of the config, as runc's exec does. */
static int apply_flags(oci_process *p, const exec_opts *o, rt_error **err)
{
    if (o->args_len) {
        for (size_t i = 0; i < p->args_len; i++)
            free(p->args[i]);
        free(p->args);
        p->args = NULL;
        p->args_len = 0;
        p->args = strv_append(NULL, &p->args_len, o->args, o->args_len);
    }
    if (o->cwd) {
        free(p->cwd);
        p->cwd = xstrdup(o->cwd);
    }
    p->env = strv_append(p->env, &p->env_len, o->env, o->env_len);
    if (o->user) {
        cleanup_free char *u = xstrdup(o->user);
        char *colon = strchr(u, ':');
        if (colon)
            *colon = '\0';
        if (parse_id(u, &p->user->uid) < 0 || (colon && parse_id(colon + 1, &p->user->gid) < 0))
            return rt_err(err, 0, "--user: expected uid[:gid] with ids in 0-%d, got \"%s\"", ID_MAX,
                          o->user);
        p->user->has_uid = true;
        p->user->has_gid = colon != NULL;
        if (!colon)
            p->user->gid = 0;
    }
    if (o->additional_gids_len) {
        uint32_t *g =
            realloc(p->user->additional_gids,
                    (p->user->additional_gids_len + o->additional_gids_len) * sizeof(uint32_t));
        if (!g)
            abort();
        p->user->additional_gids = g;
        for (size_t i = 0; i < o->additional_gids_len; i++)
            if (parse_id(o->additional_gids[i], &g[p->user->additional_gids_len++]) < 0)
                return rt_err(err, 0, "--additional-gids: invalid gid \"%s\" (0-2147483647)",
                              o->additional_gids[i]);
    }
    if (o->caps_len) {
        if (!p->capabilities && !(p->capabilities = calloc(1, sizeof(*p->capabilities))))
            abort();
        oci_capabilities *c = p->capabilities;
        c->bounding = strv_append(c->bounding, &c->bounding_len, o->caps, o->caps_len);
        c->effective = strv_append(c->effective, &c->effective_len, o->caps, o->caps_len);
        c->permitted = strv_append(c->permitted, &c->permitted_len, o->caps, o->caps_len);
    }
    if (o->no_new_privs)
        p->no_new_privileges = p->has_no_new_privileges = true;
    if (o->tty)
        p->terminal = p->has_terminal = true;
    return 0;
}

static char **strv_copy(char **v, size_t n)
{
    size_t len = 0;
    return strv_append(NULL, &len, v, n);
}

static int inherit_capabilities(opened *c, oci_process *p, rt_error **err)
{
    const oci_config *cfg = opened_config(c, err);
    if (!cfg)
        return -1;
    const oci_capabilities *from = cfg->process ? cfg->process->capabilities : NULL;
    if (from) {
        oci_capabilities *to = calloc(1, sizeof(*to));
        if (!to)
            abort();
        to->bounding = strv_copy(from->bounding, to->bounding_len = from->bounding_len);
        to->effective = strv_copy(from->effective, to->effective_len = from->effective_len);
        to->permitted = strv_copy(from->permitted, to->permitted_len = from->permitted_len);
        to->inheritable = strv_copy(from->inheritable, to->inheritable_len = from->inheritable_len);
        to->ambient = strv_copy(from->ambient, to->ambient_len = from->ambient_len);
        p->capabilities = to;
    }
    return 0;
}

/* The process to run: --process FILE, or the config's process with the
 * command line's changes. */
static int load_process(opened *c, const exec_opts *o, oci_config **cfg, oci_process **p,
                        rt_error **err)
{
    char *msg = NULL;
    if (o->process_file) {
        if (oci_process_parse_file(o->process_file, p, &msg) < 0) {
            rt_err(err, 0, "--process %s: %s", o->process_file, msg ? msg : "invalid");
            free(msg);
            return -1;
        }
        /* A process without capabilities gets the container's, as runc does;
         * never the full set the runtime runs with. */
        if (!(*p)->capabilities && inherit_capabilities(c, *p, err) < 0)
            return -1;
    } else {
        if (!o->args_len)
            return rt_err(err, 0, "exec: a command is required (or --process)");
        if (!(*cfg = opened_config(c, err)))
            return -1;
        *p = (*cfg)->process;
        /* As runc: the config's terminal is the init's; an exec'd process
         * has one only with --tty. */
        (*p)->terminal = false;
    }
    if (apply_flags(*p, o, err) < 0)
        return -1;
    if (o->listen_fds)
        (*p)->env = env_with_listen_fds((*p)->env, &(*p)->env_len, o->listen_fds);
    if ((*p)->terminal && !o->console_socket && o->detach)
        return rt_err(err, 0,
                      "cannot allocate tty if rt will detach without setting console "
                      "socket");
    if ((*p)->terminal && !o->console_socket && !terminal_available())
        return rt_err(err, 0,
                      "exec --tty: rt has no terminal (stdio nor /dev/tty); use --console-socket");
    if (!(*p)->terminal && o->console_socket)
        return rt_err(err, 0, "cannot use console socket if rt will not allocate tty");
    if (process_validate(*p, err) < 0 || sched_validate_process(*p, err) < 0)
        return -1;
    return 0;
}

/* The path of --cgroup below the container's cgroup, as runc joins it:
 * "/" and "" are the container's own, "a/./b/" is "a/b"; a ".." may not
 * climb above the container's cgroup.  NULL when it would. */
static char *sub_cgroup_path(const char *path)
{
    cleanup_free char *copy = xstrdup(path);
    char *out = calloc(1, strlen(path) + 1);
    if (!out)
        abort();
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (strcmp(c, "..")) {
            if (*out)
                strcat(out, "/");
            strcat(out, c);
            continue;
        }
        char *slash = strrchr(out, '/');
        if (!*out) {
            free(out);
            return NULL;
        }
        *(slash ? slash : out) = '\0';
    }
    return out;
}

/* Put the directories of the hierarchies of `only` (a comma-separated list
 * of controllers, as runc takes "cpu,cpuacct:sub"; NULL: all of them) to
 * the existing sub-cgroup `sub` of the container's. */
static int pick_sub_cgroup(const rt_state *st, const char *arg, char *only, const char *sub,
                           cgroup_paths *out, rt_error **err)
{
    const char *dirs[32];
    size_t n = 0;
    char *save = NULL;
    for (char *c = only ? strtok_r(only, ",", &save) : NULL; c; c = strtok_r(NULL, ",", &save)) {
        if (n == sizeof(dirs) / sizeof(*dirs) || !(dirs[n++] = cgroup_dir_for(&st->cgroups, c)))
            return rt_err(err, 0, "--cgroup %s: no %s controller in the container's cgroups", arg,
                          c);
    }
    if (only && !n)
        return rt_err(err, 0, "--cgroup %s: empty controller list", arg);
    for (size_t i = 0; i < st->cgroups.len; i++) {
        bool chosen = !only;
        for (size_t k = 0; k < n; k++)
            chosen = chosen || !strcmp(st->cgroups.dirs[i], dirs[k]);
        if (!chosen)
            continue;
        char *dir =
            *sub ? xasprintf("%s/%s", st->cgroups.dirs[i], sub) : xstrdup(st->cgroups.dirs[i]);
        if (access(dir, F_OK) < 0) {
            int e = errno;
            rt_err(err, e, "--cgroup %s: %s", arg, dir);
            free(dir);
            return -1;
        }
        free(out->dirs[i]);
        out->dirs[i] = dir;
    }
    return 0;
}

/* --cgroup: the container's cgroup directories, with [<controllers>:]<path>
 * sub-cgroups (which must exist) in place of the container's own. */
static int exec_cgroups(const rt_state *st, const exec_opts *o, cgroup_paths *out, rt_error **err)
{
    *out = (cgroup_paths){.dirs = calloc(st->cgroups.len + 1, sizeof(char *))};
    if (!out->dirs)
        abort();
    for (; out->len < st->cgroups.len; out->len++)
        out->dirs[out->len] = xstrdup(st->cgroups.dirs[out->len]);
    for (size_t k = 0; k < o->cgroups_len; k++) {
        cleanup_free char *spec = xstrdup(o->cgroups[k]);
        char *colon = strchr(spec, ':');
        if (colon)
            *colon = '\0';
        else if (o->cgroups_len > 1)
            return rt_err(err, 0, "--cgroup %s: without <controller>: it must be the only --cgroup",
                          o->cgroups[k]);
        cleanup_free char *sub = sub_cgroup_path(colon ? colon + 1 : spec);
        if (!sub)
            return rt_err(err, 0, "--cgroup %s: must be a path below the container's cgroup",
                          o->cgroups[k]);
        if (pick_sub_cgroup(st, o->cgroups[k], colon ? spec : NULL, sub, out, err) < 0)
            return -1;
    }
    return 0;
}

/* --console-socket, or in the foreground a socketpair to proxy our terminal. */
static int open_console(const exec_opts *o, int *ours, int *child, rt_error **err)
{
    if (o->console_socket) {
        *child = console_socket_connect(o->console_socket, err);
        return *child < 0 ? -1 : 0;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return rt_err(err, errno, "socketpair");
    *ours = sv[0];
    *child = sv[1];
    return 0;
}

static int exec_in(const opened *c, const oci_process *p, const exec_opts *o,
                   const rt_seccomp *filter, int *status, rt_error **err)
{
    cleanup_close int pidfd = state_init_pidfd(c->st);
    if (pidfd < 0)
        return rt_err(err, 0, "cannot exec in a stopped container");
    const char *st = state_status(c->dirfd, c->st);
    if (!strcmp(st, "paused") && !o->ignore_paused)
        return rt_err(err, 0,
                      "cannot exec in a paused container (use --ignore-paused to override)");
    cgroup_paths target = {0};
    if (exec_cgroups(c->st, o, &target, err) < 0) {
        cgroup_paths_free(&target);
        return -1;
    }
    exec_target t;
    if (target_open(c->st->pid, &t, err) < 0) {
        cgroup_paths_free(&target);
        return -1;
    }
    int sync_fds[2] = {-1, -1};
    cleanup_close int sigfd = -1;
    cleanup_close int console = -1, console_child = -1, master = -1;
    cleanup_free char *msg = NULL;
    enum sync_type type;
    rt_error *eof = NULL;
    int got;
    pid_t pid;
    /* A frozen cgroup would freeze the process before it can execve (and we
     * wait for that): with --ignore-paused it joins once it runs, and is then
     * paused with the rest of the container. */
    bool join_late = !strcmp(st, "paused");
    sigset_t old;
    int r = -1;
    if ((sigfd = signals_block(&old, err)) < 0) {
        target_close(&t);
        cgroup_paths_free(&target);
        return -1;
    }
    if (sync_pair(sync_fds, err) < 0)
        goto out;
    if (p->terminal && open_console(o, &console, &console_child, err) < 0)
        goto out;
    pid = spawn_in(&t, p, sync_fds, o->listen_fds + o->preserve_fds, console_child, filter);
    if (console_child >= 0)
        close(console_child);
    console_child = -1;
    if (pid < 0) {
        /* A pid namespace whose init is gone refuses new members (ENOMEM). */
        struct pollfd dead = {.fd = pidfd, .events = POLLIN};
        if (poll(&dead, 1, 0) == 1)
            rt_err(err, 0, "cannot exec in a stopped container");
        else
            rt_err(err, errno, "join the container's namespaces");
        goto out;
    }
    close(sync_fds[1]);
    sync_fds[1] = -1;
    if (sched_exec_affinity(p, pid, false, err) < 0 ||
        (!join_late && cgroup_enter(&target, pid, err) < 0) ||
        sched_exec_affinity(p, pid, true, err) < 0 || sched_apply_process(p, pid, err) < 0 ||
        sync_send(sync_fds[0], SYNC_GO, NULL, err) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        goto out;
    }
    /* EOF: execve closed the child's end, the process runs. */
    /* SCMP_ACT_NOTIFY: the listener fd goes to listenerPath first. */
    while ((got = sync_recv(sync_fds[0], &type, &msg, &eof)) == 0 && type == SYNC_SECCOMP) {
        cleanup_free char *state = NULL;
        free(msg);
        msg = NULL;
        if (container_state_json(o->root, o->id, &state, err) < 0 ||
            seccomp_filter_relay(filter, sync_fds[0], pid, state, err) < 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            goto out;
        }
    }
    if (got == 0) {
        rt_err(err, 0, "%s", type == SYNC_ERROR && msg ? msg : "exec failed");
        waitpid(pid, NULL, 0);
        goto out;
    }
    rt_error_free(eof);
    if (join_late && cgroup_enter(&target, pid, err) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        goto out;
    }
    if (o->pid_file && write_pid_file(o->pid_file, pid, err) < 0)
        goto out;
    /* The process runs in the container's cgroup: delete may go on. */
    state_dir_unlock(c->dirfd);
    r = 0;
    if (console >= 0 && console_recv_master(console, &master, err) < 0)
        r = -1;
    if (r == 0 && !o->detach)
        r = foreground_wait(pid, sigfd, master, status, err);
out:
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (int i = 0; i < 2; i++)
        if (sync_fds[i] >= 0)
            close(sync_fds[i]);
    target_close(&t);
    cgroup_paths_free(&target);
    return r;
}

/* What an exec'd process takes from the container: its seccomp filter (as
 * runc, the config's applies to every exec), and its AppArmor profile and
 * SELinux label unless the process or --apparmor/--process-label give one. */
static int exec_security(opened *c, const exec_opts *o, const oci_config *cfg, oci_process *p,
                         rt_seccomp **filter, rt_error **err)
{
    if (!cfg && !(cfg = opened_config(c, err)))
        return -1;
    const oci_process *cp = cfg->process;
    if (!p->apparmor_profile && cp && cp->apparmor_profile)
        p->apparmor_profile = xstrdup(cp->apparmor_profile);
    if (!p->selinux_label && cp && cp->selinux_label)
        p->selinux_label = xstrdup(cp->selinux_label);
    if (o->apparmor && *o->apparmor) {
        free(p->apparmor_profile);
        p->apparmor_profile = xstrdup(o->apparmor);
    }
    if (o->process_label && *o->process_label) {
        free(p->selinux_label);
        p->selinux_label = xstrdup(o->process_label);
    }
    if (lsm_validate(p, NULL, err) < 0)
        return -1;
    if (cfg->linux_ && seccomp_filter_prepare(cfg->linux_->seccomp, o->root, filter, err) < 0)
        return rt_err_wrap(err, "saved config.json");
    return 0;
}

int container_exec(const exec_opts *o, int *status, rt_error **err)
{
    *status = 0;
    if (!o->detach)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    cleanup_opened opened c;
    if (container_open(o->root, o->id, LOCK_SH, &c, err) < 0)
        return -1;
    oci_config *cfg = NULL;
    oci_process *p = NULL;
    cleanup_seccomp rt_seccomp *filter = NULL;
    int r = load_process(&c, o, &cfg, &p, err);
    if (r == 0)
        r = exec_security(&c, o, cfg, p, &filter, err);
    if (r == 0)
        r = exec_in(&c, p, o, filter, status, err);
    /* The config's process is c's; one of --process is ours. */
    if (!cfg)
        oci_process_free(p);
    return r;
}
