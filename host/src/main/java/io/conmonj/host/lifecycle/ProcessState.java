package io.conmonj.host.lifecycle;

import io.conmonj.host.Diagnostics;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What this monitor process holds for its container's whole life: the fds it
 * inherited from Podman, its own pipes to Podman, /dev/null, the environment
 * its children get, and the oom_score_adj to give back to them.
 */
public final class ProcessState implements SessionMonitor.MonitorContext {
    private static final Path OOM_SCORE_ADJ = Path.of("/proc/self/oom_score_adj");

    private final Path installRoot;
    private final Set<Integer> inherited;
    private final Set<Integer> ownPipes = new LinkedHashSet<>();
    private final int devNull;
    private SyncPipe syncPipe = new SyncPipe(-1, "data");
    private SyncPipe attachPipe = new SyncPipe(-1, "data");
    private int startPipeFd = -1;
    private String originalOomScoreAdj;
    private GuardianLink guardian = GuardianLink.absent();

    public ProcessState(Path installRoot, Set<Integer> inherited) throws NativeCallException {
        this.installRoot = installRoot;
        this.inherited = new LinkedHashSet<>(inherited);
        this.devNull = Sys.open("/dev/null", Sys.O_RDWR | Sys.O_CLOEXEC, 0);
    }

    /** Marks one of Podman's pipes (_OCI_*) as ours: close-on-exec, never passed to the runtime. */
    public void ownPipe(int fd) throws NativeCallException {
        Sys.setCloseOnExec(fd, true);
        ownPipes.add(fd);
    }

    public void useGuardian(GuardianLink guardian) {
        this.guardian = guardian;
    }

    @Override
    public GuardianLink guardian() {
        return guardian;
    }

    public void useSyncPipe(SyncPipe pipe) {
        this.syncPipe = pipe;
    }

    public void useAttachPipe(SyncPipe pipe) {
        this.attachPipe = pipe;
    }

    /** Keeps the start pipe for byte #2 (--exec-attach). */
    public void keepStartPipe(int fd) {
        this.startPipeFd = fd;
    }

    /** conmon protects itself from the OOM killer and restores the old value in its children (conmon-behaviour.md §2 step 4). */
    public void protectFromOomKiller() {
        try {
            originalOomScoreAdj = Files.readString(OOM_SCORE_ADJ).strip();
            Files.writeString(OOM_SCORE_ADJ, "-1000");
        } catch (IOException e) {
            Diagnostics.debug("Failed to set oom_score_adj: " + e.getMessage());
        }
    }

    @Override
    public void detachStdio() throws NativeCallException {
        for (int fd = 0; fd <= 2; fd++) {
            Sys.dup2(devNull, fd);
        }
    }

    @Override
    public Path execHelper() {
        return installRoot.resolve("libexec/conmon-j-exec");
    }

    @Override
    public int devNull() {
        return devNull;
    }

    @Override
    public SyncPipe syncPipe() {
        return syncPipe;
    }

    @Override
    public SyncPipe attachPipe() {
        return attachPipe;
    }

    @Override
    public int startPipeFd() {
        return startPipeFd;
    }

    @Override
    public Set<Integer> runtimeFds() {
        Set<Integer> fds = new LinkedHashSet<>(inherited);
        fds.removeAll(ownPipes);
        return fds;
    }

    @Override
    public Map<String, String> childEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove(LauncherLink.ENV);
        return env;
    }

    @Override
    public String originalOomScoreAdj() {
        return originalOomScoreAdj;
    }

    @Override
    public void closeInheritedFds() {
        for (int fd : runtimeFds()) {
            Sys.closeQuietly(fd);
        }
    }
}
