/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON generation helpers shared by the state and features writers. */
#include <stdlib.h>
#include <string.h>

#include "oci_internal.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates, at most
 * U+10FFFF), or 0 when the byte at s does not start one. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (n > avail)
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    }
    return n;
}

yajl_gen_status oci_gen_str(yajl_gen g, const char *s)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)u), i, n, o = 0;
    unsigned char *fixed;
    yajl_gen_status st;

    for (i = 0; i < len; i += n) {
        n = utf8_seq_len(u + i, len - i);
        if (n == 0)
            break;
    }
    if (i >= len)
        return yajl_gen_string(g, u, len);
    /* Like Go: each byte that is not part of a valid sequence becomes U+FFFD. */
    fixed = malloc(len * 3 + 1);
    if (!fixed)
        return yajl_gen_generation_complete; /* any non-OK status */
    for (i = 0; i < len; i += n) {
        n = utf8_seq_len(u + i, len - i);
        if (n == 0) {
            memcpy(fixed + o, "\xef\xbf\xbd", 3);
            o += 3;
            n = 1;
        } else {
            memcpy(fixed + o, u + i, n);
            o += n;
        }
    }
    st = yajl_gen_string(g, fixed, o);
    free(fixed);
    return st;
}

static int cmp_key(const void *a, const void *b, void *keys)
{
    return strcmp(((char **)keys)[*(const size_t *)a], ((char **)keys)[*(const size_t *)b]);
}

yajl_gen_status oci_gen_string_map(yajl_gen g, const oci_string_map *map)
{
    size_t *order = malloc((map->len ? map->len : 1) * sizeof(*order));
    yajl_gen_status st;

    if (!order)
        return yajl_gen_generation_complete;
    for (size_t i = 0; i < map->len; i++)
        order[i] = i;
    qsort_r(order, map->len, sizeof(*order), cmp_key, map->keys);
    st = yajl_gen_map_open(g);
    for (size_t i = 0; i < map->len && st == yajl_gen_status_ok; i++) {
        st = oci_gen_str(g, map->keys[order[i]]);
        if (st == yajl_gen_status_ok)
            st = oci_gen_str(g, map->values[order[i]]);
    }
    if (st == yajl_gen_status_ok)
        st = yajl_gen_map_close(g);
    free(order);
    return st;
}

static char *put_newline(char *o, int indent, int depth)
{
    *o++ = '\n';
    memset(o, ' ', (size_t)indent * (size_t)depth);
    return o + (size_t)indent * (size_t)depth;
}

char *oci_gen_finish(yajl_gen g, int indent, bool newline)
{
    const unsigned char *buf;
    size_t len, depth = 0, max_depth = 0, lines = 1;
    bool in_string = false;
    char *out, *o;

    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
        return NULL;
    if (indent <= 0) {
        out = malloc(len + 2);
        if (!out)
            return NULL;
        memcpy(out, buf, len);
        o = out + len;
        if (newline)
            *o++ = '\n';
        *o = '\0';
        return out;
    }
    /* Size: every structural character may start a new line at the deepest level. */
    for (size_t i = 0; i < len; i++) {
        if (in_string) {
            if (buf[i] == '\\')
                i++;
            else if (buf[i] == '"')
                in_string = false;
        } else if (buf[i] == '"') {
            in_string = true;
        } else if (buf[i] == '{' || buf[i] == '[') {
            if (++depth > max_depth)
                max_depth = depth;
            lines++;
        } else if (buf[i] == '}' || buf[i] == ']' || buf[i] == ',' || buf[i] == ':') {
            lines++;
        }
    }
    out = malloc(len + lines * (2 + (size_t)indent * max_depth) + 2);
    if (!out)
        return NULL;
    o = out;
    depth = 0;
    in_string = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = buf[i];
        if (in_string) {
            *o++ = (char)c;
            if (c == '\\' && i + 1 < len)
                *o++ = (char)buf[++i];
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            *o++ = (char)c;
            break;
        case '{':
        case '[':
            *o++ = (char)c;
            if (i + 1 < len && (buf[i + 1] == '}' || buf[i + 1] == ']')) {
                *o++ = (char)buf[++i]; /* empty: stays "{}" / "[]" like Go */
                break;
            }
            o = put_newline(o, indent, (int)++depth);
            break;
        case '}':
        case ']':
            o = put_newline(o, indent, (int)--depth);
            *o++ = (char)c;
            break;
        case ',':
            *o++ = ',';
            o = put_newline(o, indent, (int)depth);
            break;
        case ':':
            *o++ = ':';
            *o++ = ' ';
            break;
        default:
            *o++ = (char)c;
            break;
        }
    }
    if (newline)
        *o++ = '\n';
    *o = '\0';
    return out;
}
