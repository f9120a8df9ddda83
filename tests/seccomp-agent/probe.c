/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Makes one system call that busybox has no applet for, from inside a test
 * container, and prints "NAME: ok" or "NAME: <strerror>" (exit 0 or 1):
 *
 *   probe keyctl              keyctl(KEYCTL_GET_KEYRING_ID, session keyring)
 *   probe add_key             add_key("user", "rt-probe", "x", session keyring)
 *   probe clone3              clone3 with a too small struct (EINVAL when allowed)
 *   probe socket DOMAIN       socket(DOMAIN, SOCK_STREAM, 0)
 *   probe personality VALUE   personality(VALUE)
 *   probe i386-getpid         getpid through int $0x80 (the i386 ABI: AUDIT_ARCH_I386)
 *   probe nr N                system call number N with six zero arguments
 *
 * Linked statically: it runs in the busybox rootfs. */
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static long i386_getpid(void)
{
#if defined(__x86_64__)
    long ret = 20; /* __NR_getpid of i386 */
    __asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
    if (ret < 0 && ret > -4096) {
        errno = (int)-ret;
        return -1;
    }
    return ret;
#else
    errno = ENOSYS;
    return -1;
#endif
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr,
                "usage: probe keyctl|add_key|clone3|socket N|personality N|i386-getpid|nr N\n");
        return 2;
    }
    const char *what = argv[1];
    long arg = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
    long r;
    if (!strcmp(what, "keyctl")) {
        r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    } else if (!strcmp(what, "add_key")) {
        r = syscall(SYS_add_key, "user", "rt-probe", "x", 1, KEY_SPEC_SESSION_KEYRING);
    } else if (!strcmp(what, "clone3")) {
        char args[8] = {0};
        r = syscall(SYS_clone3, args, sizeof(args));
        if (r < 0 && errno == EINVAL)
            r = 0; /* it reached clone3 itself, which refused the tiny struct */
    } else if (!strcmp(what, "socket")) {
        r = socket((int)arg, SOCK_STREAM, 0);
        if (r < 0 && (errno == EAFNOSUPPORT || errno == ESOCKTNOSUPPORT || errno == EINVAL))
            r = 0; /* allowed by the filter; the kernel just has no such family */
    } else if (!strcmp(what, "personality")) {
        r = personality((unsigned long)arg);
    } else if (!strcmp(what, "i386-getpid")) {
        r = i386_getpid();
    } else if (!strcmp(what, "nr")) {
        r = syscall(arg, 0, 0, 0, 0, 0, 0);
    } else {
        fprintf(stderr, "probe: unknown syscall %s\n", what);
        return 2;
    }
    if (r < 0) {
        printf("%s: %s\n", what, strerror(errno));
        return 1;
    }
    printf("%s: ok\n", what);
    return 0;
}
