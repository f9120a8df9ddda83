/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_CGROUP_DBUS_H
#define RT_CGROUP_DBUS_H

/* The little of D-Bus that the systemd cgroup driver needs: a connection to
 * systemd (its private socket, or the system bus), method calls with the
 * argument types of its Manager's methods, and signals read while a job runs.
 * Written here rather than linked from libsystemd: rt is a static binary and
 * Debian ships no static libsystemd (docs/cgroups.md).  The wire format is
 * the D-Bus specification's: little- or big-endian as the peer writes it,
 * each value aligned to its size, containers and variants as it defines. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* --- marshalling: a growing buffer with the spec's alignment --- */
typedef struct dbus_buf {
    uint8_t *b;
    size_t len, cap;
} dbus_buf;

void dbus_put_byte(dbus_buf *w, uint8_t v);
void dbus_put_bool(dbus_buf *w, bool v);
void dbus_put_u32(dbus_buf *w, uint32_t v);
void dbus_put_u64(dbus_buf *w, uint64_t v);
/* 's' and 'o': u32 length, bytes, NUL. */
void dbus_put_str(dbus_buf *w, const char *s);
/* 'g': u8 length, bytes, NUL. */
void dbus_put_sig(dbus_buf *w, const char *s);
/* An array: open writes a length that close fills in with the size of the
 * elements (counted after the padding to elem_align, as the spec says). */
typedef struct dbus_array {
    size_t at, start;
} dbus_array;
dbus_array dbus_array_open(dbus_buf *w, size_t elem_align);
void dbus_array_close(dbus_buf *w, dbus_array a);
/* A struct or dict entry starts on 8. */
void dbus_put_struct(dbus_buf *w);
void dbus_buf_free(dbus_buf *w);

/* --- reading a received message's values --- */
typedef struct dbus_reader {
    const uint8_t *b;
    size_t len, pos;
    bool swap; /* the sender's byte order is not ours */
    bool bad;  /* a value ran past the end, or a string has no NUL */
} dbus_reader;

uint32_t dbus_get_u32(dbus_reader *r);
uint64_t dbus_get_u64(dbus_reader *r);
uint8_t dbus_get_byte(dbus_reader *r);
/* 's', 'o' (len32) or 'g' (sig true: len8); "" once bad. */
const char *dbus_get_str(dbus_reader *r, bool sig);
/* Skip one value of the single complete type at *sig, advancing *sig past it. */
void dbus_skip(dbus_reader *r, const char **sig);

/* --- messages --- */
enum {
    DBUS_CALL = 1,
    DBUS_RETURN = 2,
    DBUS_ERROR = 3,
    DBUS_SIGNAL = 4
};

typedef struct dbus_msg {
    uint8_t type;
    uint32_t serial, reply_serial;
    const char *path, *interface, *member, *error_name, *signature;
    dbus_reader body; /* positioned at the first argument */
    uint8_t *raw;     /* owns the bytes the fields point into */
} dbus_msg;

void dbus_msg_free(dbus_msg *m);
/* A whole message of `len` bytes (from dbus_msg_size) into m; m->raw takes
 * buf. -1 when it is malformed. */
int dbus_msg_parse(uint8_t *buf, size_t len, dbus_msg *m);
/* The size of the message whose first 16 bytes are hdr, or 0 if they are
 * not a D-Bus header (or claim more than 128 MiB). */
size_t dbus_msg_size(const uint8_t hdr[16]);
/* The bytes of a method call with a body of signature sig (NULL: none). */
void dbus_msg_call(dbus_buf *out, uint32_t serial, const char *dest, const char *path,
                   const char *iface, const char *member, const char *sig, const dbus_buf *body);

/* --- a connection --- */
typedef struct dbus_conn {
    int fd;
    bool bus; /* a message bus (dbus-daemon), not systemd's private socket */
    uint32_t serial;
    dbus_buf in; /* bytes read, not yet a whole message */
    /* Signals that arrived while waiting for a reply, kept for
     * dbus_wait_signal (oldest first). */
    dbus_msg *queued;
    size_t nqueued;
} dbus_conn;

/* systemd as root: /run/systemd/private (no dbus-daemon needed), else the
 * system bus. Errors name what was tried. */
int dbus_open_systemd(dbus_conn *c, rt_error **err);
/* Connect and authenticate (EXTERNAL) to the socket at path; bus: a message
 * bus (Hello first), not a peer. */
int dbus_open(dbus_conn *c, const char *path, bool bus, rt_error **err);
void dbus_close(dbus_conn *c);
/* Call and wait (until deadline_ms of CLOCK_MONOTONIC) for the reply, into
 * *reply; a D-Bus error reply is an rt_error "NAME: message" whose errnum is
 * 0. */
int dbus_call(dbus_conn *c, const char *dest, const char *path, const char *iface,
              const char *member, const char *sig, const dbus_buf *body, dbus_msg *reply,
              int64_t deadline_ms, rt_error **err);
/* The next signal named member (queued first, then read), until deadline. */
int dbus_wait_signal(dbus_conn *c, const char *member, dbus_msg *out, int64_t deadline_ms,
                     rt_error **err);

#endif
