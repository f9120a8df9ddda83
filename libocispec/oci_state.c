/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The OCI state document: writer (the shape `runc state` / `runc list -f json` print) and
 * parser. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "oci_internal.h"
#include "oci_state.h"

static const struct oci_field state_fields[] = {
    F_STR(oci_state, "ociVersion", oci_version, OCI_F_REQUIRED),
    F_STR(oci_state, "id", id, OCI_F_REQUIRED),
    F_STR(oci_state, "status", status, OCI_F_REQUIRED),
    F_INT_OPT(oci_state, "pid", pid, 0, INT_MAX),
    F_STR(oci_state, "bundle", bundle, OCI_F_REQUIRED),
    F_STR(oci_state, "rootfs", rootfs, 0),
    F_STR(oci_state, "created", created, 0),
    F_STR(oci_state, "owner", owner, 0),
    F_STR_MAP(oci_state, "annotations", annotations),
};
static const struct oci_type state_type = OCI_TYPE(oci_state, state_fields);

#define GEN(call)                                                                                  \
    do {                                                                                           \
        if ((call) != yajl_gen_status_ok)                                                          \
            return -1;                                                                             \
    } while (0)

static int gen_key(yajl_gen g, const char *key)
{
    return yajl_gen_string(g, (const unsigned char *)key, strlen(key)) == yajl_gen_status_ok ? 0
                                                                                             : -1;
}

static int gen_kv(yajl_gen g, const char *key, const char *value)
{
    if (gen_key(g, key) < 0)
        return -1;
    return oci_gen_str(g, value) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_state(yajl_gen g, const oci_state *st)
{
    GEN(yajl_gen_map_open(g));
    if (gen_kv(g, "ociVersion", st->oci_version) < 0 || gen_kv(g, "id", st->id) < 0 ||
        gen_key(g, "pid") < 0)
        return -1;
    GEN(yajl_gen_integer(g, st->pid));
    if (gen_kv(g, "status", st->status) < 0 || gen_kv(g, "bundle", st->bundle) < 0 ||
        gen_kv(g, "rootfs", st->rootfs) < 0 || gen_kv(g, "created", st->created) < 0)
        return -1;
    /* runc's struct has annotations (omitempty) before owner */
    if (st->annotations.len > 0) {
        if (gen_key(g, "annotations") < 0)
            return -1;
        GEN(oci_gen_string_map(g, &st->annotations));
    }
    if (gen_kv(g, "owner", st->owner) < 0)
        return -1;
    GEN(yajl_gen_map_close(g));
    return 0;
}

char *oci_state_to_json(const oci_state *st, bool pretty)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    char *out = NULL;

    if (!g)
        return NULL;
    if (gen_state(g, st) == 0)
        out = oci_gen_finish(g, pretty ? 2 : 0, false);
    yajl_gen_free(g);
    return out;
}

char *oci_state_list_to_json(oci_state *const *states, size_t n)
{
    yajl_gen g;
    char *out = NULL;

    if (n == 0)
        return strdup("null"); /* runc encodes its nil slice */
    g = yajl_gen_alloc(NULL);
    if (!g)
        return NULL;
    if (yajl_gen_array_open(g) != yajl_gen_status_ok)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (gen_state(g, states[i]) < 0)
            goto done;
    }
    if (yajl_gen_array_close(g) != yajl_gen_status_ok)
        goto done;
    out = oci_gen_finish(g, 0, false);
done:
    yajl_gen_free(g);
    return out;
}

int oci_state_parse_data(const char *data, size_t len, oci_state **out, char **err)
{
    *out = NULL;
    *err = NULL;
    return oci_parse_data_typed(&state_type, data, len, (void **)out, err);
}

void oci_state_free(oci_state *st)
{
    oci_free_typed(&state_type, st);
}
