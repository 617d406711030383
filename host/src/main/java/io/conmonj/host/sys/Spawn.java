package io.conmonj.host.sys;

import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * posix_spawn with exact control of the child's descriptors: the fds named in
 * {@link #dup} land at their target numbers, the fds in {@link #inherit} stay
 * open at their own numbers, and every other descriptor of this JVM is closed
 * on exec. The child starts with an empty signal mask.
 *
 * posix_spawn (clone with CLONE_VFORK in glibc) is the only safe way for a
 * JVM to start a process with this control; anything that must run between
 * fork and exec is done by the conmon-j-exec helper instead.
 */
public final class Spawn {
    private static final int SPAWN_SETSIGMASK = 0x08, SPAWN_SETSIGDEF = 0x04, SPAWN_SETSID = 0x80;
    private static final int ACTIONS_SIZE = 512, ATTR_SIZE = 512;

    private final String path;
    private final List<String> argv = new ArrayList<>();
    private final Map<Integer, Integer> dups = new LinkedHashMap<>();
    private final Set<Integer> inherited = new TreeSet<>();
    private Map<String, String> env = System.getenv();
    private boolean newSession;

    public Spawn(String path, List<String> argv) {
        this.path = path;
        this.argv.addAll(argv);
    }

    /** Places {@code fd} at number {@code target} in the child. */
    public Spawn dup(int fd, int target) {
        dups.put(target, fd);
        return this;
    }

    /** Keeps these fds open in the child at the same numbers. */
    public Spawn inherit(Set<Integer> fds) {
        inherited.addAll(fds);
        return this;
    }

    public Spawn environment(Map<String, String> environment) {
        this.env = environment;
        return this;
    }

    public Spawn newSession() {
        this.newSession = true;
        return this;
    }

    /** Starts the child and returns its pid. */
    public int start() throws NativeCallException {
        markOthersCloseOnExec();
        NativeMemory actions = new NativeMemory(ACTIONS_SIZE);
        NativeMemory attr = new NativeMemory(ATTR_SIZE);
        spawnCheck("posix_spawn_file_actions_init", LibC.posix_spawn_file_actions_init(actions));
        try {
            spawnCheck("posix_spawnattr_init", LibC.posix_spawnattr_init(attr));
            try {
                for (Map.Entry<Integer, Integer> dup : dups.entrySet()) {
                    spawnCheck("posix_spawn_file_actions_adddup2",
                            LibC.posix_spawn_file_actions_adddup2(actions, dup.getValue(), dup.getKey()));
                }
                short flags = SPAWN_SETSIGMASK | SPAWN_SETSIGDEF;
                if (newSession) {
                    flags |= SPAWN_SETSID;
                }
                spawnCheck("posix_spawnattr_setflags", LibC.posix_spawnattr_setflags(attr, flags));
                spawnCheck("posix_spawnattr_setsigmask",
                        LibC.posix_spawnattr_setsigmask(attr, new SignalSet().native_));
                spawnCheck("posix_spawnattr_setsigdefault", LibC.posix_spawnattr_setsigdefault(attr,
                        new SignalSet(Sys.SIGCHLD, Sys.SIGTERM, Sys.SIGINT, Sys.SIGQUIT, Sys.SIGUSR1).native_));
                int[] pid = new int[1];
                spawnCheck("posix_spawn " + path, LibC.posix_spawn(pid, path, actions, attr,
                        argv.toArray(new String[0]), envp()));
                return pid[0];
            } finally {
                LibC.posix_spawnattr_destroy(attr);
            }
        } finally {
            LibC.posix_spawn_file_actions_destroy(actions);
        }
    }

    private String[] envp() {
        String[] out = new String[env.size()];
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            out[i++] = e.getKey() + "=" + e.getValue();
        }
        return out;
    }

    /**
     * The JDK opens some descriptors without O_CLOEXEC; make sure only the
     * fds we chose reach the child.
     */
    private void markOthersCloseOnExec() throws NativeCallException {
        String[] open = new File("/proc/self/fd").list();
        if (open == null) {
            throw new NativeCallException("opendir /proc/self/fd", Sys.errno());
        }
        for (String name : open) {
            int fd = Integer.parseInt(name);
            if (fd <= 2 || !Sys.isOpen(fd)) {
                continue; // 0-2 are replaced by dups or kept; the listing's own fd is gone by now
            }
            Sys.setCloseOnExec(fd, !inherited.contains(fd));
        }
    }

    /** posix_spawn* return the error number instead of setting errno. */
    private static void spawnCheck(String call, int result) throws NativeCallException {
        if (result != 0) {
            throw new NativeCallException(call, result);
        }
    }
}
