package io.conmonj.drivers.contrib.net;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's host name, as Docker's daemon gives it to its drivers ({@code os.Hostname()}, which reads
 * {@code /proc/sys/kernel/hostname} on Linux): the monitor runs in the host's UTS namespace. Elsewhere, the JDK's
 * look-up. What a driver does when neither works is its own choice.
 */
public final class HostName {
    private HostName() {
    }

    public static String find() throws IOException {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux's /proc: ask the JDK
        }
        return InetAddress.getLocalHost().getHostName();
    }
}
