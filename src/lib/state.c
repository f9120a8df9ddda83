/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroup/cgroup.h"
#include "oci_json.h"
#include "util/util.h"

/* A state.json rt writes is a few KiB (annotations included). */
#define STATE_MAX_SIZE (1 << 20)

int state_valid_id(const char *id, rt_error **err)
{
    if (!id || !*id)
        return rt_err(err, 0, "container id cannot be empty");
    if (!strcmp(id, ".") || !strcmp(id, ".."))
        return rt_err(err, 0, "invalid container id format: %s", id);
    /* It names the state directory: at most NAME_MAX. */
    if (strlen(id) > NAME_MAX)
        return rt_err(err, 0, "invalid container id format: longer than %d characters", NAME_MAX);
    for (const char *p = id; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '.'))
            return rt_err(err, 0, "invalid container id format: %s", id);
    }
    return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
    cleanup_free char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    if (mkdir(p, mode) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

int state_root_open(const char *root, bool create, rt_error **err)
{
    if (create && mkdir_p(root, 0700) < 0)
        return rt_err(err, errno, "create root %s", root);
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return rt_err(err, errno, "open root %s", root);
    return fd;
}

int state_dir_lock(int fd, int how, rt_error **err)
{
    while (flock(fd, how) < 0) {
        if (errno != EINTR)
            return rt_err(err, errno, "lock state directory");
    }
    return 0;
}

void state_dir_unlock(int fd)
{
    flock(fd, LOCK_UN);
}

/* The root's own lock is held only while a state directory is made and
 * locked (create), and while one is opened for delete --force: so a
 * directory delete --force opens is locked by a create under way or by
 * nobody, never between mkdir and flock. */
static int root_lock(int rootfd, rt_error **err)
{
    if (state_dir_lock(rootfd, LOCK_EX, err) < 0)
        return rt_err_wrap(err, "state root");
    return 0;
}

int state_dir_create(int rootfd, const char *id, rt_error **err)
{
    if (root_lock(rootfd, err) < 0)
        return -1;
    int e = 0;
    cleanup_close int fd = -1;
    if (mkdirat(rootfd, id, 0711) < 0) {
        e = errno;
    } else {
        fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || flock(fd, LOCK_EX) < 0) {
            e = errno;
            unlinkat(rootfd, id, AT_REMOVEDIR);
        }
    }
    state_dir_unlock(rootfd);
    if (e == EEXIST)
        return rt_err(err, 0, "container with id %s already exists", id);
    if (e)
        return rt_err(err, e, "create state directory %s", id);
    return take_fd(&fd);
}

int state_dir_claim(int rootfd, const char *id, rt_error **err)
{
    if (root_lock(rootfd, err) < 0)
        return -1;
    cleanup_close int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    state_dir_unlock(rootfd);
    if (fd < 0) {
        errno = e;
        return e == ENOENT ? -1 : rt_err(err, e, "open state directory %s", id);
    }
    if (state_dir_lock(fd, LOCK_EX, err) < 0)
        return -1;
    return take_fd(&fd);
}

int state_dir_open(int rootfd, const char *id, int lock, rt_error **err)
{
    if (state_valid_id(id, err) < 0)
        return -1;
    cleanup_close int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return rt_err(err, 0, "container %s does not exist", id);
        return rt_err(err, errno, "open state directory %s", id);
    }
    if (lock && state_dir_lock(fd, lock, err) < 0)
        return -1;
    /* A directory without state.json is a create still under way, or one
     * that failed and is being removed. */
    if (faccessat(fd, STATE_FILE, F_OK, 0) < 0)
        return rt_err(err, 0, "container %s does not exist", id);
    return take_fd(&fd);
}

int state_dir_remove(int rootfd, const char *id)
{
    return rm_rf_at(rootfd, id);
}

static void gen_str(yajl_gen g, const char *s)
{
    s = s ? s : "";
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

int state_write(int dirfd, const rt_state *st, rt_error **err)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g)
        return rt_err(err, ENOMEM, "state");
    yajl_gen_map_open(g);
    gen_str(g, "id");
    gen_str(g, st->id);
    gen_str(g, "pid");
    yajl_gen_integer(g, st->pid);
    gen_str(g, "start_time");
    yajl_gen_integer(g, (long long)st->start_time);
    gen_str(g, "bundle");
    gen_str(g, st->bundle);
    gen_str(g, "rootfs");
    gen_str(g, st->rootfs);
    gen_str(g, "created");
    gen_str(g, st->created);
    gen_str(g, "owner");
    gen_str(g, st->owner);
    gen_str(g, "annotations");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < st->annotations_len; i++) {
        gen_str(g, st->annotation_keys[i]);
        gen_str(g, st->annotation_values[i]);
    }
    yajl_gen_map_close(g);
    gen_str(g, "cgroups");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < st->cgroups.len; i++)
        gen_str(g, st->cgroups.dirs[i]);
    yajl_gen_array_close(g);
    gen_str(g, "cgroups_made");
    yajl_gen_array_open(g);
    for (size_t i = 0; st->cgroups.made && i < st->cgroups.len; i++)
        gen_str(g, st->cgroups.made[i]);
    yajl_gen_array_close(g);
    if (st->cgroups.unit) {
        gen_str(g, "cgroup_unit");
        gen_str(g, st->cgroups.unit);
    }
    if (st->rootfs_mount) {
        gen_str(g, "rootfs_mount");
        yajl_gen_integer(g, (long long)st->rootfs_mount);
    }
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    int r = write_file_atomic(dirfd, STATE_FILE, (const char *)buf, len, 0600, err);
    yajl_gen_free(g);
    return r;
}

static char *tree_str(yajl_val root, const char *key)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(root, path, yajl_t_string);
    return v ? xstrdup(YAJL_GET_STRING(v)) : NULL;
}

static long long tree_int(yajl_val root, const char *key)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(root, path, yajl_t_number);
    return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

/* cgroups_made, kept only where each entry is its cgroup or an ancestor of
 * it (delete removes the empty directories between them). */
static void read_cgroups_made(yajl_val root, rt_state *st)
{
    const char *path[] = {"cgroups_made", NULL};
    yajl_val a = yajl_tree_get(root, path, yajl_t_array);
    if (!a || YAJL_GET_ARRAY(a)->len != st->cgroups.len || !st->cgroups.len)
        return;
    st->cgroups.made = calloc(st->cgroups.len + 1, sizeof(char *));
    for (size_t i = 0; st->cgroups.made && i < st->cgroups.len; i++) {
        yajl_val v = YAJL_GET_ARRAY(a)->values[i];
        const char *m = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "";
        size_t ml = strlen(m);
        const char *dir = st->cgroups.dirs[i];
        if (ml > 1 && !strstr(m, "/..") && !strncmp(dir, m, ml) && (!dir[ml] || dir[ml] == '/'))
            st->cgroups.made[i] = xstrdup(m);
    }
}

/* state.json is untrusted input (docs/security.md): parsed with the limits of
 * the config's parser, and the id is the one rt was called with, never the
 * file's. */
int state_read(int dirfd, const char *id, rt_state **out, rt_error **err)
{
    cleanup_free char *data = NULL;
    size_t len;
    if (read_file_at(dirfd, STATE_FILE, &data, &len, err) < 0)
        return -1;
    return state_parse(data, len, id, out, err);
}

int state_parse(const char *data, size_t len, const char *id, rt_state **out, rt_error **err)
{
    yajl_val root = NULL;
    cleanup_free char *msg = NULL;
    if (len > STATE_MAX_SIZE || oci_json_load(data, len, &root, &msg) < 0 ||
        !YAJL_IS_OBJECT(root)) {
        yajl_tree_free(root);
        return rt_err(err, 0, "state.json is corrupt%s%s", msg ? ": " : "", msg ? msg : "");
    }
    rt_state *st = calloc(1, sizeof(*st));
    if (!st)
        abort();
    st->id = xstrdup(id);
    st->pid = (pid_t)tree_int(root, "pid");
    st->start_time = (uint64_t)tree_int(root, "start_time");
    st->bundle = tree_str(root, "bundle");
    st->rootfs = tree_str(root, "rootfs");
    st->created = tree_str(root, "created");
    st->owner = tree_str(root, "owner");
    st->rootfs_mount = (uint64_t)tree_int(root, "rootfs_mount");
    const char *ann_path[] = {"annotations", NULL};
    yajl_val ann = yajl_tree_get(root, ann_path, yajl_t_object);
    if (ann && YAJL_GET_OBJECT(ann)->len) {
        size_t n = YAJL_GET_OBJECT(ann)->len;
        st->annotation_keys = calloc(n, sizeof(char *));
        st->annotation_values = calloc(n, sizeof(char *));
        for (size_t i = 0; i < n; i++) {
            yajl_val v = YAJL_GET_OBJECT(ann)->values[i];
            st->annotation_keys[i] = xstrdup(YAJL_GET_OBJECT(ann)->keys[i]);
            st->annotation_values[i] = xstrdup(YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "");
        }
        st->annotations_len = n;
    }
    const char *cg_path[] = {"cgroups", NULL};
    yajl_val cg = yajl_tree_get(root, cg_path, yajl_t_array);
    if (cg && YAJL_GET_ARRAY(cg)->len) {
        size_t n = YAJL_GET_ARRAY(cg)->len;
        st->cgroups.dirs = calloc(n, sizeof(char *));
        for (size_t i = 0; i < n; i++) {
            yajl_val v = YAJL_GET_ARRAY(cg)->values[i];
            if (YAJL_IS_STRING(v))
                st->cgroups.dirs[st->cgroups.len++] = xstrdup(YAJL_GET_STRING(v));
        }
    }
    read_cgroups_made(root, st);
    const char *unit_path[] = {"cgroup_unit", NULL};
    yajl_val unit = yajl_tree_get(root, unit_path, yajl_t_string);
    if (unit)
        st->cgroups.unit = xstrdup(YAJL_GET_STRING(unit));
    yajl_tree_free(root);
    *out = st;
    return 0;
}

void state_free(rt_state *st)
{
    if (!st)
        return;
    free(st->id);
    free(st->bundle);
    free(st->rootfs);
    free(st->created);
    free(st->owner);
    for (size_t i = 0; i < st->annotations_len; i++) {
        free(st->annotation_keys[i]);
        free(st->annotation_values[i]);
    }
    free(st->annotation_keys);
    free(st->annotation_values);
    cgroup_paths_free(&st->cgroups);
    free(st);
}

int state_init_pidfd(const rt_state *st)
{
    if (st->pid <= 0)
        return -1;
    return pidfd_open_checked(st->pid, st->start_time);
}

const char *state_status(int dirfd, const rt_state *st)
{
    /* pid 0: create has not finished (or died on the way). */
    if (st->pid == 0 && faccessat(dirfd, EXEC_FIFO, F_OK, 0) == 0)
        return "creating";
    cleanup_close int pidfd = state_init_pidfd(st);
    if (pidfd < 0)
        return "stopped";
    /* A created container can be paused too (as runc). */
    if (cgroup_is_frozen(&st->cgroups))
        return "paused";
    if (faccessat(dirfd, EXEC_FIFO, F_OK, 0) == 0)
        return "created";
    return "running";
}
