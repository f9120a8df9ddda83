/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to libocispec: the descriptor tables that describe each C struct, walked by one
 * generic parser (oci_parse.c) and one generic free, plus small JSON generation helpers.
 */
#ifndef OCI_INTERNAL_H
#define OCI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "oci_config.h"
#include "oci_json.h"

enum oci_kind {
    OCI_K_STRING,       /* char * */
    OCI_K_BOOL,         /* bool */
    OCI_K_INT,          /* int8..int64 (width bytes), range [min, (int64_t)max] */
    OCI_K_UINT,         /* uint8..uint64 (width bytes), range [0, max] */
    OCI_K_OBJECT,       /* T * (type) */
    OCI_K_OBJECT_ARRAY, /* T *x; size_t x_len (len_off) */
    OCI_K_STRING_ARRAY, /* char **x; size_t x_len */
    OCI_K_UINT_ARRAY,   /* uintN_t *x; size_t x_len; element width in width */
    OCI_K_STRING_MAP,   /* oci_string_map, by value */
    OCI_K_OBJECT_MAP,   /* { char **keys; T *values; size_t len; }, by value */
    OCI_K_KEYED_ARRAY,  /* T *x; size_t x_len: one T per key, key stored at type->key_off */
};

enum {
    OCI_F_REQUIRED = 1 << 0, /* absent or null: error */
    OCI_F_HAS = 1 << 1,      /* has_off is valid */
    OCI_F_ALWAYS = 1 << 2,   /* OCI_K_OBJECT: allocate a zeroed struct when absent */
};

struct oci_type;

struct oci_field {
    const char *name;
    uint8_t kind;
    uint8_t width;
    uint8_t flags;
    size_t off;
    size_t has_off;
    size_t len_off;
    const struct oci_type *type;
    int64_t min;
    uint64_t max;
};

struct oci_type {
    size_t size;
    const struct oci_field *fields;
    size_t nfields;
    size_t key_off; /* OCI_K_KEYED_ARRAY: offset of the char * key in the struct */
};

/* Layout shared by oci_string_map, oci_rdma_map and every OCI_K_OBJECT_MAP member. */
struct oci_any_map {
    char **keys;
    void *values;
    size_t len;
};

#define OCI_MEMBER_SIZE(S, f) sizeof(((S *)0)->f)
#define OCI_NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
/* clang-format off */
#define OCI_TYPE(S, fields) { sizeof(S), fields, OCI_NFIELDS(fields), 0 }
#define OCI_KEYED_TYPE(S, fields, key) { sizeof(S), fields, OCI_NFIELDS(fields), offsetof(S, key) }

#define F_STR(S, j, f, fl) { .name = j, .kind = OCI_K_STRING, .flags = fl, .off = offsetof(S, f) }
#define F_BOOL(S, j, f)                                                                            \
    { .name = j, .kind = OCI_K_BOOL, .flags = OCI_F_HAS, .off = offsetof(S, f),                  \
      .has_off = offsetof(S, has_##f) }
#define F_BOOL_REQ(S, j, f) \
    { .name = j, .kind = OCI_K_BOOL, .flags = OCI_F_REQUIRED, .off = offsetof(S, f) }
/* lo, hi may come from one macro (I32, I64), hence the variadic forms */
#define F_INT_(S, j, f, fl, has, lo, hi)                                                           \
    { .name = j, .kind = OCI_K_INT, .width = OCI_MEMBER_SIZE(S, f), .flags = fl,                 \
      .off = offsetof(S, f), .has_off = has, .min = lo, .max = hi }
#define F_INT(S, j, f, ...) F_INT_(S, j, f, OCI_F_HAS, offsetof(S, has_##f), __VA_ARGS__)
#define F_INT_REQ(S, j, f, ...) F_INT_(S, j, f, OCI_F_REQUIRED, 0, __VA_ARGS__)
#define F_INT_OPT(S, j, f, ...) F_INT_(S, j, f, 0, 0, __VA_ARGS__) /* no has_ flag */
#define F_UINT_(S, j, f, fl, hi, has)                                                              \
    { .name = j, .kind = OCI_K_UINT, .width = OCI_MEMBER_SIZE(S, f), .flags = fl,                \
      .off = offsetof(S, f), .has_off = has, .max = hi }
#define F_UINT(S, j, f, hi) F_UINT_(S, j, f, OCI_F_HAS, hi, offsetof(S, has_##f))
#define F_UINT_REQ(S, j, f, hi) F_UINT_(S, j, f, OCI_F_REQUIRED, hi, 0)
#define F_OBJ(S, j, f, T, fl) \
    { .name = j, .kind = OCI_K_OBJECT, .flags = fl, .off = offsetof(S, f), .type = &T }
#define F_ARR_(S, j, f, k, fl, T, w)                                                               \
    { .name = j, .kind = k, .flags = fl, .width = w, .off = offsetof(S, f),                       \
      .len_off = offsetof(S, f##_len), .type = T }
#define F_OBJ_ARRAY(S, j, f, T) F_ARR_(S, j, f, OCI_K_OBJECT_ARRAY, 0, &T, 0)
#define F_KEYED_ARRAY(S, j, f, T) F_ARR_(S, j, f, OCI_K_KEYED_ARRAY, 0, &T, 0)
#define F_STR_ARRAY(S, j, f, fl) F_ARR_(S, j, f, OCI_K_STRING_ARRAY, fl, NULL, 0)
#define F_U32_ARRAY(S, j, f) F_ARR_(S, j, f, OCI_K_UINT_ARRAY, 0, NULL, 4)
#define F_STR_MAP(S, j, f) { .name = j, .kind = OCI_K_STRING_MAP, .off = offsetof(S, f) }
#define F_OBJ_MAP(S, j, f, T) \
    { .name = j, .kind = OCI_K_OBJECT_MAP, .off = offsetof(S, f), .type = &T }
/* clang-format on */

/* Set *err to a malloc'd formatted message (left NULL if memory is exhausted). */
void oci_set_error(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fill a freshly allocated, zeroed struct of `type` from the JSON object `v`. On error the
 * struct is freed and *out is NULL. */
int oci_parse_typed(const struct oci_type *type, yajl_val v, void **out, char **err);

/* Parse text into a struct of `type` (oci_json_load + oci_parse_typed). */
int oci_parse_data_typed(const struct oci_type *type, const char *data, size_t len, void **out,
                         char **err);

/* Free the members of a struct of `type` (not the struct itself) / the struct too. */
void oci_free_members(const struct oci_type *type, void *base);
void oci_free_typed(const struct oci_type *type, void *p);

/* Write a JSON-quoted, escaped copy of s (control characters escaped) into a malloc'd string. */
char *oci_quote(const char *s);

/* JSON generation helpers (oci_gen.c). */
/* yajl_gen_string of a C string, invalid UTF-8 replaced by U+FFFD like Go; NULL gives "". */
yajl_gen_status oci_gen_str(yajl_gen g, const char *s);
/* Emit a string map as an object with keys in byte order, like Go's encoding/json. */
yajl_gen_status oci_gen_string_map(yajl_gen g, const oci_string_map *map);
/* Take the generator's (compact) buffer and return it as a malloc'd string: reindented like Go's
 * json.MarshalIndent with `indent` spaces per level when indent > 0 (empty {} and [] kept
 * compact), and with a trailing newline when newline is set. */
char *oci_gen_finish(yajl_gen g, int indent, bool newline);

#endif /* OCI_INTERNAL_H */
