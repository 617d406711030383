package io.conmonj.host.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * What a hibernating monitor leaves with its guardian for the JVM that resumes it (docs/reliability.md,
 * "Hibernation"): the descriptors it watched, each under a role, in the guardian's {@code 'H'} record, and a
 * small text of its own (the container's pid, the OOM watch's counters) that the guardian keeps without reading.
 *
 * <p>On the way out the fds are the JVM's numbers; on the way back ({@code CONMONJ_RESUME="FDS;STATE"}) they are
 * the guardian's copies, inherited at the guardian's numbers, in the same order. FDS is a comma-separated list of
 * {@code NUMBER MODE}, MODE {@code w} (the guardian wakes the monitor when it is readable) or {@code k} (kept
 * only). STATE is {@code key=value} lines; its first line names its version, and a JVM that does not know the
 * version refuses to resume (a package upgraded while a container slept): the guardian then takes over.
 */
public final class ResumeState {
    public static final String ENV = "CONMONJ_RESUME", STATUS_ENV = "CONMONJ_RESUME_STATUS";
    /** The guardian's bounds (guardian.c): entries of one hand-off, and the state text. */
    public static final int MAX_FDS = 16, MAX_STATE = 4096;
    static final String VERSION_LINE = "conmon-j-resume=1";

    /** Roles of the descriptors a monitor hands over. */
    public static final String STDOUT = "stdout", STDERR = "stderr", ATTACH = "attach", CTL_READ = "ctl",
            CTL_WRITE = "ctl-w", WINSZ_READ = "winsz", WINSZ_WRITE = "winsz-w", OOM = "oom", OOM_CONTROL = "oom-control",
            K8S_LOG = "k8s-log";

    private final List<String> roles = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();
    private final List<Boolean> wakes = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    private final int containerPid;

    public ResumeState(int containerPid) {
        this.containerPid = containerPid;
    }

    public int containerPid() {
        return containerPid;
    }

    /** Hands {@code fd} over under {@code role}; {@code wake}: an event on it wakes the monitor. */
    public void add(String role, int fd, boolean wake) {
        if (fd < 0) {
            return;
        }
        if (fds.size() == MAX_FDS) {
            throw new IllegalStateException("more than " + MAX_FDS + " descriptors to hand over");
        }
        roles.add(role);
        fds.add(fd);
        wakes.add(wake);
    }

    /** A value for the next monitor (one line: no newline, no NUL). */
    public void put(String key, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0 || key.indexOf('=') >= 0) {
            throw new IllegalArgumentException("not a one-line state value: " + key);
        }
        keys.add(key);
        values.add(value);
    }

    /** The descriptor handed over as {@code role}, or -1. */
    public int fd(String role) {
        int i = roles.indexOf(role);
        return i < 0 ? -1 : fds.get(i);
    }

    /** The value stored under {@code key}, or null. */
    public String get(String key) {
        int i = keys.indexOf(key);
        return i < 0 ? null : values.get(i);
    }

    /** Every descriptor handed over, for closing them. */
    List<Integer> fds() {
        return fds;
    }

    /** The FDS part of the guardian's record: {@code 12w,13w,15k}. */
    String fdList() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fds.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(fds.get(i)).append(wakes.get(i) ? 'w' : 'k');
        }
        return out.toString();
    }

    /** The STATE part: the version, the pid, the roles in the order of {@link #fdList()}, then the values. */
    String stateText() {
        StringBuilder out = new StringBuilder(VERSION_LINE).append('\n');
        out.append("pid=").append(containerPid).append('\n');
        out.append("roles=").append(String.join(",", roles)).append('\n');
        for (int i = 0; i < keys.size(); i++) {
            out.append(keys.get(i)).append('=').append(values.get(i)).append('\n');
        }
        if (out.length() > MAX_STATE) {
            throw new IllegalStateException("resume state of " + out.length() + " bytes (at most " + MAX_STATE + ")");
        }
        return out.toString();
    }

    /** From CONMONJ_RESUME; null when this JVM is the container's first monitor. */
    public static ResumeState fromEnvironment() throws ResumeException {
        String value = System.getenv(ENV);
        return value == null ? null : parse(value);
    }

    /** The container's status the guardian got when it reaped it before waking us (CONMONJ_RESUME_STATUS), or null. */
    public static Integer exitedStatusFromEnvironment() throws ResumeException {
        String value = System.getenv(STATUS_ENV);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ResumeException("bad " + STATUS_ENV + ": " + value);
        }
    }

    static ResumeState parse(String value) throws ResumeException {
        if (value.length() > MAX_STATE + 256) {
            throw new ResumeException(ENV + " too long (" + value.length() + " characters)");
        }
        int semicolon = value.indexOf(';');
        if (semicolon < 0) {
            throw new ResumeException(ENV + " has no state");
        }
        String[] lines = value.substring(semicolon + 1).split("\n");
        if (!lines[0].equals(VERSION_LINE)) {
            throw new ResumeException("the state left by the previous monitor is not of this version (" + lines[0]
                    + ", expected " + VERSION_LINE + ")");
        }
        ResumeState state = null;
        String[] roles = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ResumeException("bad resume state line: " + line);
            }
            String key = line.substring(0, eq), text = line.substring(eq + 1);
            if (key.equals("pid")) {
                state = new ResumeState(positive(text, "pid"));
            } else if (key.equals("roles")) {
                roles = text.isEmpty() ? new String[0] : text.split(",");
            } else if (state != null) {
                state.put(key, text);
            } else {
                throw new ResumeException("resume state: " + key + " before the pid");
            }
        }
        if (state == null || roles == null) {
            throw new ResumeException("resume state without a pid or roles");
        }
        String list = value.substring(0, semicolon);
        String[] entries = list.isEmpty() ? new String[0] : list.split(",");
        if (entries.length != roles.length || entries.length > MAX_FDS) {
            throw new ResumeException("resume state: " + entries.length + " descriptors for " + roles.length + " roles");
        }
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i];
            char mode = entry.isEmpty() ? '?' : entry.charAt(entry.length() - 1);
            if (mode != 'w' && mode != 'k') {
                throw new ResumeException("resume state: bad descriptor entry " + entry);
            }
            state.add(roles[i], nonNegative(entry.substring(0, entry.length() - 1)), mode == 'w');
        }
        return state;
    }

    private static int positive(String text, String what) throws ResumeException {
        int value = nonNegative(text);
        if (value == 0) {
            throw new ResumeException("resume state: bad " + what + " " + text);
        }
        return value;
    }

    private static int nonNegative(String text) throws ResumeException {
        try {
            int value = Integer.parseInt(text);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ResumeException("resume state: bad number " + text);
        }
    }

    /** The resume state cannot be used: the guardian takes the container over. */
    public static final class ResumeException extends Exception {
        private static final long serialVersionUID = 1L;

        public ResumeException(String message) {
            super(message);
        }
    }
}
