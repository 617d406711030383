/*
 * sd-notify-send MESSAGE: sends MESSAGE as one datagram to $NOTIFY_SOCKET, as sd_notify(3) does.
 * Built static by it/SdNotifyPodmanTest and run inside a busybox container (busybox has no
 * systemd-notify). Exit 0 when sent; 2 on a usage error; 1 with the failed call on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: sd-notify-send MESSAGE\n", stderr);
        return 2;
    }
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (path == NULL || path[0] != '/' || strlen(path) >= sizeof addr.sun_path) {
        fputs("sd-notify-send: NOTIFY_SOCKET is not an absolute path that fits sun_path\n", stderr);
        return 1;
    }
    memcpy(addr.sun_path, path, strlen(path));
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("sd-notify-send: socket");
        return 1;
    }
    size_t len = strlen(argv[1]);
    if (sendto(fd, argv[1], len, MSG_NOSIGNAL, (struct sockaddr *) &addr, sizeof addr) != (ssize_t) len) {
        perror("sd-notify-send: sendto");
        return 1;
    }
    return 0;
}
