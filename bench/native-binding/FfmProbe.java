import java.lang.foreign.*;
import java.lang.invoke.*;
import static java.lang.foreign.ValueLayout.*;
public class FfmProbe {
    static final Linker L = Linker.nativeLinker();
    static final SymbolLookup C = L.defaultLookup();
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    static final StructLayout STATE = Linker.Option.captureStateLayout();
    static MethodHandle h(String n, FunctionDescriptor d) { return L.downcallHandle(C.find(n).orElseThrow(), d, ERRNO); }
    static final MethodHandle GETPID = h("getpid", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle PIPE2 = h("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle READ = h("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle WRITE = h("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle EC1 = h("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle ECTL = h("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle EWAIT = h("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    static final MethodHandle SIGFD = h("signalfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle SIGMASK = h("sigprocmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final StructLayout EVENT = MemoryLayout.structLayout(JAVA_INT.withName("events"), JAVA_LONG_UNALIGNED.withName("data")).withName("epoll_event");
    static final VarHandle EV_EVENTS = EVENT.varHandle(MemoryLayout.PathElement.groupElement("events"));
    static final VarHandle EV_DATA = EVENT.varHandle(MemoryLayout.PathElement.groupElement("data"));
    public static void main(String[] a) throws Throwable {
        long t0 = Long.parseLong(System.getProperty("t0", "0"));
        Arena ar = Arena.ofConfined();
        MemorySegment st = ar.allocate(STATE);
        int pid = (int) GETPID.invokeExact(st);
        long first = System.currentTimeMillis();
        MemorySegment fds = ar.allocate(JAVA_INT, 2);
        int r = (int) PIPE2.invokeExact(st, fds, 0);
        int p0 = fds.getAtIndex(JAVA_INT, 0), p1 = fds.getAtIndex(JAVA_INT, 1);
        MemorySegment ev = ar.allocate(EVENT);
        EV_EVENTS.set(ev, 0L, 1); EV_DATA.set(ev, 0L, (long) p0);
        int ep = (int) EC1.invokeExact(st, 0); r = (int) ECTL.invokeExact(st, ep, 1, p0, ev);
        MemorySegment mask = ar.allocate(128); mask.set(JAVA_LONG, 0, 1L << (15 - 1));
        r = (int) SIGMASK.invokeExact(st, 0, mask, MemorySegment.NULL); int sfd = (int) SIGFD.invokeExact(st, -1, mask, 0);
        MemorySegment b = ar.allocate(4096);
        long w = (long) WRITE.invokeExact(st, p1, b, 1L);
        MemorySegment evs = ar.allocate(EVENT, 32); int n = (int) EWAIT.invokeExact(st, ep, evs, 32, 0);
        System.out.println("first-call-ms=" + (first - t0) + " pid=" + pid + " ready=" + n + " sfd=" + sfd);
        w = (long) READ.invokeExact(st, p0, b, 1L);
        if (Boolean.getBoolean("bench")) bench(st, b, p0, p1);
        if (a.length > 0) Thread.sleep(Long.parseLong(a[0]));
    }
    static void bench(MemorySegment st, MemorySegment seg, int p0, int p1) throws Throwable {
        // as the monitor would: read into a native buffer, copy out to a byte[]
        byte[] buf = new byte[4096]; byte[] one = new byte[64];
        long n = 0, end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) {
            MemorySegment.copy(one, 0, seg, JAVA_BYTE, 0, 64);
            long w = (long) WRITE.invokeExact(st, p1, seg, 64L);
            long r = (long) READ.invokeExact(st, p0, seg, 4096L);
            MemorySegment.copy(seg, JAVA_BYTE, 0, buf, 0, (int) r);
            n++;
        }
        System.out.println("write+read pairs/s=" + n / 2);
    }
}
