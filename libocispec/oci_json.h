/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON text read safely, for documents rt reads back (state.json) as well as the OCI ones. */
#ifndef OCI_JSON_H
#define OCI_JSON_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

/* Deepest nesting of arrays/objects accepted in a document (yajl_tree_free recurses). */
#define OCI_MAX_DEPTH 512

/* Parse JSON text into a yajl tree: refuses NUL bytes, comments and nesting deeper than
 * OCI_MAX_DEPTH; errors read "invalid JSON: ..." on one line (*err malloc'd). */
int oci_json_load(const char *data, size_t len, yajl_val *tree, char **err);

#endif
