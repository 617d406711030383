package io.conmonj.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/**
 * {@code --version} output (conmon-behaviour.md §1.5): exactly two lines on stdout,
 * {@code conmon version 2.2.1} and {@code commit: conmon-j <project version>}. The first line is
 * what Podman and containers-common match ({@code ^conmon version (\d+).(\d+).(\d+)}), so it
 * reports the conmon release we are compatible with, not our own version. Both values come from
 * the Maven-filtered {@code io/conmonj/host/version.properties}.
 */
public final class Version {
    private static final String RESOURCE = "/io/conmonj/host/version.properties";

    private final String compatVersion;
    private final String projectVersion;

    private Version(String compatVersion, String projectVersion) {
        this.compatVersion = compatVersion;
        this.projectVersion = projectVersion;
    }

    /** Loads the versions from the classpath; missing values become {@code unknown}. */
    public static Version load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Fall through to "unknown": --version must still answer.
        }
        return new Version(value(p, "version"), value(p, "project.version"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        // An unfiltered "${...}" placeholder means the build did not set it.
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v.trim();
    }

    /** The conmon version we claim, e.g. {@code 2.2.1}. */
    public String compatVersion() {
        return compatVersion;
    }

    /** conmon-j's own (Maven project) version. */
    public String projectVersion() {
        return projectVersion;
    }

    /** Both lines, each terminated by {@code \n}. */
    public String text() {
        return "conmon version " + compatVersion + "\ncommit: conmon-j " + projectVersion + "\n";
    }

    /** Prints {@link #text()} on {@code out} (conmon uses stdout) and flushes. */
    public void print(PrintStream out) {
        out.print(text());
        out.flush();
    }
}
