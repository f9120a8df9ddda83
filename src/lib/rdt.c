/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rdt.h"

#include <errno.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#define RESCTRL_PATH "/sys/fs/resctrl"

static int check_line(const char *field, const char *v, const char *prefix, rt_error **err)
{
    if (!v)
        return 0;
    if (strchr(v, '\n'))
        return rt_err(err, 0, "linux.intelRdt.%s: must not contain a newline", field);
    if (prefix && strncmp(v, prefix, strlen(prefix)))
        return rt_err(err, 0, "linux.intelRdt.%s: must start with \"%s\"", field, prefix);
    return 0;
}

int rdt_validate(const oci_config *cfg, rt_error **err)
{
    const oci_intel_rdt *r = cfg->linux_ ? cfg->linux_->intel_rdt : NULL;
    if (!r)
        return 0;
    const char *clos = r->clos_id;
    if (clos && strcmp(clos, "/") &&
        (!*clos || strchr(clos, '/') || !strcmp(clos, ".") || !strcmp(clos, "..")))
        return rt_err(err, 0, "linux.intelRdt.closID: \"%s\" is not a valid group name", clos);
    if (check_line("l3CacheSchema", r->l3_cache_schema, NULL, err) < 0 ||
        check_line("memBwSchema", r->mem_bw_schema, "MB:", err) < 0)
        return -1;
    for (size_t i = 0; i < r->schemata_len; i++)
        if (check_line("schemata[]", r->schemata[i], NULL, err) < 0)
            return -1;
    struct statfs sb;
    if (statfs(RESCTRL_PATH, &sb) < 0 || sb.f_type != RDTGROUP_SUPER_MAGIC)
        return rt_err(err, 0, "linux.intelRdt: no resctrl filesystem is mounted at %s",
                      RESCTRL_PATH);
    return rt_err(err, 0,
                  "linux.intelRdt: assigning the container to a resctrl group is not "
                  "supported yet");
}
