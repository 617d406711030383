package io.conmonj.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every struct of {@link Layouts} against the C compiler's own sizeof and offsetof on this machine. */
class LayoutsTest {

    private record Field(Struct struct, String cStruct, String field) {}

    @Test
    void offsetsAndSizesAreTheCompilers(@TempDir Path dir) throws Exception {
        List<Field> fields = List.of(
                new Field(Layouts.EPOLL_EVENT, "struct epoll_event", "events"),
                new Field(Layouts.EPOLL_EVENT, "struct epoll_event", "data"),
                new Field(Layouts.TIMESPEC, "struct timespec", "tv_sec"),
                new Field(Layouts.TIMESPEC, "struct timespec", "tv_nsec"),
                new Field(Layouts.ITIMERSPEC, "struct itimerspec", "it_interval"),
                new Field(Layouts.ITIMERSPEC, "struct itimerspec", "it_value"),
                new Field(Layouts.SOCKADDR_UN, "struct sockaddr_un", "sun_family"),
                new Field(Layouts.SOCKADDR_UN, "struct sockaddr_un", "sun_path"),
                new Field(Layouts.IOVEC, "struct iovec", "iov_base"),
                new Field(Layouts.IOVEC, "struct iovec", "iov_len"),
                new Field(Layouts.MSGHDR, "struct msghdr", "msg_name"),
                new Field(Layouts.MSGHDR, "struct msghdr", "msg_namelen"),
                new Field(Layouts.MSGHDR, "struct msghdr", "msg_iov"),
                new Field(Layouts.MSGHDR, "struct msghdr", "msg_iovlen"),
                new Field(Layouts.MSGHDR, "struct msghdr", "msg_control"),
                new Field(Layouts.MSGHDR, "struct msghdr", "msg_controllen"),
                new Field(Layouts.MSGHDR, "struct msghdr", "msg_flags"),
                new Field(Layouts.CMSGHDR, "struct cmsghdr", "cmsg_len"),
                new Field(Layouts.CMSGHDR, "struct cmsghdr", "cmsg_level"),
                new Field(Layouts.CMSGHDR, "struct cmsghdr", "cmsg_type"),
                new Field(Layouts.WINSIZE, "struct winsize", "ws_row"),
                new Field(Layouts.WINSIZE, "struct winsize", "ws_col"),
                new Field(Layouts.WINSIZE, "struct winsize", "ws_xpixel"),
                new Field(Layouts.WINSIZE, "struct winsize", "ws_ypixel"),
                new Field(Layouts.TERMIOS, "struct termios", "c_iflag"),
                new Field(Layouts.TERMIOS, "struct termios", "c_oflag"),
                new Field(Layouts.TERMIOS, "struct termios", "c_cflag"),
                new Field(Layouts.TERMIOS, "struct termios", "c_lflag"),
                new Field(Layouts.TERMIOS, "struct termios", "c_line"),
                new Field(Layouts.TERMIOS, "struct termios", "c_cc"),
                new Field(Layouts.TERMIOS, "struct termios", "c_ispeed"),
                new Field(Layouts.TERMIOS, "struct termios", "c_ospeed"),
                new Field(Layouts.POLLFD, "struct pollfd", "fd"),
                new Field(Layouts.POLLFD, "struct pollfd", "events"),
                new Field(Layouts.POLLFD, "struct pollfd", "revents"),
                new Field(Layouts.STATX, "struct statx", "stx_mask"),
                new Field(Layouts.STATX, "struct statx", "stx_nlink"),
                new Field(Layouts.STATX, "struct statx", "stx_uid"),
                new Field(Layouts.STATX, "struct statx", "stx_mode"),
                new Field(Layouts.STATX, "struct statx", "stx_ino"),
                new Field(Layouts.STATX, "struct statx", "stx_atime"),
                new Field(Layouts.STATX, "struct statx", "stx_mtime"),
                new Field(Layouts.STATX, "struct statx", "stx_rdev_major"),
                new Field(Layouts.STATX, "struct statx", "stx_dev_major"),
                new Field(Layouts.STATX, "struct statx", "stx_dev_minor"),
                new Field(Layouts.SIGINFO, "siginfo_t", "si_signo"),
                new Field(Layouts.SIGINFO, "siginfo_t", "si_errno"),
                new Field(Layouts.SIGINFO, "siginfo_t", "si_code"),
                new Field(Layouts.SIGINFO, "siginfo_t", "__pad0"),
                new Field(Layouts.SIGINFO, "siginfo_t", "si_pid"),
                new Field(Layouts.SIGINFO, "siginfo_t", "si_uid"),
                new Field(Layouts.SIGINFO, "siginfo_t", "si_status"));
        StringBuilder c = new StringBuilder("""
                #define _GNU_SOURCE
                #include <poll.h>
                #include <signal.h>
                #include <stddef.h>
                #include <stdio.h>
                #include <sys/stat.h>
                #include <sys/epoll.h>
                #include <sys/ioctl.h>
                #include <sys/socket.h>
                #include <sys/timerfd.h>
                #include <sys/uio.h>
                #include <sys/un.h>
                #include <termios.h>
                int main(void) {
                """);
        List<Long> expected = new ArrayList<>();
        String previous = null;
        for (Field f : fields) {
            if (!f.cStruct().equals(previous)) {
                c.append("printf(\"%zu\\n\", sizeof(").append(f.cStruct()).append("));\n");
                expected.add(f.struct().size());
                previous = f.cStruct();
            }
            c.append("printf(\"%zu\\n\", offsetof(").append(f.cStruct()).append(", ").append(f.field()).append("));\n");
            expected.add(f.struct().offset(f.field()));
        }
        c.append("printf(\"%zu\\n\", (size_t) CMSG_LEN(sizeof(int)));\n");
        expected.add(Layouts.cmsgLen(Integer.BYTES));
        c.append("printf(\"%zu\\n\", (size_t) CMSG_SPACE(sizeof(int)));\n");
        expected.add(Layouts.cmsgSpace(Integer.BYTES));
        c.append("return 0; }\n");
        Path source = dir.resolve("layouts.c");
        Files.writeString(source, c);
        Path binary = dir.resolve("layouts");
        CommandRun.run(List.of("cc", "-o", binary.toString(), source.toString()));
        List<Long> actual = CommandRun.run(List.of(binary.toString())).lines().map(Long::parseLong).toList();
        assertEquals(expected, actual, c.toString());
    }

    @Test
    void aFieldEndsWhereItsSizeSays() {
        assertEquals(Layouts.STATX.offset("stx_mode") + 2, Layouts.STATX.end("stx_mode"));
        assertEquals(Layouts.STATX.size(), Layouts.STATX.end("stx_reserved"));
        assertEquals(Layouts.SIGINFO.size(), Layouts.SIGINFO.end("si_rest"));
    }

    @Test
    void anUnknownFieldIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Layouts.MSGHDR.offset("msg_nope"));
        assertEquals("struct msghdr has no field msg_nope", e.getMessage());
    }

    @Test
    void aFieldDeclaredTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Struct.of("twice").i32("a").i32("a"));
    }
}
