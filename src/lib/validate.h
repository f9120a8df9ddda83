/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_VALIDATE_H
#define RT_VALIDATE_H

#include <stddef.h>

#include "container.h"
#include "error.h"
#include "oci_config.h"

#define OCI_VERSION "1.3.0"

/* A bundle's config.json, parsed, with the absolute bundle and rootfs paths. */
typedef struct loaded_bundle {
    oci_config *cfg;
    char *data; /* the raw config.json, kept in the state dir */
    size_t len;
    char *bundle;
    char *rootfs;
} loaded_bundle;

int bundle_load(const char *bundle, loaded_bundle *lb, rt_error **err);
void bundle_free(loaded_bundle *lb);
#define cleanup_bundle __attribute__((cleanup(bundle_free)))

/* Check the whole config before the system is touched: a field rt does not
 * support yet is an error, never silently ignored. */
int config_validate(const loaded_bundle *lb, const create_opts *o, rt_error **err);

#endif
