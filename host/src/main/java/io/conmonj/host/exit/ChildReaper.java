package io.conmonj.host.exit;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.WaitResult;

import java.util.HashMap;
import java.util.Map;

/**
 * Reaps every child the monitor has: its own (runtime, exit command) and, as
 * a child subreaper, the container processes reparented to it. Statuses are
 * remembered by pid because the container can exit before its pid has been
 * read from the pidfile (conmon-behaviour.md §14).
 */
public final class ChildReaper {
    private final Map<Integer, Integer> statuses = new HashMap<>();
    private boolean noChildren;

    /** Reaps all children that have exited, without blocking. */
    public void reapAvailable() throws NativeCallException {
        while (true) {
            WaitResult result = Sys.waitAnyNoHang();
            if (!result.reaped()) {
                noChildren = result == WaitResult.NO_CHILDREN;
                return;
            }
            statuses.put(result.pid(), result.exitStatus());
        }
    }

    /** The exit status of {@code pid} if it has been reaped (conmon-behaviour.md §10.3), else null. */
    public Integer statusOf(int pid) {
        return statuses.get(pid);
    }

    /** True if the last reap found no children at all (ECHILD). */
    public boolean noChildrenLeft() {
        return noChildren;
    }

    /** Blocks until every child is gone (the end of conmon's exit path). */
    public void reapAll() throws NativeCallException {
        while (true) {
            WaitResult result = Sys.waitAny();
            if (!result.reaped()) {
                return;
            }
            statuses.put(result.pid(), result.exitStatus());
        }
    }
}
