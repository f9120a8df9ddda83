/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the engine's pure parts: the cgroup conversions (OCI values
 * to kernel and systemd values), the device policy, systemd's names. TAP. */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "test_util.h"

void run_dbus_tests(void);

static void test_shares_to_weight(void)
{
    CHECK_INT(cg_shares_to_weight(2), 1);
    CHECK_INT(cg_shares_to_weight(1024), 39);
    CHECK_INT(cg_shares_to_weight(262144), 10000);
    CHECK_INT(cg_shares_to_weight(0), 1);
    CHECK_INT(cg_shares_to_weight(1u << 30), 10000);
}

static void test_blkio_to_io_weight(void)
{
    CHECK_INT(cg_blkio_to_io_weight(10), 1);
    CHECK_INT(cg_blkio_to_io_weight(500), 4950);
    CHECK_INT(cg_blkio_to_io_weight(1000), 10000);
    CHECK_INT(cg_blkio_to_io_weight(1), 1);
}

static void test_swap_max(void)
{
    int64_t v = 0;
    CHECK(cg_swap_max(100, 300, &v, NULL) == 1 && v == 200);
    CHECK(cg_swap_max(100, 100, &v, NULL) == 1 && v == 0);
    CHECK(cg_swap_max(-1, 0, &v, NULL) == 1 && v == -1);
    CHECK(cg_swap_max(100, -1, &v, NULL) == 1 && v == -1);
    CHECK(cg_swap_max(100, 0, &v, NULL) == 0);
    rt_error *err = NULL;
    CHECK(cg_swap_max(0, 200, &v, &err) == -1);
    CHECK(err && strstr(err->msg, "without a memory limit"));
    rt_error_free(err);
    err = NULL;
    CHECK(cg_swap_max(300, 200, &v, &err) == -1);
    CHECK(err && strstr(err->msg, "must not be lower"));
    rt_error_free(err);
}

static void test_quota_per_sec(void)
{
    CHECK_INT(cg_quota_per_sec(50000, 100000), 500000);
    CHECK_INT(cg_quota_per_sec(200000, 100000), 2000000);
    CHECK_INT(cg_quota_per_sec(12345, 100000), 130000); /* 123450 up to 10 ms steps */
    CHECK_INT(cg_quota_per_sec(50000, 0), 500000);      /* the default period */
    CHECK(cg_quota_per_sec(-1, 100000) == UINT64_MAX);
}

static void test_cpu_mask(void)
{
    uint8_t *m = NULL;
    size_t n = 0;
    CHECK(cg_cpu_mask("0-3,6", &m, &n) == 0 && n == 1 && m[0] == 0x4f);
    free(m);
    CHECK(cg_cpu_mask("9", &m, &n) == 0 && n == 2 && m[0] == 0 && m[1] == 0x02);
    free(m);
    CHECK(cg_cpu_mask("0,8-9\n", &m, &n) == 0 && n == 2 && m[0] == 1 && m[1] == 0x03);
    free(m);
    CHECK(cg_cpu_mask("3-1", &m, &n) == -1 && !m && !n);
    CHECK(cg_cpu_mask("a", &m, &n) == -1);
    CHECK(cg_cpu_mask("1,,2", &m, &n) == -1);
    CHECK(cg_cpu_mask("99999", &m, &n) == -1);
}

static void test_device_rule(void)
{
    char buf[64];
    oci_device_cgroup d = {.allow = true,
                           .type = "c",
                           .major = 1,
                           .has_major = true,
                           .minor = -1,
                           .has_minor = true,
                           .access = "rwa"};
    CHECK(cg_device_rule(&d, buf, sizeof(buf), NULL) == 0);
    CHECK_STR(buf, "c 1:* rw");
    d.type = "x";
    CHECK(cg_device_rule(&d, buf, sizeof(buf), NULL) == -1);
    d.type = NULL;
    CHECK(cg_device_rule(&d, buf, sizeof(buf), NULL) == 0);
    CHECK_STR(buf, "a");
    d.type = "b";
    d.access = "x";
    CHECK(cg_device_rule(&d, buf, sizeof(buf), NULL) == -1);
}

/* Only the defaults: deny all but runc's list (12 entries). */
static void test_device_policy_defaults(void)
{
    dev_policy p;
    cg_device_policy(NULL, &p);
    CHECK(!p.default_allow);
    CHECK_INT(p.n, cg_default_devices_len);
    CHECK(p.ex[0].type == BPF_DEVCG_DEV_CHAR && p.ex[0].major == -1 &&
          p.ex[0].access == BPF_DEVCG_ACC_MKNOD);
    free(p.ex);
}

/* "a" allow first: allow by default; a later deny of c 1:3 w is an exception
 * that the default list's c 1:3 rwm (same as the default) takes away again. */
static void test_device_policy_allow_all(void)
{
    oci_device_cgroup rules[] = {
        {.allow = true, .type = "a"},
        {.allow = false,
         .type = "c",
         .major = 4,
         .has_major = true,
         .minor = 7,
         .has_minor = true,
         .access = "w"},
    };
    oci_resources r = {.devices = rules, .devices_len = 2};
    dev_policy p;
    cg_device_policy(&r, &p);
    CHECK(p.default_allow);
    CHECK_INT(p.n, 1);
    CHECK(p.n == 1 && p.ex[0].major == 4 && p.ex[0].minor == 7 &&
          p.ex[0].access == BPF_DEVCG_ACC_WRITE);
    free(p.ex);
}

static void test_slice_path(void)
{
    char *p = NULL;
    CHECK(cg_systemd_slice_path("system.slice", &p, NULL) == 0);
    CHECK_STR(p, "/system.slice");
    free(p);
    CHECK(cg_systemd_slice_path("a-b-c.slice", &p, NULL) == 0);
    CHECK_STR(p, "/a.slice/a-b.slice/a-b-c.slice");
    free(p);
    CHECK(cg_systemd_slice_path("-.slice", &p, NULL) == 0);
    CHECK_STR(p, "");
    free(p);
    const char *bad[] = {"a--b.slice", "-a.slice",  "a-.slice", "foo",
                         ".slice",     "a/b.slice", "a b.slice"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        rt_error *err = NULL;
        CHECK(cg_systemd_slice_path(bad[i], &p, &err) == -1);
        CHECK(err && strstr(err->msg, "invalid slice"));
        rt_error_free(err);
    }
}

static void resolves(const char *cp, const char *unit, const char *path)
{
    char *u = NULL, *p = NULL;
    CHECK(cg_systemd_resolve(cp, "ID", &u, &p, NULL) == 0);
    CHECK_STR(u, unit);
    CHECK_STR(p, path);
    free(u);
    free(p);
}

static void test_systemd_resolve(void)
{
    resolves("system.slice:docker:abc", "docker-abc.scope", "/system.slice/docker-abc.scope");
    resolves(":rt-test:x", "rt-test-x.scope", "/system.slice/rt-test-x.scope");
    resolves("user.slice::x", "x.scope", "/user.slice/x.scope");
    resolves(NULL, "rt-ID.scope", "/system.slice/rt-ID.scope");
    resolves("", "rt-ID.scope", "/system.slice/rt-ID.scope");
    resolves("kubepods-besteffort-pod12.slice:cri-containerd:c1", "cri-containerd-c1.scope",
             "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12.slice/"
             "cri-containerd-c1.scope");
    const char *bad[] = {"abc",
                         "a:b",
                         "system.slice:p:",
                         "system.slice:p:a:b",
                         "system.slice:p:a/b",
                         "system.slice:p:x.slice",
                         "nope:p:x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char *u = NULL, *p = NULL;
        rt_error *err = NULL;
        CHECK(cg_systemd_resolve(bad[i], "ID", &u, &p, &err) == -1 && !u && !p);
        CHECK(err && strstr(err->msg, "linux.cgroupsPath"));
        rt_error_free(err);
    }
}

int main(void)
{
    RUN(test_shares_to_weight);
    RUN(test_blkio_to_io_weight);
    RUN(test_swap_max);
    RUN(test_quota_per_sec);
    RUN(test_cpu_mask);
    RUN(test_device_rule);
    RUN(test_device_policy_defaults);
    RUN(test_device_policy_allow_all);
    RUN(test_slice_path);
    RUN(test_systemd_resolve);
    run_dbus_tests();
    return test_summary();
}
