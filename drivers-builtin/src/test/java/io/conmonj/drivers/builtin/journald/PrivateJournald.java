package io.conmonj.drivers.builtin.journald;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real systemd-journald of this test's own: started in a private mount namespace ({@code unshare -m}: tmpfs on
 * /run/systemd and /run/log, its own journald.conf without rate limits, volatile storage), with its socket directory
 * ({@code /run/systemd/journal}) and its journal directory ({@code /run/log/journal}) bound from a temporary directory
 * of the host, so that the test's JVM sends to {@link #socket()} and
 * reads the entries with {@code journalctl -D}. The host's journal is not touched. Needs root, unshare and
 * {@code /lib/systemd/systemd-journald}; without them the test fails.
 */
final class PrivateJournald implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private final Path dir;
    private final Process process;

    PrivateJournald(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("journal"));
        Files.writeString(dir.resolve("journald.conf"), """
                [Journal]
                Storage=volatile
                RateLimitIntervalSec=0
                RateLimitBurst=0
                ForwardToSyslog=no
                ForwardToKMsg=no
                ForwardToConsole=no
                ForwardToWall=no
                """);
        String script = "set -e\n"
                + "mount -t tmpfs tmpfs /run/systemd\n"
                + "mkdir -p /run/systemd/journal\n"
                + "mount --bind \"$D/run\" /run/systemd/journal\n"
                + "mount -t tmpfs tmpfs /run/log\n"
                + "mkdir -p /run/log/journal\n"
                + "mount --bind \"$D/journal\" /run/log/journal\n"
                + "mount --bind \"$D/journald.conf\" /etc/systemd/journald.conf\n"
                + "exec /lib/systemd/systemd-journald\n";
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(dir.resolve("journald.out").toFile());
        pb.environment().put("D", dir.toString());
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket()) && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!Files.exists(socket())) {
            close();
            throw new AssertionError("private journald did not start: " + Files.readString(dir.resolve("journald.out")));
        }
    }

    /** journald's native socket, as the host sees it. */
    Path socket() {
        return dir.resolve("run/socket");
    }

    /** The fields of each entry of the container, in order (MESSAGE as raw bytes decoded as UTF-8). */
    List<Map<String, String>> entries(String containerId) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("journalctl", "-D", dir.resolve("journal").toString(), "-o", "json", "--all",
                "--no-pager", "CONTAINER_ID_FULL=" + containerId).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "journalctl finished");
        List<Map<String, String>> entries = new ArrayList<>();
        try (JsonParser jp = JSON.createParser(out)) {
            while (jp.nextToken() == JsonToken.START_OBJECT) {
                Map<String, String> e = new HashMap<>();
                while (jp.nextToken() == JsonToken.FIELD_NAME) {
                    String name = jp.currentName();
                    JsonToken t = jp.nextToken();
                    if (t == JsonToken.START_ARRAY) { // a value that is not text: an array of its bytes
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        while (jp.nextToken() != JsonToken.END_ARRAY) {
                            b.write(jp.getIntValue());
                        }
                        e.put(name, b.toString(StandardCharsets.UTF_8));
                    } else {
                        e.put(name, jp.getValueAsString());
                    }
                }
                entries.add(e);
            }
        }
        return entries;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
