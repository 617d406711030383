package io.conmonj.it;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One conmon invocation, driven the way Podman drives it: SEQPACKET socketpairs at fds 3 (sync) and 4 (start)
 * placed with posix_spawn, the start byte, sync-pipe JSON, {@code runc start}, the exit file. Always cleans up
 * ({@code runc delete -f}, leftover launcher / monitor killed) in {@link #close()}.
 */
final class ConmonRun implements AutoCloseable {
    final MonitorUnderTest monitor;
    final Fixtures.Bundle bundle;
    final String cid;
    final Path dir;
    final Path exitDir;
    final Path persistDir;
    final Path log;
    final Path conmonPidfile;
    final Path launcherOut;
    final Path launcherErr;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> extraEnv = new TreeMap<>();
    private int launcherPid = -1;
    private Integer launcherStatus;
    private int syncFd = -1;
    private int startFd = -1;
    private boolean withStartPipe = true;
    private int preserved;
    private boolean stdioPipe;
    private int stdioFd = -1;
    private int[] preservedParentFds = new int[0];
    private long startByteNanos;
    private boolean withAttachPipe;
    private int attachPipeFd = -1;
    private boolean deleteContainer = true;

    ConmonRun(MonitorUnderTest monitor, Fixtures.Bundle bundle) {
        this.monitor = monitor;
        this.bundle = bundle;
        this.cid = bundle.cid();
        this.dir = bundle.dir();
        this.exitDir = dir.resolve("exits");
        this.persistDir = dir.resolve("persist");
        this.log = dir.resolve("ctr.log");
        this.conmonPidfile = dir.resolve("conmon.pid");
        this.launcherOut = dir.resolve("launcher.out");
        this.launcherErr = dir.resolve("launcher.err");
        try {
            Files.createDirectories(exitDir);
            Files.createDirectories(persistDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Podman-like create argv (api-version 1, full-attach, --log-level warning as Podman passes, private runc root). */
    ConmonRun podmanArgs() {
        args.addAll(List.of("--api-version", "1", "-c", cid, "-u", cid, "-r", Fixtures.RUNC, "-b", dir.toString(),
                "-p", dir.resolve("pidfile").toString(), "-n", "name-" + cid, "--exit-dir", exitDir.toString(),
                "--persist-dir", persistDir.toString(), "--full-attach", "--log-level", "warning",
                "--runtime-arg", "--root", "--runtime-arg", Fixtures.get().runcRoot.toString(),
                "--conmon-pidfile", conmonPidfile.toString()));
        return this;
    }

    ConmonRun k8sLog() { return args("-l", "k8s-file:" + log); }

    ConmonRun args(String... more) {
        args.addAll(List.of(more));
        return this;
    }

    ConmonRun env(String k, String v) {
        extraEnv.put(k, v);
        return this;
    }

    /**
     * Passes n extra SEQPACKET socket ends at fds 3..3+n-1 (Podman's --preserve-fds layout); the sync and start
     * pipes then move to 3+n and 4+n. Our ends are returned by {@link #preservedFd(int)}.
     */
    ConmonRun preserveFds(int n) {
        preserved = n;
        return this;
    }

    int preservedFd(int i) { return preservedParentFds[i]; }

    /** Gives the launcher one socket as stdout+stderr (like Podman's buffers) instead of files; see {@link #stdioFd()}. */
    ConmonRun stdioPipe() {
        stdioPipe = true;
        return this;
    }

    int stdioFd() { return stdioFd; }

    ConmonRun noStartPipe() {
        withStartPipe = false;
        return this;
    }

    List<String> argv() { return List.copyOf(args); }

    /** Exec's third pipe ({@code _OCI_ATTACHPIPE}, right after the start pipe), as Podman passes it. */
    ConmonRun attachPipe() {
        withAttachPipe = true;
        return this;
    }

    /** For a run against someone else's container (exec): close() must not {@code runc delete} it. */
    ConmonRun keepContainer() {
        deleteContainer = false;
        return this;
    }

    /** Reads one attach-pipe message (exec: {"data": 0} once the attach socket listens). */
    Json.SyncMessage readAttachPipe(Duration timeout) {
        if (!Libc.pollIn(attachPipeFd, (int) timeout.toMillis()))
            throw new AssertionError(monitor + ": no attach-pipe message within " + timeout + "; stderr: " + stderr());
        byte[] buf = new byte[65536];
        long n = Libc.C.read(attachPipeFd, buf, buf.length);
        if (n <= 0) throw new AssertionError(monitor + ": attach pipe EOF/error " + n + "; stderr: " + stderr());
        return Json.SyncMessage.parse(new String(buf, 0, (int) n, StandardCharsets.ISO_8859_1));
    }

    /** Connects to BUNDLE/attach like Podman (O_PATH + /proc/self/fd/N). */
    Attach attach() { return Attach.connect(dir.resolve("attach")); }

    /** Writes one message to BUNDLE/ctl the way Podman opens it (O_WRONLY|O_NONBLOCK: ENXIO if nobody reads). */
    void ctl(String line) {
        int fd = Libc.C.open(dir.resolve("ctl").toString(), Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw new AssertionError(monitor + ": open ctl: errno " + Native.getLastError());
        try {
            byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
            long n = Libc.C.write(fd, b, b.length);
            if (n != b.length) throw new AssertionError(monitor + ": ctl write " + n + " errno " + Native.getLastError());
        } finally {
            Libc.C.close(fd);
        }
    }

    /** Spawns the binary with the child ends at fds 3 (sync) and 4 (start), in its own process group. */
    ConmonRun spawn() {
        monitor.requirePresent();
        int[] sync = Libc.seqpacketPair();
        int[] start = withStartPipe ? Libc.seqpacketPair() : null;
        int[] attachP = withAttachPipe ? Libc.seqpacketPair() : null;
        if (attachP != null) attachPipeFd = attachP[0];
        int[][] extra = new int[preserved][];
        preservedParentFds = new int[preserved];
        for (int i = 0; i < preserved; i++) {
            extra[i] = Libc.seqpacketPair();
            preservedParentFds[i] = extra[i][0];
        }
        int syncNo = 3 + preserved, startNo = 4 + preserved, attachNo = (start != null ? startNo : syncNo) + 1;
        int[] stdio = stdioPipe ? Libc.seqpacketPair() : null;
        if (stdio != null) stdioFd = stdio[0];
        syncFd = sync[0];
        if (start != null) startFd = start[0];
        Memory fa = Libc.alloc(256), attr = Libc.alloc(1024), sigs = Libc.alloc(256), sigdef = Libc.alloc(256);
        Libc c = Libc.C;
        try {
            c.posix_spawn_file_actions_init(fa);
            // cwd = the run dir: relative paths a monitor writes (2.1.6 writes "oom" into its cwd) stay private
            c.posix_spawn_file_actions_addchdir_np(fa, dir.toString());
            c.posix_spawn_file_actions_addopen(fa, 0, "/dev/null", Libc.O_RDONLY, 0);
            if (stdio != null) {
                c.posix_spawn_file_actions_adddup2(fa, stdio[1], 1);
                c.posix_spawn_file_actions_adddup2(fa, stdio[1], 2);
            } else {
                c.posix_spawn_file_actions_addopen(fa, 1, launcherOut.toString(), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC, 0644);
                c.posix_spawn_file_actions_addopen(fa, 2, launcherErr.toString(), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC, 0644);
            }
            for (int i = 0; i < preserved; i++) c.posix_spawn_file_actions_adddup2(fa, extra[i][1], 3 + i);
            c.posix_spawn_file_actions_adddup2(fa, sync[1], syncNo);
            if (start != null) c.posix_spawn_file_actions_adddup2(fa, start[1], startNo);
            if (attachP != null) c.posix_spawn_file_actions_adddup2(fa, attachP[1], attachNo);
            c.posix_spawn_file_actions_addclosefrom_np(fa, attachP != null ? attachNo + 1 : start != null ? startNo + 1 : syncNo + 1);
            c.posix_spawnattr_init(attr);
            c.sigemptyset(sigs);
            c.posix_spawnattr_setsigmask(attr, sigs);
            c.sigfillset(sigdef);
            c.posix_spawnattr_setsigdefault(attr, sigdef);
            c.posix_spawnattr_setflags(attr, (short) (Libc.POSIX_SPAWN_SETPGROUP | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF));
            c.posix_spawnattr_setpgroup(attr, 0);
            List<String> argv = new ArrayList<>();
            argv.add(monitor.binary().toString());
            argv.addAll(args);
            Map<String, String> env = new TreeMap<>(System.getenv());
            env.remove("NOTIFY_SOCKET");
            env.put("_OCI_SYNCPIPE", Integer.toString(syncNo));
            if (start != null) env.put("_OCI_STARTPIPE", Integer.toString(startNo));
            if (attachP != null) env.put("_OCI_ATTACHPIPE", Integer.toString(attachNo));
            env.putAll(extraEnv);
            List<String> envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            IntByReference pid = new IntByReference();
            int rc = c.posix_spawn(pid, monitor.binary().toString(), fa, attr,
                    new StringArray(argv.toArray(String[]::new)), new StringArray(envp.toArray(String[]::new)));
            if (rc != 0) throw new IllegalStateException("posix_spawn " + monitor.binary() + " failed: " + rc);
            launcherPid = pid.getValue();
        } finally {
            c.posix_spawn_file_actions_destroy(fa);
            c.posix_spawnattr_destroy(attr);
            c.close(sync[1]);
            if (start != null) c.close(start[1]);
            if (attachP != null) c.close(attachP[1]);
            for (int[] e : extra) c.close(e[1]);
            if (stdio != null) c.close(stdio[1]);
        }
        return this;
    }

    /** Writes Podman's single 0x00 start byte. */
    ConmonRun sendStart() {
        startByteNanos = System.nanoTime();
        if (Libc.C.write(startFd, new byte[] {0}, 1) != 1) {
            int errno = Native.getLastError();
            boolean exited = launcherExited();
            throw new AssertionError(monitor + ": start byte write failed: errno " + errno + (exited ? "; launcher already exited "
                    + launcherStatus : "") + "; stdout: " + stdout() + "; stderr: " + stderr());
        }
        return this;
    }

    /**
     * Writes the start byte the way Podman does for every conmon it starts (right after moving it into its
     * cgroup), tolerating a monitor that already exited. Validation cases need it: conmon-j's launcher must
     * read the start byte before the monitor JVM exists (so the JVM is created inside the cgroup Podman moved
     * the launcher to), so it checks the arguments after the byte, while the C conmon checks them before.
     * Both report the same message and status to a caller that behaves like Podman or CRI-O.
     */
    ConmonRun offerStart() {
        startByteNanos = System.nanoTime();
        Libc.C.write(startFd, new byte[] {0}, 1);
        return this;
    }

    long startByteNanos() { return startByteNanos; }

    int launcherPid() { return launcherPid; }

    /** Waits for the spawned process; returns exit code, or 128+signal. Throws on timeout. */
    int waitLauncher(Duration timeout) {
        if (launcherStatus != null) return launcherStatus;
        long deadline = System.nanoTime() + timeout.toNanos();
        IntByReference st = new IntByReference();
        while (true) {
            int r = Libc.C.waitpid(launcherPid, st, Libc.WNOHANG);
            if (r == launcherPid) {
                int s = st.getValue();
                launcherStatus = (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
                return launcherStatus;
            }
            if (r < 0) throw new IllegalStateException("waitpid failed: errno " + Native.getLastError());
            if (System.nanoTime() > deadline)
                throw new AssertionError(monitor + ": process " + launcherPid + " did not exit within " + timeout);
            sleep(5);
        }
    }

    boolean launcherExited() {
        if (launcherStatus != null) return true;
        IntByReference st = new IntByReference();
        int r = Libc.C.waitpid(launcherPid, st, Libc.WNOHANG);
        if (r == launcherPid) {
            int s = st.getValue();
            launcherStatus = (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
            return true;
        }
        return false;
    }

    /** Reads one sync-pipe message (one SEQPACKET record); null on EOF. Throws on timeout. */
    String readSyncRaw(Duration timeout) {
        if (!Libc.pollIn(syncFd, (int) timeout.toMillis()))
            throw new AssertionError(monitor + ": no sync-pipe message within " + timeout + "; stderr: " + stderr());
        byte[] buf = new byte[65536];
        long n = Libc.C.read(syncFd, buf, buf.length);
        if (n < 0) throw new IllegalStateException("sync read failed: errno " + Native.getLastError());
        if (n == 0) return null;
        return new String(buf, 0, (int) n, StandardCharsets.ISO_8859_1);
    }

    Json.SyncMessage readSync(Duration timeout) {
        String raw = readSyncRaw(timeout);
        if (raw == null) throw new AssertionError(monitor + ": sync pipe EOF without a message; stderr: " + stderr());
        return Json.SyncMessage.parse(raw);
    }

    /** spawn + start byte + launcher exit 0 + sync PID + runc start: a running container. Returns its PID. */
    long startContainer() {
        spawn();
        sendStart();
        int st = waitLauncher(Duration.ofSeconds(20));
        if (st != 0) throw new AssertionError(monitor + ": launcher exit " + st + "; stdout: " + stdout() + "; stderr: " + stderr());
        Json.SyncMessage m = readSync(Duration.ofSeconds(30));
        if (m.value() <= 0) throw new AssertionError(monitor + ": create failed: " + m.raw());
        Fixtures.Proc p = Fixtures.runc("start", cid);
        if (p.status() != 0) throw new AssertionError("runc start failed: " + p.err());
        return m.value();
    }

    /** Waits for exit-dir/CID and returns its exact content. */
    String awaitExitFile(Duration timeout) {
        return awaitFile(exitDir.resolve(cid), timeout);
    }

    static String awaitFile(Path f, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(f)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no " + f + " within " + timeout);
            sleep(20);
        }
        try {
            String s = Files.readString(f, StandardCharsets.ISO_8859_1);
            if (s.isEmpty()) throw new AssertionError(f + " seen empty: not written atomically (temp file + rename)");
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PID of the monitor from -P, or -1. */
    int monitorPid() {
        try {
            return Files.exists(conmonPidfile) ? Integer.parseInt(Files.readString(conmonPidfile).strip()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Waits until the monitor (from -P) is gone; true if it went away within the timeout. */
    boolean awaitMonitorGone(Duration timeout) {
        int pid = monitorPid();
        if (pid <= 0) return true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive(pid)) {
            if (System.nanoTime() > deadline) return false;
            sleep(20);
        }
        return true;
    }

    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // a zombie counts as gone: state field follows the ") "
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    String stderr() { return read(launcherErr); }

    String stdout() { return read(launcherOut); }

    byte[] logBytesIfAny() {
        return Files.exists(log) ? logBytes() : new byte[0];
    }

    byte[] logBytes() {
        try {
            return Files.readAllBytes(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (deleteContainer) {
            try {
                Fixtures.runc("delete", "-f", cid);
            } catch (Throwable ignored) {
            }
        }
        if (launcherPid > 0 && !launcherExited()) {
            // its own process group (POSIX_SPAWN_SETPGROUP): takes helpers like a wrapper script's child along;
            // a properly daemonized monitor has left the group through setsid()
            Libc.C.kill(-launcherPid, Libc.SIGKILL);
            Libc.C.kill(launcherPid, Libc.SIGKILL);
            try {
                waitLauncher(Duration.ofSeconds(10));
            } catch (Throwable ignored) {
            }
        }
        // The monitor should leave by itself once the container is gone; kill it if it lingers.
        if (!awaitMonitorGone(Duration.ofSeconds(5))) Libc.C.kill(monitorPid(), Libc.SIGKILL);
        for (int fd : preservedParentFds) Libc.C.close(fd);
        if (stdioFd >= 0) Libc.C.close(stdioFd);
        stdioFd = -1;
        preservedParentFds = new int[0];
        if (syncFd >= 0) Libc.C.close(syncFd);
        if (startFd >= 0) Libc.C.close(startFd);
        if (attachPipeFd >= 0) Libc.C.close(attachPipeFd);
        syncFd = startFd = attachPipeFd = -1;
    }

    @Override public String toString() { return monitor + " " + cid + " " + Arrays.toString(args.toArray()); }

    /** Removes an option and its value (the options named in {@code drop} all take a value, except --api-version). */
    static List<String> without(List<String> argv, List<String> drop) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            if (drop.contains(argv.get(i))) {
                if (!argv.get(i).equals("--api-version")) i++;
                else if (i + 1 < argv.size() && argv.get(i + 1).equals("1")) i++;
                continue;
            }
            out.add(argv.get(i));
        }
        return out;
    }
}
