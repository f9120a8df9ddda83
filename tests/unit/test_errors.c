/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Invalid documents: each gives one exact error message naming the JSON path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "test_util.h"

#define V "\"ociVersion\":\"1.0.0\","
#define PROC(x) "{" V "\"process\":{\"cwd\":\"/\"," x "}}"
#define LINUX(x) "{" V "\"linux\":{" x "}}"
#define RES(x) LINUX("\"resources\":{" x "}")
#define MEM(x) RES("\"memory\":{" x "}")
#define CPU(x) RES("\"cpu\":{" x "}")
#define SECCOMP(x) LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"," x "}")

struct error_case {
    const char *name;
    const char *json;
    const char *want;
};

static const struct error_case cases[] = {
    /* ociVersion */
    {"missing ociVersion", "{}", "ociVersion: missing required field"},
    {"null ociVersion", "{\"ociVersion\":null}", "ociVersion: missing required field"},
    {"ociVersion not a string", "{\"ociVersion\":1}", "ociVersion: expected string"},
    {"ociVersion 2.0.0", "{\"ociVersion\":\"2.0.0\"}", "ociVersion: unsupported version \"2.0.0\""},
    {"ociVersion 0.9.0", "{\"ociVersion\":\"0.9.0\"}", "ociVersion: unsupported version \"0.9.0\""},
    {"ociVersion not semver", "{\"ociVersion\":\"latest\"}",
     "ociVersion: unsupported version \"latest\""},
    {"ociVersion empty", "{\"ociVersion\":\"\"}", "ociVersion: unsupported version \"\""},
    {"ociVersion 1", "{\"ociVersion\":\"1\"}", "ociVersion: unsupported version \"1\""},
    {"ociVersion 1.0.0.0", "{\"ociVersion\":\"1.0.0.0\"}",
     "ociVersion: unsupported version \"1.0.0.0\""},
    {"ociVersion 1.0.0-", "{\"ociVersion\":\"1.0.0-\"}",
     "ociVersion: unsupported version \"1.0.0-\""},
    {"ociVersion 10.0.0", "{\"ociVersion\":\"10.0.0\"}",
     "ociVersion: unsupported version \"10.0.0\""},
    {"ociVersion quoted in message", "{\"ociVersion\":\"2\\\"\\n\"}",
     "ociVersion: unsupported version \"2\\\"\\u000a\""},
    /* top level and syntax */
    {"top-level array", "[]", "expected a JSON object"},
    {"top-level string", "\"x\"", "expected a JSON object"},
    {"top-level null", "null", "expected a JSON object"},
    {"top-level number", "42", "expected a JSON object"},
    {"empty input", "", "invalid JSON: parse error: premature EOF"},
    {"whitespace only", " \n\t ", "invalid JSON: parse error: premature EOF"},
    {"truncated", "{\"ociVersion\": ", "invalid JSON: parse error: premature EOF"},
    {"trailing garbage", "{\"ociVersion\":\"1.0.0\"} x",
     "invalid JSON: parse error: trailing garbage"},
    {"trailing comma", "{\"ociVersion\":\"1.0.0\",}",
     "invalid JSON: parse error: invalid object key (must be a string)"},
    {"single quotes", "{'ociVersion':'1.0.0'}",
     "invalid JSON: lexical error: invalid char in json text"},
    {"comment", "{/* c */\"ociVersion\":\"1.0.0\"}", "invalid JSON: comments are not allowed"},
    {"line comment", "// c\n{\"ociVersion\":\"1.0.0\"}", "invalid JSON: comments are not allowed"},
    {"invalid UTF-8", "{\"ociVersion\":\"1.0.0\",\"hostname\":\"\xff\"}",
     "invalid JSON: lexical error: invalid bytes in UTF8 string"},
    /* wrong types, with paths */
    {"process.args not array", PROC("\"args\":\"sh\""), "process.args: expected array of strings"},
    {"process.args element", PROC("\"args\":[\"sh\",1]"), "process.args[1]: expected string"},
    {"process.args null element", PROC("\"args\":[null]"), "process.args[0]: expected string"},
    {"process.env object", PROC("\"env\":{}"), "process.env: expected array of strings"},
    {"process.cwd missing", "{" V "\"process\":{}}", "process.cwd: missing required field"},
    {"process not object", "{" V "\"process\":[]}", "process: expected object"},
    {"process.terminal string", PROC("\"terminal\":\"true\""),
     "process.terminal: expected boolean"},
    {"process.terminal number", PROC("\"terminal\":1"), "process.terminal: expected boolean"},
    {"user.uid string", PROC("\"user\":{\"uid\":\"0\"}"), "process.user.uid: expected integer"},
    {"user.uid too big", PROC("\"user\":{\"uid\":4294967296}"),
     "process.user.uid: value out of range"},
    {"user.uid negative", PROC("\"user\":{\"uid\":-1}"), "process.user.uid: value out of range"},
    {"user.gid float", PROC("\"user\":{\"gid\":1.5}"), "process.user.gid: expected integer"},
    {"user.umask exponent", PROC("\"user\":{\"umask\":1e3}"),
     "process.user.umask: expected integer"},
    {"user.umask 1.0", PROC("\"user\":{\"umask\":1.0}"), "process.user.umask: expected integer"},
    {"additionalGids element", PROC("\"user\":{\"additionalGids\":[1,-2]}"),
     "process.user.additionalGids[1]: value out of range"},
    {"additionalGids not array", PROC("\"user\":{\"additionalGids\":5}"),
     "process.user.additionalGids: expected array of integers"},
    {"consoleSize.width missing", PROC("\"consoleSize\":{\"height\":1}"),
     "process.consoleSize.width: missing required field"},
    {"rlimits soft missing", PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1}]"),
     "process.rlimits[0].soft: missing required field"},
    {"rlimits hard too big",
     PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551616,\"soft\":1}]"),
     "process.rlimits[0].hard: value out of range"},
    {"rlimits element not object", PROC("\"rlimits\":[\"RLIMIT_NOFILE\"]"),
     "process.rlimits[0]: expected object"},
    {"capabilities.ambient element", PROC("\"capabilities\":{\"ambient\":[true]}"),
     "process.capabilities.ambient[0]: expected string"},
    {"oomScoreAdj too small", PROC("\"oomScoreAdj\":-2147483649"),
     "process.oomScoreAdj: value out of range"},
    {"scheduler.policy missing", PROC("\"scheduler\":{\"nice\":1}"),
     "process.scheduler.policy: missing required field"},
    {"scheduler.nice too big",
     PROC("\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":2147483648}"),
     "process.scheduler.nice: value out of range"},
    {"ioPriority.class missing", PROC("\"ioPriority\":{\"priority\":1}"),
     "process.ioPriority.class: missing required field"},
    {"execCPUAffinity.initial number", PROC("\"execCPUAffinity\":{\"initial\":1}"),
     "process.execCPUAffinity.initial: expected string"},
    /* root, mounts, hooks, annotations */
    {"root not object", "{" V "\"root\":\"rootfs\"}", "root: expected object"},
    {"root.path missing", "{" V "\"root\":{}}", "root.path: missing required field"},
    {"root.readonly string", "{" V "\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}",
     "root.readonly: expected boolean"},
    {"mounts not array", "{" V "\"mounts\":{}}", "mounts: expected array"},
    {"mounts[2].destination",
     "{" V "\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},{\"destination\":5}]}",
     "mounts[2].destination: expected string"},
    {"mounts[0].destination missing", "{" V "\"mounts\":[{\"source\":\"x\"}]}",
     "mounts[0].destination: missing required field"},
    {"mounts uidMappings hostID",
     "{" V "\"mounts\":[{\"destination\":\"/"
           "\",\"uidMappings\":[{\"containerID\":0,\"hostID\":\"x\",\"size\":1}]}]}",
     "mounts[0].uidMappings[0].hostID: expected integer"},
    {"hooks.prestart timeout 0",
     "{" V "\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"timeout\":0}]}}",
     "hooks.prestart[0].timeout: value out of range"},
    {"hooks.poststop[1].path missing", "{" V "\"hooks\":{\"poststop\":[{\"path\":\"/x\"},{}]}}",
     "hooks.poststop[1].path: missing required field"},
    {"hooks.createRuntime not array", "{" V "\"hooks\":{\"createRuntime\":{}}}",
     "hooks.createRuntime: expected array"},
    {"annotations value", "{" V "\"annotations\":{\"a\":1}}",
     "annotations[\"a\"]: expected string"},
    {"annotations not object", "{" V "\"annotations\":[]}", "annotations: expected object"},
    {"annotations odd key", "{" V "\"annotations\":{\"a\\\"b\\n\":false}}",
     "annotations[\"a\\\"b\\u000a\"]: expected string"},
    {"hostname number", "{" V "\"hostname\":1}", "hostname: expected string"},
    /* linux */
    {"linux not object", "{" V "\"linux\":true}", "linux: expected object"},
    {"namespaces type missing", LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"path\":\"/x\"}]"),
     "linux.namespaces[1].type: missing required field"},
    {"uidMappings size missing", LINUX("\"uidMappings\":[{\"containerID\":0,\"hostID\":0}]"),
     "linux.uidMappings[0].size: missing required field"},
    {"gidMappings size out of range",
     LINUX("\"gidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":4294967296}]"),
     "linux.gidMappings[0].size: value out of range"},
    {"timeOffsets nanosecs", LINUX("\"timeOffsets\":{\"monotonic\":{\"nanosecs\":-1}}"),
     "linux.timeOffsets[\"monotonic\"].nanosecs: value out of range"},
    {"timeOffsets not object", LINUX("\"timeOffsets\":[]"), "linux.timeOffsets: expected object"},
    {"devices type missing", LINUX("\"devices\":[{\"path\":\"/dev/x\"}]"),
     "linux.devices[0].type: missing required field"},
    {"devices fileMode",
     LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"fileMode\":4294967296}]"),
     "linux.devices[0].fileMode: value out of range"},
    {"devices major string",
     LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":\"1\"}]"),
     "linux.devices[0].major: expected integer"},
    {"netDevices name", LINUX("\"netDevices\":{\"eth0\":{\"name\":1}}"),
     "linux.netDevices[\"eth0\"].name: expected string"},
    {"netDevices entry", LINUX("\"netDevices\":{\"eth0\":\"x\"}"),
     "linux.netDevices[\"eth0\"]: expected object"},
    {"sysctl dotted key", LINUX("\"sysctl\":{\"net.ipv4.ip_forward\":1}"),
     "linux.sysctl[\"net.ipv4.ip_forward\"]: expected string"},
    {"maskedPaths", LINUX("\"maskedPaths\":\"/proc\""),
     "linux.maskedPaths: expected array of strings"},
    {"cgroupsPath", LINUX("\"cgroupsPath\":[]"), "linux.cgroupsPath: expected string"},
    {"intelRdt.schemata", LINUX("\"intelRdt\":{\"schemata\":[1]}"),
     "linux.intelRdt.schemata[0]: expected string"},
    {"memoryPolicy.flags", LINUX("\"memoryPolicy\":{\"flags\":\"x\"}"),
     "linux.memoryPolicy.flags: expected array of strings"},
    {"personality.domain", LINUX("\"personality\":{\"domain\":32}"),
     "linux.personality.domain: expected string"},
    /* linux.resources */
    {"memory.limit string", MEM("\"limit\":\"1\""),
     "linux.resources.memory.limit: expected integer"},
    {"memory.limit float", MEM("\"limit\":1.5"), "linux.resources.memory.limit: expected integer"},
    {"memory.limit int64 max+1", MEM("\"limit\":9223372036854775808"),
     "linux.resources.memory.limit: value out of range"},
    {"memory.limit uint64 max", MEM("\"limit\":18446744073709551615"),
     "linux.resources.memory.limit: value out of range"},
    {"memory.swap int64 min-1", MEM("\"swap\":-9223372036854775809"),
     "linux.resources.memory.swap: value out of range"},
    {"memory.swappiness negative", MEM("\"swappiness\":-1"),
     "linux.resources.memory.swappiness: value out of range"},
    {"memory.disableOOMKiller", MEM("\"disableOOMKiller\":0"),
     "linux.resources.memory.disableOOMKiller: expected boolean"},
    {"cpu.shares uint64 max+1", CPU("\"shares\":18446744073709551616"),
     "linux.resources.cpu.shares: value out of range"},
    {"cpu.shares huge", CPU("\"shares\":123456789012345678901234567890"),
     "linux.resources.cpu.shares: value out of range"},
    {"cpu.period negative", CPU("\"period\":-1"), "linux.resources.cpu.period: value out of range"},
    {"cpu.quota float", CPU("\"quota\":-1.0"), "linux.resources.cpu.quota: expected integer"},
    {"cpu.cpus number", CPU("\"cpus\":0"), "linux.resources.cpu.cpus: expected string"},
    {"devices allow missing", RES("\"devices\":[{\"access\":\"rwm\"}]"),
     "linux.resources.devices[0].allow: missing required field"},
    {"devices allow null", RES("\"devices\":[{\"allow\":null}]"),
     "linux.resources.devices[0].allow: missing required field"},
    {"blockIO.weight", RES("\"blockIO\":{\"weight\":65536}"),
     "linux.resources.blockIO.weight: value out of range"},
    {"blockIO.weightDevice minor missing", RES("\"blockIO\":{\"weightDevice\":[{\"major\":8}]}"),
     "linux.resources.blockIO.weightDevice[0].minor: missing required field"},
    {"blockIO.throttle rate",
     RES("\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":-5}]}"),
     "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: value out of range"},
    {"hugepageLimits limit missing", RES("\"hugepageLimits\":[{\"pageSize\":\"2MB\"}]"),
     "linux.resources.hugepageLimits[0].limit: missing required field"},
    {"network.classID", RES("\"network\":{\"classID\":-1}"),
     "linux.resources.network.classID: value out of range"},
    {"network.priorities name", RES("\"network\":{\"priorities\":[{\"priority\":1}]}"),
     "linux.resources.network.priorities[0].name: missing required field"},
    {"pids.limit", RES("\"pids\":{\"limit\":\"max\"}"),
     "linux.resources.pids.limit: expected integer"},
    {"rdma hcaHandles", RES("\"rdma\":{\"mlx\":{\"hcaHandles\":true}}"),
     "linux.resources.rdma[\"mlx\"].hcaHandles: expected integer"},
    {"unified value", RES("\"unified\":{\"memory.max\":1024}"),
     "linux.resources.unified[\"memory.max\"]: expected string"},
    /* linux.seccomp */
    {"seccomp defaultAction missing", LINUX("\"seccomp\":{}"),
     "linux.seccomp.defaultAction: missing required field"},
    {"seccomp defaultErrnoRet", SECCOMP("\"defaultErrnoRet\":-1"),
     "linux.seccomp.defaultErrnoRet: value out of range"},
    {"seccomp architectures", SECCOMP("\"architectures\":[\"SCMP_ARCH_X86\",null]"),
     "linux.seccomp.architectures[1]: expected string"},
    {"seccomp listenerMetadata", SECCOMP("\"listenerMetadata\":{}"),
     "linux.seccomp.listenerMetadata: expected string"},
    {"seccomp syscall names missing", SECCOMP("\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]"),
     "linux.seccomp.syscalls[0].names: missing required field"},
    {"seccomp syscall action missing", SECCOMP("\"syscalls\":[{\"names\":[\"read\"]}]"),
     "linux.seccomp.syscalls[0].action: missing required field"},
    {"seccomp arg op missing",
     SECCOMP("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{"
             "\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":2}]}]"),
     "linux.seccomp.syscalls[0].args[1].op: missing required field"},
    {"seccomp arg value too big",
     SECCOMP("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{"
             "\"index\":0,\"value\":18446744073709551616,\"op\":\"SCMP_CMP_EQ\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].value: value out of range"},
    {"seccomp arg index",
     SECCOMP("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{"
             "\"index\":4294967296,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].index: value out of range"},
    {"seccomp errnoRet",
     SECCOMP("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":"
             "\"EPERM\"}]"),
     "linux.seccomp.syscalls[0].errnoRet: expected integer"},
};

static size_t current_case;

static void run_case(void)
{
    const struct error_case *c = &cases[current_case];

    expect_config_error(c->json, strlen(c->json), c->want);
}

static void test_nul_byte(void)
{
    static const char json[] = "{\"ociVersion\":\"1.0.0\"}\0 ";

    expect_config_error(json, sizeof(json) - 1, "invalid JSON: NUL byte in input");
}

static void test_length_respected(void)
{
    /* only the first len bytes are parsed: the data need not be NUL-terminated */
    static const char json[] = "{\"ociVersion\":\"1.0.0\"}garbage";
    oci_config *cfg = NULL;
    char *err = NULL;

    CHECK(oci_config_parse_data(json, strlen(json) - 7, &cfg, &err) == 0);
    CHECK(err == NULL);
    oci_config_free(cfg);
    expect_config_error(json, 10, "invalid JSON: parse error: premature EOF");
}

static void test_missing_file(void)
{
    oci_config *cfg = NULL;
    char *err = NULL;

    CHECK(oci_config_parse_file("/nonexistent/config.json", &cfg, &err) == -1);
    CHECK(cfg == NULL);
    CHECK_STR(err, "open: No such file or directory");
    free(err);
    err = NULL;
    CHECK(oci_config_parse_file("/", &cfg, &err) == -1);
    CHECK_STR(err, "read: Is a directory");
    free(err);
}

static void test_process_and_resources_errors(void)
{
    static const char proc[] = "{\"cwd\":\"/\",\"user\":{\"uid\":\"x\"}}";
    static const char res[] = "{\"pids\":{\"limit\":1.5}}";
    oci_process *p = NULL;
    oci_resources *r = NULL;
    char *err = NULL;

    CHECK(oci_process_parse_data(proc, strlen(proc), &p, &err) == -1);
    CHECK_STR(err, "user.uid: expected integer");
    CHECK(p == NULL);
    free(err);
    CHECK(oci_process_parse_data("{}", 2, &p, &err) == -1);
    CHECK_STR(err, "cwd: missing required field");
    free(err);
    CHECK(oci_resources_parse_data(res, strlen(res), &r, &err) == -1);
    CHECK_STR(err, "pids.limit: expected integer");
    CHECK(r == NULL);
    free(err);
    CHECK(oci_process_parse_file("/nonexistent", &p, &err) == -1);
    CHECK_STR(err, "open: No such file or directory");
    free(err);
}

void run_error_tests(void)
{
    for (current_case = 0; current_case < sizeof(cases) / sizeof(cases[0]); current_case++) {
        char name[256];
        snprintf(name, sizeof(name), "error: %s", cases[current_case].name);
        test_run(name, run_case);
    }
    RUN(test_nul_byte);
    RUN(test_length_respected);
    RUN(test_missing_file);
    RUN(test_process_and_resources_errors);
}
