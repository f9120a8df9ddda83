/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "config.h"
#include "log.h"
#include "seccomp-cache.h"
#include "sync.h"
#include "util/util.h"
#include "validate.h"

#if HAVE_SECCOMP
#include <seccomp.h>
#endif

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The names of config-linux.md, in the order `features` lists them. */
static const char *const action_names[] = {
    "SCMP_ACT_ALLOW",        "SCMP_ACT_ERRNO",       "SCMP_ACT_KILL",
    "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",       "SCMP_ACT_TRACE",       "SCMP_ACT_TRAP",
};
static const char *const operator_names[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
};
static const struct {
    const char *name;
    unsigned long flag;
} flag_table[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};
static const char *const flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};
#define N(a) (sizeof(a) / sizeof(*(a)))

struct rt_seccomp {
    struct sock_filter *insns;
    unsigned short len;
    unsigned long flags; /* for seccomp(SECCOMP_SET_MODE_FILTER, flags, …) */
    bool listener;
    char *listener_path;
    char *listener_metadata;
};

void seccomp_filter_free(rt_seccomp *f)
{
    if (!f)
        return;
    free(f->insns);
    free(f->listener_path);
    free(f->listener_metadata);
    free(f);
}

bool seccomp_filter_has_listener(const rt_seccomp *f)
{
    return f && f->listener;
}

/* The kernel knows flag when it fails on the missing program (EFAULT), not
 * on the flags (EINVAL); WAIT_KILLABLE_RECV is only valid with a listener. */
static bool kernel_has_flag(unsigned long flag)
{
    if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
        flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

seccomp_names seccomp_feature_known_actions(void)
{
    return (seccomp_names){action_names, N(action_names)};
}

seccomp_names seccomp_feature_known_operators(void)
{
    return (seccomp_names){operator_names, N(operator_names)};
}

seccomp_names seccomp_feature_known_flags(void)
{
    return (seccomp_names){flag_names, N(flag_names)};
}

size_t seccomp_feature_supported_flags(const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < N(flag_table); i++)
        if (kernel_has_flag(flag_table[i].flag))
            out[n++] = flag_table[i].name;
    return n;
}

#if HAVE_SECCOMP

bool seccomp_feature_enabled(void)
{
    return true;
}

static const struct {
    const char *name;
    uint32_t token;
} arch_table[] = {
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#endif
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
};
/* The same names, for `features`. */
static const char *const arch_names[] = {
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_ARM",
#ifdef SCMP_ARCH_LOONGARCH64
    "SCMP_ARCH_LOONGARCH64",
#endif
#ifdef SCMP_ARCH_M68K
    "SCMP_ARCH_M68K",
#endif
    "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",       "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
#ifdef SCMP_ARCH_SH
    "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",
#endif
    "SCMP_ARCH_X32",         "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",
};

seccomp_names seccomp_feature_known_archs(void)
{
    return (seccomp_names){arch_names, N(arch_names)};
}

static const struct {
    const char *name;
    uint32_t action; /* with errno 0 for ERRNO and TRACE */
} action_table[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

static const struct {
    const char *name;
    enum scmp_compare op;
} operator_table[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* An action by name, with its errno where it takes one (EPERM by default,
 * as config-linux.md says); errnoRet on any other action is an error. */
static int parse_action(const char *name, bool has_errno, uint32_t errno_ret, const char *path,
                        const char *errno_key, uint32_t *out, rt_error **err)
{
    for (size_t i = 0; i < N(action_table); i++) {
        if (strcmp(action_table[i].name, name))
            continue;
        uint32_t a = action_table[i].action;
        bool takes_errno = a == SCMP_ACT_ERRNO(0) || a == SCMP_ACT_TRACE(0);
        if (has_errno && !takes_errno)
            return rt_err(err, 0, "%s: set, but %s (%s) takes no errno", errno_key, path, name);
        if (has_errno && errno_ret > 0xffff)
            return rt_err(err, 0, "%s: %u is not an errno", errno_key, errno_ret);
        *out = takes_errno ? a | (has_errno ? errno_ret : EPERM) : a;
        return 0;
    }
    return rt_err(err, 0, "%s: unknown action \"%s\"", path, name ? name : "");
}

static int parse_arch(const char *name, uint32_t *token)
{
    for (size_t i = 0; i < N(arch_table); i++)
        if (!strcmp(arch_table[i].name, name)) {
            *token = arch_table[i].token;
            return 0;
        }
    return -1;
}

/* The spec's names libseccomp may not know yet: an error that says so. */
static bool arch_in_spec(const char *name)
{
    static const char *const later[] = {"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH",
                                        "SCMP_ARCH_SHEB"};
    for (size_t i = 0; i < N(later); i++)
        if (!strcmp(later[i], name))
            return true;
    return false;
}

static int add_arches(scmp_filter_ctx ctx, const oci_seccomp *s, rt_error **err)
{
    for (size_t i = 0; i < s->architectures_len; i++) {
        const char *name = s->architectures[i];
        uint32_t token;
        if (parse_arch(name, &token) < 0) {
            if (arch_in_spec(name))
                return rt_err(err, 0,
                              "linux.seccomp.architectures[%zu]: %s is not supported by "
                              "this build's libseccomp",
                              i, name);
            return rt_err(err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
                          i, name);
        }
        int rc = seccomp_arch_add(ctx, token);
        if (rc < 0 && rc != -EEXIST)
            return rt_err(err, -rc, "linux.seccomp.architectures[%zu]: add %s", i, name);
    }
    return 0;
}

static int parse_flags(const oci_seccomp *s, unsigned long *flags, rt_error **err)
{
    *flags = 0;
    for (size_t i = 0; i < s->flags_len; i++) {
        size_t k = 0;
        while (k < N(flag_table) && strcmp(flag_table[k].name, s->flags[i]))
            k++;
        if (k == N(flag_table))
            return rt_err(err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, s->flags[i]);
        if (!kernel_has_flag(flag_table[k].flag))
            return rt_err(err, 0, "linux.seccomp.flags[%zu]: %s is not supported by this kernel", i,
                          s->flags[i]);
        *flags |= flag_table[k].flag;
    }
    return 0;
}

/* The args of syscalls[i] as libseccomp comparisons.  For SCMP_CMP_MASKED_EQ
 * `value` is the mask and `valueTwo` the value compared with. */
static int parse_args(const oci_syscall *sc, size_t i, struct scmp_arg_cmp *cmps, bool *repeated,
                      rt_error **err)
{
    unsigned seen = 0;
    *repeated = false;
    for (size_t j = 0; j < sc->args_len; j++) {
        const oci_syscall_arg *a = &sc->args[j];
        size_t k = 0;
        while (k < N(operator_table) && strcmp(operator_table[k].name, a->op))
            k++;
        if (k == N(operator_table))
            return rt_err(err, 0,
                          "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%s\"", i, j,
                          a->op);
        if (a->index > 5)
            return rt_err(err, 0,
                          "linux.seccomp.syscalls[%zu].args[%zu].index: %u is not a syscall "
                          "argument (0 to 5)",
                          i, j, a->index);
        if (seen & (1u << a->index))
            *repeated = true;
        seen |= 1u << a->index;
        cmps[j] = (struct scmp_arg_cmp){.arg = a->index,
                                        .op = operator_table[k].op,
                                        .datum_a = a->value,
                                        .datum_b = a->value_two};
    }
    return 0;
}

/* One rule per name.  libseccomp cannot compare one argument twice in a
 * rule: then, as runc does, each comparison becomes a rule of its own (so
 * they match when any of them does). */
static int add_rule(scmp_filter_ctx ctx, const oci_syscall *sc, size_t i, uint32_t action,
                    const struct scmp_arg_cmp *cmps, bool repeated, rt_error **err)
{
    for (size_t n = 0; n < sc->names_len; n++) {
        const char *name = sc->names[n];
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) {
            /* As runc: a syscall this libseccomp does not know is skipped. */
            log_debug("linux.seccomp.syscalls[%zu]: unknown syscall \"%s\" skipped", i, name);
            continue;
        }
        int rc = 0;
        if (!repeated)
            rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)sc->args_len, cmps);
        for (size_t j = 0; repeated && j < sc->args_len && rc == 0; j++)
            rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[j]);
        if (rc < 0)
            return rt_err(err, -rc, "linux.seccomp.syscalls[%zu]: add rule for \"%s\"", i, name);
    }
    return 0;
}

static int add_rules(scmp_filter_ctx ctx, const oci_seccomp *s, uint32_t def, bool *notify,
                     rt_error **err)
{
    *notify = false;
    for (size_t i = 0; i < s->syscalls_len; i++) {
        const oci_syscall *sc = &s->syscalls[i];
        char path[64], errno_key[64];
        snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu].action", i);
        snprintf(errno_key, sizeof(errno_key), "linux.seccomp.syscalls[%zu].errnoRet", i);
        uint32_t action;
        if (parse_action(sc->action, sc->has_errno_ret, sc->errno_ret, path, errno_key, &action,
                         err) < 0)
            return -1;
        if (!sc->names_len)
            return rt_err(err, 0, "linux.seccomp.syscalls[%zu].names: must not be empty", i);
        cleanup_free struct scmp_arg_cmp *cmps = calloc(sc->args_len + 1, sizeof(*cmps));
        bool repeated;
        if (!cmps)
            return rt_err(err, ENOMEM, "seccomp");
        if (parse_args(sc, i, cmps, &repeated, err) < 0)
            return -1;
        if (action == SCMP_ACT_NOTIFY) {
            *notify = true;
            /* The process hands the listener fd over with sendmsg(2): a
             * notification it waits on there could never be answered.  And
             * after the filter it writes (hook input, its errors) with
             * write(2), which an agent may wait on in turn: refused as runc
             * does, in runc's words. */
            for (size_t n = 0; n < sc->names_len; n++)
                if (!strcmp(sc->names[n], "sendmsg") || !strcmp(sc->names[n], "write"))
                    return rt_err(err, 0,
                                  "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used "
                                  "for the %s syscall",
                                  i, sc->names[n]);
        }
        /* libseccomp refuses a rule with the default action: it is one. */
        if (action == def)
            continue;
        if (add_rule(ctx, sc, i, action, cmps, repeated, err) < 0)
            return -1;
    }
    return 0;
}

/* The filter as the kernel takes it (BPF), through a memfd: libseccomp 2.5
 * exports only to an fd. */
static int export_bpf(scmp_filter_ctx ctx, rt_seccomp *f, rt_error **err)
{
    cleanup_close int fd = memfd_create("rt-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return rt_err(err, errno, "seccomp: memfd_create");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return rt_err(err, -rc, "seccomp: export the filter");
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return rt_err(err, errno, "seccomp: stat the filter");
    size_t n = (size_t)sb.st_size / sizeof(struct sock_filter);
    if (n == 0 || n > BPF_MAXINSNS || n * sizeof(struct sock_filter) != (size_t)sb.st_size)
        return rt_err(err, 0,
                      "linux.seccomp: the filter has %zu instructions (the kernel takes "
                      "1 to %d)",
                      n, BPF_MAXINSNS);
    if (!(f->insns = malloc((size_t)sb.st_size)))
        return rt_err(err, ENOMEM, "seccomp");
    if (pread(fd, f->insns, (size_t)sb.st_size, 0) != sb.st_size)
        return rt_err(err, errno, "seccomp: read the filter");
    f->len = (unsigned short)n;
    return 0;
}

/* runc's -ENOSYS stub.  A profile lists the syscalls of its day: a newer
 * one (faccessat2, clone3, fchmodat2, …) or an unknown number would get the
 * default action, EPERM say, and libc takes that as final instead of falling
 * back to the older call.  So a syscall above the highest number the profile
 * names for its architecture fails with ENOSYS before the filter proper.
 * Only with a default that refuses: with ALLOW or LOG it would deny calls. */
#define X32_SYSCALL_BIT 0x40000000u
#define NR_OFFSET offsetof(struct seccomp_data, nr)
#define ARCH_OFFSET offsetof(struct seccomp_data, arch)
#define STUB_MAX 512

typedef struct stub {
    struct sock_filter insns[STUB_MAX];
    unsigned short len;
    unsigned short to_end[STUB_MAX]; /* the `ja` that jump past the stub */
    unsigned short n_to_end;
} stub;

static void emit(stub *st, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
    if (st->len < STUB_MAX)
        st->insns[st->len] = (struct sock_filter){code, jt, jf, k};
    st->len++;
}

static void emit_to_end(stub *st)
{
    if (st->n_to_end < STUB_MAX)
        st->to_end[st->n_to_end++] = st->len;
    emit(st, BPF_JMP | BPF_JA, 0, 0, 0);
}

/* The highest number of any syscall the profile names, on arch (-1: none). */
static int64_t last_syscall(const oci_seccomp *s, uint32_t arch)
{
    int64_t last = -1;
    for (size_t i = 0; i < s->syscalls_len; i++)
        for (size_t n = 0; n < s->syscalls[i].names_len; n++) {
            int nr = seccomp_syscall_resolve_name_arch(arch, s->syscalls[i].names[n]);
            /* negative: unknown, or a multiplexed pseudo number (socketcall) */
            if (nr >= 0 && nr > last)
                last = nr;
        }
    return last;
}

/* nr (loaded) above last: ENOSYS; else past the stub.  Four instructions. */
static void emit_check(stub *st, int64_t last)
{
    emit(st, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)last, 0, 1);
    emit(st, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, 0, 0);
    emit_to_end(st);
}

/* One architecture (accumulator: the arch): its syscalls above last. */
static void emit_arch(stub *st, uint32_t arch, int64_t last)
{
    emit(st, BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 4);
    emit(st, BPF_LD | BPF_W | BPF_ABS, NR_OFFSET, 0, 0);
    emit_check(st, last);
}

/* x86_64 and x32 share AUDIT_ARCH_X86_64; x32's numbers have bit 30 set.
 * An x32 call without x32 in the profile goes on to the filter proper,
 * which kills it as an architecture it does not list. */
static void emit_x86_64(stub *st, int64_t last64, int64_t last32)
{
    uint8_t part64 = last64 >= 0 ? 2 : 0, part32 = last32 >= 0 ? 3 : 0;
    emit(st, BPF_JMP | BPF_JEQ | BPF_K, SCMP_ARCH_X86_64, 0, (uint8_t)(3 + part64 + part32));
    emit(st, BPF_LD | BPF_W | BPF_ABS, NR_OFFSET, 0, 0);
    emit(st, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, (uint8_t)(part32 ? part64 + 1 : part64),
         0);
    if (last64 >= 0) {
        emit(st, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)last64, 0, 1);
        emit(st, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, 0, 0);
    }
    emit_to_end(st);
    if (last32 >= 0)
        emit_check(st, last32);
}

/* The architectures of the filter: the native one and those listed. */
static size_t filter_arches(const oci_seccomp *s, uint32_t *out, size_t max)
{
    size_t n = 0;
    out[n++] = seccomp_arch_native();
    for (size_t i = 0; i < s->architectures_len && n < max; i++) {
        uint32_t token;
        if (parse_arch(s->architectures[i], &token) < 0)
            continue;
        bool seen = false;
        for (size_t k = 0; k < n; k++)
            seen |= out[k] == token;
        if (!seen)
            out[n++] = token;
    }
    return n;
}

static void build_stub(const oci_seccomp *s, stub *st)
{
    uint32_t arches[N(arch_table) + 1];
    size_t n = filter_arches(s, arches, N(arches));
    int64_t last64 = -1, last32 = -1;
    emit(st, BPF_LD | BPF_W | BPF_ABS, ARCH_OFFSET, 0, 0);
    for (size_t i = 0; i < n; i++) {
        int64_t last = last_syscall(s, arches[i]);
        if (arches[i] == SCMP_ARCH_X86_64)
            last64 = last;
        else if (arches[i] == SCMP_ARCH_X32)
            last32 = last;
        else if (last >= 0)
            emit_arch(st, arches[i], last);
    }
    if (last64 >= 0 || last32 >= 0)
        emit_x86_64(st, last64, last32);
    for (size_t i = 0; i < st->n_to_end; i++)
        st->insns[st->to_end[i]].k = (uint32_t)(st->len - st->to_end[i] - 1);
}

static int prepend_enosys_stub(const oci_seccomp *s, rt_seccomp *f, rt_error **err)
{
    cleanup_free stub *st = calloc(1, sizeof(*st));
    if (!st)
        return rt_err(err, ENOMEM, "seccomp");
    build_stub(s, st);
    if (st->len == 1) /* no architecture with a named syscall */
        return 0;
    size_t total = (size_t)st->len + f->len;
    if (st->len > STUB_MAX || total > BPF_MAXINSNS)
        return rt_err(err, 0,
                      "linux.seccomp: the filter has %zu instructions (the kernel takes "
                      "1 to %d)",
                      total, BPF_MAXINSNS);
    struct sock_filter *insns = malloc(total * sizeof(*insns));
    if (!insns)
        return rt_err(err, ENOMEM, "seccomp");
    memcpy(insns, st->insns, st->len * sizeof(*insns));
    memcpy(insns + st->len, f->insns, f->len * sizeof(*insns));
    free(f->insns);
    f->insns = insns;
    f->len = (unsigned short)total;
    return 0;
}

static int compile(const oci_seccomp *s, rt_seccomp *f, rt_error **err)
{
    uint32_t def;
    if (parse_action(s->default_action, s->has_default_errno_ret, s->default_errno_ret,
                     "linux.seccomp.defaultAction", "linux.seccomp.defaultErrnoRet", &def, err) < 0)
        return -1;
    if (def == SCMP_ACT_NOTIFY)
        return rt_err(err, 0,
                      "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
                      "default action");
    if (parse_flags(s, &f->flags, err) < 0)
        return -1;
    scmp_filter_ctx ctx = seccomp_init(def);
    if (!ctx)
        return rt_err(err, 0, "linux.seccomp.defaultAction: libseccomp refused %s",
                      s->default_action);
    int r = -1;
    bool notify = false;
    /* A binary tree of syscalls: fewer instructions run per syscall for
     * long allow lists such as Docker's. */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (add_arches(ctx, s, err) == 0 && add_rules(ctx, s, def, &notify, err) == 0 &&
        export_bpf(ctx, f, err) == 0)
        r = 0;
    seccomp_release(ctx);
    if (r < 0)
        return -1;
    if (def != SCMP_ACT_ALLOW && def != SCMP_ACT_LOG && prepend_enosys_stub(s, f, err) < 0)
        return -1;
    if (notify) {
        if (!s->listener_path || !*s->listener_path)
            return rt_err(err, 0, "linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY");
        f->listener = true;
        f->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        /* TSYNC with a listener: report a failed sync as ESRCH (the return
         * value is the listener fd). */
        if (f->flags & SECCOMP_FILTER_FLAG_TSYNC)
            f->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    } else {
        /* Only meaningful for notifications: the kernel refuses it alone. */
        f->flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    }
    return 0;
}

/* What the compiling child leaves in the memfd: this, then the program. */
typedef struct compiled {
    bool ok;
    bool listener;
    unsigned short len;
    int errnum;
    unsigned long flags;
    char msg[1024];
} compiled;

static _Noreturn void compile_child(const oci_seccomp *s, int out, pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent)
        _exit(1);
    rt_seccomp f = {0};
    rt_error *e = NULL;
    compiled c;
    memset(&c, 0, sizeof(c)); /* padding too: it is written out */
    if (compile(s, &f, &e) == 0) {
        c.ok = true;
        c.listener = f.listener;
        c.len = f.len;
        c.flags = f.flags;
    } else {
        c.errnum = e->errnum;
        snprintf(c.msg, sizeof(c.msg), "%s", e->msg);
    }
    bool sent = write_all(out, &c, sizeof(c)) == 0 &&
                (!c.ok || write_all(out, f.insns, f.len * sizeof(*f.insns)) == 0);
    _exit(sent ? 0 : 1);
}

/* The compiled filter from what compile_child wrote (or the cache kept). */
static int parse_compiled(const char *data, size_t len, rt_seccomp *f, rt_error **err)
{
    compiled c;
    if (len < sizeof(c))
        return rt_err(err, 0, "seccomp: the compiled filter is truncated");
    memcpy(&c, data, sizeof(c));
    if (!c.ok) {
        c.msg[sizeof(c.msg) - 1] = 0;
        rt_err(err, 0, "%s", c.msg);
        if (err && *err)
            (*err)->errnum = c.errnum;
        return -1;
    }
    size_t size = c.len * sizeof(*f->insns);
    if (c.len == 0 || len - sizeof(c) != size)
        return rt_err(err, 0, "seccomp: the compiled filter has the wrong size");
    if (!(f->insns = malloc(size)))
        return rt_err(err, ENOMEM, "seccomp");
    memcpy(f->insns, data + sizeof(c), size);
    f->len = c.len;
    f->flags = c.flags;
    f->listener = c.listener;
    return 0;
}

/* compile() in a child killed at COMPILE_TIMEOUT_S: libseccomp (2.5.4) can
 * take tens of minutes to merge a few overlapping rules with argument
 * conditions for one syscall (docs/seccomp.md), and nothing else would end
 * it. */
#define COMPILE_TIMEOUT_S 30

/* Returns what the child wrote (*data, *len), ok or not, or -1. */
static int compile_bounded(const oci_seccomp *s, char **data, size_t *len, rt_error **err)
{
    cleanup_close int out = memfd_create("rt-seccomp-compile", MFD_CLOEXEC);
    if (out < 0)
        return rt_err(err, errno, "seccomp: memfd_create");
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return rt_err(err, errno, "seccomp: fork");
    if (pid == 0)
        compile_child(s, out, parent);
    int ws = child_wait_deadline(pid, COMPILE_TIMEOUT_S * 1000);
    if (ws < 0 && errno == ETIMEDOUT)
        return rt_err(err, 0,
                      "linux.seccomp: libseccomp did not compile the profile within %d s "
                      "(overlapping rules with argument conditions for one syscall can take "
                      "it minutes)",
                      COMPILE_TIMEOUT_S);
    if (ws < 0)
        return rt_err(err, errno, "seccomp: wait for the compile");
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
        return rt_err(err, 0, "seccomp: the compile ended abnormally (wait status %#x)", ws);
    if (lseek(out, 0, SEEK_SET) < 0 || read_all_fd(out, data, len, err) < 0)
        return rt_err_wrap(err, "seccomp: read the compiled filter");
    return 0;
}

/* Compiled by the child, or found in root's cache (root NULL: none), where
 * what the child compiled is kept for the next container. */
static int compile_cached(const oci_seccomp *s, const char *root, rt_seccomp *f, rt_error **err)
{
    const struct scmp_version *v = seccomp_version();
    char version[64];
    snprintf(version, sizeof(version), "%u.%u.%u", v ? v->major : 0, v ? v->minor : 0,
             v ? v->micro : 0);
    size_t key_len = 0, len = 0;
    cleanup_free char *key = root ? seccomp_cache_key(s, version, &key_len) : NULL;
    cleanup_free char *data = NULL;
    if (key && seccomp_cache_get(root, key, key_len, &data, &len) == 0 &&
        parse_compiled(data, len, f, NULL) == 0)
        return 0;
    free(take_ptr(data));
    if (compile_bounded(s, &data, &len, err) < 0 || parse_compiled(data, len, f, err) < 0)
        return -1;
    if (key)
        seccomp_cache_put(root, key, key_len, data, len);
    return 0;
}

static int prepare(const oci_seccomp *s, bool bounded, const char *root, rt_seccomp **out,
                   rt_error **err)
{
    *out = NULL;
    if (!s)
        return 0;
    if (s->listener_metadata && *s->listener_metadata && (!s->listener_path || !*s->listener_path))
        return rt_err(err, 0, "linux.seccomp.listenerMetadata: set without listenerPath");
    rt_seccomp *f = calloc(1, sizeof(*f));
    if (!f)
        return rt_err(err, ENOMEM, "seccomp");
    if ((bounded ? compile_cached(s, root, f, err) : compile(s, f, err)) < 0) {
        seccomp_filter_free(f);
        return -1;
    }
    if (f->listener) {
        f->listener_path = xstrdup(s->listener_path);
        f->listener_metadata = s->listener_metadata ? xstrdup(s->listener_metadata) : NULL;
    }
    *out = f;
    return 0;
}

int seccomp_filter_prepare(const oci_seccomp *s, const char *root, rt_seccomp **out, rt_error **err)
{
    return prepare(s, true, root, out, err);
}

int seccomp_filter_compile_here(const oci_seccomp *s, rt_seccomp **out, rt_error **err)
{
    return prepare(s, false, NULL, out, err);
}

#else /* !HAVE_SECCOMP */

bool seccomp_feature_enabled(void)
{
    return false;
}

seccomp_names seccomp_feature_known_archs(void)
{
    return (seccomp_names){NULL, 0};
}

int seccomp_filter_prepare(const oci_seccomp *s, const char *root, rt_seccomp **out, rt_error **err)
{
    (void)root;
    *out = NULL;
    if (!s)
        return 0;
    return rt_err(err, 0,
                  "linux.seccomp: this rt was built without seccomp support "
                  "(meson -Dseccomp=disabled)");
}

int seccomp_filter_compile_here(const oci_seccomp *s, rt_seccomp **out, rt_error **err)
{
    return seccomp_filter_prepare(s, NULL, out, err);
}

#endif /* HAVE_SECCOMP */

/* One packet with the fd: it follows SYNC_SECCOMP on the seqpacket socket. */
static int send_fd(int sock, int fd)
{
    return send_with_fd(sock, "F", 1, fd) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (n != 1 || !c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) {
        errno = EPROTO;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

int seccomp_filter_load(const rt_seccomp *f, int sync_fd, rt_error **err)
{
    if (!f)
        return 0;
    struct sock_fprog prog = {.len = f->len, .filter = f->insns};
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
    if (r < 0)
        return rt_err(err, errno, "load the seccomp filter");
    if (!f->listener)
        return 0;
    cleanup_close int listener = (int)r;
    enum sync_type t;
    cleanup_free char *msg = NULL;
    if (sync_send(sync_fd, SYNC_SECCOMP, NULL, err) < 0)
        return -1;
    if (send_fd(sync_fd, listener) < 0)
        return rt_err(err, errno, "seccomp: send the listener fd");
    if (sync_recv(sync_fd, &t, &msg, err) < 0)
        return -1;
    if (t != SYNC_SECCOMP_DONE)
        return rt_err(err, 0, "sync: unexpected message %d", t);
    return 0;
}

/* s as a JSON string, quoted. */
static char *json_string(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n * 6 + 3), *p = out;
    if (!out)
        abort();
    *p++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            *p++ = '\\';
            *p++ = (char)*c;
        } else if (*c < 0x20) {
            p += sprintf(p, "\\u%04x", *c);
        } else {
            *p++ = (char)*c;
        }
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

/* config-linux.md "The Container Process State", over one connection to
 * listenerPath: the JSON, with the listener fd in the first sendmsg. */
static int send_state(const rt_seccomp *f, int listener, pid_t pid, const char *state_json,
                      rt_error **err)
{
    const char *path = f->listener_path;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path))
        return rt_err(err, 0, "linux.seccomp.listenerPath: %s: path too long", path);
    strcpy(addr.sun_path, path);
    cleanup_close int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return rt_err(err, errno, "linux.seccomp.listenerPath: socket");
    if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return rt_err(err, errno,
                      "linux.seccomp.listenerPath: failed to connect with seccomp agent "
                      "specified in the seccomp profile: connect %s",
                      path);
    cleanup_free char *meta = f->listener_metadata ? json_string(f->listener_metadata) : NULL;
    /* One line: a newline can only be whitespace between JSON tokens. */
    cleanup_free char *state = xstrdup(state_json);
    char *w = state;
    for (const char *r = state; *r; r++)
        if (*r != '\n')
            *w++ = *r;
    *w = '\0';
    cleanup_free char *json = xasprintf(
        "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,%s%s%s\"state\":%s}",
        OCI_VERSION, pid, meta ? "\"metadata\":" : "", meta ? meta : "", meta ? "," : "", state);
    size_t len = strlen(json), done = 0;
    ssize_t n = send_with_fd(sock, json, len, listener);
    if (n < 0)
        return rt_err(err, errno, "linux.seccomp.listenerPath: send to %s", path);
    /* The fd went with the first part; the rest is plain payload. */
    for (done = (size_t)n; done < len; done += (size_t)n) {
        n = send(sock, json + done, len - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            n = 0;
        else if (n < 0)
            return rt_err(err, errno, "linux.seccomp.listenerPath: send to %s", path);
    }
    return 0;
}

int seccomp_filter_relay(const rt_seccomp *f, int sync_fd, pid_t pid, const char *state_json,
                         rt_error **err)
{
    if (!seccomp_filter_has_listener(f))
        return rt_err(err, 0, "sync: unexpected seccomp listener");
    cleanup_close int listener = recv_fd(sync_fd);
    if (listener < 0)
        return rt_err(err, errno, "seccomp: receive the listener fd");
    if (send_state(f, listener, pid, state_json, err) < 0)
        return -1;
    return sync_send(sync_fd, SYNC_SECCOMP_DONE, NULL, err);
}
