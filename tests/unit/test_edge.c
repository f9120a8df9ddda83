/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Edge cases: empty arrays, null, duplicate keys, UTF-8, huge numbers, deep nesting, and a
 * crash/leak sweep over truncated and mutated documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "test_util.h"

#define V "\"ociVersion\":\"1.0.0\","

static oci_config *parse(const char *json)
{
    oci_config *cfg = NULL;
    char *err = NULL;

    if (oci_config_parse_data(json, strlen(json), &cfg, &err) < 0) {
        printf("# unexpected error: %s\n", err ? err : "(null)");
        test_fail_current();
    }
    free(err);
    return cfg;
}

static void test_empty_arrays(void)
{
    oci_config *c = parse("{" V "\"mounts\":[],\"process\":{\"cwd\":\"/\",\"args\":[],\"env\":[],"
                          "\"user\":{\"additionalGids\":[]},\"capabilities\":{\"bounding\":[]}},"
                          "\"linux\":{\"namespaces\":[],\"sysctl\":{},\"netDevices\":{},"
                          "\"timeOffsets\":{},\"resources\":{\"rdma\":{},\"devices\":[]}},"
                          "\"annotations\":{},\"hooks\":{\"prestart\":[]}}");

    if (!c)
        return;
    CHECK(c->mounts_len == 0 && c->mounts == NULL);
    CHECK(c->process->args_len == 0 && c->process->env_len == 0);
    CHECK(c->process->user->additional_gids_len == 0);
    CHECK(c->process->capabilities->bounding_len == 0);
    CHECK(c->linux_->namespaces_len == 0 && c->linux_->sysctl.len == 0);
    CHECK(c->linux_->net_devices_len == 0 && c->linux_->time_offsets_len == 0);
    CHECK(c->linux_->resources->rdma.len == 0 && c->linux_->resources->devices_len == 0);
    CHECK(c->annotations.len == 0 && c->hooks && c->hooks->prestart_len == 0);
    oci_config_free(c);
}

static void test_null_is_absent(void)
{
    oci_config *c =
        parse("{" V "\"hostname\":null,\"mounts\":null,\"annotations\":{\"a\":null,\"b\":\"x\"},"
              "\"process\":{\"cwd\":\"/\",\"user\":null,\"terminal\":null,\"args\":null},"
              "\"linux\":{\"resources\":{\"memory\":{\"limit\":null,\"swap\":5}},"
              "\"seccomp\":null,\"netDevices\":{\"eth0\":null}}}");

    if (!c)
        return;
    CHECK(c->hostname == NULL && c->mounts == NULL);
    CHECK_INT(c->annotations.len, 1);
    CHECK_STR(c->annotations.keys[0], "b");
    CHECK(c->process->user != NULL && !c->process->user->has_uid);
    CHECK(!c->process->has_terminal && c->process->args_len == 0);
    CHECK(!c->linux_->resources->memory->has_limit);
    CHECK(c->linux_->resources->memory->has_swap && c->linux_->resources->memory->swap == 5);
    CHECK(c->linux_->seccomp == NULL && c->linux_->net_devices_len == 0);
    oci_config_free(c);
    c = parse("{" V "\"process\":null,\"linux\":null,\"root\":null}");
    CHECK(c && !c->process && !c->linux_ && !c->root);
    oci_config_free(c);
}

static void test_duplicate_keys(void)
{
    /* the last occurrence wins, and an earlier one is not even type-checked (like Go) */
    oci_config *c =
        parse("{\"ociVersion\":\"9\",\"hostname\":1,\"ociVersion\":\"1.0.0\",\"hostname\":\"b\","
              "\"annotations\":{\"k\":\"1\",\"j\":\"2\",\"k\":\"3\"},"
              "\"linux\":{\"sysctl\":{\"a\":5,\"a\":\"ok\"}}}");

    if (!c)
        return;
    CHECK_STR(c->oci_version, "1.0.0");
    CHECK_STR(c->hostname, "b");
    CHECK_INT(c->annotations.len, 2);
    CHECK_STR(c->annotations.keys[0], "j");
    CHECK_STR(c->annotations.values[0], "2");
    CHECK_STR(c->annotations.keys[1], "k");
    CHECK_STR(c->annotations.values[1], "3");
    CHECK_INT(c->linux_->sysctl.len, 1);
    CHECK_STR(c->linux_->sysctl.values[0], "ok");
    oci_config_free(c);
    /* a later null hides an earlier value */
    c = parse("{" V "\"hostname\":\"a\",\"hostname\":null}");
    CHECK(c && c->hostname == NULL);
    oci_config_free(c);
}

static void test_utf8(void)
{
    oci_config *c = parse(
        "{" V
        "\"hostname\":\"h\xc3\xa9llo-\xe6\x97\xa5\xe6\x9c\xac\",\"domainname\":\"caf\\u00e9\","
        "\"annotations\":{\"\\u00e9\\ud83d\\ude00\":\"\xf0\x9f\x98\x80\\n\\t\\\"\\\\\\/\"}}");

    if (!c)
        return;
    CHECK_STR(c->hostname, "h\xc3\xa9llo-\xe6\x97\xa5\xe6\x9c\xac");
    CHECK_STR(c->domainname, "caf\xc3\xa9");
    CHECK_INT(c->annotations.len, 1);
    CHECK_STR(c->annotations.keys[0], "\xc3\xa9\xf0\x9f\x98\x80");
    CHECK_STR(c->annotations.values[0], "\xf0\x9f\x98\x80\n\t\"\\/");
    oci_config_free(c);
}

static void test_numbers(void)
{
    oci_config *c =
        parse("{" V "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967295,\"gid\":-0},"
              "\"oomScoreAdj\":-2147483648},"
              "\"linux\":{\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-1,"
              "\"reservation\":9223372036854775807,\"kernel\":-9223372036854775808},"
              "\"cpu\":{\"shares\":18446744073709551615,\"period\":0,"
              "\"realtimePeriod\":18446744073709551615,\"quota\":-0},"
              "\"blockIO\":{\"weight\":65535}}}}");
    oci_memory *m;

    if (!c)
        return;
    CHECK_INT(c->process->user->uid, 4294967295u);
    CHECK(c->process->user->has_gid && c->process->user->gid == 0);
    CHECK(c->process->oom_score_adj == INT32_MIN);
    m = c->linux_->resources->memory;
    CHECK(m->limit == -1 && m->swap == -1);
    CHECK(m->reservation == INT64_MAX && m->kernel == INT64_MIN);
    CHECK(c->linux_->resources->cpu->shares == UINT64_MAX);
    CHECK(c->linux_->resources->cpu->has_period && c->linux_->resources->cpu->period == 0);
    CHECK(c->linux_->resources->cpu->realtime_period == UINT64_MAX);
    CHECK(c->linux_->resources->cpu->has_quota && c->linux_->resources->cpu->quota == 0);
    CHECK_INT(c->linux_->resources->block_io->weight, 65535);
    oci_config_free(c);
}

static void test_user_defaults(void)
{
    oci_config *c = parse("{" V "\"process\":{\"cwd\":\"/\"}}");

    if (!c)
        return;
    CHECK(c->process->user != NULL);
    CHECK(!c->process->user->has_uid && !c->process->user->has_gid);
    CHECK(c->process->user->uid == 0 && c->process->user->gid == 0);
    CHECK(c->process->user->additional_gids == NULL && c->process->user->username == NULL);
    oci_config_free(c);
}

static void test_unknown_ignored(void)
{
    oci_config *c =
        parse("{" V "\"future\":{\"a\":[1,2,{\"b\":null}]},\"process\":{\"cwd\":\"/\",\"x\":1},"
              "\"linux\":{\"resources\":{\"memory\":{\"newKnob\":\"x\",\"limit\":7}}},"
              "\"windows\":{\"layerFolders\":5},\"solaris\":[],\"vm\":\"x\",\"zos\":1}");

    if (!c)
        return;
    CHECK_STR(c->process->cwd, "/");
    CHECK(c->linux_->resources->memory->limit == 7);
    oci_config_free(c);
}

static char *nested(size_t depth, const char *open, const char *close, const char *prefix,
                    const char *suffix)
{
    size_t lo = strlen(open), lc = strlen(close), lp = strlen(prefix), ls = strlen(suffix);
    char *s = malloc(lp + depth * (lo + lc) + ls + 1), *o = s;

    if (!s)
        return NULL;
    memcpy(o, prefix, lp);
    o += lp;
    for (size_t i = 0; i < depth; i++, o += lo)
        memcpy(o, open, lo);
    for (size_t i = 0; i < depth; i++, o += lc)
        memcpy(o, close, lc);
    memcpy(o, suffix, ls + 1);
    return s;
}

static void test_deep_nesting(void)
{
    char *s;
    oci_config *c;

    /* 100000 and 1000000 levels: a clean error, no stack overflow */
    s = nested(100000, "[", "]", "", "");
    expect_config_error(s, strlen(s), "invalid JSON: nesting deeper than 512 levels");
    free(s);
    s = nested(1000000, "{\"x\":", "}", "{" V "\"future\":", "}");
    expect_config_error(s, strlen(s), "invalid JSON: nesting deeper than 512 levels");
    free(s);
    /* unbalanced: only opening brackets */
    s = nested(600, "[", "", "", "");
    expect_config_error(s, strlen(s), "invalid JSON: nesting deeper than 512 levels");
    free(s);
    /* brackets inside strings do not count */
    s = nested(1000, "[", "", "{" V "\"hostname\":\"", "\"}");
    c = parse(s);
    CHECK(c && c->hostname && strlen(c->hostname) == 1000);
    oci_config_free(c);
    free(s);
    /* exactly 512 levels (the top-level object is one) is accepted */
    s = nested(511, "[", "]", "{" V "\"future\":", "}");
    c = parse(s);
    CHECK(c != NULL);
    oci_config_free(c);
    free(s);
    s = nested(512, "[", "]", "{" V "\"future\":", "}");
    expect_config_error(s, strlen(s), "invalid JSON: nesting deeper than 512 levels");
    free(s);
}

static void test_many_entries(void)
{
    /* 20000 annotations and mounts: the walker is not quadratic in practice here */
    size_t n = 20000, cap = n * 64 + 64, o = 0;
    char *s = malloc(cap);
    oci_config *c;

    if (!s)
        return;
    o += (size_t)snprintf(s + o, cap - o, "{" V "\"annotations\":{");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o, "%s\"k%zu\":\"v%zu\"", i ? "," : "", i, i);
    o += (size_t)snprintf(s + o, cap - o, "},\"mounts\":[");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o, "%s{\"destination\":\"/m%zu\"}", i ? "," : "", i);
    snprintf(s + o, cap - o, "]}");
    c = parse(s);
    if (c) {
        CHECK_INT(c->annotations.len, n);
        CHECK_STR(c->annotations.keys[n - 1], "k19999");
        CHECK_INT(c->mounts_len, n);
        CHECK_STR(c->mounts[n - 1].destination, "/m19999");
    }
    oci_config_free(c);
    free(s);
}

static void test_process_and_resources(void)
{
    static const char proc[] =
        "{\"terminal\":true,\"user\":{\"uid\":5,\"gid\":6},\"args\":[\"/bin/true\"],"
        "\"cwd\":\"/tmp\",\"env\":[\"A=b\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}";
    static const char res[] = "{\"memory\":{\"limit\":1048576,\"swap\":-1},\"pids\":{\"limit\":10},"
                              "\"cpu\":{\"quota\":50000,\"period\":100000}}";
    oci_process *p = NULL;
    oci_resources *r = NULL;
    char *err = NULL;

    CHECK(oci_process_parse_data(proc, strlen(proc), &p, &err) == 0 && err == NULL);
    if (p) {
        CHECK(p->terminal && p->user->uid == 5 && p->user->gid == 6);
        CHECK_STR(p->args[0], "/bin/true");
        CHECK_STR(p->cwd, "/tmp");
        CHECK_STR(p->capabilities->bounding[0], "CAP_KILL");
    }
    oci_process_free(p);
    CHECK(oci_resources_parse_data(res, strlen(res), &r, &err) == 0 && err == NULL);
    if (r) {
        CHECK(r->memory->limit == 1048576 && r->memory->swap == -1);
        CHECK(r->pids->has_limit && r->pids->limit == 10);
        CHECK(r->cpu->quota == 50000 && r->cpu->period == 100000);
        CHECK(r->block_io == NULL);
    }
    oci_resources_free(r);
    /* pids.limit is kept optional (Go's *int64) */
    CHECK(oci_resources_parse_data("{\"pids\":{}}", 11, &r, &err) == 0);
    CHECK(r && r->pids && !r->pids->has_limit);
    oci_resources_free(r);
}

static char *read_fixture(const char *name, size_t *len)
{
    char path[4096], *data = NULL, *err = NULL;

    snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, name);
    if (oci_read_file(path, &data, len, &err) < 0) {
        printf("# %s\n", err);
        test_fail_current();
    }
    free(err);
    return data;
}

/* Every prefix of the maximal document, and every byte replaced by a few others: the parser
 * must return cleanly (ASan/LSan check the memory side). */
static void test_sweep(void)
{
    static const char subst[] = {'"', '{', '1', '-'};
    size_t len, ok = 0, failed = 0;
    char *doc = read_fixture("maximal.json", &len);
    char *copy;

    if (!doc)
        return;
    copy = malloc(len);
    for (size_t cut = 0; cut <= len; cut++) {
        oci_config *c = NULL;
        char *err = NULL;
        int ret = oci_config_parse_data(doc, cut, &c, &err);
        if (ret == 0 ? (c == NULL || err != NULL) : (c != NULL || err == NULL)) {
            printf("# inconsistent result at cut %zu\n", cut);
            test_fail_current();
        }
        ret == 0 ? ok++ : failed++;
        oci_config_free(c);
        free(err);
    }
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof(subst); k++) {
            oci_config *c = NULL;
            char *err = NULL;
            memcpy(copy, doc, len);
            copy[i] = subst[k];
            if (oci_config_parse_data(copy, len, &c, &err) == 0)
                ok++;
            else
                failed++;
            CHECK((c == NULL) != (err == NULL));
            oci_config_free(c);
            free(err);
        }
    }
    printf("# sweep: %zu parsed, %zu rejected\n", ok, failed);
    CHECK(ok > 0 && failed > 0);
    free(copy);
    free(doc);
}

void run_edge_tests(void)
{
    RUN(test_empty_arrays);
    RUN(test_null_is_absent);
    RUN(test_duplicate_keys);
    RUN(test_utf8);
    RUN(test_numbers);
    RUN(test_user_defaults);
    RUN(test_unknown_ignored);
    RUN(test_deep_nesting);
    RUN(test_many_entries);
    RUN(test_process_and_resources);
    RUN(test_sweep);
}
