/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#include "cgroup/cgroup.h"
#include "config.h"
#include "foreground.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "namespaces.h"
#include "netdev.h"
#include "notify.h"
#include "oci_state.h"
#include "rootfs.h"
#include "schedattr.h"
#include "seccomp_filter.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util/util.h"
#include "validate.h"

/* A container between clone() and the end of create. */
typedef struct building {
    int rootfd;
    int dirfd;
    rt_state *st;
    pid_t pid;
    bool cgroup_made;
    int console;    /* foreground terminal: our end, the master arrives on it */
    bool placed;    /* the init was cloned into its cgroup */
    bool own_pidns; /* the container's processes all die with its init */
} building;

/* Undo and delete: a container with a pid namespace of its own loses all its
 * processes with its init, so whatever else is in its cgroup is not its own
 * and is not killed (runc kills through the cgroup only without one). */
static void remove_cgroups(const rt_state *st, bool own_pidns)
{
    if (own_pidns)
        cgroup_release(&st->cgroups);
    else
        cgroup_destroy(&st->cgroups, NULL);
}

static bool creates_pidns(const oci_config *cfg)
{
    for (size_t i = 0; cfg && cfg->linux_ && i < cfg->linux_->namespaces_len; i++)
        if (!strcmp(cfg->linux_->namespaces[i].type, "pid"))
            return !cfg->linux_->namespaces[i].path || !*cfg->linux_->namespaces[i].path;
    return false;
}

static void building_undo(building *b, const char *id)
{
    if (b->pid > 0) {
        kill(b->pid, SIGKILL);
        /* A v1 frozen task dies only once thawed: our own cgroup we thaw;
         * in someone else's it dies when they thaw it. */
        bool frozen = cgroup_is_frozen(&b->st->cgroups);
        if (frozen && b->cgroup_made)
            cgroup_freeze(&b->st->cgroups, false, NULL);
        if (!frozen || b->cgroup_made)
            waitpid(b->pid, NULL, 0);
    }
    if (b->cgroup_made)
        remove_cgroups(b->st, b->own_pidns);
    if (b->st)
        rootfs_unbind(b->st->rootfs, b->st->rootfs_mount);
    if (b->dirfd >= 0) {
        state_dir_remove(b->rootfd, id);
        close(b->dirfd);
    }
    if (b->rootfd >= 0)
        close(b->rootfd);
    if (b->console >= 0)
        close(b->console);
    state_free(b->st);
}

static void building_done(building *b)
{
    if (b->console >= 0)
        close(b->console);
    close(b->dirfd);
    close(b->rootfd);
    state_free(b->st);
}

static int fill_state(rt_state *st, const create_opts *o, const loaded_bundle *lb)
{
    st->id = xstrdup(o->id);
    st->bundle = xstrdup(lb->bundle);
    st->rootfs = xstrdup(lb->rootfs);
    st->created = rfc3339_now(true);
    st->owner = xstrdup("");
    const oci_string_map *ann = &lb->cfg->annotations;
    st->annotations_len = ann->len;
    st->annotation_keys = calloc(ann->len + 1, sizeof(char *));
    st->annotation_values = calloc(ann->len + 1, sizeof(char *));
    for (size_t i = 0; i < ann->len; i++) {
        st->annotation_keys[i] = xstrdup(ann->keys[i]);
        st->annotation_values[i] = xstrdup(ann->values[i]);
    }
    return 0;
}

/* Clone the init into its namespaces; the child never returns. */
/* On a cgroup v2 host, clone3 with CLONE_INTO_CGROUP starts the init in its
 * cgroup: no later write to cgroup.procs (and its RCU grace period). */
static pid_t clone3_into_cgroup(const init_args *a, unsigned long extra)
{
    struct clone_args args = {
        .flags = (unsigned long long)a->ns->clone_flags | extra | CLONE_INTO_CGROUP,
        .exit_signal = SIGCHLD,
        .cgroup = (unsigned long long)a->cgroup_fd,
    };
    return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* *placed: the init started in its cgroup (clone3). */
static pid_t clone_init_here(const init_args *a, int parent_sync, unsigned long extra, bool *placed)
{
    pid_t pid = -1;
    *placed = false;
    if (a->cgroup_fd >= 0) {
        pid = clone3_into_cgroup(a, extra);
        if (pid < 0 && errno != ENOSYS && errno != E2BIG && errno != EINVAL)
            return -1;
        *placed = pid >= 0;
    }
    if (pid < 0)
        pid = (pid_t)syscall(SYS_clone, (unsigned long)(a->ns->clone_flags | SIGCHLD) | extra, NULL,
                             NULL, NULL, NULL);
    if (pid == 0) {
        close(parent_sync);
        init_main(a);
    }
    return pid;
}

/* With a user, pid or time namespace joined by path, a helper process
 * enters them and clones the init as our child (CLONE_PARENT); the helper
 * hands back the pid, or -errno, and exits. */
typedef struct early_join {
    const init_args *a;
    int parent_sync;
} early_join;

static int32_t join_and_clone(void *arg)
{
    const early_join *j = arg;
    if (ns_join_early(j->a->ns) < 0)
        return -errno;
    bool ignored;
    init_args plain = *j->a;
    plain.cgroup_fd = -1; /* the pid comes back alone: join the cgroup later */
    pid_t pid = clone_init_here(&plain, j->parent_sync, CLONE_PARENT, &ignored);
    return pid < 0 ? -errno : pid;
}

static pid_t clone_init(const init_args *a, int parent_sync, bool *placed)
{
    *placed = false;
    if (!a->ns->join_early)
        return clone_init_here(a, parent_sync, 0, placed);
    early_join j = {.a = a, .parent_sync = parent_sync};
    return run_in_helper(join_and_clone, &j);
}

static void fill_oci_state(const rt_state *st, const char *status, oci_state *o)
{
    o->oci_version = (char *)OCI_VERSION;
    o->id = st->id;
    o->status = (char *)status;
    o->pid = strcmp(status, "stopped") ? st->pid : 0;
    o->bundle = st->bundle;
    o->rootfs = st->rootfs;
    o->created = st->created;
    o->owner = st->owner;
    o->annotations.keys = st->annotation_keys;
    o->annotations.values = st->annotation_values;
    o->annotations.len = st->annotations_len;
}

/* The state as hooks read it on stdin: compact JSON with the given status. */
static char *hook_state(const rt_state *st, const char *status)
{
    oci_state o = {0};
    fill_oci_state(st, status, &o);
    return oci_state_to_json(&o, false);
}

/* prestart and createRuntime, in the runtime namespace, once the init has
 * made its mounts; then the init gets the state for its own hooks. The
 * status is `created`: runtime.md defines it as "after step 2" of the
 * lifecycle (the environment is built), and hooks run at steps 3 to 5. */
static int runtime_hooks(const building *b, const oci_hooks *h, int sync_fd, rt_error **err)
{
    cleanup_free char *created = hook_state(b->st, "created");
    if (hooks_run(h->prestart, h->prestart_len, "prestart", created, err) < 0 ||
        hooks_run(h->create_runtime, h->create_runtime_len, "createRuntime", created, err) < 0)
        return -1;
    return sync_send(sync_fd, SYNC_HOOKS_DONE, created, err);
}

/* runc's rootless rule: a caller that may not create cgroups runs its
 * container without any, unless the config asks for limits (device rules
 * aside: in a user namespace no device node can be made anyway). */
static int make_cgroups(building *b, const oci_config *cfg, bool rootless, rt_error **err)
{
    /* Refused before cgroup_made: undoing would thaw and empty a cgroup that
     * is not ours. */
    if (cgroup_check_existing(&b->st->cgroups, err) < 0)
        return -1;
    b->cgroup_made = true;
    if (cgroup_create(cfg, &b->st->cgroups, err) == 0)
        return 0;
    int e = (*err)->errnum;
    if (!rootless || (e != EACCES && e != EPERM && e != EROFS) || cgroup_has_limits(cfg))
        return -1;
    log_debug("rootless: no cgroup (%s)", (*err)->msg);
    rt_error_free(*err);
    *err = NULL;
    cgroup_destroy(&b->st->cgroups, NULL);
    b->cgroup_made = false;
    cgroup_paths_free(&b->st->cgroups);
    return state_write(b->dirfd, b->st, err);
}

/* Without a mount namespace of its own (created or joined) the container's
 * mounts land in ours: on a private bind of the rootfs, recorded first. */
static int bind_rootfs(building *b, const ns_plan *ns, rt_error **err)
{
    if (!ns_inherits(ns, CLONE_NEWNS))
        return 0;
    if (rootfs_bind_private(b->st->rootfs, err) < 0)
        return -1;
    b->st->rootfs_mount = rootfs_mount_id(b->st->rootfs);
    if (!b->st->rootfs_mount) {
        int e = errno;
        umount2(b->st->rootfs, MNT_DETACH | UMOUNT_NOFOLLOW);
        return rt_err(err, e, "statx mount id of rootfs %s", b->st->rootfs);
    }
    return state_write(b->dirfd, b->st, err);
}

/* Until the init's next message (or its end): a cgroup frozen from outside
 * would make us wait until someone thaws it. */
static int wait_init(int sync_fd, const rt_state *st, rt_error **err)
{
    struct pollfd p = {.fd = sync_fd, .events = POLLIN};
    for (;;) {
        int n = poll(&p, 1, 1000);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return rt_err(err, errno, "poll the init's sync socket");
        if (n == 0 && cgroup_is_frozen(&st->cgroups))
            return rt_err(err, 0, "the container's cgroup was frozen while it was created");
    }
}

/* Talk the init through its setup: maps, cgroup, go, and wait for ready. */
static int drive_init(building *b, const loaded_bundle *lb, const ns_plan *ns,
                      const rt_seccomp *filter, int sync_fd, rt_error **err)
{
    if (ns_creates(ns, CLONE_NEWUSER) && ns_write_id_maps(b->pid, lb->cfg, err) < 0)
        return -1;
    if (netdev_move(lb->cfg, b->pid, err) < 0)
        return -1;
    /* The first write to a cgroup.procs waits for an RCU grace period: let the
     * init build its rootfs meanwhile.  It runs no code of the container before
     * `start`, long after this returns; only a cgroup namespace must be created
     * once the init is in its cgroup, and a systemd scope exists only once it
     * is started (the rootfs mounts its directory). */
    bool overlap = !ns_creates(ns, CLONE_NEWCGROUP) && !b->st->cgroups.unit;
    if (overlap && sync_send(sync_fd, SYNC_GO, NULL, err) < 0)
        return -1;
    if (!b->placed && cgroup_enter_init(lb->cfg, &b->st->cgroups, b->pid, err) < 0)
        return -1;
    if (!overlap && sync_send(sync_fd, SYNC_GO, NULL, err) < 0)
        return -1;
    b->st->pid = b->pid;
    if (proc_start_time(b->pid, &b->st->start_time, NULL) < 0)
        return rt_err(err, errno, "read start time of the init");
    for (;;) {
        enum sync_type t;
        cleanup_free char *msg = NULL;
        if (wait_init(sync_fd, b->st, err) < 0 || sync_recv(sync_fd, &t, &msg, err) < 0)
            return -1;
        if (t == SYNC_READY)
            return 0;
        if (t == SYNC_ERROR)
            return rt_err(err, 0, "%s", msg ? msg : "container init failed");
        if (t == SYNC_BINDS) {
            if (mount_sources_send(lb->cfg, lb->bundle, b->pid, sync_fd, err) < 0)
                return -1;
            continue;
        }
        if (t == SYNC_SECCOMP) {
            cleanup_free char *state = hook_state(b->st, "creating");
            if (seccomp_filter_relay(filter, sync_fd, b->pid, state, err) < 0)
                return -1;
            continue;
        }
        if (t != SYNC_HOOKS || !lb->cfg->hooks)
            return rt_err(err, 0, "sync: unexpected message %d", t);
        if (runtime_hooks(b, lb->cfg->hooks, sync_fd, err) < 0)
            return -1;
    }
}

/* An init that died during create because its memory limit is below what it
 * needs says so, instead of "exited unexpectedly" (runc names the limit). */
static void explain_init_death(const building *b, const oci_config *cfg, rt_error **err)
{
    const oci_resources *r = cfg->linux_ ? cfg->linux_->resources : NULL;
    if (!b->st || !r || !r->memory || !r->memory->has_limit || !cgroup_oom_kills(&b->st->cgroups))
        return;
    rt_error_free(*err);
    *err = NULL;
    rt_err(err, 0,
           "linux.resources.memory.limit: the container's init was killed by the OOM killer "
           "during create: %lld bytes is too low",
           (long long)r->memory->limit);
}

/* Where the init sends the pty master: the --console-socket, or (foreground
 * run) a socketpair whose other end we keep to proxy our own terminal. */
static int open_console(const create_opts *o, building *b, int *console_fd, rt_error **err)
{
    if (o->console_socket) {
        *console_fd = console_socket_connect(o->console_socket, err);
        return *console_fd < 0 ? -1 : 0;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return rt_err(err, errno, "socketpair");
    b->console = sv[0];
    *console_fd = sv[1];
    return 0;
}

int listen_fds_from_env(void)
{
    const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
    int64_t n, p;
    if (!fds || !pid || parse_int64(fds, &n) < 0 || parse_int64(pid, &p) < 0 || p != getpid() ||
        n < 0 || n > 1024)
        return 0;
    return (int)n;
}

char **env_with_listen_fds(char **env, size_t *len, int listen_fds)
{
    env = strv_push(env, len, xasprintf("LISTEN_FDS=%d", listen_fds));
    return strv_push(env, len, xstrdup("LISTEN_PID=1"));
}

/* What create needs before anything exists: the id, the bundle and its
 * config checked, the seccomp program compiled, the namespaces planned.  A
 * failure here leaves nothing to undo. */
static int create_prepare(const create_opts *o, loaded_bundle *lb, rt_seccomp **filter, ns_plan *ns,
                          rt_error **err)
{
    if (state_valid_id(o->id, err) < 0 || bundle_load(o->bundle, lb, err) < 0 ||
        config_validate(lb, o, err) < 0)
        return -1;
    if (seccomp_filter_prepare(lb->cfg->linux_->seccomp, o->root, filter, err) < 0)
        return rt_err_wrap(err, "config.json");
    if (o->signals && (o->signals->fd = signals_block(&o->signals->old, err)) < 0)
        return -1;
    if (o->listen_fds && lb->cfg->process) {
        oci_process *p = lb->cfg->process;
        p->env = env_with_listen_fds(p->env, &p->env_len, o->listen_fds);
    }
    return ns_plan_make(lb->cfg, ns, err);
}

/* The state directory: the config's copy, state.json with pid 0, the
 * notify socket's relay and exec.fifo.  The config goes first (state.json's
 * cgroups are checked against it), and the pid stays 0 until the init is
 * ready: if rt dies in between, `delete --force` still finds the cgroups. */
static int state_make(const create_opts *o, building *b, const loaded_bundle *lb, rt_error **err)
{
    if (!(b->st = calloc(1, sizeof(*b->st))))
        return rt_err(err, ENOMEM, "state");
    b->own_pidns = creates_pidns(lb->cfg);
    fill_state(b->st, o, lb);
    if (cgroup_resolve(lb->cfg, o->id, o->systemd_cgroup, &b->st->cgroups, err) < 0)
        return -1;
    if ((b->rootfd = state_root_open(o->root, true, err)) < 0 ||
        (b->dirfd = state_dir_create(b->rootfd, o->id, err)) < 0)
        return -1;
    if (write_file_atomic(b->dirfd, CONFIG_COPY, lb->data, lb->len, 0600, err) < 0 ||
        state_write(b->dirfd, b->st, err) < 0)
        return -1;
    cleanup_free char *state_path = xasprintf("%s/%s", o->root, o->id);
    if (notify_prepare(b->dirfd, state_path, lb->cfg, err) < 0)
        return -1;
    /* 0622 whatever our umask: the init opens it after becoming the user. */
    if (mkfifoat(b->dirfd, EXEC_FIFO, 0622) < 0 || fchmodat(b->dirfd, EXEC_FIFO, 0622, 0) < 0)
        return rt_err(err, errno, "create exec.fifo");
    return 0;
}

/* The fds and mount trees create hands the init. */
typedef struct launch {
    int sync[2]; /* ours, the init's */
    int exec_fifo;
    int console;
    int cgroup;
    mount_trees trees;
} launch;

static void launch_close(launch *l)
{
    mount_trees_close(&l->trees);
    int *fds[] = {&l->sync[0], &l->sync[1], &l->exec_fifo, &l->console, &l->cgroup};
    for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
        if (*fds[i] >= 0) {
            close(*fds[i]);
            *fds[i] = -1;
        }
}

/* The cgroups, the rootfs bind, and what the init gets; then clone it. */
static int init_launch(const create_opts *o, building *b, const loaded_bundle *lb,
                       const ns_plan *ns, const rt_seccomp *filter, launch *l, rt_error **err)
{
    if (make_cgroups(b, lb->cfg, o->rootless, err) < 0 || bind_rootfs(b, ns, err) < 0 ||
        sync_pair(l->sync, err) < 0)
        return -1;
    /* Read-write: opening it does not wait for a writer, and the init's read
     * then waits for `start`. */
    l->exec_fifo = openat(b->dirfd, EXEC_FIFO, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (l->exec_fifo < 0)
        return rt_err(err, errno, "open exec.fifo");
    if (lb->cfg->process && lb->cfg->process->terminal && open_console(o, b, &l->console, err) < 0)
        return -1;
    /* Idmapped mounts of a container in a user namespace are made here, in
     * the host's user namespace, and attached by the init. */
    if (mount_trees_prepare(lb->cfg, lb->bundle,
                            ns_creates(ns, CLONE_NEWUSER) || ns_joins(ns, CLONE_NEWUSER), &l->trees,
                            err) < 0)
        return -1;
    if (cgroup_is_unified() && b->st->cgroups.len == 1 && !b->st->cgroups.unit)
        l->cgroup = open(b->st->cgroups.dirs[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    init_args a = {
        .cfg = lb->cfg,
        .st = b->st,
        .ns = ns,
        .rootfs = lb->rootfs,
        .bundle = lb->bundle,
        .sync_fd = l->sync[1],
        .exec_fifo = l->exec_fifo,
        .lock_fd = b->dirfd,
        .root_fd = b->rootfd,
        .console_fd = l->console,
        .cgroup_fd = l->cgroup,
        .preserve_fds = o->listen_fds + o->preserve_fds,
        .no_pivot = o->no_pivot,
        .no_new_keyring = o->no_new_keyring,
        .unprivileged_maps = geteuid() != 0 && ns_creates(ns, CLONE_NEWUSER),
        .mount_trees = &l->trees,
        .seccomp = filter,
    };
    cgroup_close_fds();
    b->pid = clone_init(&a, l->sync[0], &b->placed);
    if (b->pid < 0)
        return rt_err(err, errno, "clone");
    /* The init's copy must be the fifo's only reader: `start` (in this same
     * process for `run`) waits for it to go. */
    close(l->exec_fifo);
    l->exec_fifo = -1;
    close(l->sync[1]);
    l->sync[1] = -1;
    return 0;
}

/* Serve the init until it is ready, record its pid, and let it go. */
static int init_settle(building *b, const loaded_bundle *lb, const ns_plan *ns,
                       const rt_seccomp *filter, int sync_fd, rt_error **err)
{
    if (drive_init(b, lb, ns, filter, sync_fd, err) < 0) {
        explain_init_death(b, lb->cfg, err);
        return -1;
    }
    if (sched_apply_process(lb->cfg->process, b->pid, err) < 0 ||
        state_write(b->dirfd, b->st, err) < 0 || sync_send(sync_fd, SYNC_RECORDED, NULL, err) < 0)
        return -1;
    /* Its death signal is disarmed when it closes the socket: we must not
     * exit before that. */
    if (wait_init(sync_fd, b->st, err) < 0)
        return -1;
    sync_wait_close(sync_fd);
    return 0;
}

/* create up to `created`: on failure everything done so far is undone. */
static int create_core(const create_opts *o, building *b, rt_error **err)
{
    *b = (building){.rootfd = -1, .dirfd = -1, .console = -1};
    cleanup_bundle loaded_bundle lb = {0};
    cleanup_seccomp rt_seccomp *filter = NULL;
    ns_plan ns;
    if (create_prepare(o, &lb, &filter, &ns, err) < 0)
        return -1;
    launch l = {.sync = {-1, -1}, .exec_fifo = -1, .console = -1, .cgroup = -1};
    int r = -1;
    if (state_make(o, b, &lb, err) == 0 && init_launch(o, b, &lb, &ns, filter, &l, err) == 0 &&
        init_settle(b, &lb, &ns, filter, l.sync[0], err) == 0)
        r = 0;
    launch_close(&l);
    ns_plan_close(&ns);
    if (r < 0)
        building_undo(b, o->id);
    return r;
}

int write_pid_file(const char *path, pid_t pid, rt_error **err)
{
    if (!path)
        return 0;
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d", pid);
    cleanup_free char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    const char *name = path;
    if (slash) {
        *slash = '\0';
        name = slash + 1;
    }
    cleanup_close int dirfd =
        open(slash ? (*dir ? dir : "/") : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return rt_err(err, errno, "pid file %s", path);
    if (write_file_atomic(dirfd, name, buf, (size_t)n, 0644, err) < 0)
        return rt_err_wrap(err, "pid file");
    return 0;
}

int container_create(const create_opts *o, rt_error **err)
{
    building b;
    if (create_core(o, &b, err) < 0)
        return -1;
    if (write_pid_file(o->pid_file, b.pid, err) < 0) {
        building_undo(&b, o->id);
        return -1;
    }
    building_done(&b);
    return 0;
}

/* The config as create saw it, kept in the state directory (for the hooks
 * and the cgroup check of later commands). */
static int load_config_copy(int dirfd, oci_config **cfg, rt_error **err)
{
    cleanup_free char *data = NULL;
    size_t len;
    char *msg = NULL;
    *cfg = NULL;
    if (read_file_at(dirfd, CONFIG_COPY, &data, &len, err) < 0)
        return -1;
    if (oci_config_parse_data(data, len, cfg, &msg) < 0) {
        rt_err(err, 0, "saved config.json: %s", msg ? msg : "cannot parse");
        free(msg);
        return -1;
    }
    return 0;
}

oci_config *opened_config(opened *c, rt_error **err)
{
    if (!c->cfg && load_config_copy(c->dirfd, &c->cfg, err) < 0)
        return NULL;
    return c->cfg;
}

/* opened_config, or NULL with a warning. */
static oci_config *config_copy(opened *c)
{
    rt_error *why = NULL;
    oci_config *cfg = opened_config(c, &why);
    if (!cfg) {
        log_warn("cannot read the container's %s", why->msg);
        rt_error_free(why);
    }
    return cfg;
}

/* The cgroups state.json names must be where the saved config puts them for
 * this id: a forged state cannot point rt at another container's cgroup. */
static int check_cgroups(opened *c, rt_error **err)
{
    if (!c->st->cgroups.len)
        return 0;
    const oci_config *cfg = opened_config(c, err);
    if (!cfg)
        return rt_err_wrap(err, "state.json is corrupt: its cgroups cannot be checked");
    return cgroup_paths_check(&c->st->cgroups, c->st->id,
                              cfg->linux_ ? cfg->linux_->cgroups_path : NULL, err);
}

void opened_close(opened *c)
{
    if (c->dirfd >= 0)
        close(c->dirfd);
    if (c->rootfd >= 0)
        close(c->rootfd);
    state_free(c->st);
    oci_config_free(c->cfg);
}

int container_open(const char *root, const char *id, int lock, opened *c, rt_error **err)
{
    *c = (opened){.rootfd = -1, .dirfd = -1};
    if (state_valid_id(id, err) < 0)
        return -1;
    c->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->rootfd < 0) {
        if (errno == ENOENT)
            return rt_err(err, 0, "container %s does not exist", id);
        return rt_err(err, errno, "open root %s", root);
    }
    if ((c->dirfd = state_dir_open(c->rootfd, id, lock, err)) < 0 ||
        state_read(c->dirfd, id, &c->st, err) < 0)
        return -1;
    if (check_cgroups(c, err) < 0) {
        state_free(c->st);
        c->st = NULL;
        return -1;
    }
    return 0;
}

/* Release the init blocked on exec.fifo.  The caller holds the lock. */
/* Frozen from outside while the init was released (we hold the lock `pause`
 * takes): waiting would last until someone thaws it.  The init has its byte
 * (or will read it when thawed): the fifo goes, so the container shows as
 * paused, then running. */
static int frozen_in_start(int dirfd, int fifo, rt_error **err)
{
    int unread = 0;
    if (ioctl(fifo, FIONREAD, &unread) == 0 && unread == 0)
        unlinkat(dirfd, EXEC_FIFO, 0);
    return rt_err(err, 0,
                  "the container's cgroup was frozen while it started: it runs once thawed");
}

static int release_init(int dirfd, const rt_state *st, rt_error **err)
{
    /* The pidfd first: once the fifo is open the init may exec and exit. */
    cleanup_close int pidfd = state_init_pidfd(st);
    if (pidfd < 0)
        return rt_err(err, 0, "cannot start a container that has stopped");
    cleanup_close int notify = -1;
    if (notify_listen(dirfd, &notify, err) < 0)
        return -1;
    /* Non-blocking: with no reader (the init is gone) it fails at once. */
    cleanup_close int fifo =
        openat(dirfd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fifo < 0 && errno == ENXIO)
        return rt_err(err, 0, "container init exited before it could start");
    if (fifo < 0)
        return rt_err(err, errno, "open exec.fifo");
    if (write(fifo, "0", 1) != 1)
        return rt_err(err, errno, "write exec.fifo");
    /* The init holds the fifo until execve (close-on-exec): its end (POLLERR,
     * no reader left) means the process runs, or the init died in its
     * startContainer hooks. */
    struct pollfd p[2] = {{.fd = fifo, .events = 0}, {.fd = pidfd, .events = POLLIN}};
    while (!(p[0].revents & (POLLERR | POLLHUP)) && !p[1].revents) {
        int n = poll(p, 2, 1000);
        if (n < 0 && errno != EINTR)
            return rt_err(err, errno, "poll exec.fifo");
        if (n == 0 && cgroup_is_frozen(&st->cgroups))
            return frozen_in_start(dirfd, fifo, err);
    }
    int unread = 0;
    if (ioctl(fifo, FIONREAD, &unread) == 0 && unread > 0)
        return rt_err(err, 0, "container init exited before it could start");
    if (unlinkat(dirfd, EXEC_FIFO, 0) < 0)
        return rt_err(err, errno, "remove exec.fifo");
    if (notify >= 0)
        return notify_wait_ready(notify, pidfd, st->pid, err);
    return 0;
}

static int poststart_hooks(opened *c, const oci_config *cfg, rt_error **err);

/* SIGKILL the init and wait for it to be gone. */
static int stop_init(const rt_state *st)
{
    cleanup_close int pidfd = state_init_pidfd(st);
    if (pidfd < 0)
        return 0;
    /* Not checked: it may be gone already (killed through its cgroup). */
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    return pidfd_wait_exit(pidfd, 10000);
}

static int start_opened(opened *c, rt_error **err)
{
    const char *status = state_status(c->dirfd, c->st);
    if (!strcmp(status, "stopped"))
        return rt_err(err, 0, "cannot start a container that has stopped");
    if (strcmp(status, "created"))
        return rt_err(err, 0, "cannot start an already %s container", status);
    oci_config *cfg = config_copy(c);
    int r;
    /* config.md: process is required when start is called. As for any
     * failure of start (runtime.md lifecycle), the container is stopped. */
    if (cfg && !cfg->process) {
        stop_init(c->st);
        r = rt_err(err, 0, "config.json: process: required to start the container");
    } else {
        r = release_init(c->dirfd, c->st, err) < 0 ? -1 : poststart_hooks(c, cfg, err);
    }
    return r;
}

int container_start(const char *root, const char *id, rt_error **err)
{
    cleanup_opened opened c;
    if (container_open(root, id, LOCK_EX, &c, err) < 0)
        return -1;
    return start_opened(&c, err);
}

/* The master came during create: it gets our window size before the
 * process can ask for it. */
static int recv_sized_master(int console, int *master, rt_error **err)
{
    if (console_recv_master(console, master, err) < 0)
        return -1;
    cleanup_close int host = terminal_of_session();
    terminal_copy_size(host, *master);
    return 0;
}

int container_run(const create_opts *opts, const run_opts *r, int *status, rt_error **err)
{
    *status = 0;
    create_opts run_o = *opts;
    run_o.foreground = !r->detach;
    run_o.run = true;
    const create_opts *o = &run_o;
    if (!r->detach && !r->no_subreaper)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    run_signals sig = {.fd = -1};
    run_o.signals = r->detach ? NULL : &sig;
    building b;
    if (create_core(o, &b, err) < 0) {
        if (sig.fd >= 0)
            close(sig.fd);
        return -1;
    }
    cleanup_close int sigfd = sig.fd;
    opened c = {.rootfd = b.rootfd, .dirfd = b.dirfd, .st = b.st};
    cleanup_close int master = -1;
    if ((b.console >= 0 && recv_sized_master(b.console, &master, err) < 0) ||
        write_pid_file(o->pid_file, b.pid, err) < 0 || start_opened(&c, err) < 0) {
        building_undo(&b, o->id);
        return -1;
    }
    pid_t pid = b.pid;
    building_done(&b);
    if (r->detach)
        return 0;
    if (foreground_wait(pid, sigfd, master, status, err) < 0)
        return -1;
    sigprocmask(SIG_SETMASK, &sig.old, NULL);
    if (!r->keep)
        return container_delete(o->root, o->id, true, err);
    return 0;
}

int container_kill(const char *root, const char *id, int sig, bool all, rt_error **err)
{
    cleanup_opened opened c;
    if (container_open(root, id, LOCK_SH, &c, err) < 0)
        return -1;
    /* As runc: --all signals what is left in the cgroup even once the init
     * is gone (a stopped container's cgroup may hold its other processes). */
    if (all && c.st->cgroups.len)
        return cgroup_signal_all(&c.st->cgroups, sig, err);
    cleanup_close int pidfd = state_init_pidfd(c.st);
    if (pidfd < 0)
        return rt_err(err, 0, "container not running");
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
        return rt_err(err, errno, "kill container init");
    return 0;
}

/* Stop whatever runs, remove cgroup and state directory, then poststop
 * hooks, whose failure is only a warning (runtime.md). */
static int destroy(opened *c, rt_error **err)
{
    oci_config *cfg = config_copy(c);
    bool own_pidns = creates_pidns(cfg);
    if (own_pidns)
        cgroup_freeze(&c->st->cgroups, false, NULL); /* so that the init can die */
    else
        cgroup_signal_all(&c->st->cgroups, SIGKILL, NULL);
    if (stop_init(c->st) < 0)
        return rt_err(err, errno, "wait for container init to exit");
    if (own_pidns)
        cgroup_release(&c->st->cgroups);
    else if (cgroup_destroy(&c->st->cgroups, err) < 0)
        return -1;
    rootfs_unbind(c->st->rootfs, c->st->rootfs_mount);
    if (state_dir_remove(c->rootfd, c->st->id) < 0)
        return rt_err(err, errno, "remove state directory");
    if (cfg && cfg->hooks && cfg->hooks->poststop_len) {
        cleanup_free char *json = hook_state(c->st, "stopped");
        hooks_run_warn(cfg->hooks->poststop, cfg->hooks->poststop_len, "poststop", json);
    }
    return 0;
}

/* poststart hooks; if one fails the container is stopped and destroyed
 * (runtime-spec v1.3.0 lifecycle step 9) and start fails. */
static int poststart_hooks(opened *c, const oci_config *cfg, rt_error **err)
{
    int r = 0;
    if (cfg && cfg->hooks && cfg->hooks->poststart_len) {
        cleanup_free char *json = hook_state(c->st, "running");
        r = hooks_run(cfg->hooks->poststart, cfg->hooks->poststart_len, "poststart", json, err);
        if (r < 0)
            destroy(c, NULL);
    }
    return r;
}

/* The cgroups of the saved config for id, only where the path ends in the id
 * (rt's default, and the ".../<id>" of the clients): a config.json as
 * forgeable as the state must not name another service's cgroup. */
static void destroy_config_cgroups(opened *c, const char *id)
{
    oci_config *cfg = config_copy(c);
    cgroup_paths cg = {0};
    if (cfg && cgroup_resolve(cfg, id, false, &cg, NULL) == 0) {
        bool own = cg.len > 0;
        for (size_t i = 0; i < cg.len; i++) {
            const char *base = strrchr(cg.dirs[i], '/');
            own = own && base && !strcmp(base + 1, id);
        }
        if (own) {
            cgroup_signal_all(&cg, SIGKILL, NULL);
            cgroup_destroy(&cg, NULL);
        } else if (cg.len) {
            log_warn("the saved config's cgroup %s is not named after %s: left alone", cg.dirs[0],
                     id);
        }
    }
    cgroup_paths_free(&cg);
}

/* delete --force of a state directory without a readable state.json (a
 * create killed half-way, a corrupt or forged file): once its lock is ours
 * (no create is under way), stop and remove what the saved config names, and
 * the directory. None at all is no error, as runc. */
static int delete_leftover(const char *root, const char *id, rt_error **err)
{
    cleanup_opened opened c = {.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
                               .dirfd = -1};
    if (c.rootfd < 0)
        return errno == ENOENT ? 0 : rt_err(err, errno, "open root %s", root);
    if ((c.dirfd = state_dir_claim(c.rootfd, id, err)) < 0)
        return errno == ENOENT && !*err ? 0 : -1;
    /* A create that failed meanwhile removed it (and another may have made
     * a new one under the same name). */
    struct stat held, now;
    if (fstat(c.dirfd, &held) < 0 || fstatat(c.rootfd, id, &now, AT_SYMLINK_NOFOLLOW) < 0 ||
        held.st_ino != now.st_ino || held.st_dev != now.st_dev)
        return 0;
    rt_error *why = NULL;
    if (state_read(c.dirfd, id, &c.st, &why) == 0 && check_cgroups(&c, &why) == 0)
        return destroy(&c, err);
    state_free(c.st);
    c.st = NULL;
    if (faccessat(c.dirfd, STATE_FILE, F_OK, 0) == 0)
        log_warn("container %s: %s; removing what its saved config.json names", id, why->msg);
    rt_error_free(why);
    destroy_config_cgroups(&c, id);
    if (state_dir_remove(c.rootfd, id) < 0)
        return rt_err(err, errno, "remove state directory %s", id);
    return 0;
}

int container_delete(const char *root, const char *id, bool force, rt_error **err)
{
    cleanup_opened opened c;
    if (container_open(root, id, LOCK_EX, &c, err) < 0) {
        if (!force || state_valid_id(id, NULL) < 0)
            return -1;
        rt_error_free(*err);
        *err = NULL;
        opened_close(&c);
        c = (opened){.rootfd = -1, .dirfd = -1};
        return delete_leftover(root, id, err);
    }
    const char *status = state_status(c.dirfd, c.st);
    if (!force && (!strcmp(status, "running") || !strcmp(status, "paused")))
        return rt_err(err, 0, "cannot delete container %s that is not stopped: %s", id, status);
    return destroy(&c, err);
}

static void to_oci_state(int dirfd, const rt_state *st, oci_state *o)
{
    fill_oci_state(st, state_status(dirfd, st), o);
}

int container_state_json(const char *root, const char *id, char **json, rt_error **err)
{
    cleanup_opened opened c;
    /* Without the lock: a hook run while create or start holds it may ask
     * (state.json is only ever replaced whole, by rename). */
    if (container_open(root, id, 0, &c, err) < 0)
        return -1;
    oci_state o = {0};
    to_oci_state(c.dirfd, c.st, &o);
    *json = oci_state_to_json(&o, true);
    return 0;
}

static char *owner_name(uid_t uid)
{
    char *name = passwd_name(uid);
    return name ? name : xasprintf("#%u", uid);
}

static int by_id(const void *a, const void *b)
{
    return strcmp((*(oci_state *const *)a)->id, (*(oci_state *const *)b)->id);
}

/* The OCI state of every container under root (unreadable ones skipped),
 * sorted by id as runc lists them. */
int container_list(const char *root, oci_state ***out, size_t *n_out, rt_error **err)
{
    *out = NULL;
    *n_out = 0;
    cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return errno == ENOENT ? 0 : rt_err(err, errno, "open root %s", root);
    DIR *d = fdopendir(dup(rootfd));
    if (!d)
        return rt_err(err, errno, "read root %s", root);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        cleanup_close int dirfd = state_dir_open(rootfd, de->d_name, 0, NULL);
        rt_state *st = NULL;
        struct stat sb;
        if (dirfd < 0 || state_read(dirfd, de->d_name, &st, NULL) < 0 || fstat(dirfd, &sb) < 0) {
            state_free(st);
            continue;
        }
        oci_state o = {0}, *copy = calloc(1, sizeof(*copy));
        to_oci_state(dirfd, st, &o);
        copy->oci_version = xstrdup(o.oci_version);
        copy->id = xstrdup(o.id);
        copy->status = xstrdup(o.status);
        copy->pid = o.pid;
        copy->bundle = xstrdup(o.bundle);
        copy->rootfs = xstrdup(o.rootfs);
        copy->created = xstrdup(o.created);
        copy->owner = owner_name(sb.st_uid);
        state_free(st);
        *out = realloc(*out, (*n_out + 1) * sizeof(**out));
        (*out)[(*n_out)++] = copy;
    }
    closedir(d);
    if (*n_out > 1)
        qsort(*out, *n_out, sizeof(**out), by_id);
    return 0;
}
