/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of libocispec: config.json parsing (valid, invalid, edge cases), the state and
 * features writers. Prints TAP; exits non-zero when a test fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "oci_features.h"
#include "oci_state.h"

#include "test_util.h"

static oci_config *parse_str(const char *json)
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

static oci_config *parse_fixture(const char *name)
{
    char path[4096];
    oci_config *cfg = NULL;
    char *err = NULL;

    snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, name);
    if (oci_config_parse_file(path, &cfg, &err) < 0) {
        printf("# %s: %s\n", path, err ? err : "(null)");
        test_fail_current();
    }
    free(err);
    return cfg;
}

/* ---- valid documents ---- */

static void test_runc_spec(void)
{
    oci_config *c = parse_fixture("runc-spec.json");
    oci_process *p;

    if (!c)
        return;
    CHECK_STR(c->oci_version, "1.0.2-dev");
    p = c->process;
    CHECK(p != NULL);
    CHECK(p->has_terminal && p->terminal);
    CHECK(p->user != NULL && p->user->has_uid && p->user->uid == 0 && p->user->gid == 0);
    CHECK(!p->user->has_umask);
    CHECK_INT(p->args_len, 1);
    CHECK_STR(p->args[0], "sh");
    CHECK_INT(p->env_len, 2);
    CHECK_STR(p->env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    CHECK_STR(p->env[1], "TERM=xterm");
    CHECK_STR(p->cwd, "/");
    CHECK(p->capabilities != NULL);
    CHECK_INT(p->capabilities->bounding_len, 3);
    CHECK_STR(p->capabilities->bounding[2], "CAP_NET_BIND_SERVICE");
    CHECK_INT(p->capabilities->inheritable_len, 0);
    CHECK(p->capabilities->inheritable == NULL);
    CHECK_INT(p->capabilities->ambient_len, 3);
    CHECK_INT(p->rlimits_len, 1);
    CHECK_STR(p->rlimits[0].type, "RLIMIT_NOFILE");
    CHECK_INT(p->rlimits[0].hard, 1024);
    CHECK_INT(p->rlimits[0].soft, 1024);
    CHECK(p->has_no_new_privileges && p->no_new_privileges);
    CHECK(!p->has_oom_score_adj);
    CHECK(p->console_size == NULL && p->scheduler == NULL && p->apparmor_profile == NULL);
    CHECK_STR(c->root->path, "rootfs");
    CHECK(c->root->has_readonly && c->root->readonly);
    CHECK_STR(c->hostname, "runc");
    CHECK(c->domainname == NULL && c->hooks == NULL && c->annotations.len == 0);
    CHECK_INT(c->mounts_len, 7);
    CHECK_STR(c->mounts[0].destination, "/proc");
    CHECK_STR(c->mounts[0].type, "proc");
    CHECK_STR(c->mounts[0].source, "proc");
    CHECK_INT(c->mounts[0].options_len, 0);
    CHECK_INT(c->mounts[2].options_len, 6);
    CHECK_STR(c->mounts[2].options[5], "gid=5");
    CHECK_STR(c->mounts[6].destination, "/sys/fs/cgroup");
    CHECK(c->linux_ != NULL);
    CHECK(c->linux_->resources != NULL && c->linux_->resources->devices_len == 1);
    CHECK(!c->linux_->resources->devices[0].allow);
    CHECK_STR(c->linux_->resources->devices[0].access, "rwm");
    CHECK(c->linux_->resources->devices[0].type == NULL);
    CHECK(!c->linux_->resources->devices[0].has_major);
    CHECK(c->linux_->resources->memory == NULL);
    CHECK_INT(c->linux_->namespaces_len, 5);
    CHECK_STR(c->linux_->namespaces[0].type, "pid");
    CHECK(c->linux_->namespaces[0].path == NULL);
    CHECK_STR(c->linux_->namespaces[4].type, "mount");
    CHECK_INT(c->linux_->masked_paths_len, 10);
    CHECK_STR(c->linux_->masked_paths[9], "/proc/scsi");
    CHECK_INT(c->linux_->readonly_paths_len, 5);
    CHECK_STR(c->linux_->readonly_paths[4], "/proc/sysrq-trigger");
    CHECK(c->linux_->seccomp == NULL && c->linux_->sysctl.len == 0);
    oci_config_free(c);
}

static void test_maximal_top(void)
{
    oci_config *c = parse_fixture("maximal.json");
    oci_hooks *h;

    if (!c)
        return;
    CHECK_STR(c->oci_version, "1.3.0");
    CHECK_STR(c->root->path, "/var/lib/rootfs");
    CHECK(c->root->has_readonly && !c->root->readonly);
    CHECK_INT(c->mounts_len, 2);
    CHECK_STR(c->mounts[1].destination, "/data");
    CHECK_STR(c->mounts[1].type, "bind");
    CHECK_STR(c->mounts[1].source, "/srv/data");
    CHECK_INT(c->mounts[1].options_len, 3);
    CHECK_STR(c->mounts[1].options[2], "idmap");
    CHECK_INT(c->mounts[1].uid_mappings_len, 1);
    CHECK_INT(c->mounts[1].uid_mappings[0].container_id, 0);
    CHECK_INT(c->mounts[1].uid_mappings[0].host_id, 100000);
    CHECK_INT(c->mounts[1].uid_mappings[0].size, 65536);
    CHECK_INT(c->mounts[1].gid_mappings_len, 1);
    CHECK_INT(c->mounts[1].gid_mappings[0].host_id, 200000);
    CHECK_INT(c->mounts[1].gid_mappings[0].size, 1000);
    CHECK_STR(c->hostname, "maximal");
    CHECK_STR(c->domainname, "example.org");
    h = c->hooks;
    CHECK(h != NULL);
    CHECK_INT(h->prestart_len, 1);
    CHECK_STR(h->prestart[0].path, "/usr/bin/prestart");
    CHECK(!h->prestart[0].has_timeout && h->prestart[0].args_len == 0);
    CHECK_INT(h->create_runtime_len, 1);
    CHECK_INT(h->create_runtime[0].args_len, 2);
    CHECK_STR(h->create_runtime[0].args[1], "create-runtime");
    CHECK_INT(h->create_runtime[0].env_len, 1);
    CHECK_STR(h->create_runtime[0].env[0], "A=1");
    CHECK(h->create_runtime[0].has_timeout && h->create_runtime[0].timeout == 5);
    CHECK_INT(h->create_container_len, 2);
    CHECK_STR(h->create_container[1].path, "/usr/bin/cc2");
    CHECK_INT(h->create_container[1].timeout, 1);
    CHECK_INT(h->start_container_len, 1);
    CHECK_STR(h->start_container[0].args[0], "sc");
    CHECK_INT(h->poststart_len, 1);
    CHECK_INT(h->poststop_len, 1);
    CHECK_INT(h->poststop[0].env_len, 2);
    CHECK_INT(h->poststop[0].timeout, 2147483647);
    CHECK_INT(c->annotations.len, 2);
    CHECK_STR(c->annotations.keys[0], "org.example.key");
    CHECK_STR(c->annotations.values[0], "value");
    CHECK_STR(c->annotations.keys[1], "com.example.empty");
    CHECK_STR(c->annotations.values[1], "");
    CHECK_STR(oci_string_map_get(&c->annotations, "com.example.empty"), "");
    CHECK(oci_string_map_get(&c->annotations, "nope") == NULL);
    oci_config_free(c);
}

static void test_maximal_process(void)
{
    oci_config *c = parse_fixture("maximal.json");
    oci_process *p;

    if (!c)
        return;
    p = c->process;
    CHECK(p->has_terminal && p->terminal);
    CHECK(p->console_size && p->console_size->height == 25 && p->console_size->width == 80);
    CHECK(p->user->has_uid && p->user->uid == 1000);
    CHECK(p->user->has_gid && p->user->gid == 1001);
    CHECK(p->user->has_umask && p->user->umask == 18);
    CHECK_INT(p->user->additional_gids_len, 3);
    CHECK_INT(p->user->additional_gids[0], 5);
    CHECK_INT(p->user->additional_gids[2], 4294967295u);
    CHECK_STR(p->user->username, "app");
    CHECK_INT(p->args_len, 3);
    CHECK_STR(p->args[2], "echo hi");
    CHECK_STR(p->command_line, "cmd.exe /c dir");
    CHECK_STR(p->env[1], "HOME=/root");
    CHECK_STR(p->cwd, "/work");
    CHECK_INT(p->capabilities->bounding_len, 2);
    CHECK_STR(p->capabilities->bounding[1], "CAP_CHOWN");
    CHECK_INT(p->capabilities->effective_len, 1);
    CHECK_INT(p->capabilities->inheritable_len, 0);
    CHECK_INT(p->capabilities->permitted_len, 2);
    CHECK_STR(p->capabilities->ambient[0], "CAP_NET_BIND_SERVICE");
    CHECK_INT(p->rlimits_len, 2);
    CHECK_STR(p->rlimits[1].type, "RLIMIT_CORE");
    CHECK(p->rlimits[1].hard == UINT64_MAX);
    CHECK_INT(p->rlimits[1].soft, 0);
    CHECK(p->has_no_new_privileges && p->no_new_privileges);
    CHECK_STR(p->apparmor_profile, "rt-default");
    CHECK(p->has_oom_score_adj && p->oom_score_adj == -1000);
    CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
    CHECK_STR(p->scheduler->policy, "SCHED_DEADLINE");
    CHECK(p->scheduler->has_nice && p->scheduler->nice == -5);
    CHECK(p->scheduler->has_priority && p->scheduler->priority == 10);
    CHECK_INT(p->scheduler->flags_len, 2);
    CHECK_STR(p->scheduler->flags[1], "SCHED_FLAG_RECLAIM");
    CHECK(p->scheduler->has_runtime && p->scheduler->runtime == 10000000);
    CHECK(p->scheduler->has_deadline && p->scheduler->deadline == 20000000);
    CHECK(p->scheduler->has_period && p->scheduler->period == 30000000);
    CHECK_STR(p->io_priority->class, "IOPRIO_CLASS_BE");
    CHECK(p->io_priority->has_priority && p->io_priority->priority == 4);
    CHECK_STR(p->exec_cpu_affinity->initial, "0-1");
    CHECK_STR(p->exec_cpu_affinity->final, "2,3");
    oci_config_free(c);
}

static void test_maximal_linux(void)
{
    oci_config *c = parse_fixture("maximal.json");
    oci_linux *l;

    if (!c)
        return;
    l = c->linux_;
    CHECK_INT(l->namespaces_len, 8);
    CHECK_STR(l->namespaces[1].type, "network");
    CHECK_STR(l->namespaces[1].path, "/var/run/netns/x");
    CHECK_STR(l->namespaces[7].type, "time");
    CHECK_INT(l->uid_mappings_len, 1);
    CHECK_INT(l->uid_mappings[0].host_id, 1000);
    CHECK_INT(l->uid_mappings[0].size, 32000);
    CHECK_INT(l->gid_mappings_len, 2);
    CHECK_INT(l->gid_mappings[1].container_id, 1);
    CHECK_INT(l->gid_mappings[1].host_id, 100000);
    CHECK_INT(l->time_offsets_len, 2);
    CHECK_STR(l->time_offsets[0].clock, "monotonic");
    CHECK(l->time_offsets[0].has_secs && l->time_offsets[0].secs == -86400);
    CHECK(l->time_offsets[0].has_nanosecs && l->time_offsets[0].nanosecs == 500);
    CHECK_STR(l->time_offsets[1].clock, "boottime");
    CHECK(l->time_offsets[1].secs == INT64_MAX && !l->time_offsets[1].has_nanosecs);
    CHECK_INT(l->devices_len, 2);
    CHECK_STR(l->devices[0].type, "c");
    CHECK_STR(l->devices[0].path, "/dev/fuse");
    CHECK(l->devices[0].has_major && l->devices[0].major == 10);
    CHECK(l->devices[0].has_minor && l->devices[0].minor == 229);
    CHECK(l->devices[0].has_file_mode && l->devices[0].file_mode == 0666);
    CHECK(l->devices[0].has_uid && l->devices[0].uid == 0);
    CHECK(l->devices[0].has_gid && l->devices[0].gid == 0);
    CHECK_STR(l->devices[1].type, "p");
    CHECK(!l->devices[1].has_major && !l->devices[1].has_file_mode && !l->devices[1].has_uid);
    CHECK_INT(l->net_devices_len, 2);
    CHECK_STR(l->net_devices[0].host_name, "eth1");
    CHECK_STR(l->net_devices[0].name, "ctr0");
    CHECK_STR(l->net_devices[1].host_name, "eth2");
    CHECK(l->net_devices[1].name == NULL);
    CHECK_STR(l->cgroups_path, "/rt/maximal");
    CHECK_STR(l->rootfs_propagation, "rslave");
    CHECK_STR(l->intel_rdt->clos_id, "guaranteed_group");
    CHECK_INT(l->intel_rdt->schemata_len, 2);
    CHECK_STR(l->intel_rdt->schemata[1], "MB:0=20;1=70");
    CHECK_STR(l->intel_rdt->l3_cache_schema, "L3:0=7f0;1=1f");
    CHECK_STR(l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
    CHECK(l->intel_rdt->has_enable_monitoring && l->intel_rdt->enable_monitoring);
    CHECK_STR(l->memory_policy->mode, "MPOL_INTERLEAVE");
    CHECK_STR(l->memory_policy->nodes, "0-3");
    CHECK_STR(l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
    CHECK_STR(l->personality->domain, "LINUX32");
    CHECK_INT(l->personality->flags_len, 0);
    CHECK_INT(l->sysctl.len, 2);
    CHECK_STR(oci_string_map_get(&l->sysctl, "net.ipv4.ip_forward"), "1");
    CHECK_STR(l->sysctl.keys[1], "kernel.shmmax");
    CHECK_STR(l->sysctl.values[1], "4294967296");
    CHECK_INT(l->masked_paths_len, 2);
    CHECK_INT(l->readonly_paths_len, 1);
    CHECK_STR(l->readonly_paths[0], "/proc/sys");
    CHECK_STR(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
    oci_config_free(c);
}

static void test_maximal_resources(void)
{
    oci_config *c = parse_fixture("maximal.json");
    oci_resources *r;

    if (!c)
        return;
    r = c->linux_->resources;
    CHECK_INT(r->devices_len, 2);
    CHECK(r->devices[1].allow);
    CHECK_STR(r->devices[1].type, "c");
    CHECK(r->devices[1].has_major && r->devices[1].major == 10);
    CHECK(r->devices[1].has_minor && r->devices[1].minor == -1);
    CHECK_STR(r->devices[1].access, "rw");
    CHECK(r->memory->has_limit && r->memory->limit == -1);
    CHECK(r->memory->has_reservation && r->memory->reservation == 104857600);
    CHECK(r->memory->has_swap && r->memory->swap == -1);
    CHECK(r->memory->has_kernel && r->memory->kernel == 0);
    CHECK(r->memory->has_kernel_tcp && r->memory->kernel_tcp == 1048576);
    CHECK(r->memory->has_swappiness && r->memory->swappiness == UINT64_MAX);
    CHECK(r->memory->has_disable_oom_killer && r->memory->disable_oom_killer);
    CHECK(r->memory->has_use_hierarchy && !r->memory->use_hierarchy);
    CHECK(r->memory->has_check_before_update && r->memory->check_before_update);
    CHECK(r->cpu->has_shares && r->cpu->shares == UINT64_MAX);
    CHECK(r->cpu->has_quota && r->cpu->quota == -1);
    CHECK(r->cpu->has_burst && r->cpu->burst == 1000);
    CHECK(r->cpu->has_period && r->cpu->period == 100000);
    CHECK(r->cpu->has_realtime_runtime && r->cpu->realtime_runtime == INT64_MIN);
    CHECK(r->cpu->has_realtime_period && r->cpu->realtime_period == 1000000);
    CHECK_STR(r->cpu->cpus, "0-3");
    CHECK_STR(r->cpu->mems, "0");
    CHECK(r->cpu->has_idle && r->cpu->idle == 1);
    CHECK(r->block_io->has_weight && r->block_io->weight == 500);
    CHECK(r->block_io->has_leaf_weight && r->block_io->leaf_weight == 65535);
    CHECK_INT(r->block_io->weight_device_len, 2);
    CHECK(r->block_io->weight_device[0].major == 8 && r->block_io->weight_device[0].minor == 0);
    CHECK(r->block_io->weight_device[0].has_weight && r->block_io->weight_device[0].weight == 10);
    CHECK(r->block_io->weight_device[0].leaf_weight == 20);
    CHECK(r->block_io->weight_device[1].minor == 16 && !r->block_io->weight_device[1].has_weight);
    CHECK_INT(r->block_io->throttle_read_bps_device_len, 1);
    CHECK_INT(r->block_io->throttle_read_bps_device[0].rate, 1048576);
    CHECK_INT(r->block_io->throttle_write_bps_device[0].minor, 1);
    CHECK_INT(r->block_io->throttle_read_iops_device[0].rate, 3);
    CHECK(!r->block_io->throttle_write_iops_device[0].has_rate);
    CHECK_INT(r->hugepage_limits_len, 2);
    CHECK_STR(r->hugepage_limits[0].page_size, "2MB");
    CHECK_INT(r->hugepage_limits[0].limit, 209715200);
    CHECK_STR(r->hugepage_limits[1].page_size, "1GB");
    CHECK(r->network->has_class_id && r->network->class_id == 1048577);
    CHECK_INT(r->network->priorities_len, 2);
    CHECK_STR(r->network->priorities[1].name, "eth1");
    CHECK_INT(r->network->priorities[1].priority, 1000);
    CHECK(r->pids->has_limit && r->pids->limit == 32771);
    CHECK_INT(r->rdma.len, 2);
    CHECK_STR(r->rdma.keys[0], "mlx5_1");
    CHECK(r->rdma.values[0].has_hca_handles && r->rdma.values[0].hca_handles == 3);
    CHECK(r->rdma.values[0].has_hca_objects && r->rdma.values[0].hca_objects == 10000);
    CHECK_STR(r->rdma.keys[1], "mlx4_0");
    CHECK(!r->rdma.values[1].has_hca_handles && r->rdma.values[1].hca_objects == 1);
    CHECK_INT(r->unified.len, 2);
    CHECK_STR(oci_string_map_get(&r->unified, "io.weight"), "default 100");
    CHECK_STR(oci_string_map_get(&r->unified, "memory.high"), "max");
    oci_config_free(c);
}

static void test_maximal_seccomp(void)
{
    oci_config *c = parse_fixture("maximal.json");
    oci_seccomp *s;

    if (!c)
        return;
    s = c->linux_->seccomp;
    CHECK_STR(s->default_action, "SCMP_ACT_ERRNO");
    CHECK(s->has_default_errno_ret && s->default_errno_ret == 38);
    CHECK_INT(s->architectures_len, 3);
    CHECK_STR(s->architectures[2], "SCMP_ARCH_X32");
    CHECK_INT(s->flags_len, 2);
    CHECK_STR(s->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
    CHECK_STR(s->listener_path, "/run/seccomp-agent.sock");
    CHECK_STR(s->listener_metadata, "name=maximal");
    CHECK_INT(s->syscalls_len, 2);
    CHECK_INT(s->syscalls[0].names_len, 2);
    CHECK_STR(s->syscalls[0].names[1], "write");
    CHECK_STR(s->syscalls[0].action, "SCMP_ACT_ALLOW");
    CHECK(!s->syscalls[0].has_errno_ret && s->syscalls[0].args_len == 0);
    CHECK(s->syscalls[1].has_errno_ret && s->syscalls[1].errno_ret == 1);
    CHECK_INT(s->syscalls[1].args_len, 2);
    CHECK_INT(s->syscalls[1].args[0].index, 0);
    CHECK(s->syscalls[1].args[0].value == UINT64_MAX && !s->syscalls[1].args[0].has_value_two);
    CHECK_STR(s->syscalls[1].args[0].op, "SCMP_CMP_EQ");
    CHECK_INT(s->syscalls[1].args[1].index, 1);
    CHECK_INT(s->syscalls[1].args[1].value, 255);
    CHECK(s->syscalls[1].args[1].has_value_two && s->syscalls[1].args[1].value_two == 8);
    CHECK_STR(s->syscalls[1].args[1].op, "SCMP_CMP_MASKED_EQ");
    oci_config_free(c);
}

static void test_minimal(void)
{
    oci_config *c = parse_str("{\"ociVersion\": \"1.0.0\"}");

    if (!c)
        return;
    CHECK_STR(c->oci_version, "1.0.0");
    CHECK(!c->root && !c->process && !c->linux_ && !c->hooks && !c->mounts && !c->mounts_len);
    CHECK(c->annotations.len == 0 && c->annotations.keys == NULL);
    oci_config_free(c);
}

static void test_versions(void)
{
    static const char *const ok[] = {
        "1.0.0", "1.0.2-dev", "1.0.0-rc5", "1.2.1", "1.3.0+dev", "1.0", "1.10.100-rc.1+build.5"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char json[128];
        snprintf(json, sizeof(json), "{\"ociVersion\":\"%s\"}", ok[i]);
        oci_config_free(parse_str(json));
    }
}

int main(void)
{
    RUN(test_runc_spec);
    RUN(test_maximal_top);
    RUN(test_maximal_process);
    RUN(test_maximal_linux);
    RUN(test_maximal_resources);
    RUN(test_maximal_seccomp);
    RUN(test_minimal);
    RUN(test_versions);
    run_error_tests();
    run_edge_tests();
    run_gen_tests();
    return test_summary();
}
