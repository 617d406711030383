package io.conmonj.host.lifecycle;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The monitor's side of the handshake with the native launcher (bin/conmon,
 * src/main/c/launcher.c). The launcher passes, in CONMONJ_LAUNCH
 * ("VERDICT_FD;START_READ;FD,FD,..."), the pipe on which it waits for our
 * verdict, whether it already consumed start byte #1, and the fds it had
 * inherited from its caller. Without that variable (the JVM started by hand)
 * there is nobody to answer and nothing was read yet.
 */
public final class LauncherLink {
    public static final String ENV = "CONMONJ_LAUNCH";

    private final int verdictFd;
    private final boolean startPipeConsumed;
    private final Set<Integer> inheritedFds;

    private LauncherLink(int verdictFd, boolean startPipeConsumed, Set<Integer> inheritedFds) {
        this.verdictFd = verdictFd;
        this.startPipeConsumed = startPipeConsumed;
        this.inheritedFds = Collections.unmodifiableSet(inheritedFds);
    }

    public static LauncherLink fromEnvironment() {
        String value = System.getenv(ENV);
        if (value == null) {
            return new LauncherLink(-1, false, new LinkedHashSet<>());
        }
        String[] parts = value.split(";", -1);
        Set<Integer> fds = new LinkedHashSet<>();
        if (parts.length > 2 && !parts[2].isEmpty()) {
            for (String fd : parts[2].split(",")) {
                fds.add(Integer.parseInt(fd));
            }
        }
        int verdictFd = Integer.parseInt(parts[0]);
        fds.remove(verdictFd);
        return new LauncherLink(verdictFd, parts.length > 1 && parts[1].equals("1"), fds);
    }

    /** True if the launcher already read start byte #1 (it always does when the pipe is valid). */
    public boolean startPipeConsumed() {
        return startPipeConsumed;
    }

    /** The fds conmon's caller passed to us, at their numbers (conmon-behaviour.md §2 step 2, §4.2). */
    public Set<Integer> inheritedFds() {
        return inheritedFds;
    }

    /** Arguments valid, logs open, -P written: the launcher exits 0 and we carry on detached. */
    public void daemonized() {
        send(new byte[] {'D'});
    }

    /** --sync: the launcher stays and relays our exit status. */
    public void synchronous() {
        send(new byte[] {'S'});
    }

    /** The launcher exits with this status; the message was already printed on stderr. */
    public void exitWith(int status) {
        send(new byte[] {'E', (byte) status});
    }

    private void send(byte[] verdict) {
        if (verdictFd < 0) {
            return;
        }
        try {
            Sys.writeAll(verdictFd, verdict);
        } catch (NativeCallException e) {
            // the launcher is gone (killed); there is nobody left to tell
        }
        Sys.closeQuietly(verdictFd);
    }
}
