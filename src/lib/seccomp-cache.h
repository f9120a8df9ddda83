/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_SECCOMP_CACHE_H
#define RT_SECCOMP_CACHE_H

#include <stddef.h>

#include "oci_config.h"

/* Compiled seccomp filters cached under the state root (seccomp-cache.c). */

/* The profile s and what else decides its compiled form, as bytes (*len of
 * them); NULL when this build cannot tell itself from another (no build id),
 * and then nothing is cached. */
char *seccomp_cache_key(const oci_seccomp *s, const char *libseccomp, size_t *len);
/* The value stored under key in root's cache: 0 and *value (malloc'd), or -1
 * when there is none. */
int seccomp_cache_get(const char *root, const char *key, size_t key_len, char **value,
                      size_t *value_len);
/* Store value under key; a cache that cannot be written is left alone. */
void seccomp_cache_put(const char *root, const char *key, size_t key_len, const char *value,
                       size_t value_len);

#endif
