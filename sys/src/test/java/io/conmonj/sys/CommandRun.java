package io.conmonj.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to its end and returns what it printed (stdout and stderr together): the C compiler and the program
 * it built, for the tests that check struct layouts declared by name against the compiler's (sys's
 * {@code LayoutsTest}, plugin-api-c's {@code AbiLayoutsTest}). A failure or 60 s without an end is an
 * {@link IOException} that names the command and shows its output.
 */
public final class CommandRun {
    private CommandRun() {}

    public static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(command + " failed: " + out);
            }
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
