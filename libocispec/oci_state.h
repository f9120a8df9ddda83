/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The OCI container state (runtime-spec runtime.md "State"), as `rt state` prints it. */
#ifndef OCI_STATE_H
#define OCI_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "oci_config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oci_state {
    char *oci_version; /* required */
    char *id;          /* required */
    char *status;      /* required: creating, created, running, stopped */
    int pid;
    char *bundle; /* required */
    char *rootfs;
    char *created; /* RFC 3339 with nanoseconds, as runc prints it */
    char *owner;
    oci_string_map annotations;
} oci_state;

/*
 * Serialise one state with keys in runc's order (checked against runc 1.1): ociVersion, id,
 * pid, status, bundle, rootfs, created, annotations (omitted when empty, keys sorted), owner.
 * A NULL string is written as "".
 * pretty: 2-space indentation like Go's json.MarshalIndent (what `runc state` prints), no
 * trailing newline; otherwise compact. Returns a malloc'd string, NULL on allocation failure.
 */
char *oci_state_to_json(const oci_state *st, bool pretty);

/* A compact JSON array of states, as `runc list --format json` prints it (no trailing
 * newline; "null" when n == 0, like runc). */
char *oci_state_list_to_json(oci_state *const *states, size_t n);

/* Parse a state document (e.g. what a hook receives on stdin). Errors name the JSON path. */
int oci_state_parse_data(const char *data, size_t len, oci_state **out, char **err);
void oci_state_free(oci_state *st);

#ifdef __cplusplus
}
#endif

#endif /* OCI_STATE_H */
