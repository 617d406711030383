package io.conmonj.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared, per-JVM fixtures: a busybox-static rootfs (read-only, shared by every bundle), a {@code runc spec}
 * template, a private runc --root. Built once, deleted by a shutdown hook.
 */
final class Fixtures {
    static final String RUNC = "/usr/sbin/runc";
    private static Fixtures instance;
    private static final AtomicInteger SEQ = new AtomicInteger();

    final Path base;
    final Path rootfs;
    final Path runcRoot;
    final Path bundles;
    final byte[] allBytes = new byte[256];
    private final String specTemplate;

    static synchronized Fixtures get() {
        if (instance == null) {
            try {
                instance = new Fixtures();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private Fixtures() throws IOException {
        base = Files.createTempDirectory("conmonj-it-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> rmrf(base)));
        rootfs = base.resolve("rootfs");
        runcRoot = base.resolve("runc-root");
        bundles = base.resolve("bundles");
        Files.createDirectories(runcRoot);
        Files.createDirectories(bundles);
        Path bin = rootfs.resolve("bin");
        Files.createDirectories(bin);
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : run(List.of("/bin/busybox", "--list"), 30).out().split("\n")) {
            applet = applet.strip();
            if (applet.isEmpty() || applet.equals("busybox")) continue;
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root", "testdata"))
            Files.createDirectories(rootfs.resolve(d));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
        for (int i = 0; i < 256; i++) allBytes[i] = (byte) i;
        Files.write(rootfs.resolve("testdata/all-bytes.bin"), allBytes);
        Path spec = base.resolve("spec");
        Files.createDirectories(spec);
        Proc r = run(List.of(RUNC, "spec", "--bundle", spec.toString()), 30);
        if (r.status() != 0) throw new IOException("runc spec failed: " + r.err());
        specTemplate = Files.readString(spec.resolve("config.json"));
    }

    /** A new bundle dir with config.json running {@code args}, terminal off, rootfs = the shared one (read-only). */
    Bundle bundle(List<String> args) {
        try {
            String cid = "cj" + ProcessHandle.current().pid() + "x" + SEQ.incrementAndGet() + "x" + System.nanoTime() % 100000;
            Path dir = Files.createDirectories(bundles.resolve(cid));
            String json = specTemplate;
            json = Json.replaceScalar(json, "terminal", "false");
            json = Json.replaceArray(json, "args", args);
            json = Json.replaceScalar(json, "path", Json.quote(rootfs.toString()));
            Files.writeString(dir.resolve("config.json"), json);
            return new Bundle(cid, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Bundle sh(String script) { return bundle(List.of("/bin/sh", "-c", script)); }

    /** Like {@link #sh} but with {@code process.terminal: true} (the runtime then needs conmon's console socket). */
    Bundle shTerminal(String script) {
        Bundle b = sh(script);
        try {
            Path cfg = b.dir().resolve("config.json");
            Files.writeString(cfg, Json.replaceScalar(Files.readString(cfg), "terminal", "true"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    record Bundle(String cid, Path dir) {}

    record Proc(int status, String out, String err) {}

    /** Runs a short helper command with a timeout (kills it on timeout). */
    static Proc run(List<String> cmd, int timeoutSec) {
        try {
            Path o = Files.createTempFile("it-out", ".txt"), e = Files.createTempFile("it-err", ".txt");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("timed out after " + timeoutSec + "s: " + cmd);
                }
                return new Proc(p.exitValue(), Files.readString(o, StandardCharsets.ISO_8859_1),
                        Files.readString(e, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(o);
                Files.deleteIfExists(e);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    static Proc runc(String... args) {
        List<String> cmd = new ArrayList<>(List.of(RUNC, "--root", get().runcRoot.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, 30);
    }

    static void rmrf(Path p) {
        try {
            new ProcessBuilder("rm", "-rf", "--one-file-system", p.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
        }
    }

    /**
     * A container's shell snippet (for a terminal, e.g. {@link #shTerminal}): waits up to 5 s for a size other than "0 0", then prints it. stty's failures are retried too: busybox stty
     * occasionally failed ("stty: standard input: No child processes") right after the container started.
     */
    static final String WAIT_FOR_SIZE = "i=0; s=$(stty size 2>/dev/null); while { [ -z \"$s\" ] || [ \"$s\" = \"0 0\" ]; }"
            + " && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); s=$(stty size 2>/dev/null); done; echo \"$s\"";

    /** The names of the entries of {@code dir}, sorted. */
    static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** SHA-256 of {@code data} as lower-case hex, the form {@code sha256sum} prints. */
    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
