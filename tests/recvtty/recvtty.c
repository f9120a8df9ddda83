/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A console-socket receiver for tests, like runc's recvtty: listen on PATH,
 * accept one connection, receive the pty master (SCM_RIGHTS) and copy what
 * the container writes to stdout until it closes.  With --size it first
 * prints the window size it sees ("ROWS COLS"); with --input STRING it types
 * STRING into the terminal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int fail(const char *what)
{
    fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    const char *input = NULL;
    int show_size = 0;
    int i = 1;
    for (; i < argc - 1; i++) {
        if (!strcmp(argv[i], "--input"))
            input = argv[++i];
        else if (!strcmp(argv[i], "--size"))
            show_size = 1;
        else
            break;
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: recvtty [--size] [--input STRING] SOCKET-PATH\n");
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[i]);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0)
        return fail("listen");
    int c = accept(ls, NULL, NULL);
    if (c < 0)
        return fail("accept");
    char name[64] = {0}, cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    if (recvmsg(c, &msg, 0) <= 0)
        return fail("recvmsg");
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "recvtty: no fd received\n");
        return 1;
    }
    int master;
    memcpy(&master, CMSG_DATA(cm), sizeof(int));
    fprintf(stderr, "recvtty: got %s\n", name);
    if (show_size) {
        struct winsize ws;
        if (ioctl(master, TIOCGWINSZ, &ws) < 0)
            return fail("TIOCGWINSZ");
        printf("size %u %u\n", ws.ws_row, ws.ws_col);
        fflush(stdout);
    }
    if (input && write(master, input, strlen(input)) < 0)
        return fail("write");
    char buf[4096];
    ssize_t n;
    while ((n = read(master, buf, sizeof(buf))) > 0)
        if (write(1, buf, (size_t)n) != n)
            return fail("write");
    return 0;
}
