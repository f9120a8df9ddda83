/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* features.json writer (runtime-spec features.md, features-linux.md). */
#include <stdlib.h>
#include <string.h>

#include "oci_features.h"
#include "oci_internal.h"

#define TRY(x)                                                                                     \
    do {                                                                                           \
        if ((x) < 0)                                                                               \
            return -1;                                                                             \
    } while (0)

static int key(yajl_gen g, const char *k)
{
    return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) == yajl_gen_status_ok ? 0 : -1;
}

static int ok(yajl_gen_status st)
{
    return st == yajl_gen_status_ok ? 0 : -1;
}

static int gen_string(yajl_gen g, const char *k, const char *v)
{
    if (!v)
        return 0;
    TRY(key(g, k));
    return ok(oci_gen_str(g, v));
}

static int gen_list(yajl_gen g, const char *k, const oci_string_list *l)
{
    if (!l->items)
        return 0; /* NULL: omitted; an empty list is written as [] */
    TRY(key(g, k));
    TRY(ok(yajl_gen_array_open(g)));
    for (size_t i = 0; i < l->len; i++)
        TRY(ok(oci_gen_str(g, l->items[i])));
    return ok(yajl_gen_array_close(g));
}

static int gen_bool(yajl_gen g, const char *k, oci_tristate t)
{
    if (t == OCI_UNSET)
        return 0;
    TRY(key(g, k));
    return ok(yajl_gen_bool(g, t == OCI_TRUE));
}

/* {"k": {"enabled": t}}, omitted when t is unset */
static int gen_enabled(yajl_gen g, const char *k, oci_tristate t)
{
    if (t == OCI_UNSET)
        return 0;
    TRY(key(g, k));
    TRY(ok(yajl_gen_map_open(g)));
    TRY(gen_bool(g, "enabled", t));
    return ok(yajl_gen_map_close(g));
}

static int gen_linux(yajl_gen g, const oci_features_linux *l)
{
    TRY(key(g, "linux"));
    TRY(ok(yajl_gen_map_open(g)));
    TRY(gen_list(g, "namespaces", &l->namespaces));
    TRY(gen_list(g, "capabilities", &l->capabilities));
    if (l->cgroup) {
        TRY(key(g, "cgroup"));
        TRY(ok(yajl_gen_map_open(g)));
        TRY(gen_bool(g, "v1", l->cgroup->v1));
        TRY(gen_bool(g, "v2", l->cgroup->v2));
        TRY(gen_bool(g, "systemd", l->cgroup->systemd));
        TRY(gen_bool(g, "systemdUser", l->cgroup->systemd_user));
        TRY(gen_bool(g, "rdma", l->cgroup->rdma));
        TRY(ok(yajl_gen_map_close(g)));
    }
    if (l->seccomp) {
        TRY(key(g, "seccomp"));
        TRY(ok(yajl_gen_map_open(g)));
        TRY(gen_bool(g, "enabled", l->seccomp->enabled));
        TRY(gen_list(g, "actions", &l->seccomp->actions));
        TRY(gen_list(g, "operators", &l->seccomp->operators));
        TRY(gen_list(g, "archs", &l->seccomp->archs));
        TRY(gen_list(g, "knownFlags", &l->seccomp->known_flags));
        TRY(gen_list(g, "supportedFlags", &l->seccomp->supported_flags));
        TRY(ok(yajl_gen_map_close(g)));
    }
    TRY(gen_enabled(g, "apparmor", l->apparmor_enabled));
    TRY(gen_enabled(g, "selinux", l->selinux_enabled));
    if (l->intel_rdt) {
        TRY(key(g, "intelRdt"));
        TRY(ok(yajl_gen_map_open(g)));
        TRY(gen_bool(g, "enabled", l->intel_rdt->enabled));
        TRY(gen_bool(g, "schemata", l->intel_rdt->schemata));
        TRY(gen_bool(g, "monitoring", l->intel_rdt->monitoring));
        TRY(ok(yajl_gen_map_close(g)));
    }
    if (l->memory_policy) {
        TRY(key(g, "memoryPolicy"));
        TRY(ok(yajl_gen_map_open(g)));
        TRY(gen_list(g, "modes", &l->memory_policy->modes));
        TRY(gen_list(g, "flags", &l->memory_policy->flags));
        TRY(ok(yajl_gen_map_close(g)));
    }
    if (l->mount_extensions_idmap_enabled != OCI_UNSET) {
        TRY(key(g, "mountExtensions"));
        TRY(ok(yajl_gen_map_open(g)));
        TRY(gen_enabled(g, "idmap", l->mount_extensions_idmap_enabled));
        TRY(ok(yajl_gen_map_close(g)));
    }
    TRY(gen_enabled(g, "netDevices", l->net_devices_enabled));
    return ok(yajl_gen_map_close(g));
}

static int gen_features(yajl_gen g, const oci_features *f)
{
    TRY(ok(yajl_gen_map_open(g)));
    TRY(gen_string(g, "ociVersionMin", f->oci_version_min));
    TRY(gen_string(g, "ociVersionMax", f->oci_version_max));
    TRY(gen_list(g, "hooks", &f->hooks));
    TRY(gen_list(g, "mountOptions", &f->mount_options));
    if (f->linux_)
        TRY(gen_linux(g, f->linux_));
    if (f->annotations && f->annotations->len > 0) {
        TRY(key(g, "annotations"));
        TRY(ok(oci_gen_string_map(g, f->annotations)));
    }
    TRY(gen_list(g, "potentiallyUnsafeConfigAnnotations",
                 &f->potentially_unsafe_config_annotations));
    return ok(yajl_gen_map_close(g));
}

char *oci_features_to_json(const oci_features *f)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    char *out = NULL;

    if (!g)
        return NULL;
    if (gen_features(g, f) == 0)
        out = oci_gen_finish(g, 4, false);
    yajl_gen_free(g);
    return out;
}
