/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The D-Bus marshalling of the systemd driver (src/lib/cgroup/dbus.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/dbus.h"
#include "test_util.h"

static uint32_t u32_at(const dbus_buf *b, size_t at)
{
    uint32_t v;
    memcpy(&v, b->b + at, 4);
    return v;
}

/* A call's header as the spec lays it out, and parsed back. */
static void test_call_roundtrip(void)
{
    dbus_buf body = {0}, out = {0};
    dbus_put_str(&body, "hi");
    dbus_msg_call(&out, 7, "org.x", "/a", "i.f", "M", "s", &body);
    CHECK(out.b[1] == DBUS_CALL && out.b[2] == 0 && out.b[3] == 1);
    CHECK_INT(u32_at(&out, 4), 7); /* body: u32 2, "hi", NUL */
    CHECK_INT(u32_at(&out, 8), 7); /* serial */
    /* the first header field starts on 8 right after the array's length */
    CHECK(out.b[16] == 1 && out.b[17] == 1 && out.b[18] == 'o' && out.b[19] == 0);
    CHECK_INT((out.len - body.len) % 8, 0);
    CHECK_INT(dbus_msg_size(out.b), out.len);
    dbus_msg m;
    uint8_t *raw = malloc(out.len);
    memcpy(raw, out.b, out.len);
    CHECK(dbus_msg_parse(raw, out.len, &m) == 0);
    CHECK(m.type == DBUS_CALL && m.serial == 7);
    CHECK_STR(m.path, "/a");
    CHECK_STR(m.interface, "i.f");
    CHECK_STR(m.member, "M");
    CHECK_STR(m.signature, "s");
    CHECK_STR(dbus_get_str(&m.body, false), "hi");
    CHECK(!m.body.bad && m.body.pos == m.body.len);
    dbus_msg_free(&m);
    dbus_buf_free(&body);
    dbus_buf_free(&out);
}

/* a(sv) with a u64 and an "au" inside: lengths count from after the
 * padding, structs start on 8, and skipping walks exactly to the end. */
static void test_array_of_variants(void)
{
    dbus_buf w = {0};
    dbus_put_byte(&w, 9); /* so that the array's elements need padding */
    dbus_array a = dbus_array_open(&w, 8);
    CHECK_INT(a.at, 4);
    CHECK_INT(a.start, 8);
    dbus_put_struct(&w);
    dbus_put_str(&w, "A");
    dbus_put_sig(&w, "t");
    dbus_put_u64(&w, 5);
    dbus_put_struct(&w);
    dbus_put_str(&w, "PIDs");
    dbus_put_sig(&w, "au");
    dbus_array pids = dbus_array_open(&w, 4);
    dbus_put_u32(&w, 42);
    dbus_array_close(&w, pids);
    dbus_array_close(&w, a);
    CHECK_INT(u32_at(&w, 4), w.len - 8);
    dbus_reader r = {.b = w.b, .len = w.len};
    /* CHECK_INT evaluates its value more than once: read into locals */
    uint64_t first = dbus_get_byte(&r);
    CHECK_INT(first, 9);
    const char *sig = "a(sv)";
    dbus_skip(&r, &sig);
    CHECK(!r.bad && r.pos == w.len && !*sig);
    /* read it again by hand */
    r.pos = 4;
    uint64_t len = dbus_get_u32(&r);
    CHECK_INT(len, w.len - 8);
    r.pos = 8;
    CHECK_STR(dbus_get_str(&r, false), "A");
    CHECK_STR(dbus_get_str(&r, true), "t");
    uint64_t value = dbus_get_u64(&r);
    CHECK_INT(value, 5);
    dbus_buf_free(&w);
}

/* A big-endian signal (as systemd on s390x sends it). */
static void test_big_endian_signal(void)
{
    static const uint8_t be[32] = {'B', DBUS_SIGNAL, 0,  1, 0, 0,   0, 0, 0, 0, 0, 9,   0,
                                   0,   0,           10, 3, 1, 's', 0, 0, 0, 0, 1, 'X', 0};
    CHECK_INT(dbus_msg_size(be), 32);
    uint8_t *raw = malloc(32);
    memcpy(raw, be, 32);
    dbus_msg m;
    CHECK(dbus_msg_parse(raw, 32, &m) == 0);
    CHECK(m.type == DBUS_SIGNAL && m.serial == 9);
    CHECK_STR(m.member, "X");
    CHECK_STR(m.signature, "");
    dbus_msg_free(&m);
}

static void test_malformed(void)
{
    uint8_t hdr[16] = {'x', 1, 0, 1};
    CHECK_INT(dbus_msg_size(hdr), 0);
    uint8_t huge[16] = {'l', 1, 0, 1, 0xff, 0xff, 0xff, 0x7f};
    CHECK_INT(dbus_msg_size(huge), 0);
    /* a string without its NUL, a length past the end */
    uint8_t s[8] = {3, 0, 0, 0, 'a', 'b', 'c', 'd'};
    dbus_reader r = {.b = s, .len = 8};
    CHECK_STR(dbus_get_str(&r, false), "");
    CHECK(r.bad);
    dbus_reader r2 = {.b = s, .len = 8};
    const char *sig = "(s";
    dbus_skip(&r2, &sig);
    CHECK(r2.bad);
    /* a message one byte short of what its header claims */
    dbus_buf out = {0};
    dbus_msg_call(&out, 1, NULL, "/", NULL, "Hello", NULL, NULL);
    uint8_t *raw = malloc(out.len);
    memcpy(raw, out.b, out.len);
    dbus_msg m;
    CHECK(dbus_msg_parse(raw, out.len - 1, &m) == -1);
    dbus_msg_free(&m);
    dbus_buf_free(&out);
}

void run_dbus_tests(void)
{
    RUN(test_call_roundtrip);
    RUN(test_array_of_variants);
    RUN(test_big_endian_signal);
    RUN(test_malformed);
}
