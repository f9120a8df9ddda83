/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compiled seccomp filters kept under the state root, so that a profile
 * libseccomp took milliseconds to compile (Docker's default: 10-20 ms) is
 * compiled once per root rather than once per container.
 *
 * An entry is a file in ROOT/.seccomp@cache (a name no container id can
 * have: '@' is not allowed in ids, and `list` skips dot names) named after a
 * 64-bit hash of the key; it holds the whole key, then the compiled filter.
 * The key is the profile in a canonical, unambiguous form (every string with
 * its length) with what else decides the result: rt's own build (its GNU
 * build id, which changes with any change to the code; without one nothing is
 * cached), libseccomp's version, the kernel's release and the machine.  A lookup compares the whole
 * key, so a hash collision is a miss, never another profile's filter.  The files are read back as
 * untrusted input: sizes are checked before anything is used. */
#include "seccomp-cache.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "state.h"
#include "util/util.h"

#define CACHE_DIR ".seccomp@cache"
#define MAGIC "rt-seccomp-cache 1\n"
#define ENTRY_MAX (4 << 20)
#define ENTRIES_MAX 256

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void put(buf *b, const void *data, size_t len)
{
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2 + 256;
        if (!(b->data = realloc(b->data, b->cap)))
            abort();
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    put(b, tmp, n < 0 ? 0 : (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A string as LENGTH:BYTES, so that no two lists of strings look alike. */
static void put_str(buf *b, const char *s)
{
    s = s ? s : "";
    putf(b, "%zu:", strlen(s));
    put(b, s, strlen(s));
}

static void put_strv(buf *b, char *const *v, size_t n)
{
    putf(b, "[%zu", n);
    for (size_t i = 0; i < n; i++)
        put_str(b, v[i]);
    put(b, "]", 1);
}

static void put_syscall(buf *b, const oci_syscall *sc)
{
    put_strv(b, sc->names, sc->names_len);
    put_str(b, sc->action);
    putf(b, "e%d:%u a%zu", sc->has_errno_ret, sc->errno_ret, sc->args_len);
    for (size_t i = 0; i < sc->args_len; i++) {
        const oci_syscall_arg *a = &sc->args[i];
        putf(b, "(%u %llu %d:%llu ", a->index, (unsigned long long)a->value, a->has_value_two,
             (unsigned long long)a->value_two);
        put_str(b, a->op);
        put(b, ")", 1);
    }
}

/* The GNU build id note of the program (the first object dl_iterate_phdr
 * reports), as hex. */
static int note_of_program(struct dl_phdr_info *info, size_t size, void *out)
{
    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
            const char *name = p + sizeof(*n);
            const unsigned char *desc = (const unsigned char *)name + ((n->n_namesz + 3) & ~3u);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && !memcmp(name, "GNU", 4) &&
                n->n_descsz <= 64 && (const char *)desc + n->n_descsz <= end) {
                for (size_t k = 0; k < n->n_descsz; k++)
                    sprintf((char *)out + 2 * k, "%02x", desc[k]);
                return 1;
            }
            p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
        }
    }
    return 1; /* only the program itself */
}

char *seccomp_cache_key(const oci_seccomp *s, const char *libseccomp, size_t *len)
{
    char build_id[129] = "";
    dl_iterate_phdr(note_of_program, build_id);
    if (!*build_id)
        return NULL;
    buf b = {0};
    struct utsname u;
    if (uname(&u) < 0)
        memset(&u, 0, sizeof(u));
    put_str(&b, build_id);
    put_str(&b, libseccomp);
    put_str(&b, u.release);
    put_str(&b, u.machine);
    put_str(&b, s->default_action);
    putf(&b, "e%d:%u", s->has_default_errno_ret, s->default_errno_ret);
    put_strv(&b, s->architectures, s->architectures_len);
    put_strv(&b, s->flags, s->flags_len);
    putf(&b, "s%zu", s->syscalls_len);
    for (size_t i = 0; i < s->syscalls_len; i++)
        put_syscall(&b, &s->syscalls[i]);
    *len = b.len;
    return b.data;
}

/* FNV-1a: only picks the file; the key in it is compared in full. */
static void entry_name(const char *key, size_t len, char name[17])
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
    snprintf(name, 17, "%016llx", (unsigned long long)h);
}

/* put makes the root as create is about to (it runs once the profile is
 * compiled, before anything of the container exists). */
static int cache_dir_open(const char *root, bool create)
{
    cleanup_close int rootfd = state_root_open(root, create, NULL);
    if (rootfd < 0)
        return -1;
    if (create && mkdirat(rootfd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
        return -1;
    return openat(rootfd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int seccomp_cache_get(const char *root, const char *key, size_t key_len, char **value,
                      size_t *value_len)
{
    *value = NULL;
    char name[17];
    entry_name(key, key_len, name);
    cleanup_close int dir = cache_dir_open(root, false);
    cleanup_close int fd = dir < 0 ? -1 : openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > ENTRY_MAX)
        return -1;
    cleanup_free char *data = NULL;
    size_t len;
    if (read_all_fd(fd, &data, &len, NULL) < 0)
        return -1;
    /* MAGIC, the key's length as 16 hex digits and '\n', the key, the value. */
    size_t head = strlen(MAGIC) + 17;
    char lenbuf[17];
    if (len < head || memcmp(data, MAGIC, strlen(MAGIC)))
        return -1;
    snprintf(lenbuf, sizeof(lenbuf), "%016zx", key_len);
    if (memcmp(data + strlen(MAGIC), lenbuf, 16) || data[head - 1] != '\n' ||
        len - head < key_len || memcmp(data + head, key, key_len))
        return -1;
    *value_len = len - head - key_len;
    if (!(*value = malloc(*value_len ? *value_len : 1)))
        return -1;
    memcpy(*value, data + head + key_len, *value_len);
    return 0;
}

/* A bound on the folder: when full, it starts again empty. */
static void make_room(int dir)
{
    int fd = dup(dir);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += de->d_name[0] != '.';
    if (n >= ENTRIES_MAX) {
        rewinddir(d);
        while ((de = readdir(d)))
            if (de->d_name[0] != '.')
                unlinkat(dir, de->d_name, 0);
    }
    closedir(d);
}

void seccomp_cache_put(const char *root, const char *key, size_t key_len, const char *value,
                       size_t value_len)
{
    cleanup_close int dir = cache_dir_open(root, true);
    if (dir < 0)
        return;
    make_room(dir);
    buf b = {0};
    put(&b, MAGIC, strlen(MAGIC));
    putf(&b, "%016zx\n", key_len);
    put(&b, key, key_len);
    put(&b, value, value_len);
    char name[17];
    entry_name(key, key_len, name);
    rt_error *err = NULL;
    write_file_atomic(dir, name, b.data, b.len, 0600, &err);
    rt_error_free(err);
    free(b.data);
}
