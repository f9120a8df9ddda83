/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Send one sd_notify datagram (argv[1], e.g. READY=1) to $NOTIFY_SOCKET.
 * Linked statically so a busybox-only container can run it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (argc != 2 || !path) {
        fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sdnotify MESSAGE\n");
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0 ||
        sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        perror("sdnotify");
        return 1;
    }
    return 0;
}
