/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal D-Bus client (see dbus.h): marshalling, message framing, EXTERNAL
 * authentication, calls and signals. */
#include "cgroup/dbus.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "util/util.h"

#define MAX_MSG (128u << 20)

static const uint8_t native_order = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 'l' : 'B';

/* --- writing --------------------------------------------------------------------------------- */

static void put(dbus_buf *w, const void *p, size_t n)
{
    if (!n)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *b = realloc(w->b, cap);
        if (!b)
            abort();
        w->b = b;
        w->cap = cap;
    }
    memcpy(w->b + w->len, p, n);
    w->len += n;
}

static void pad(dbus_buf *w, size_t align)
{
    static const uint8_t zeros[8];
    put(w, zeros, (align - w->len % align) % align);
}

void dbus_put_byte(dbus_buf *w, uint8_t v)
{
    put(w, &v, 1);
}

void dbus_put_u32(dbus_buf *w, uint32_t v)
{
    pad(w, 4);
    put(w, &v, 4);
}

void dbus_put_bool(dbus_buf *w, bool v)
{
    dbus_put_u32(w, v ? 1 : 0);
}

void dbus_put_u64(dbus_buf *w, uint64_t v)
{
    pad(w, 8);
    put(w, &v, 8);
}

void dbus_put_str(dbus_buf *w, const char *s)
{
    dbus_put_u32(w, (uint32_t)strlen(s));
    put(w, s, strlen(s) + 1);
}

void dbus_put_sig(dbus_buf *w, const char *s)
{
    dbus_put_byte(w, (uint8_t)strlen(s));
    put(w, s, strlen(s) + 1);
}

dbus_array dbus_array_open(dbus_buf *w, size_t elem_align)
{
    dbus_array a;
    dbus_put_u32(w, 0);
    a.at = w->len - 4;
    pad(w, elem_align);
    a.start = w->len;
    return a;
}

void dbus_array_close(dbus_buf *w, dbus_array a)
{
    uint32_t n = (uint32_t)(w->len - a.start);
    memcpy(w->b + a.at, &n, 4);
}

void dbus_put_struct(dbus_buf *w)
{
    pad(w, 8);
}

void dbus_buf_free(dbus_buf *w)
{
    free(w->b);
    *w = (dbus_buf){0};
}

/* One header field: (code, variant of type t). */
static void put_field(dbus_buf *w, uint8_t code, const char *t, const char *v)
{
    dbus_put_struct(w);
    dbus_put_byte(w, code);
    dbus_put_sig(w, t);
    if (*t == 'g')
        dbus_put_sig(w, v);
    else
        dbus_put_str(w, v);
}

void dbus_msg_call(dbus_buf *out, uint32_t serial, const char *dest, const char *path,
                   const char *iface, const char *member, const char *sig, const dbus_buf *body)
{
    uint8_t fixed[4] = {native_order, DBUS_CALL, 0, 1};
    put(out, fixed, 4);
    dbus_put_u32(out, body ? (uint32_t)body->len : 0);
    dbus_put_u32(out, serial);
    dbus_array a = dbus_array_open(out, 8);
    put_field(out, 1, "o", path);
    if (iface)
        put_field(out, 2, "s", iface);
    put_field(out, 3, "s", member);
    if (dest)
        put_field(out, 6, "s", dest);
    if (sig && *sig)
        put_field(out, 8, "g", sig);
    dbus_array_close(out, a);
    pad(out, 8);
    if (body && body->len)
        put(out, body->b, body->len);
}

/* --- reading --------------------------------------------------------------------------------- */

static bool r_align(dbus_reader *r, size_t align)
{
    size_t p = (r->pos + align - 1) / align * align;
    if (p > r->len)
        r->bad = true;
    else
        r->pos = p;
    return !r->bad;
}

static bool r_take(dbus_reader *r, void *out, size_t n)
{
    if (!r_align(r, n) || r->len - r->pos < n) {
        r->bad = true;
        memset(out, 0, n);
        return false;
    }
    memcpy(out, r->b + r->pos, n);
    r->pos += n;
    return true;
}

uint8_t dbus_get_byte(dbus_reader *r)
{
    uint8_t v;
    r_take(r, &v, 1);
    return v;
}

uint32_t dbus_get_u32(dbus_reader *r)
{
    uint32_t v;
    r_take(r, &v, 4);
    return r->swap ? __builtin_bswap32(v) : v;
}

uint64_t dbus_get_u64(dbus_reader *r)
{
    uint64_t v;
    r_take(r, &v, 8);
    return r->swap ? __builtin_bswap64(v) : v;
}

const char *dbus_get_str(dbus_reader *r, bool sig)
{
    size_t n = sig ? dbus_get_byte(r) : dbus_get_u32(r);
    if (r->bad || r->len - r->pos < n + 1 || r->b[r->pos + n] != '\0') {
        r->bad = true;
        return "";
    }
    const char *s = (const char *)r->b + r->pos;
    r->pos += n + 1;
    return s;
}

static size_t type_align(char t)
{
    switch (t) {
    case 'y':
    case 'g':
    case 'v':
        return 1;
    case 'n':
    case 'q':
        return 2;
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
        return 8;
    default:
        return 4;
    }
}

/* Past the single complete type at sig; NULL if it is not one. */
static const char *sig_next(const char *sig, int depth)
{
    if (!*sig || depth > 32)
        return NULL;
    if (*sig == 'a')
        return sig_next(sig + 1, depth + 1);
    if (*sig != '(' && *sig != '{')
        return strchr("ybnqiuxtdhsogv", *sig) ? sig + 1 : NULL;
    char close = *sig == '(' ? ')' : '}';
    const char *p = sig + 1;
    while (p && *p && *p != close)
        p = sig_next(p, depth + 1);
    return p && *p == close && p > sig + 1 ? p + 1 : NULL;
}

static void skip(dbus_reader *r, const char **sig, int depth)
{
    const char *t = *sig, *next = sig_next(t, 0);
    if (!next || depth > 32) {
        r->bad = true;
        return;
    }
    *sig = next;
    uint8_t b8[8];
    switch (*t) {
    case 's':
    case 'o':
        dbus_get_str(r, false);
        return;
    case 'g':
        dbus_get_str(r, true);
        return;
    case 'v': {
        const char *inner = dbus_get_str(r, true);
        if (!r->bad)
            skip(r, &inner, depth + 1);
        return;
    }
    case 'a': {
        uint32_t n = dbus_get_u32(r);
        if (!r_align(r, type_align(t[1])) || r->len - r->pos < n)
            r->bad = true;
        else
            r->pos += n;
        return;
    }
    case '(':
    case '{':
        r_align(r, 8);
        for (const char *p = t + 1; !r->bad && *p != ')' && *p != '}';)
            skip(r, &p, depth + 1);
        return;
    default:
        r_take(r, b8, type_align(*t));
    }
}

void dbus_skip(dbus_reader *r, const char **sig)
{
    skip(r, sig, 0);
}

size_t dbus_msg_size(const uint8_t hdr[16])
{
    if ((hdr[0] != 'l' && hdr[0] != 'B') || hdr[3] != 1)
        return 0;
    dbus_reader r = {.b = hdr, .len = 16, .pos = 4, .swap = hdr[0] != native_order};
    uint32_t body = dbus_get_u32(&r);
    dbus_get_u32(&r);
    uint32_t fields = dbus_get_u32(&r);
    uint64_t total = (16 + (uint64_t)fields + 7) / 8 * 8 + body;
    return total > MAX_MSG ? 0 : (size_t)total;
}

void dbus_msg_free(dbus_msg *m)
{
    free(m->raw);
    *m = (dbus_msg){0};
}

static void set_field(dbus_msg *m, uint8_t code, dbus_reader *r, const char *vsig)
{
    const char *want = code == 1 ? "o" : code == 5 ? "u" : code == 8 ? "g" : "s";
    if (strcmp(vsig, want) || code > 8) {
        dbus_skip(r, &vsig);
        return;
    }
    if (code == 5) {
        m->reply_serial = dbus_get_u32(r);
        return;
    }
    const char *v = dbus_get_str(r, code == 8);
    const char **slot[] = {NULL, &m->path, &m->interface, &m->member,   &m->error_name,
                           NULL, NULL,     NULL,          &m->signature};
    if (slot[code])
        *slot[code] = v;
}

int dbus_msg_parse(uint8_t *buf, size_t len, dbus_msg *m)
{
    *m = (dbus_msg){.raw = buf};
    if (len < 16 || dbus_msg_size(buf) != len)
        return -1;
    dbus_reader r = {.b = buf, .len = len, .pos = 1, .swap = buf[0] != native_order};
    m->type = dbus_get_byte(&r);
    r.pos = 4;
    uint32_t body_len = dbus_get_u32(&r);
    m->serial = dbus_get_u32(&r);
    size_t end = 16 + dbus_get_u32(&r);
    while (!r.bad && r.pos < end) {
        r_align(&r, 8);
        uint8_t code = dbus_get_byte(&r);
        const char *vsig = dbus_get_str(&r, true);
        if (!r.bad)
            set_field(m, code, &r, vsig);
    }
    if (r.bad || r.pos != end || !r_align(&r, 8) || r.len - r.pos != body_len)
        return -1;
    m->body = (dbus_reader){.b = buf + r.pos, .len = body_len, .swap = r.swap};
    if (!m->signature)
        m->signature = "";
    return 0;
}

/* --- a connection ---------------------------------------------------------------------------- */

/* Until fd is readable or the deadline passes. */
static int wait_readable(int fd, int64_t deadline_ms, rt_error **err)
{
    for (;;) {
        int64_t left = deadline_ms - monotonic_ms();
        if (left <= 0)
            return rt_err(err, ETIMEDOUT, "D-Bus: no answer from systemd in time");
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, (int)left);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return rt_err(err, errno, "D-Bus: poll");
    }
}

static int fill(dbus_conn *c, int64_t deadline_ms, rt_error **err)
{
    uint8_t buf[4096];
    if (wait_readable(c->fd, deadline_ms, err) < 0)
        return -1;
    ssize_t n = read(c->fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0)
        return rt_err(err, n < 0 ? errno : ECONNRESET, "D-Bus: connection to systemd lost");
    put(&c->in, buf, (size_t)n);
    return 0;
}

static int read_msg(dbus_conn *c, dbus_msg *m, int64_t deadline_ms, rt_error **err)
{
    size_t size = 0;
    while (c->in.len < 16 || c->in.len < (size = dbus_msg_size(c->in.b))) {
        if (c->in.len >= 16 && !size)
            return rt_err(err, EPROTO, "D-Bus: malformed message from systemd");
        if (fill(c, deadline_ms, err) < 0)
            return -1;
    }
    uint8_t *raw = malloc(size);
    if (!raw)
        abort();
    memcpy(raw, c->in.b, size);
    memmove(c->in.b, c->in.b + size, c->in.len - size);
    c->in.len -= size;
    if (dbus_msg_parse(raw, size, m) < 0) {
        dbus_msg_free(m);
        return rt_err(err, EPROTO, "D-Bus: malformed message from systemd");
    }
    return 0;
}

static int authenticate(dbus_conn *c, const char *path, rt_error **err)
{
    char uid[16], hex[40] = "", line[128];
    snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
    for (size_t i = 0; uid[i]; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)uid[i]);
    int n = snprintf(line, sizeof(line), "AUTH EXTERNAL %s\r\n", hex);
    if (write_all(c->fd, "", 1) < 0 || write_all(c->fd, line, (size_t)n) < 0)
        return rt_err(err, errno, "D-Bus: write to %s", path);
    int64_t deadline = monotonic_ms() + 10000;
    while (!c->in.len || !memchr(c->in.b, '\n', c->in.len)) {
        if (c->in.len > 512)
            return rt_err(err, EPROTO, "D-Bus: %s: no answer to AUTH", path);
        if (fill(c, deadline, err) < 0)
            return -1;
    }
    if (c->in.len < 3 || memcmp(c->in.b, "OK ", 3))
        return rt_err(err, EACCES, "D-Bus: %s refused EXTERNAL authentication", path);
    c->in.len = 0;
    if (write_all(c->fd, "BEGIN\r\n", 7) < 0)
        return rt_err(err, errno, "D-Bus: write to %s", path);
    return 0;
}

/* systemd's private socket can leave a message that came in with BEGIN
 * unread until more arrives (seen with systemd 252: the first call got no
 * answer, the second got both): ping until it answers, each ping waking it
 * again. */
static int wake_peer(dbus_conn *c, rt_error **err)
{
    int64_t deadline = monotonic_ms() + 10000;
    for (int64_t wait = 50;; wait *= 2) {
        int64_t until = monotonic_ms() + wait;
        cleanup_error rt_error *e = NULL;
        dbus_msg m;
        if (dbus_call(c, NULL, "/", "org.freedesktop.DBus.Peer", "Ping", NULL, NULL, &m,
                      until < deadline ? until : deadline, &e) == 0) {
            dbus_msg_free(&m);
            return 0;
        }
        if (e->errnum != ETIMEDOUT || monotonic_ms() >= deadline)
            return rt_err(err, e->errnum, "%s", e->msg);
    }
}

int dbus_open(dbus_conn *c, const char *path, bool bus, rt_error **err)
{
    *c = (dbus_conn){.fd = -1};
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return rt_err(err, ENAMETOOLONG, "D-Bus: %s", path);
    strcpy(sa.sun_path, path);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return rt_err(err, errno, "D-Bus: socket");
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return rt_err(err, errno, "D-Bus: connect to %s", path);
    if (authenticate(c, path, err) < 0)
        return -1;
    c->bus = bus;
    if (!bus)
        return wake_peer(c, err);
    dbus_msg hello;
    if (dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "Hello", NULL, NULL, &hello, monotonic_ms() + 10000, err) < 0)
        return -1;
    dbus_msg_free(&hello);
    return 0;
}

int dbus_open_systemd(dbus_conn *c, rt_error **err)
{
    cleanup_error rt_error *first = NULL;
    if (dbus_open(c, "/run/systemd/private", false, &first) == 0)
        return 0;
    dbus_close(c);
    if (dbus_open(c, "/run/dbus/system_bus_socket", true, err) == 0)
        return 0;
    dbus_close(c);
    return rt_err_wrap(err, "systemd cgroup driver: cannot reach systemd (%s)", first->msg);
}

void dbus_close(dbus_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    dbus_buf_free(&c->in);
    for (size_t i = 0; i < c->nqueued; i++)
        dbus_msg_free(&c->queued[i]);
    free(c->queued);
    *c = (dbus_conn){.fd = -1};
}

static void queue_signal(dbus_conn *c, dbus_msg *m)
{
    dbus_msg *q = realloc(c->queued, (c->nqueued + 1) * sizeof(*q));
    if (!q)
        abort();
    c->queued = q;
    c->queued[c->nqueued++] = *m;
    *m = (dbus_msg){0};
}

static int error_reply(dbus_msg *m, rt_error **err)
{
    const char *text = "";
    if (m->signature[0] == 's')
        text = dbus_get_str(&m->body, false);
    int r = rt_err(err, 0, "%s: %s", m->error_name ? m->error_name : "D-Bus error", text);
    dbus_msg_free(m);
    return r;
}

int dbus_call(dbus_conn *c, const char *dest, const char *path, const char *iface,
              const char *member, const char *sig, const dbus_buf *body, dbus_msg *reply,
              int64_t deadline_ms, rt_error **err)
{
    dbus_buf out = {0};
    uint32_t serial = ++c->serial;
    dbus_msg_call(&out, serial, dest, path, iface, member, sig, body);
    int w = write_all(c->fd, out.b, out.len);
    dbus_buf_free(&out);
    if (w < 0)
        return rt_err(err, errno, "D-Bus: send %s", member);
    for (;;) {
        if (read_msg(c, reply, deadline_ms, err) < 0)
            return rt_err_wrap(err, "%s", member);
        if ((reply->type == DBUS_RETURN || reply->type == DBUS_ERROR) &&
            reply->reply_serial == serial)
            return reply->type == DBUS_RETURN ? 0 : error_reply(reply, err);
        if (reply->type == DBUS_SIGNAL)
            queue_signal(c, reply);
        dbus_msg_free(reply);
    }
}

int dbus_wait_signal(dbus_conn *c, const char *member, dbus_msg *out, int64_t deadline_ms,
                     rt_error **err)
{
    for (size_t i = 0; i < c->nqueued; i++) {
        if (!c->queued[i].member || strcmp(c->queued[i].member, member))
            continue;
        *out = c->queued[i];
        memmove(&c->queued[i], &c->queued[i + 1], (c->nqueued - i - 1) * sizeof(*out));
        c->nqueued--;
        return 0;
    }
    for (;;) {
        if (read_msg(c, out, deadline_ms, err) < 0)
            return -1;
        if (out->type == DBUS_SIGNAL && out->member && !strcmp(out->member, member))
            return 0;
        dbus_msg_free(out);
    }
}
