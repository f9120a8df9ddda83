/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "hooks.h"
#include "lsm.h"
#include "process.h"
#include "rootfs.h"
#include "schedattr.h"
#include "sync.h"
#include "terminal.h"
#include "util/path.h"
#include "util/util.h"

static int set_names(const oci_config *cfg, const ns_plan *ns, rt_error **err)
{
    bool uts = ns_creates(ns, CLONE_NEWUTS) || ns_has(cfg, "uts");
    if ((cfg->hostname || cfg->domainname) && !uts)
        return rt_err(err, 0, "hostname: setting it needs a uts namespace");
    if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
        return rt_err(err, errno, "sethostname");
    if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
        return rt_err(err, errno, "setdomainname");
    return 0;
}

static int join_session_keyring(const char *id, rt_error **err)
{
    cleanup_free char *name = xasprintf("_ses.%s", id);
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
        return rt_err(err, errno, "join session keyring");
    return 0;
}

/* The cwd must exist in the container; make it as root before pivot_root. */
static int make_cwd(const char *rootfs, const char *cwd, rt_error **err)
{
    cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return rt_err(err, errno, "open rootfs");
    cleanup_close int fd = path_create_in_root(rootfd, cwd, false, err);
    return fd < 0 ? rt_err_wrap(err, "process.cwd") : 0;
}

/* What the init keeps from its setup for the moment after `start`. */
typedef struct init_result {
    char *exe;
    char **envp;
    char *created_json; /* state for the startContainer hooks */
} init_result;

static bool has_early_hooks(const oci_hooks *h)
{
    return h && (h->prestart_len || h->create_runtime_len || h->create_container_len ||
                 h->start_container_len);
}

/* Mounts are done: the parent runs prestart and createRuntime hooks in the
 * runtime namespace, then we run createContainer hooks in ours. */
static int run_create_hooks(const init_args *a, init_result *res, rt_error **err)
{
    const oci_hooks *h = a->cfg->hooks;
    if (!has_early_hooks(h))
        return 0;
    enum sync_type t;
    if (sync_send(a->sync_fd, SYNC_HOOKS, NULL, err) < 0 ||
        sync_recv(a->sync_fd, &t, &res->created_json, err) < 0)
        return -1;
    if (t != SYNC_HOOKS_DONE || !res->created_json)
        return rt_err(err, 0, "sync: unexpected message %d", t);
    /* As runc: they start in the container's root (still the host's path). */
    if (h->create_container_len && chdir(a->rootfs) < 0)
        return rt_err(err, errno, "chdir to rootfs %s", a->rootfs);
    return hooks_run(h->create_container, h->create_container_len, "createContainer",
                     res->created_json, err);
}

/* The master goes to the console socket; we keep only the slave. */
static int send_terminal(const init_args *a, pty *tty, rt_error **err)
{
    if (pty_set_size(tty->master, a->cfg->process->console_size, err) < 0 ||
        console_send_master(a->console_fd, tty, err) < 0)
        return -1;
    close(tty->master);
    tty->master = -1;
    close(a->console_fd);
    return 0;
}

/* The process's own attributes: limits, environment, cwd, LSM label,
 * seccomp, identity, and the executable to run. */
static int process_setup(const init_args *a, init_result *res, bool userns, rt_error **err)
{
    const oci_process *p = a->cfg->process;
    if (process_apply_limits(p, err) < 0)
        return -1;
    if (!(res->envp = process_environment(p)))
        return rt_err(err, ENOMEM, "environment");
    bool cwd_later;
    if (process_enter_cwd(p, &cwd_later, err) < 0 || process_chown_stdio(p, err) < 0 ||
        lsm_apply_exec(p, err) < 0)
        return -1;
    /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before
     * the capabilities go; with it, as late as we can (runc's timing). */
    if (!p->no_new_privileges && seccomp_filter_load(a->seccomp, a->sync_fd, err) < 0)
        return -1;
    if (process_apply_identity(p, userns, err) < 0)
        return -1;
    if (cwd_later && process_enter_cwd_late(p, err) < 0)
        return -1;
    if (process_find_executable(p, &res->exe, err) < 0)
        return -1;
    umask(p->user && p->user->has_umask ? p->user->umask : 022);
    if (p->no_new_privileges && seccomp_filter_load(a->seccomp, a->sync_fd, err) < 0)
        return -1;
    return 0;
}

/* Everything up to the point where the process only has to execve. */
static int init_setup(const init_args *a, init_result *res, rt_error **err)
{
    const oci_config *cfg = a->cfg;
    /* A config without a process (config.md: optional) can be created, and
     * its init then waits to be deleted. */
    static const oci_process none;
    const oci_process *p = cfg->process ? cfg->process : &none;
    enum sync_type t;
    /* CVE-2024-21626: no fd of our caller (beyond the preserved ones) may
     * reach a hook or the container; now, while no filter can refuse it. */
    if (process_close_fds(a->preserve_fds, err) < 0)
        return -1;
    if (chdir(a->bundle) < 0)
        return rt_err(err, errno, "chdir to bundle %s", a->bundle);
    if (sync_recv(a->sync_fd, &t, NULL, err) < 0)
        return -1;
    if (t != SYNC_GO)
        return rt_err(err, 0, "sync: unexpected message %d", t);
    /* In a user namespace (the container's, or the one rt itself runs in)
     * mknod is refused: device nodes are bound from the host instead. */
    bool userns =
        ns_creates(a->ns, CLONE_NEWUSER) || ns_joins(a->ns, CLONE_NEWUSER) || in_user_namespace();
    if (userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        return rt_err(err, errno, "become root in the user namespace");
    /* The uid change made us non-dumpable, and our /proc files root-owned
     * on the host: root of the container could not write them. */
    if (userns && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        return rt_err(err, errno, "prctl PR_SET_DUMPABLE");
    if (ns_enter(cfg, a->ns, err) < 0 || set_names(cfg, a->ns, err) < 0)
        return -1;
    /* Through the host's procfs, before any mount of the config can cover /proc. */
    if (process_apply_oom_score(p, err) < 0)
        return -1;
    /* SELinux: the new session keyring gets the process label. */
    if (!a->no_new_keyring &&
        (lsm_set_keycreate(p->selinux_label, err) < 0 || join_session_keyring(a->st->id, err) < 0 ||
         lsm_set_keycreate(NULL, err) < 0))
        return -1;
    /* In a user namespace rt opens the bind sources in our mount namespace. */
    mount_trees trees = a->mount_trees ? *a->mount_trees : (mount_trees){0};
    if (userns && !ns_inherits(a->ns, CLONE_NEWNS) &&
        mount_sources_receive(cfg, a->sync_fd, &trees, err) < 0)
        return -1;
    pty tty = {.master = -1, .slave = -1};
    rootfs_opts ro = {
        .pty = p->terminal ? &tty : NULL,
        .no_pivot = a->no_pivot,
        .host_mntns = ns_inherits(a->ns, CLONE_NEWNS),
        .userns = userns,
        .cgroupns = ns_creates(a->ns, CLONE_NEWCGROUP),
        .netns = ns_creates(a->ns, CLONE_NEWNET),
        .trees = &trees,
    };
    if ((p->cwd && make_cwd(a->rootfs, p->cwd, err) < 0) ||
        rootfs_prepare(cfg, a->rootfs, a->st, &ro, err) < 0)
        return -1;
    if (p->terminal && send_terminal(a, &tty, err) < 0)
        return -1;
    if (run_create_hooks(a, res, err) < 0 || rootfs_enter(cfg, a->rootfs, &ro, err) < 0)
        return -1;
    if (p->terminal && pty_make_controlling(&tty, err) < 0)
        return -1;
    /* bubblewrap CVE-2017-5226: a terminal we share with the container must
     * not be its controlling terminal (TIOCSTI would reach our caller). */
    if (!p->terminal && setsid() < 0)
        return rt_err(err, errno, "setsid");
    pty_close(&tty);
    if (sched_apply_init(cfg, err) < 0)
        return -1;
    if (cfg->process && process_setup(a, res, userns, err) < 0)
        return -1;
    /* From here a process of the container (exec in a created container, or
     * one sharing a joined pid namespace) could see us: non-dumpable, so it
     * can neither ptrace us nor open our /proc/PID/{fd,exe,cwd} (CVE-2016-9962,
     * CVE-2019-5736).  execve makes the container's program dumpable again. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return rt_err(err, errno, "prctl PR_SET_DUMPABLE");
    return 0;
}

/* Block until `start` writes into exec.fifo.  We hold the fifo (close-on-
 * exec), never the state directory: `start` sees the fifo lose its reader
 * when execve happened, and only then runs the poststart hooks. */
static int wait_for_start(int fifo, rt_error **err)
{
    char c;
    ssize_t n;
    while ((n = read(fifo, &c, 1)) < 0 && errno == EINTR)
        ;
    if (n != 1)
        return rt_err(err, n < 0 ? errno : 0, "read exec.fifo");
    return 0;
}

/* Until state.json records our pid nothing could find us (we may not even
 * be in the container's cgroup yet): rt dying before that must take us with
 * it, so the death signal stays armed until rt says the pid is recorded. */
static int wait_recorded(int sync_fd)
{
    enum sync_type t;
    cleanup_error rt_error *err = NULL;
    if (sync_recv(sync_fd, &t, NULL, &err) < 0 || t != SYNC_RECORDED)
        return -1;
    return 0;
}

void init_main(const init_args *a)
{
    cleanup_error rt_error *err = NULL;
    /* flock belongs to the open file: our copy would hold the lock.  And no
     * process of the container may reach the state root through us. */
    close(a->lock_fd);
    close(a->root_fd);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    /* Die with rt if it dies before state.json records us (wait_recorded). */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* Not reachable through /proc or ptrace while we hold the runtime's fds;
     * a new user namespace makes us dumpable for a while (init_setup).  An
     * unprivileged rt writes our id maps through /proc/PID, which only works
     * while we are dumpable: we stay so (we run as that same user). */
    if (!a->unprivileged_maps)
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    umask(0);
    init_result res = {0};
    if (init_setup(a, &res, &err) < 0) {
        sync_send(a->sync_fd, SYNC_ERROR, err->msg, NULL);
        _exit(1);
    }
    if (sync_send(a->sync_fd, SYNC_READY, NULL, &err) < 0 || wait_recorded(a->sync_fd) < 0)
        _exit(1);
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    close(a->sync_fd);
    /* No process: `start` refuses such a container; we wait for delete. */
    while (!a->cfg->process)
        pause();
    const oci_hooks *h = a->cfg->hooks;
    if (wait_for_start(a->exec_fifo, &err) < 0 ||
        (h && hooks_run(h->start_container, h->start_container_len, "startContainer",
                        res.created_json, &err) < 0)) {
        fprintf(stderr, "rt: %s\n", err->msg);
        _exit(1);
    }
    process_execve(a->cfg->process, res.exe, res.envp);
    fprintf(stderr, "rt: exec %s: %s\n", res.exe, strerror(errno));
    _exit(127);
}
