/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "process.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "log.h"
#include "util/path.h"
#include "util/util.h"

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static int rlimit_resource(const char *name)
{
    for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(*rlimit_names); i++)
        if (!strcmp(rlimit_names[i].name, name))
            return rlimit_names[i].resource;
    return -1;
}

/* A capability name as the spec writes it ("CAP_KILL") to its number. */
static int cap_number(const char *name)
{
    cap_value_t v;
    if (strncmp(name, "CAP_", 4) || cap_from_name(name, &v) < 0)
        return -1;
    return v;
}

/* config.md (since v1.1): an unknown capability is logged and skipped. */
static void check_caps(char **names, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (cap_number(names[i]) < 0)
            log_warn("process.capabilities.%s: unknown capability \"%s\" is ignored", set,
                     names[i]);
}

/* As runc: an id above INT32_MAX is refused (4294967295 is -1 to setresuid,
 * "leave unchanged", so the process would keep rt's root). */
static int check_ids(const oci_user *u, rt_error **err)
{
    if (u->uid > ID_MAX)
        return rt_err(err, 0, "process.user.uid: %" PRIu32 " is out of range 0-%d", u->uid, ID_MAX);
    if (u->gid > ID_MAX)
        return rt_err(err, 0, "process.user.gid: %" PRIu32 " is out of range 0-%d", u->gid, ID_MAX);
    for (size_t i = 0; i < u->additional_gids_len; i++)
        if (u->additional_gids[i] > ID_MAX)
            return rt_err(err, 0,
                          "process.user.additionalGids[%zu]: %" PRIu32 " is out of range 0-%d", i,
                          u->additional_gids[i], ID_MAX);
    return 0;
}

int process_validate(const oci_process *p, rt_error **err)
{
    if (p->user && check_ids(p->user, err) < 0)
        return -1;
    if (!p->cwd || p->cwd[0] != '/')
        return rt_err(err, 0, "process.cwd: must be an absolute path");
    if (!p->args_len || !p->args[0] || !*p->args[0])
        return rt_err(err, 0, "process.args: must not be empty");
    for (size_t i = 0; i < p->rlimits_len; i++) {
        const oci_rlimit *r = &p->rlimits[i];
        if (rlimit_resource(r->type) < 0)
            return rt_err(err, 0, "process.rlimits[%zu].type: unknown rlimit \"%s\"", i, r->type);
        if (r->soft > r->hard)
            return rt_err(err, 0, "process.rlimits[%zu]: soft limit is above the hard limit", i);
    }
    const oci_capabilities *c = p->capabilities;
    if (c) {
        check_caps(c->bounding, c->bounding_len, "bounding");
        check_caps(c->effective, c->effective_len, "effective");
        check_caps(c->inheritable, c->inheritable_len, "inheritable");
        check_caps(c->permitted, c->permitted_len, "permitted");
        check_caps(c->ambient, c->ambient_len, "ambient");
    }
    if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
        return rt_err(err, 0, "process.oomScoreAdj: must be between -1000 and 1000");
    return 0;
}

int process_apply_limits(const oci_process *p, rt_error **err)
{
    for (size_t i = 0; i < p->rlimits_len; i++) {
        const oci_rlimit *r = &p->rlimits[i];
        struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
        if (setrlimit((__rlimit_resource_t)rlimit_resource(r->type), &rl) < 0)
            return rt_err(err, errno, "setrlimit %s", r->type);
    }
    return 0;
}

/* CVE-2019-16884, CVE-2023-28642, CVE-2025-52881: call this before the
 * container's mounts or namespaces can stand in for /proc (before pivot_root
 * or setns), so the write lands in the real procfs (checked by fd).  The
 * value is inherited by the children we fork after. */
int process_apply_oom_score(const oci_process *p, rt_error **err)
{
    if (!p->has_oom_score_adj)
        return 0;
    cleanup_close int procfd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (procfd < 0 || !fd_is_procfs(procfd))
        return rt_err(err, 0, "process.oomScoreAdj: /proc is not procfs");
    char buf[16];
    int n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
    cleanup_close int fd = openat(procfd, "oom_score_adj", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || write_all(fd, buf, (size_t)n) < 0)
        return rt_err(err, errno, "write /proc/self/oom_score_adj");
    return 0;
}

static bool in_set(char **names, size_t n, int cap)
{
    for (size_t i = 0; i < n; i++)
        if (cap_number(names[i]) == cap)
            return true;
    return false;
}

static int last_cap(void)
{
    int last = CAP_LAST_CAP;
    cleanup_free char *data = NULL;
    if (read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &data, NULL, NULL) == 0)
        last = atoi(data);
    return last;
}

static int drop_bounding(const oci_capabilities *c, int last, rt_error **err)
{
    for (int cap = 0; cap <= last; cap++) {
        if (in_set(c->bounding, c->bounding_len, cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return rt_err(err, errno, "drop capability %d from the bounding set", cap);
    }
    return 0;
}

/* config.md: a capability that cannot be granted is logged as a warning, not
 * fatal (e.g. rt itself runs without it).  Usable: in our permitted set now. */
static void find_usable(const oci_capabilities *c, int last, bool *usable)
{
    cap_t cur = cap_get_proc();
    for (int cap = 0; cap <= last && cap < 64; cap++) {
        cap_flag_value_t v = CAP_CLEAR;
        if (cur)
            cap_get_flag(cur, cap, CAP_PERMITTED, &v);
        usable[cap] = v == CAP_SET;
        bool wanted = in_set(c->bounding, c->bounding_len, cap) ||
                      in_set(c->effective, c->effective_len, cap) ||
                      in_set(c->permitted, c->permitted_len, cap) ||
                      in_set(c->inheritable, c->inheritable_len, cap) ||
                      in_set(c->ambient, c->ambient_len, cap);
        if (wanted && !usable[cap]) {
            char *name = cap_to_name(cap);
            for (char *n = name; n && *n; n++)
                *n = (char)toupper((unsigned char)*n);
            log_warn("process.capabilities: %s cannot be granted (rt does not hold it); ignored",
                     name ? name : "?");
            cap_free(name);
        }
    }
    if (cur)
        cap_free(cur);
}

static int set_caps(const oci_capabilities *c, int last, const bool *usable, rt_error **err)
{
    cap_t caps = cap_init();
    if (!caps)
        return rt_err(err, errno, "cap_init");
    for (int cap = 0; cap <= last; cap++) {
        cap_value_t v = cap;
        if (!usable[cap])
            continue;
        if (in_set(c->effective, c->effective_len, cap))
            cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
        if (in_set(c->permitted, c->permitted_len, cap))
            cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
        if (in_set(c->inheritable, c->inheritable_len, cap))
            cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
    }
    int r = cap_set_proc(caps);
    int e = errno;
    cap_free(caps);
    if (r < 0)
        return rt_err(err, e, "set capabilities");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return rt_err(err, errno, "clear ambient capabilities");
    for (size_t i = 0; i < c->ambient_len; i++) {
        int cap = cap_number(c->ambient[i]);
        if (cap < 0 || cap > last || !usable[cap])
            continue;
        /* As runc: an ambient capability outside permitted/inheritable is
         * refused by the kernel; warn and go on. */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            log_debug("cannot raise ambient capability %s: %s", c->ambient[i], strerror(errno));
    }
    return 0;
}

int process_enter_cwd(const oci_process *p, bool *later, rt_error **err)
{
    cleanup_error rt_error *e = NULL;
    cleanup_close int fd = path_open_cwd(p->cwd, &e);
    *later = false;
    if (fd >= 0 && path_enter_cwd(fd, p->cwd, &e) == 0)
        return 0;
    if (e->errnum == EACCES || e->errnum == EPERM) {
        *later = true;
        return 0;
    }
    return rt_err(err, 0, "%s", e->msg);
}

int process_enter_cwd_late(const oci_process *p, rt_error **err)
{
    cleanup_close int fd = path_open_cwd(p->cwd, err);
    return fd < 0 ? -1 : path_enter_cwd(fd, p->cwd, err);
}

/* Stdio the process may own: a pipe, socket or file the caller gave it, or
 * the pty of its terminal (a pty slave, major 136-143).  Of the devices, runc
 * also chowns the caller's terminal (`exec -u 1000` from a root shell would
 * hand the host's terminal to uid 1000, who could read what root types): not
 * we; nor /dev/null, which runc skips too.  By fd only: the container's
 * /dev/null may be an image's symlink (crun CVE-2026-88265). */
static bool owned_by_process(const oci_process *p, const struct stat *sb)
{
    if (S_ISCHR(sb->st_mode))
        return p->terminal && major(sb->st_rdev) >= 136 && major(sb->st_rdev) <= 143;
    return S_ISREG(sb->st_mode) || S_ISFIFO(sb->st_mode) || S_ISSOCK(sb->st_mode);
}

int process_chown_stdio(const oci_process *p, rt_error **err)
{
    uid_t uid = p->user && p->user->has_uid ? p->user->uid : 0;
    for (int fd = 0; fd < 3; fd++) {
        struct stat sb;
        if (fstat(fd, &sb) < 0) {
            if (errno == EBADF)
                continue;
            return rt_err(err, errno, "stat fd %d", fd);
        }
        if (sb.st_uid == uid || !owned_by_process(p, &sb))
            continue;
        /* An owner or group the user namespace does not map (EINVAL,
         * EPERM), a read-only /dev (EROFS): leave it as it is. */
        if (fchown(fd, uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS)
            return rt_err(err, errno, "chown fd %d to uid %u", fd, uid);
    }
    return 0;
}

int process_apply_identity(const oci_process *p, bool userns, rt_error **err)
{
    const oci_user *u = p->user;
    const oci_capabilities *c = p->capabilities;
    int last = last_cap();
    bool usable[64] = {0};
    if (c)
        find_usable(c, last, usable);
    if (c && drop_bounding(c, last, err) < 0)
        return -1;
    /* Keep the permitted set across setuid; set_caps() then chooses. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return rt_err(err, errno, "prctl PR_SET_KEEPCAPS");
    uid_t uid = u && u->has_uid ? u->uid : 0;
    gid_t gid = u && u->has_gid ? u->gid : 0;
    size_t ngroups = u ? u->additional_gids_len : 0;
    cleanup_free gid_t *groups = calloc(ngroups + 1, sizeof(gid_t));
    for (size_t i = 0; i < ngroups; i++)
        groups[i] = u->additional_gids[i];
    if (setgroups(ngroups, groups) < 0 && !(userns && errno == EPERM && ngroups == 0))
        return rt_err(err, errno, "setgroups");
    if (setresgid(gid, gid, gid) < 0)
        return rt_err(err, errno, "setgid %u", gid);
    if (setresuid(uid, uid, uid) < 0)
        return rt_err(err, errno, "setuid %u", uid);
    if (c && set_caps(c, last, usable, err) < 0)
        return -1;
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return rt_err(err, errno, "prctl PR_SET_KEEPCAPS");
    if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return rt_err(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
    return 0;
}

static const char *env_get(const oci_process *p, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < p->env_len; i++)
        if (!strncmp(p->env[i], name, n) && p->env[i][n] == '=')
            return p->env[i] + n + 1;
    return NULL;
}

int process_find_executable(const oci_process *p, char **path, rt_error **err)
{
    const char *name = p->args[0];
    char text[64];
    if (strchr(name, '/')) {
        struct stat sb;
        if (stat(name, &sb) < 0)
            return rt_err(err, 0, "exec: \"%s\": stat %s: %s", name, name,
                          go_words(strerror(errno), text, sizeof(text)));
        if (S_ISDIR(sb.st_mode) || access(name, X_OK) < 0)
            return rt_err(err, 0, "exec: \"%s\": %s", name,
                          go_words(strerror(EACCES), text, sizeof(text)));
        *path = xstrdup(name);
        return 0;
    }
    const char *env_path = env_get(p, "PATH");
    if ((*path = search_path(env_path ? env_path
                                      : "/usr/local/sbin:/usr/local/bin:"
                                        "/usr/sbin:/usr/bin:/sbin:/bin",
                             name)))
        return 0;
    return rt_err(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

/* HOME from the container's /etc/passwd for uid, "/" when none: what runc
 * puts in the environment when the config does not set it. */
static char *home_of(uid_t uid)
{
    cleanup_fclose FILE *f = fopen("/etc/passwd", "re");
    char *line = NULL;
    size_t cap = 0;
    char *home = NULL;
    while (f && !home && getline(&line, &cap, f) > 0) {
        char *fields[7] = {0};
        char *p = line;
        int n = 0;
        line[strcspn(line, "\n")] = '\0';
        /* strsep keeps empty fields, unlike strtok. */
        while (n < 7 && (fields[n] = strsep(&p, ":")))
            n++;
        char *end;
        if (n >= 6 && *fields[2] && strtoul(fields[2], &end, 10) == uid && !*end && *fields[5])
            home = xstrdup(fields[5]);
    }
    free(line);
    return home ? home : xstrdup("/");
}

char **process_environment(const oci_process *p)
{
    bool has_home = env_get(p, "HOME") != NULL;
    char **envp = calloc(p->env_len + 2, sizeof(char *));
    if (!envp)
        return NULL;
    for (size_t i = 0; i < p->env_len; i++)
        envp[i] = p->env[i];
    if (!has_home) {
        cleanup_free char *home = home_of(p->user && p->user->has_uid ? p->user->uid : 0);
        envp[p->env_len] = xasprintf("HOME=%s", home);
    }
    return envp;
}

/* Mark each fd >= first listed in d (of /proc/self/fd) close-on-exec. */
static int cloexec_listed(DIR *d, unsigned first, rt_error **err)
{
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        unsigned long fd = strtoul(de->d_name, &end, 10);
        if (*end || end == de->d_name || fd < first || fd > INT32_MAX || (int)fd == dirfd(d))
            continue;
        int fl = fcntl((int)fd, F_GETFD);
        if ((fl < 0 || fcntl((int)fd, F_SETFD, fl | FD_CLOEXEC) < 0) && errno != EBADF)
            return rt_err(err, errno, "close inherited fds: mark fd %lu close-on-exec", fd);
    }
    return 0;
}

/* Without close_range(CLOSE_RANGE_CLOEXEC) (before Linux 5.11, or refused):
 * each fd listed in /proc/self/fd, a procfs checked as such. */
static int cloexec_by_walk(unsigned first, rt_error **err)
{
    int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return rt_err(err, errno, "close inherited fds: open /proc/self/fd");
    DIR *d = fd_is_procfs(dfd) ? fdopendir(dfd) : NULL;
    if (!d) {
        close(dfd);
        return rt_err(err, 0, "close inherited fds: /proc/self/fd is not a readable procfs");
    }
    int r = cloexec_listed(d, first, err);
    closedir(d);
    return r;
}

int process_close_fds(int preserve, rt_error **err)
{
    unsigned first = 3 + (unsigned)preserve;
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0 &&
        cloexec_by_walk(first, err) < 0)
        return -1;
    for (int fd = 3; fd < (int)first; fd++) {
        int fl = fcntl(fd, F_GETFD);
        if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
            return rt_err(err, errno, "--preserve-fds: keep fd %d open", fd);
    }
    return 0;
}

int process_execve(const oci_process *p, const char *exe, char **envp)
{
    char **argv = calloc(p->args_len + 1, sizeof(char *));
    if (!argv)
        return -1;
    memcpy(argv, p->args, p->args_len * sizeof(char *));
    execve(exe, argv, envp);
    int e = errno;
    free(argv);
    errno = e;
    return -1;
}
