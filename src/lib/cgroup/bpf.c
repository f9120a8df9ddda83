/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 has no devices.allow: a BPF_PROG_TYPE_CGROUP_DEVICE program
 * attached to the cgroup decides each open/mknod.  The OCI rules are v1
 * rules, applied in order, so they are first run through the v1 semantics
 * (a default and a list of exceptions, as the kernel's devices controller
 * keeps them) and the result is assembled by hand: no compiler, no libbpf. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/util.h"

/* --- assembling ------------------------------------------------------------------------------ */

typedef struct prog {
    struct bpf_insn *insn;
    size_t n, cap;
} prog;

static void emit(prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->insn = realloc(p->insn, p->cap * sizeof(*p->insn));
    }
    /* gcc's -Wconversion cannot tell that a register number (0-10) fits the
     * 4-bit fields. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
    p->insn[p->n++] =
        (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
#pragma GCC diagnostic pop
}

#define LDX_W(p, dst, src, off) emit(p, BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0)
#define ALU32_K(p, op, dst, imm) emit(p, BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_X(p, dst, src) emit(p, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_K(p, dst, imm) emit(p, BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
/* A jump to the end of the current block, patched when the block is done. */
#define JMP_K(p, op, dst, imm) emit(p, BPF_JMP | (op) | BPF_K, dst, 0, -1, imm)
#define EXIT(p) emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* r2 = type, r3 = access, r4 = major, r5 = minor; one block per exception
 * that returns `verdict` when the request matches; else the default. */
static void assemble(const dev_policy *pol, prog *p)
{
    LDX_W(p, BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
    ALU32_K(p, BPF_AND, BPF_REG_2, 0xffff);
    LDX_W(p, BPF_REG_3, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
    ALU32_K(p, BPF_RSH, BPF_REG_3, 16);
    LDX_W(p, BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major));
    LDX_W(p, BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor));
    const int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
    for (size_t i = 0; i < pol->n; i++) {
        const dev_exception *e = &pol->ex[i];
        size_t start = p->n;
        JMP_K(p, BPF_JNE, BPF_REG_2, e->type);
        if (!pol->default_allow && e->access != all) {
            /* An allowed exception must cover every bit asked for. */
            MOV64_X(p, BPF_REG_6, BPF_REG_3);
            ALU32_K(p, BPF_AND, BPF_REG_6, ~e->access & all);
            JMP_K(p, BPF_JNE, BPF_REG_6, 0);
        } else if (pol->default_allow && e->access != all) {
            /* A denied exception matches when any bit asked for is in it. */
            MOV64_X(p, BPF_REG_6, BPF_REG_3);
            ALU32_K(p, BPF_AND, BPF_REG_6, e->access);
            JMP_K(p, BPF_JEQ, BPF_REG_6, 0);
        }
        if (e->major >= 0)
            JMP_K(p, BPF_JNE, BPF_REG_4, (int32_t)e->major);
        if (e->minor >= 0)
            JMP_K(p, BPF_JNE, BPF_REG_5, (int32_t)e->minor);
        MOV64_K(p, BPF_REG_0, pol->default_allow ? 0 : 1);
        EXIT(p);
        for (size_t j = start; j < p->n; j++)
            if (BPF_CLASS(p->insn[j].code) == BPF_JMP && p->insn[j].off == -1)
                p->insn[j].off = (int16_t)(p->n - j - 1);
    }
    MOV64_K(p, BPF_REG_0, pol->default_allow ? 1 : 0);
    EXIT(p);
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
    return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int cg_bpf_devices_attach(const char *dir, const oci_resources *r, rt_error **err)
{
    dev_policy pol;
    cg_device_policy(r, &pol);
    prog p = {0};
    assemble(&pol, &p);
    free(pol.ex);

    static char log[8192];
    union bpf_attr load = {
        .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
        .insns = (uint64_t)(uintptr_t)p.insn,
        .insn_cnt = (uint32_t)p.n,
        .license = (uint64_t)(uintptr_t) "GPL",
    };
    cleanup_close int prog_fd = (int)sys_bpf(BPF_PROG_LOAD, &load);
    if (prog_fd < 0) {
        int e = errno;
        load.log_buf = (uint64_t)(uintptr_t)log;
        load.log_size = sizeof(log);
        load.log_level = 1;
        int again = (int)sys_bpf(BPF_PROG_LOAD, &load);
        if (again >= 0)
            close(again);
        free(p.insn);
        log[strcspn(log, "\n")] = '\0';
        return rt_err(err, e, "load the eBPF device filter for %s%s%s", dir, *log ? ": " : "", log);
    }
    free(p.insn);
    cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return rt_err(err, errno, "open %s", dir);
    union bpf_attr attach = {
        .target_fd = (uint32_t)dfd,
        .attach_bpf_fd = (uint32_t)prog_fd,
        .attach_type = BPF_CGROUP_DEVICE,
        .attach_flags = BPF_F_ALLOW_MULTI,
    };
    if (sys_bpf(BPF_PROG_ATTACH, &attach) < 0)
        return rt_err(err, errno, "attach the eBPF device filter to %s", dir);
    return 0;
}
