/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: the id mappings of a config, through the checks create makes before anything
 * exists: linux.uidMappings/gidMappings against the namespaces (ns_plan_make), and each
 * mount's uidMappings/gidMappings with its idmap/ridmap options (mounts_validate).  The input
 * is a JSON object of config fields ({"linux":{...},"mounts":[...]}); the harness adds
 * ociVersion.  rt has no id map checks of its own beyond these: ranges and overlaps are the
 * kernel's, when uid_map is written. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mounts.h"
#include "namespaces.h"
#include "oci_config.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The input's members go after ociVersion: an empty object has none. */
    size_t i = 0;
    while (i < size && memchr(" \t\r\n", data[i], 4))
        i++;
    if (i == size || data[i] != '{')
        return 0;
    size_t j = i + 1;
    while (j < size && memchr(" \t\r\n", data[j], 4))
        j++;
    if (j == size || data[j] == '}')
        return 0;
    size_t rest = size - (i + 1), len = sizeof(head) - 1 + rest;
    char *json = malloc(len);
    if (!json)
        return 0;
    memcpy(json, head, sizeof(head) - 1);
    memcpy(json + sizeof(head) - 1, data + i + 1, rest);
    oci_config *cfg = NULL;
    char *msg = NULL;
    int r = oci_config_parse_data(json, len, &cfg, &msg);
    free(json);
    if (r < 0) {
        free(msg);
        return 0;
    }
    /* A namespace path is opened to be joined: not for a fuzzer. */
    for (size_t k = 0; cfg->linux_ && k < cfg->linux_->namespaces_len; k++) {
        free(cfg->linux_->namespaces[k].path);
        cfg->linux_->namespaces[k].path = NULL;
    }
    rt_error *err = NULL;
    ns_plan plan;
    if (ns_plan_make(cfg, &plan, &err) == 0)
        ns_plan_close(&plan);
    rt_error_free(err);
    err = NULL;
    mounts_validate(cfg, &err);
    rt_error_free(err);
    oci_config_free(cfg);
    return 0;
}
