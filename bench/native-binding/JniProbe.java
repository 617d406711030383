import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;
/** The same calls through the project's own JNI library (module sys: io.conmonj.sys.LibC, libconmonj-sys.so). */
public class JniProbe {
    public static void main(String[] a) throws Exception {
        long t0 = Long.parseLong(System.getProperty("t0", "0"));
        int pid = LibC.getpid();
        long first = System.currentTimeMillis();
        int[] p = new int[2]; LibC.pipe2(p, 0);
        NativeMemory ev = new NativeMemory(12); ev.setInt(0, 1); ev.setLong(4, p[0]);
        int ep = LibC.epoll_create1(0); LibC.epoll_ctl(ep, 1, p[0], ev);
        NativeMemory mask = new NativeMemory(128); mask.setLong(0, 1L << (15 - 1));
        LibC.sigprocmask(0, mask, null); int sfd = LibC.signalfd(-1, mask, 0);
        byte[] b = new byte[1]; LibC.write(p[1], b, 1);
        NativeMemory evs = new NativeMemory(12 * 32); int n = LibC.epoll_wait(ep, evs, 32, 0);
        System.out.println("first-call-ms=" + (first - t0) + " pid=" + pid + " ready=" + n + " sfd=" + sfd);
        LibC.read(p[0], b, 1);
        if (Boolean.getBoolean("bench")) bench(p);
        if (a.length > 0) Thread.sleep(Long.parseLong(a[0]));
    }
    static void bench(int[] p) {
        byte[] buf = new byte[4096]; byte[] one = new byte[64];
        long n = 0, end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) { LibC.write(p[1], one, 64); LibC.read(p[0], buf, 4096); n++; }
        System.out.println("write+read pairs/s=" + n / 2);
    }
}
