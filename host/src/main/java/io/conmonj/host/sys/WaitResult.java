package io.conmonj.host.sys;

/** A child reaped by waitpid, with the raw status word decoded the way conmon does. */
public record WaitResult(int pid, int rawStatus) {
    public static final WaitResult NONE = new WaitResult(0, 0);
    public static final WaitResult NO_CHILDREN = new WaitResult(-1, 0);

    public boolean reaped() {
        return pid > 0;
    }

    public boolean exited() {
        return (rawStatus & 0x7f) == 0;
    }

    public boolean signaled() {
        int low = rawStatus & 0x7f;
        return low != 0 && low != 0x7f;
    }

    /**
     * Exit code, 128 + signal number if killed by a signal, -1 otherwise
     * (conmon-behaviour.md §10.3).
     */
    public int exitStatus() {
        if (exited()) {
            return (rawStatus >> 8) & 0xff;
        }
        if (signaled()) {
            return 128 + (rawStatus & 0x7f);
        }
        return -1;
    }
}
