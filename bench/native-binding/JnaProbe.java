import com.sun.jna.*;
public class JnaProbe {
    static { Native.register(JnaProbe.class, NativeLibrary.getInstance(System.getProperty("libc", "libc.so.6"))); }
    static native int getpid();
    static native int pipe2(int[] fds, int flags);
    static native long read(int fd, byte[] b, long n);
    static native long write(int fd, byte[] b, long n);
    static native int epoll_create1(int f);
    static native int epoll_ctl(int ep, int op, int fd, Pointer ev);
    static native int epoll_wait(int ep, Pointer evs, int max, int t);
    static native int signalfd(int fd, Pointer mask, int flags);
    static native int sigprocmask(int how, Pointer set, Pointer old);
    public static void main(String[] a) throws Exception {
        long t0 = Long.parseLong(System.getProperty("t0", "0"));
        int pid = getpid();
        long first = System.currentTimeMillis();
        int[] p = new int[2]; pipe2(p, 0);
        Memory ev = new Memory(12); ev.setInt(0, 1); ev.setLong(4, p[0]);
        int ep = epoll_create1(0); epoll_ctl(ep, 1, p[0], ev);
        Memory mask = new Memory(128); mask.clear(); mask.setLong(0, 1L << (15 - 1));
        sigprocmask(0, mask, null); int sfd = signalfd(-1, mask, 0);
        byte[] b = new byte[1]; write(p[1], b, 1);
        Memory evs = new Memory(12 * 32); int n = epoll_wait(ep, evs, 32, 0);
        System.out.println("first-call-ms=" + (first - t0) + " pid=" + pid + " ready=" + n + " sfd=" + sfd);
        read(p[0], b, 1);
        if (Boolean.getBoolean("bench")) bench(p);
        if (a.length > 0) Thread.sleep(Long.parseLong(a[0]));
    }
    static void bench(int[] p) {
        byte[] buf = new byte[4096]; byte[] one = new byte[64];
        long n = 0, end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) { write(p[1], one, 64); read(p[0], buf, 4096); n++; }
        System.out.println("write+read pairs/s=" + n / 2);
    }
}
