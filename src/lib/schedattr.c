/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "schedattr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>

#include "log.h"
#include "util/util.h"

/* Our own copies of the kernel ABI: the installed headers may predate some
 * of these (MPOL_WEIGHTED_INTERLEAVE is 6.9) and glibc has no sched_attr. */
struct rt_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min; /* SCHED_ATTR_SIZE_VER1: needed by the UTIL_CLAMP flags */
    uint32_t sched_util_max;
};

#define RT_SCHED_DEADLINE 6
#define RT_SCHED_FLAG_UTIL_CLAMP 0x60
#define RT_IOPRIO_WHO_PROCESS 1
#define RT_IOPRIO_CLASS_SHIFT 13
#define RT_MPOL_F_STATIC_NODES (1 << 15)
#define RT_MPOL_F_RELATIVE_NODES (1 << 14)
/* The largest CPU or NUMA node number a list may name. */
#define ID_LIST_MAX 65535

typedef struct name_value {
    const char *name;
    long value;
} name_value;

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

/* SCHED_ISO (4) is named by the spec but Linux never implemented it. */
static const name_value sched_policies[] = {
    {"SCHED_OTHER", SCHED_OTHER},          {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},          {"SCHED_ISO", 4},           {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", RT_SCHED_DEADLINE},
};

static const name_value sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static const name_value ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

enum {
    NODES_NONE,
    NODES_SOME,
    NODES_ANY
};
static const struct {
    const char *name;
    int mode;
    int nodes; /* what set_mempolicy(2) asks of the node list */
} mpol_modes[] = {
    {"MPOL_DEFAULT", 0, NODES_NONE},
    {"MPOL_PREFERRED", 1, NODES_ANY},
    {"MPOL_BIND", 2, NODES_SOME},
    {"MPOL_INTERLEAVE", 3, NODES_SOME},
    {"MPOL_LOCAL", 4, NODES_NONE},
    {"MPOL_PREFERRED_MANY", 5, NODES_SOME},
    {"MPOL_WEIGHTED_INTERLEAVE", 6, NODES_SOME},
};

static const name_value mpol_flags[] = {
    {"MPOL_F_STATIC_NODES", RT_MPOL_F_STATIC_NODES},
    {"MPOL_F_RELATIVE_NODES", RT_MPOL_F_RELATIVE_NODES},
    {"MPOL_F_NUMA_BALANCING", 1 << 13},
};

static const name_value personality_domains[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
};

static long lookup(const name_value *t, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(t[i].name, name))
            return t[i].value;
    return -1;
}

/* --- lists of CPUs and nodes: "0-3,7" ------------------------------------ */

typedef struct id_set {
    unsigned long *bits;
    size_t nbits; /* bits allocated: a multiple of the word size */
    size_t count;
} id_set;

static void id_set_free(id_set *s)
{
    free(s->bits);
}
#define cleanup_id_set __attribute__((cleanup(id_set_free)))

#define WORD_BITS (sizeof(unsigned long) * CHAR_BIT)

static void id_set_add(id_set *s, unsigned long id)
{
    if (id >= s->nbits) {
        size_t words = id / WORD_BITS + 1, old = s->nbits / WORD_BITS;
        s->bits = realloc(s->bits, words * sizeof(unsigned long));
        if (!s->bits)
            abort();
        memset(s->bits + old, 0, (words - old) * sizeof(unsigned long));
        s->nbits = words * WORD_BITS;
    }
    unsigned long mask = 1UL << (id % WORD_BITS);
    if (!(s->bits[id / WORD_BITS] & mask))
        s->count++;
    s->bits[id / WORD_BITS] |= mask;
}

static const char *skip_spaces(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

static int parse_id(const char **p, unsigned long *out)
{
    char *end;
    *p = skip_spaces(*p);
    if (**p < '0' || **p > '9')
        return -1;
    errno = 0;
    *out = strtoul(*p, &end, 10);
    if (errno || *out > ID_LIST_MAX)
        return -1;
    *p = skip_spaces(end);
    return 0;
}

/* A comma-separated list of numbers and ranges; "" is the empty set. */
static int id_set_parse(const char *list, id_set *s, const char *field, rt_error **err)
{
    *s = (id_set){0};
    const char *p = skip_spaces(list ? list : "");
    while (*p) {
        unsigned long lo, hi;
        if (parse_id(&p, &lo) < 0)
            goto bad;
        hi = lo;
        if (*p == '-') {
            p++;
            if (parse_id(&p, &hi) < 0 || hi < lo)
                goto bad;
        }
        for (unsigned long id = lo; id <= hi; id++)
            id_set_add(s, id);
        if (*p == ',' && *skip_spaces(p + 1))
            p++;
        else if (*p)
            goto bad;
    }
    return 0;
bad:
    id_set_free(s);
    *s = (id_set){0};
    return rt_err(err, 0, "%s: invalid list \"%s\" (want e.g. \"0-3,7\", numbers up to %d)", field,
                  list, ID_LIST_MAX);
}

/* --- validation ----------------------------------------------------------- */

static int check_deadline(const oci_scheduler *s, rt_error **err)
{
    /* sched(7): runtime <= deadline <= period (0 means = deadline), each at
     * least 1024 ns and below 2^63. */
    const uint64_t min = 1024, max = 1ULL << 63;
    uint64_t period = s->period ? s->period : s->deadline;
    if (s->runtime < min || s->runtime >= max)
        return rt_err(err, 0,
                      "process.scheduler.runtime: SCHED_DEADLINE needs a runtime of at "
                      "least 1024 ns");
    if (s->deadline < s->runtime || s->deadline >= max)
        return rt_err(err, 0, "process.scheduler.deadline: must be at least the runtime (%llu)",
                      (unsigned long long)s->runtime);
    if (period < s->deadline || period >= max)
        return rt_err(err, 0, "process.scheduler.period: must be 0 or at least the deadline (%llu)",
                      (unsigned long long)s->deadline);
    return 0;
}

static int check_scheduler(const oci_scheduler *s, rt_error **err)
{
    long policy = lookup(sched_policies, N_OF(sched_policies), s->policy);
    if (policy < 0)
        return rt_err(err, 0, "process.scheduler.policy: unknown policy \"%s\"",
                      s->policy ? s->policy : "");
    if (policy == 4)
        return rt_err(err, 0, "process.scheduler.policy: SCHED_ISO is not implemented by Linux");
    for (size_t i = 0; i < s->flags_len; i++)
        if (lookup(sched_flags, N_OF(sched_flags), s->flags[i]) < 0)
            return rt_err(err, 0, "process.scheduler.flags[%zu]: unknown flag \"%s\"", i,
                          s->flags[i]);
    if (s->nice < -20 || s->nice > 19)
        return rt_err(err, 0, "process.scheduler.nice: %d is out of range -20..19", s->nice);
    bool rt = policy == SCHED_FIFO || policy == SCHED_RR;
    if (rt) {
        int lo = sched_get_priority_min((int)policy), hi = sched_get_priority_max((int)policy);
        if (s->priority < lo || s->priority > hi)
            return rt_err(err, 0, "process.scheduler.priority: %s needs a priority in %d..%d",
                          s->policy, lo, hi);
    } else if (s->priority) {
        return rt_err(err, 0,
                      "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take "
                      "a priority");
    }
    if (policy == RT_SCHED_DEADLINE)
        return check_deadline(s, err);
    if (s->runtime || s->deadline || s->period)
        return rt_err(err, 0,
                      "process.scheduler: runtime, deadline and period are only for "
                      "SCHED_DEADLINE");
    return 0;
}

static int check_io_priority(const oci_io_priority *io, rt_error **err)
{
    if (lookup(ioprio_classes, N_OF(ioprio_classes), io->class) < 0)
        return rt_err(err, 0, "process.ioPriority.class: unknown class \"%s\"",
                      io->class ? io->class : "");
    if (io->priority < 0 || io->priority > 7)
        return rt_err(err, 0, "process.ioPriority.priority: %d is out of range 0..7", io->priority);
    return 0;
}

static int check_affinity(const oci_exec_cpu_affinity *a, rt_error **err)
{
    cleanup_id_set id_set initial = {0}, final = {0};
    if (id_set_parse(a->initial, &initial, "process.execCPUAffinity.initial", err) < 0 ||
        id_set_parse(a->final, &final, "process.execCPUAffinity.final", err) < 0)
        return -1;
    return 0;
}

static int mpol_mode(const char *name)
{
    for (size_t i = 0; name && i < N_OF(mpol_modes); i++)
        if (!strcmp(mpol_modes[i].name, name))
            return (int)i;
    return -1;
}

static int check_memory_policy(const oci_memory_policy *m, rt_error **err)
{
    int i = mpol_mode(m->mode);
    if (i < 0)
        return rt_err(err, 0, "linux.memoryPolicy.mode: unknown mode \"%s\"",
                      m->mode ? m->mode : "");
    long flags = 0;
    for (size_t f = 0; f < m->flags_len; f++) {
        long v = lookup(mpol_flags, N_OF(mpol_flags), m->flags[f]);
        if (v < 0)
            return rt_err(err, 0, "linux.memoryPolicy.flags[%zu]: unknown flag \"%s\"", f,
                          m->flags[f]);
        flags |= v;
    }
    if ((flags & RT_MPOL_F_STATIC_NODES) && (flags & RT_MPOL_F_RELATIVE_NODES))
        return rt_err(err, 0,
                      "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
                      "MPOL_F_RELATIVE_NODES exclude each other");
    cleanup_id_set id_set nodes = {0};
    if (id_set_parse(m->nodes, &nodes, "linux.memoryPolicy.nodes", err) < 0)
        return -1;
    if (mpol_modes[i].nodes == NODES_NONE && nodes.count)
        return rt_err(err, 0, "linux.memoryPolicy.nodes: %s takes no nodes", m->mode);
    if (mpol_modes[i].nodes == NODES_SOME && !nodes.count)
        return rt_err(err, 0, "linux.memoryPolicy.nodes: %s needs at least one node", m->mode);
    return 0;
}

static int check_personality(const oci_personality *p, rt_error **err)
{
    if (lookup(personality_domains, N_OF(personality_domains), p->domain) < 0)
        return rt_err(err, 0, "linux.personality.domain: unknown domain \"%s\"",
                      p->domain ? p->domain : "");
    /* config-linux.md: "currently no flag values are supported"; as runc,
     * a flag is reported and ignored, never silently. */
    for (size_t i = 0; i < p->flags_len; i++)
        log_warn("linux.personality.flags[%zu]: \"%s\" is not supported, ignored", i, p->flags[i]);
    return 0;
}

int sched_validate_process(const oci_process *p, rt_error **err)
{
    if (p->scheduler && check_scheduler(p->scheduler, err) < 0)
        return -1;
    if (p->io_priority && check_io_priority(p->io_priority, err) < 0)
        return -1;
    if (p->exec_cpu_affinity && check_affinity(p->exec_cpu_affinity, err) < 0)
        return -1;
    return 0;
}

int sched_validate(const oci_config *cfg, rt_error **err)
{
    const oci_linux *l = cfg->linux_;
    if (cfg->process && sched_validate_process(cfg->process, err) < 0)
        return -1;
    if (l && l->memory_policy && check_memory_policy(l->memory_policy, err) < 0)
        return -1;
    if (l && l->personality && check_personality(l->personality, err) < 0)
        return -1;
    return 0;
}

/* --- parent: scheduler and I/O priority of a process ---------------------- */

/* With CONFIG_RT_GROUP_SCHED a realtime task needs a cgroup v1 cpu controller
 * with realtime runtime; the kernel only says EPERM, so say why. */
static bool rt_runtime_is_zero(pid_t pid)
{
    cleanup_free char *path = xasprintf("/proc/%d/cgroup", pid);
    cleanup_fclose FILE *f = fopen(path, "re");
    char line[4096];
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *ctrls = strchr(line, ':'), *cg = ctrls ? strchr(ctrls + 1, ':') : NULL;
        if (!cg)
            continue;
        *cg++ = '\0';
        char *save = NULL;
        for (char *c = strtok_r(ctrls + 1, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
            if (strcmp(c, "cpu"))
                continue;
            static const char *const mounts[] = {"cpu", "cpu,cpuacct", "cpuacct,cpu"};
            for (size_t i = 0; i < N_OF(mounts); i++) {
                cleanup_free char *file =
                    xasprintf("/sys/fs/cgroup/%s%s/cpu.rt_runtime_us", mounts[i], cg);
                cleanup_free char *data = NULL;
                if (read_file_at(AT_FDCWD, file, &data, NULL, NULL) == 0)
                    return atoll(data) == 0;
            }
        }
    }
    return false;
}

static int apply_scheduler(const oci_scheduler *s, pid_t pid, rt_error **err)
{
    struct rt_sched_attr attr = {
        .size = sizeof(attr),
        .sched_policy = (uint32_t)lookup(sched_policies, N_OF(sched_policies), s->policy),
        .sched_nice = s->nice,
        .sched_priority = (uint32_t)s->priority,
        .sched_runtime = s->runtime,
        .sched_deadline = s->deadline,
        .sched_period = s->period,
    };
    for (size_t i = 0; i < s->flags_len; i++)
        attr.sched_flags |= (uint64_t)lookup(sched_flags, N_OF(sched_flags), s->flags[i]);
    if (syscall(SYS_sched_setattr, pid, &attr, 0) == 0)
        return 0;
    int e = errno;
    bool rt = attr.sched_policy == SCHED_FIFO || attr.sched_policy == SCHED_RR;
    if (e == EPERM && rt && rt_runtime_is_zero(pid))
        return rt_err(err, 0,
                      "process.scheduler: sched_setattr %s: %s (the container's cpu cgroup "
                      "has no realtime runtime: set linux.resources.cpu.realtimeRuntime)",
                      s->policy, strerror(e));
    if (e == EOPNOTSUPP && (attr.sched_flags & RT_SCHED_FLAG_UTIL_CLAMP))
        return rt_err(err, e,
                      "process.scheduler.flags: SCHED_FLAG_UTIL_CLAMP_* (the kernel "
                      "has no utilization clamping)");
    if (e == EBUSY && attr.sched_policy == RT_SCHED_DEADLINE)
        return rt_err(err, e,
                      "process.scheduler: sched_setattr SCHED_DEADLINE (not enough "
                      "deadline bandwidth left for runtime/period)");
    return rt_err(err, e, "process.scheduler: sched_setattr %s", s->policy);
}

static int apply_io_priority(const oci_io_priority *io, pid_t pid, rt_error **err)
{
    long cls = lookup(ioprio_classes, N_OF(ioprio_classes), io->class);
    long value = (cls << RT_IOPRIO_CLASS_SHIFT) | io->priority;
    if (syscall(SYS_ioprio_set, RT_IOPRIO_WHO_PROCESS, pid, value) < 0)
        return rt_err(err, errno, "process.ioPriority: ioprio_set %s %d", io->class, io->priority);
    return 0;
}

int sched_apply_process(const oci_process *p, pid_t pid, rt_error **err)
{
    if (!p)
        return 0;
    if (p->scheduler && apply_scheduler(p->scheduler, pid, err) < 0)
        return -1;
    if (p->io_priority && apply_io_priority(p->io_priority, pid, err) < 0)
        return -1;
    return 0;
}

/* --- init: memory policy and personality ---------------------------------- */

static int apply_memory_policy(const oci_memory_policy *m, rt_error **err)
{
    int mode = mpol_modes[mpol_mode(m->mode)].mode;
    for (size_t f = 0; f < m->flags_len; f++)
        mode |= (int)lookup(mpol_flags, N_OF(mpol_flags), m->flags[f]);
    cleanup_id_set id_set nodes = {0};
    if (id_set_parse(m->nodes, &nodes, "linux.memoryPolicy.nodes", err) < 0)
        return -1;
    /* The kernel reads maxnode - 1 bits (set_mempolicy(2), BUGS). */
    unsigned long maxnode = nodes.nbits ? nodes.nbits + 1 : 0;
    if (syscall(SYS_set_mempolicy, mode, nodes.bits, maxnode) < 0)
        return rt_err(err, errno, "linux.memoryPolicy: set_mempolicy %s nodes \"%s\"", m->mode,
                      m->nodes ? m->nodes : "");
    return 0;
}

static int apply_personality(const oci_personality *p, rt_error **err)
{
    long domain = lookup(personality_domains, N_OF(personality_domains), p->domain);
    if (personality((unsigned long)domain) < 0)
        return rt_err(err, errno, "linux.personality: personality %s", p->domain);
    return 0;
}

int sched_apply_init(const oci_config *cfg, rt_error **err)
{
    const oci_linux *l = cfg->linux_;
    if (l && l->memory_policy && apply_memory_policy(l->memory_policy, err) < 0)
        return -1;
    if (l && l->personality && apply_personality(l->personality, err) < 0)
        return -1;
    return 0;
}

static int set_affinity(pid_t pid, const char *list, const char *field, rt_error **err)
{
    cleanup_id_set id_set cpus = {0};
    if (id_set_parse(list, &cpus, field, err) < 0)
        return -1;
    if (!cpus.count)
        return 0;
    if (sched_setaffinity(pid, cpus.nbits / CHAR_BIT, (cpu_set_t *)cpus.bits) < 0)
        return rt_err(err, errno, "%s: sched_setaffinity \"%s\"", field, list);
    return 0;
}

int sched_exec_affinity(const oci_process *p, pid_t pid, bool final, rt_error **err)
{
    const oci_exec_cpu_affinity *a = p->exec_cpu_affinity;
    if (!a)
        return 0;
    if (final)
        return set_affinity(pid, a->final, "process.execCPUAffinity.final", err);
    return set_affinity(pid, a->initial, "process.execCPUAffinity.initial", err);
}
