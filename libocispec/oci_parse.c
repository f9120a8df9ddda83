/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The generic walker: fills the C structs described by the tables in oci_config.c /
 * oci_state.c from a yajl tree, and frees them again.
 *
 * Rules: JSON null is the same as an absent field; unknown keys are ignored; when a key occurs
 * more than once in one object the last occurrence wins (Go's encoding/json does the same).
 * Error messages name the JSON path: `linux.resources.memory.limit: expected integer`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci_internal.h"

/* One step of the path from the document root, kept on the stack and only formatted when an
 * error is reported. */
struct path {
    const struct path *up;
    const char *name; /* a field name, or a map key when is_key */
    size_t index;     /* an array index when name is NULL */
    bool is_key;
};

void oci_set_error(char **err, const char *fmt, ...)
{
    va_list ap;

    *err = NULL;
    va_start(ap, fmt);
    if (vasprintf(err, fmt, ap) < 0)
        *err = NULL;
    va_end(ap);
}

char *oci_quote(const char *s)
{
    size_t n = 3;
    char *out, *o;

    for (const char *p = s; *p; p++)
        n += 6;
    out = o = malloc(n);
    if (!out)
        return NULL;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *o++ = '\\';
            *o++ = (char)*p;
        } else if (*p < 0x20 || *p == 0x7f) {
            o += sprintf(o, "\\u%04x", *p);
        } else {
            *o++ = (char)*p;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

static void path_append(FILE *f, const struct path *p)
{
    if (!p)
        return;
    path_append(f, p->up);
    if (p->is_key) {
        char *q = oci_quote(p->name);
        fprintf(f, "[%s]", q ? q : "?");
        free(q);
    } else if (p->name) {
        fprintf(f, "%s%s", p->up ? "." : "", p->name);
    } else {
        fprintf(f, "[%zu]", p->index);
    }
}

static int fail(char **err, const struct path *p, const char *msg)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f;

    *err = NULL;
    f = open_memstream(&buf, &size);
    if (!f)
        return -1;
    path_append(f, p);
    fprintf(f, "%s%s", p ? ": " : "", msg);
    if (fclose(f) != 0) {
        free(buf);
        buf = NULL;
    }
    *err = buf;
    return -1;
}

static int fail_oom(char **err)
{
    oci_set_error(err, "out of memory");
    return -1;
}

/* ---- scalars ---- */

static bool is_json_integer(const char *r)
{
    if (*r == '-')
        r++;
    if (*r < '0' || *r > '9')
        return false;
    while (*r >= '0' && *r <= '9')
        r++;
    return *r == '\0';
}

static void store_int(void *dst, unsigned width, uint64_t bits)
{
    switch (width) {
    case 1:
        *(uint8_t *)dst = (uint8_t)bits;
        break;
    case 2:
        *(uint16_t *)dst = (uint16_t)bits;
        break;
    case 4:
        *(uint32_t *)dst = (uint32_t)bits;
        break;
    default:
        *(uint64_t *)dst = bits;
        break;
    }
}

static int parse_integer(yajl_val v, bool is_signed, unsigned width, int64_t min, uint64_t max,
                         void *dst, char **err, const struct path *p)
{
    const char *r;
    char *end;

    if (!YAJL_IS_NUMBER(v) || !v->u.number.r || !is_json_integer(v->u.number.r))
        return fail(err, p, "expected integer");
    r = v->u.number.r;
    errno = 0;
    if (is_signed) {
        long long x = strtoll(r, &end, 10);
        if (errno == ERANGE || *end || x < min || x > (int64_t)max)
            return fail(err, p, "value out of range");
        store_int(dst, width, (uint64_t)x);
    } else {
        unsigned long long x;
        if (*r == '-') {
            /* strtoull would silently negate: only -0 is a valid unsigned value */
            if (strspn(r + 1, "0") != strlen(r + 1))
                return fail(err, p, "value out of range");
            r++;
        }
        x = strtoull(r, &end, 10);
        if (errno == ERANGE || *end || x > max)
            return fail(err, p, "value out of range");
        store_int(dst, width, x);
    }
    return 0;
}

static int parse_string(yajl_val v, char **dst, char **err, const struct path *p)
{
    if (!YAJL_IS_STRING(v))
        return fail(err, p, "expected string");
    *dst = strdup(v->u.string);
    return *dst ? 0 : fail_oom(err);
}

/* ---- objects ---- */

static int parse_object(const struct oci_type *type, yajl_val v, void *base, char **err,
                        const struct path *p);

static yajl_val find_last(yajl_val obj, const char *name)
{
    for (size_t i = obj->u.object.len; i-- > 0;) {
        if (strcmp(obj->u.object.keys[i], name) == 0)
            return obj->u.object.values[i];
    }
    return NULL;
}

static int cmp_key_then_index(const void *a, const void *b, void *obj)
{
    size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
    int c = strcmp(((yajl_val)obj)->u.object.keys[ia], ((yajl_val)obj)->u.object.keys[ib]);

    return c ? c : (ia > ib) - (ia < ib);
}

/* Indexes of the keys of obj whose value is not null, the last occurrence of each duplicated
 * key only, in document order. Returns the count, or -1 when out of memory. */
static long unique_keys(yajl_val obj, size_t **idx)
{
    size_t n = obj->u.object.len, count = 0;
    size_t *sorted = malloc((n ? n : 1) * sizeof(*sorted));
    bool *keep = calloc(n ? n : 1, sizeof(*keep));

    *idx = malloc((n ? n : 1) * sizeof(**idx));
    if (!sorted || !keep || !*idx) {
        free(sorted);
        free(keep);
        free(*idx);
        *idx = NULL;
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = i;
    qsort_r(sorted, n, sizeof(*sorted), cmp_key_then_index, obj);
    for (size_t i = 0; i < n; i++) {
        bool last = i + 1 == n ||
                    strcmp(obj->u.object.keys[sorted[i]], obj->u.object.keys[sorted[i + 1]]) != 0;
        if (last && !YAJL_IS_NULL(obj->u.object.values[sorted[i]]))
            keep[sorted[i]] = true;
    }
    for (size_t i = 0; i < n; i++) {
        if (keep[i])
            (*idx)[count++] = i;
    }
    free(sorted);
    free(keep);
    return (long)count;
}

/* A JSON object with arbitrary keys: string map, object map or keyed array. */
static int parse_map(const struct oci_field *fd, yajl_val v, void *base, char **err,
                     const struct path *p)
{
    bool keyed = fd->kind == OCI_K_KEYED_ARRAY;
    size_t esize = fd->kind == OCI_K_STRING_MAP ? sizeof(char *) : fd->type->size;
    struct oci_any_map *map = (void *)((char *)base + fd->off);
    char **array = (char **)((char *)base + fd->off); /* keyed: the T * member */
    size_t *idx = NULL;
    long n;
    int ret = 0;

    if (!YAJL_IS_OBJECT(v))
        return fail(err, p, "expected object");
    n = unique_keys(v, &idx);
    if (n < 0)
        return fail_oom(err);
    if (n == 0) {
        free(idx);
        return 0;
    }
    if (keyed) {
        *array = calloc((size_t)n, esize);
        if (!*array)
            goto oom;
        *(size_t *)((char *)base + fd->len_off) = (size_t)n;
    } else {
        map->keys = calloc((size_t)n, sizeof(char *));
        map->values = calloc((size_t)n, esize);
        map->len = map->keys && map->values ? (size_t)n : 0;
        if (!map->len)
            goto oom;
    }
    for (long i = 0; i < n && ret == 0; i++) {
        const char *key = v->u.object.keys[idx[i]];
        yajl_val item = v->u.object.values[idx[i]];
        struct path kp = {.up = p, .name = key, .is_key = true};
        char *elem = (keyed ? *array : (char *)map->values) + (size_t)i * esize;
        char **keydst = keyed ? (char **)(elem + fd->type->key_off) : &map->keys[i];

        *keydst = strdup(key);
        if (!*keydst)
            goto oom;
        if (fd->kind == OCI_K_STRING_MAP)
            ret = parse_string(item, (char **)elem, err, &kp);
        else
            ret = parse_object(fd->type, item, elem, err, &kp);
    }
    free(idx);
    return ret;
oom:
    free(idx);
    return fail_oom(err);
}

static int parse_array(const struct oci_field *fd, yajl_val v, void *base, char **err,
                       const struct path *p)
{
    void **slot = (void **)((char *)base + fd->off);
    size_t *len = (size_t *)((char *)base + fd->len_off);
    size_t n, esize;

    if (!YAJL_IS_ARRAY(v)) {
        if (fd->kind == OCI_K_STRING_ARRAY)
            return fail(err, p, "expected array of strings");
        if (fd->kind == OCI_K_UINT_ARRAY)
            return fail(err, p, "expected array of integers");
        return fail(err, p, "expected array");
    }
    n = v->u.array.len;
    if (n == 0)
        return 0;
    esize = fd->kind == OCI_K_OBJECT_ARRAY   ? fd->type->size
            : fd->kind == OCI_K_STRING_ARRAY ? sizeof(char *)
                                             : fd->width;
    *slot = calloc(n, esize);
    if (!*slot)
        return fail_oom(err);
    *len = n;
    for (size_t i = 0; i < n; i++) {
        struct path ip = {.up = p, .index = i};
        yajl_val item = v->u.array.values[i];
        char *elem = (char *)*slot + i * esize;
        int ret;

        if (fd->kind == OCI_K_OBJECT_ARRAY)
            ret = parse_object(fd->type, item, elem, err, &ip);
        else if (fd->kind == OCI_K_STRING_ARRAY)
            ret = parse_string(item, (char **)elem, err, &ip);
        else
            ret = parse_integer(item, false, fd->width, 0, UINT32_MAX, elem, err, &ip);
        if (ret < 0)
            return -1;
    }
    return 0;
}

static int parse_field(const struct oci_field *fd, yajl_val v, void *base, char **err,
                       const struct path *p)
{
    void *dst = (char *)base + fd->off;

    switch (fd->kind) {
    case OCI_K_STRING:
        return parse_string(v, dst, err, p);
    case OCI_K_BOOL:
        if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
            return fail(err, p, "expected boolean");
        *(bool *)dst = YAJL_IS_TRUE(v);
        return 0;
    case OCI_K_INT:
    case OCI_K_UINT:
        return parse_integer(v, fd->kind == OCI_K_INT, fd->width, fd->min, fd->max, dst, err, p);
    case OCI_K_OBJECT:
        if (!YAJL_IS_OBJECT(v))
            return fail(err, p, "expected object");
        *(void **)dst = calloc(1, fd->type->size);
        if (!*(void **)dst)
            return fail_oom(err);
        return parse_object(fd->type, v, *(void **)dst, err, p);
    case OCI_K_OBJECT_ARRAY:
    case OCI_K_STRING_ARRAY:
    case OCI_K_UINT_ARRAY:
        return parse_array(fd, v, base, err, p);
    default:
        return parse_map(fd, v, base, err, p);
    }
}

static int parse_object(const struct oci_type *type, yajl_val v, void *base, char **err,
                        const struct path *p)
{
    if (!YAJL_IS_OBJECT(v))
        return fail(err, p, "expected object");
    for (size_t i = 0; i < type->nfields; i++) {
        const struct oci_field *fd = &type->fields[i];
        yajl_val fv = find_last(v, fd->name);
        struct path fp = {.up = p, .name = fd->name};

        if (!fv || YAJL_IS_NULL(fv)) {
            if (fd->flags & OCI_F_REQUIRED)
                return fail(err, &fp, "missing required field");
            if ((fd->flags & OCI_F_ALWAYS) && fd->kind == OCI_K_OBJECT) {
                void **dst = (void **)((char *)base + fd->off);
                *dst = calloc(1, fd->type->size);
                if (!*dst)
                    return fail_oom(err);
            }
            continue;
        }
        if (parse_field(fd, fv, base, err, &fp) < 0)
            return -1;
        if (fd->flags & OCI_F_HAS)
            *(bool *)((char *)base + fd->has_off) = true;
    }
    return 0;
}

/* ---- free ---- */

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void oci_free_members(const struct oci_type *type, void *base)
{
    for (size_t i = 0; i < type->nfields; i++) {
        const struct oci_field *fd = &type->fields[i];
        void *dst = (char *)base + fd->off;
        size_t len = fd->len_off ? *(size_t *)((char *)base + fd->len_off) : 0;
        struct oci_any_map *map = dst;

        switch (fd->kind) {
        case OCI_K_STRING:
        case OCI_K_UINT_ARRAY:
            free(*(void **)dst);
            break;
        case OCI_K_OBJECT:
            oci_free_typed(fd->type, *(void **)dst);
            break;
        case OCI_K_STRING_ARRAY:
            free_strv(*(char ***)dst, len);
            break;
        case OCI_K_OBJECT_ARRAY:
        case OCI_K_KEYED_ARRAY:
            for (size_t j = 0; *(char **)dst && j < len; j++) {
                char *elem = *(char **)dst + j * fd->type->size;
                if (fd->kind == OCI_K_KEYED_ARRAY)
                    free(*(char **)(elem + fd->type->key_off));
                oci_free_members(fd->type, elem);
            }
            free(*(void **)dst);
            break;
        case OCI_K_STRING_MAP:
            free_strv(map->values, map->len);
            free_strv(map->keys, map->len);
            break;
        case OCI_K_OBJECT_MAP:
            for (size_t j = 0; map->values && j < map->len; j++)
                oci_free_members(fd->type, (char *)map->values + j * fd->type->size);
            free(map->values);
            free_strv(map->keys, map->len);
            break;
        default:
            break;
        }
    }
}

void oci_free_typed(const struct oci_type *type, void *p)
{
    if (!p)
        return;
    oci_free_members(type, p);
    free(p);
}

int oci_parse_typed(const struct oci_type *type, yajl_val v, void **out, char **err)
{
    void *obj;

    *out = NULL;
    if (!YAJL_IS_OBJECT(v))
        return fail(err, NULL, "expected a JSON object");
    obj = calloc(1, type->size);
    if (!obj)
        return fail_oom(err);
    if (parse_object(type, v, obj, err, NULL) < 0) {
        oci_free_typed(type, obj);
        return -1;
    }
    *out = obj;
    return 0;
}

/* ---- JSON text ---- */

/* Refuse comments (not JSON), \u0000 in strings and nesting deeper than OCI_MAX_DEPTH before
 * yajl sees the text: yajl_tree_free recurses once per level. */
static int check_nesting(const char *s, size_t len, char **err)
{
    size_t depth = 0;
    bool in_string = false;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\' && i + 5 < len && !strncmp(s + i + 1, "u0000", 5)) {
                /* yajl would hand back a string cut there */
                oci_set_error(err, "invalid JSON: NUL character (\\u0000) in a string");
                return -1;
            }
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            break;
        case '[':
        case '{':
            if (++depth > OCI_MAX_DEPTH) {
                oci_set_error(err, "invalid JSON: nesting deeper than %d levels", OCI_MAX_DEPTH);
                return -1;
            }
            break;
        case ']':
        case '}':
            if (depth > 0)
                depth--;
            break;
        case '/':
            oci_set_error(err, "invalid JSON: comments are not allowed");
            return -1;
        default:
            break;
        }
    }
    return 0;
}

/* yajl's verbose errors span several lines (message, excerpt, caret): keep the message. */
static void first_line(char *s)
{
    size_t n = strcspn(s, "\r\n");

    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '.'))
        n--;
    s[n] = '\0';
}

int oci_json_load(const char *data, size_t len, yajl_val *tree, char **err)
{
    char ebuf[1024] = "";
    char *text;

    *tree = NULL;
    if (memchr(data, '\0', len)) {
        oci_set_error(err, "invalid JSON: NUL byte in input");
        return -1;
    }
    if (check_nesting(data, len, err) < 0)
        return -1;
    text = malloc(len + 1);
    if (!text)
        return fail_oom(err);
    memcpy(text, data, len);
    text[len] = '\0';
    *tree = yajl_tree_parse(text, ebuf, sizeof(ebuf));
    free(text);
    if (!*tree) {
        first_line(ebuf);
        oci_set_error(err, "invalid JSON: %s", ebuf[0] ? ebuf : "parse error");
        return -1;
    }
    return 0;
}

int oci_parse_data_typed(const struct oci_type *type, const char *data, size_t len, void **out,
                         char **err)
{
    yajl_val tree;
    int ret;

    *out = NULL;
    if (oci_json_load(data, len, &tree, err) < 0)
        return -1;
    ret = oci_parse_typed(type, tree, out, err);
    yajl_tree_free(tree);
    return ret;
}

int oci_read_file(const char *path, char **data, size_t *len, char **err)
{
    size_t cap = 8192, n = 0;
    char *buf;
    int fd;

    *data = NULL;
    *len = 0;
    *err = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        oci_set_error(err, "open: %s", strerror(errno));
        return -1;
    }
    buf = malloc(cap);
    if (!buf) {
        close(fd);
        return fail_oom(err);
    }
    for (;;) {
        ssize_t r;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                close(fd);
                return fail_oom(err);
            }
            buf = nb;
            cap *= 2;
        }
        r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            oci_set_error(err, "read: %s", strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}
