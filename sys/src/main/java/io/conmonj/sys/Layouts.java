package io.conmonj.sys;

/**
 * The C structs the project passes to libc, declared by field name (Linux, x86_64 and aarch64). Callers keep the
 * offsets they use in constants taken from here.
 */
public final class Layouts {
    private Layouts() {}

    /** {@code struct epoll_event}: packed on x86_64 (12 bytes), the fd kept in the data word. */
    public static final Struct EPOLL_EVENT = Struct.packed("epoll_event").i32("events").i64("data").build();

    /** {@code struct timespec}. */
    public static final Struct TIMESPEC = Struct.of("timespec").i64("tv_sec").i64("tv_nsec").build();

    /** {@code struct itimerspec}: two timespecs. */
    public static final Struct ITIMERSPEC = Struct.of("itimerspec")
            .bytes("it_interval", (int) TIMESPEC.size()).bytes("it_value", (int) TIMESPEC.size()).build();

    /** {@code struct sockaddr_un}: family, then a NUL-terminated path of at most 107 bytes. */
    public static final Struct SOCKADDR_UN = Struct.of("sockaddr_un").i16("sun_family").bytes("sun_path", 108).build();

    /** {@code struct iovec}. */
    public static final Struct IOVEC = Struct.of("iovec").pointer("iov_base").pointer("iov_len").build();

    /** {@code struct msghdr}. */
    public static final Struct MSGHDR = Struct.of("msghdr")
            .pointer("msg_name").i32("msg_namelen")
            .pointer("msg_iov").pointer("msg_iovlen")
            .pointer("msg_control").pointer("msg_controllen")
            .i32("msg_flags").build();

    /** {@code struct cmsghdr}; the data ({@code CMSG_DATA}) follows at {@link #CMSG_DATA}. */
    public static final Struct CMSGHDR = Struct.of("cmsghdr").pointer("cmsg_len").i32("cmsg_level").i32("cmsg_type")
            .build();
    public static final long CMSG_DATA = CMSGHDR.size();

    /** {@code CMSG_LEN(n)}: header plus n bytes of data. */
    public static long cmsgLen(long dataBytes) {
        return CMSGHDR.size() + dataBytes;
    }

    /** {@code CMSG_SPACE(n)}: header plus n bytes of data, rounded up to the alignment of {@code size_t}. */
    public static long cmsgSpace(long dataBytes) {
        return CMSGHDR.size() + (dataBytes + 7) / 8 * 8;
    }

    /** {@code struct winsize}. */
    public static final Struct WINSIZE = Struct.of("winsize").i16("ws_row").i16("ws_col").i16("ws_xpixel")
            .i16("ws_ypixel").build();

    /** {@code struct termios} as glibc declares it (60 bytes); conmon touches only c_oflag. */
    public static final Struct TERMIOS = Struct.of("termios").i32("c_iflag").i32("c_oflag").i32("c_cflag")
            .i32("c_lflag").bytes("c_line", 1).bytes("c_cc", 32).i32("c_ispeed").i32("c_ospeed").build();

    /** {@code struct pollfd}. */
    public static final Struct POLLFD = Struct.of("pollfd").i32("fd").i16("events").i16("revents").build();

    /**
     * {@code struct statx} (linux/stat.h), the same on every architecture: the fields up to the device numbers by
     * name, the kernel's timestamps and the room it reserves as byte runs; 256 bytes in all, as the kernel fills it.
     */
    public static final Struct STATX = Struct.of("statx")
            .i32("stx_mask").i32("stx_blksize").i64("stx_attributes")
            .i32("stx_nlink").i32("stx_uid").i32("stx_gid").i16("stx_mode").i16("__spare0")
            .i64("stx_ino").i64("stx_size").i64("stx_blocks").i64("stx_attributes_mask")
            .bytes("stx_atime", 16).bytes("stx_btime", 16).bytes("stx_ctime", 16).bytes("stx_mtime", 16)
            .i32("stx_rdev_major").i32("stx_rdev_minor").i32("stx_dev_major").i32("stx_dev_minor")
            .bytes("stx_reserved", 112).build();

    /**
     * {@code siginfo_t} as waitid(2) fills it for a child (LP64): the header, glibc's explicit padding, the child's
     * pid, uid and status at the start of the union, the rest of its 128 bytes as one run.
     */
    public static final Struct SIGINFO = Struct.of("siginfo_t")
            .i32("si_signo").i32("si_errno").i32("si_code").i32("__pad0")
            .i32("si_pid").i32("si_uid").i32("si_status").bytes("si_rest", 100).build();
}
