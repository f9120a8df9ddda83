/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The writers: state.json (runc state / runc list shape) and features.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_features.h"
#include "oci_internal.h"
#include "oci_state.h"
#include "test_util.h"

static char *ann_keys[] = {"z.b", "a.x"};
static char *ann_values[] = {"1", "<&>\xc3\xa9\"\n"};

static oci_state sample_state(void)
{
    oci_state st = {
        .oci_version = "1.0.2-dev",
        .id = "rbtest",
        .status = "running",
        .pid = 4967,
        .bundle = "/tmp/rb",
        .rootfs = "/tmp/rb/rootfs",
        .created = "2026-11-26T02:52:12.210402302Z",
        .owner = "",
    };
    return st;
}

static void test_state_pretty(void)
{
    oci_state st = sample_state();
    char *json = oci_state_to_json(&st, true);

    /* byte for byte what `runc state` printed for this container (no trailing newline) */
    CHECK_STR(json, "{\n"
                    "  \"ociVersion\": \"1.0.2-dev\",\n"
                    "  \"id\": \"rbtest\",\n"
                    "  \"pid\": 4967,\n"
                    "  \"status\": \"running\",\n"
                    "  \"bundle\": \"/tmp/rb\",\n"
                    "  \"rootfs\": \"/tmp/rb/rootfs\",\n"
                    "  \"created\": \"2026-11-26T02:52:12.210402302Z\",\n"
                    "  \"owner\": \"\"\n"
                    "}");
    free(json);
    st.annotations = (oci_string_map){ann_keys, ann_values, 2};
    json = oci_state_to_json(&st, true);
    /* runc writes annotations (keys sorted) before owner; Go would also escape <&> as \u003c… */
    CHECK_STR(json, "{\n"
                    "  \"ociVersion\": \"1.0.2-dev\",\n"
                    "  \"id\": \"rbtest\",\n"
                    "  \"pid\": 4967,\n"
                    "  \"status\": \"running\",\n"
                    "  \"bundle\": \"/tmp/rb\",\n"
                    "  \"rootfs\": \"/tmp/rb/rootfs\",\n"
                    "  \"created\": \"2026-11-26T02:52:12.210402302Z\",\n"
                    "  \"annotations\": {\n"
                    "    \"a.x\": \"<&>\xc3\xa9\\\"\\n\",\n"
                    "    \"z.b\": \"1\"\n"
                    "  },\n"
                    "  \"owner\": \"\"\n"
                    "}");
    free(json);
}

static void test_state_compact_and_list(void)
{
    oci_state a = sample_state(), b = sample_state();
    oci_state *list[] = {&a, &b};
    char *json;

    a.owner = "root";
    b.id = "second";
    b.status = "stopped";
    b.pid = 0;
    b.rootfs = NULL; /* NULL strings are written as "" */
    b.annotations = (oci_string_map){ann_keys, ann_values, 1};
    json = oci_state_to_json(&a, false);
    CHECK_STR(json,
              "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"rbtest\",\"pid\":4967,\"status\":\"running\","
              "\"bundle\":\"/tmp/rb\",\"rootfs\":\"/tmp/rb/rootfs\","
              "\"created\":\"2026-11-26T02:52:12.210402302Z\",\"owner\":\"root\"}");
    free(json);
    json = oci_state_list_to_json(list, 2);
    CHECK_STR(
        json,
        "[{\"ociVersion\":\"1.0.2-dev\",\"id\":\"rbtest\",\"pid\":4967,\"status\":\"running\","
        "\"bundle\":\"/tmp/rb\",\"rootfs\":\"/tmp/rb/rootfs\","
        "\"created\":\"2026-11-26T02:52:12.210402302Z\",\"owner\":\"root\"},"
        "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"second\",\"pid\":0,\"status\":\"stopped\","
        "\"bundle\":\"/tmp/rb\",\"rootfs\":\"\","
        "\"created\":\"2026-11-26T02:52:12.210402302Z\","
        "\"annotations\":{\"z.b\":\"1\"},\"owner\":\"\"}]");
    free(json);
    json = oci_state_list_to_json(NULL, 0);
    CHECK_STR(json, "null");
    free(json);
}

static void test_state_round_trip(void)
{
    oci_state st = sample_state();
    oci_state *back = NULL;
    char *err = NULL, *json, *again;

    st.annotations = (oci_string_map){ann_keys, ann_values, 2};
    st.id = "id-\xe6\x97\xa5\\\t";
    json = oci_state_to_json(&st, true);
    CHECK(oci_state_parse_data(json, strlen(json), &back, &err) == 0);
    CHECK(err == NULL);
    if (back) {
        CHECK_STR(back->oci_version, st.oci_version);
        CHECK_STR(back->id, st.id);
        CHECK_STR(back->status, "running");
        CHECK_INT(back->pid, 4967);
        CHECK_STR(back->bundle, st.bundle);
        CHECK_STR(back->rootfs, st.rootfs);
        CHECK_STR(back->created, st.created);
        CHECK_STR(back->owner, "");
        CHECK_INT(back->annotations.len, 2);
        CHECK_STR(oci_string_map_get(&back->annotations, "a.x"), ann_values[1]);
        CHECK_STR(oci_string_map_get(&back->annotations, "z.b"), "1");
        again = oci_state_to_json(back, true);
        CHECK_STR(again, json);
        free(again);
    }
    oci_state_free(back);
    free(json);
}

static void test_state_invalid_utf8(void)
{
    oci_state st = sample_state();
    oci_state *back = NULL;
    char *err = NULL, *json;

    /* invalid bytes become U+FFFD (as Go does), so the output is always valid JSON */
    st.bundle = "/tmp/\xff\xc3(\xed\xa0\x80x";
    json = oci_state_to_json(&st, false);
    CHECK(
        json &&
        strstr(
            json,
            "\"bundle\":\"/tmp/\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\""));
    CHECK(json && oci_state_parse_data(json, strlen(json), &back, &err) == 0);
    oci_state_free(back);
    free(err);
    free(json);
}

static void test_state_parse_errors(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{\"ociVersion\":\"1.0.2\",\"status\":\"created\",\"bundle\":\"/b\"}",
         "id: missing required field"},
        {"{\"ociVersion\":\"1.0.2\",\"id\":\"x\",\"status\":\"created\",\"bundle\":\"/"
         "b\",\"pid\":-1}",
         "pid: value out of range"},
        {"{\"ociVersion\":\"1.0.2\",\"id\":\"x\",\"status\":\"created\",\"bundle\":\"/"
         "b\",\"pid\":\"1\"}",
         "pid: expected integer"},
        {"{\"ociVersion\":\"1.0.2\",\"id\":\"x\",\"status\":\"created\",\"bundle\":\"/"
         "b\",\"annotations\":[]}",
         "annotations: expected object"},
        {"[", "invalid JSON: parse error: premature EOF"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        oci_state *st = NULL;
        char *err = NULL;
        CHECK(oci_state_parse_data(cases[i].json, strlen(cases[i].json), &st, &err) == -1);
        CHECK(st == NULL);
        CHECK_STR(err, cases[i].want);
        free(err);
    }
}

static void test_features(void)
{
    static const char *const hooks[] = {"prestart", "poststop"};
    static const char *const ns[] = {"cgroup", "ipc"};
    static const char *const acts[] = {"SCMP_ACT_ALLOW"};
    static char *keys[] = {"org.opencontainers.runc.version",
                           "io.github.seccomp.libseccomp.version"};
    static char *values[] = {"1.1.5", "2.5.4"};
    oci_string_map ann = {keys, values, 2};
    oci_features_cgroup cg = {.v1 = OCI_TRUE, .v2 = OCI_TRUE, .systemd = OCI_FALSE};
    oci_features_seccomp sc = {.enabled = OCI_TRUE, .actions = {acts, 1}};
    oci_features_linux lx = {
        .namespaces = {ns, 2},
        .cgroup = &cg,
        .seccomp = &sc,
        .apparmor_enabled = OCI_TRUE,
        .selinux_enabled = OCI_FALSE,
        .mount_extensions_idmap_enabled = OCI_TRUE,
    };
    oci_features f = {
        .oci_version_min = "1.0.0",
        .oci_version_max = "1.2.0",
        .hooks = {hooks, 2},
        .linux_ = &lx,
        .annotations = &ann,
    };
    char *json = oci_features_to_json(&f);

    CHECK_STR(json, "{\n"
                    "    \"ociVersionMin\": \"1.0.0\",\n"
                    "    \"ociVersionMax\": \"1.2.0\",\n"
                    "    \"hooks\": [\n"
                    "        \"prestart\",\n"
                    "        \"poststop\"\n"
                    "    ],\n"
                    "    \"linux\": {\n"
                    "        \"namespaces\": [\n"
                    "            \"cgroup\",\n"
                    "            \"ipc\"\n"
                    "        ],\n"
                    "        \"cgroup\": {\n"
                    "            \"v1\": true,\n"
                    "            \"v2\": true,\n"
                    "            \"systemd\": false\n"
                    "        },\n"
                    "        \"seccomp\": {\n"
                    "            \"enabled\": true,\n"
                    "            \"actions\": [\n"
                    "                \"SCMP_ACT_ALLOW\"\n"
                    "            ]\n"
                    "        },\n"
                    "        \"apparmor\": {\n"
                    "            \"enabled\": true\n"
                    "        },\n"
                    "        \"selinux\": {\n"
                    "            \"enabled\": false\n"
                    "        },\n"
                    "        \"mountExtensions\": {\n"
                    "            \"idmap\": {\n"
                    "                \"enabled\": true\n"
                    "            }\n"
                    "        }\n"
                    "    },\n"
                    "    \"annotations\": {\n"
                    "        \"io.github.seccomp.libseccomp.version\": \"2.5.4\",\n"
                    "        \"org.opencontainers.runc.version\": \"1.1.5\"\n"
                    "    }\n"
                    "}");
    free(json);
    /* an empty features object and an empty nested one stay compact, like Go */
    lx = (oci_features_linux){0};
    f = (oci_features){.linux_ = &lx};
    json = oci_features_to_json(&f);
    CHECK_STR(json, "{\n    \"linux\": {}\n}");
    free(json);
}

static int regen(yajl_gen g, yajl_val v)
{
    yajl_gen_status st = yajl_gen_status_ok;

    if (YAJL_IS_OBJECT(v)) {
        st = yajl_gen_map_open(g);
        for (size_t i = 0; i < v->u.object.len && st == yajl_gen_status_ok; i++) {
            st = oci_gen_str(g, v->u.object.keys[i]);
            if (st == yajl_gen_status_ok && regen(g, v->u.object.values[i]) < 0)
                return -1;
        }
        if (st == yajl_gen_status_ok)
            st = yajl_gen_map_close(g);
    } else if (YAJL_IS_ARRAY(v)) {
        st = yajl_gen_array_open(g);
        for (size_t i = 0; i < v->u.array.len && st == yajl_gen_status_ok; i++) {
            if (regen(g, v->u.array.values[i]) < 0)
                return -1;
        }
        if (st == yajl_gen_status_ok)
            st = yajl_gen_array_close(g);
    } else if (YAJL_IS_STRING(v)) {
        st = oci_gen_str(g, v->u.string);
    } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
        st = yajl_gen_bool(g, YAJL_IS_TRUE(v));
    } else if (YAJL_IS_NUMBER(v)) {
        st = yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    } else {
        st = yajl_gen_null(g);
    }
    return st == yajl_gen_status_ok ? 0 : -1;
}

/* The reindenter gives byte for byte what Go's json.MarshalIndent gave `runc features`. */
static void test_indent_like_go(void)
{
    char path[4096], *text = NULL, *err = NULL, *out = NULL;
    size_t len;
    yajl_val tree = NULL;
    yajl_gen g;

    snprintf(path, sizeof(path), "%s/runc-features.json", FIXTURES_DIR);
    CHECK(oci_read_file(path, &text, &len, &err) == 0);
    CHECK(text && oci_json_load(text, len, &tree, &err) == 0);
    g = yajl_gen_alloc(NULL);
    if (tree && g && regen(g, tree) == 0)
        out = oci_gen_finish(g, 4, true);
    CHECK_STR(out, text);
    free(out);
    yajl_gen_free(g);
    yajl_tree_free(tree);
    free(text);
    free(err);
}

void run_gen_tests(void)
{
    RUN(test_indent_like_go);
    RUN(test_state_pretty);
    RUN(test_state_compact_and_list);
    RUN(test_state_round_trip);
    RUN(test_state_invalid_utf8);
    RUN(test_state_parse_errors);
    RUN(test_features);
}
