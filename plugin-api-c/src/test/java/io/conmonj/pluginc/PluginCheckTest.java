package io.conmonj.pluginc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * conmon-plugin-check (target/dist/bin, built from src/main/c/host/plugin-check.c) against real plugins: both
 * examples pass it; broken.so, a crashing and a looping plugin, a plugin of another ABI and an unsafe file are
 * each caught with the rule they break.
 */
class PluginCheckTest {
    static final Path CHECK = Path.of(System.getProperty("conmonj.plugin.check", "target/dist/bin/conmon-plugin-check"))
            .toAbsolutePath();

    @TempDir
    Path tmp;

    record Result(int status, String out) {
    }

    static Result check(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHECK.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // the scenarios are bounded inside the checker (5 s a call, 30 s a scenario); this bounds the test
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "conmon-plugin-check did not end");
        System.out.println("$ conmon-plugin-check " + String.join(" ", args) + "\n" + out);
        return new Result(p.exitValue(), out);
    }

    static String so(String name) {
        return CPluginProviderTest.so(name);
    }

    @Test
    void filePluginExamplePasses() throws Exception {
        Result r = check(so("file-plugin"), "path=" + tmp.resolve("out.log"));
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("\"file-plugin\", ABI 1, descriptor 72 bytes, reopen yes"), r.out());
        assertTrue(r.out().endsWith("no rule broken\n"), r.out());
        assertTrue(Files.size(tmp.resolve("out.log")) > 2 << 20, "the records reached the plugin's file");
    }

    @Test
    void socketPluginExamplePasses() throws Exception {
        Path sock = tmp.resolve("collector.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(sock))) {
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                while (true) {
                    try (SocketChannel c = server.accept()) { // one connection per scenario
                        while (c.read(buf.clear()) >= 0) {
                            // a collector that keeps up
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Result r = check(so("socket-plugin"), "address=unix://" + sock);
            assertEquals(0, r.status(), r.out());
            assertTrue(r.out().endsWith("no rule broken\n"), r.out());
            server.close();
            reader.join(5000);
        }
    }

    @Test
    void brokenPluginIsCaughtRuleByRule() throws Exception {
        Result r = check(so("broken"));
        assertEquals(1, r.status(), r.out());
        for (String rule : List.of(
                "warning the descriptor has no name",
                "BROKEN  write returned 7: not a status of enum conmon_log_status (OK 0, RETRY 1, FATAL 2)",
                "BROKEN  write wrote past errlen (256 bytes) into errbuf",
                "BROKEN  write left errbuf without a NUL within errlen",
                "BROKEN  write changed the record's data (it is const and host-owned)",
                "BROKEN  flush returned FATAL without an error message in errbuf")) {
            assertTrue(r.out().contains(rule), "not reported: " + rule);
        }
        assertTrue(r.out().endsWith(" rule(s) broken\n"), r.out());
    }

    @Test
    void crashIsCaughtWithTheCallItHappenedIn() throws Exception {
        Result r = check(so("faulty"), "fault=segv", "after=3");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("BROKEN  crashed with signal 11 (Segmentation fault) in write"), r.out());
        assertTrue(r.out().contains("ok     large"), "the scenarios after a crash still run: " + r.out());
    }

    @Test
    void aCallThatNeverReturnsIsCaughtAtTheMonitorsDeadline() throws Exception {
        Result r = check(so("faulty"), "fault=init-hang");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("BROKEN  init did not return within 5 s: the monitor's default call-timeout would end the"
                + " plugin"), r.out());
    }

    @Test
    void otherAbiIsRefusedAsTheMonitorRefusesIt() throws Exception {
        Result r = check(so("abi-2"));
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("log plugin " + so("abi-2") + " speaks ABI 2, conmon-j speaks 1"), r.out());
        Result noWrite = check(so("no-write"));
        assertTrue(noWrite.out().contains("its descriptor has no write function (NULL)"), noWrite.out());
    }

    @Test
    void unsafeFileIsRefusedBeforeLoading() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("open"));
        Path so = dir.resolve("marker.so");
        Files.copy(Path.of(so("marker")), so, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Result r = check(so.toString());
        assertEquals(1, r.status(), r.out());
        assertEquals("BROKEN cannot open log plugin " + so + ": its directory is writable by group or others (refused)\n",
                r.out());
        assertTrue(!Files.exists(Path.of(so + ".ran")), "the plugin's constructor ran");
    }

    @Test
    void usage() throws Exception {
        Result r = check();
        assertEquals(2, r.status());
        assertTrue(r.out().startsWith("usage: conmon-plugin-check PLUGIN.so [key=value...]"), r.out());
    }
}
