package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Shared helpers: a pinned clock, record builders, a collecting warning sink, chunks fed as the host feeds them. */
final class LogTestSupport {
    /** 2026-11-30T02:05:46.309194498Z */
    static final Instant T0 = Instant.ofEpochSecond(1_796_004_346L, 309_194_498);
    static final String TS = "2026-11-30T02:05:46.309194498+00:00";
    static final LogClock CLOCK = LogClock.fixed(T0, ZoneOffset.UTC);

    private LogTestSupport() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One record as conmon writes it, with the pinned timestamp. */
    static String rec(String stream, char tag, String content) {
        return TS + " " + stream + " " + tag + " " + content + (tag == 'P' ? "\n" : "");
    }

    static String out(String line) {
        return rec("stdout", 'F', line + "\n");
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static void write(K8sFileLog log, LogStream s, String text) throws IOException {
        byte[] b = bytes(text);
        write(log, s, b, 0, b.length);
    }

    /**
     * One read() of container output, as the host delivers it: one timestamp from the log's clock, one record per
     * line (with its newline), the unterminated tail as a partial record, then flush().
     */
    static void write(K8sFileLog log, LogStream s, byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        long ts = log.clock().epochNanos();
        int end = off + len;
        int i = off;
        while (i < end) {
            int nl = i;
            while (nl < end && buf[nl] != '\n') {
                nl++;
            }
            boolean partial = nl == end;
            int lineEnd = partial ? end : nl + 1;
            log.write(new LogRecord(s, ts, buf, i, lineEnd - i, partial));
            i = lineEnd;
        }
        log.flush();
    }

    /** Collects warnings so that tests can assert on them. */
    static final class Warnings implements Consumer<String> {
        final List<String> list = new ArrayList<>();

        @Override
        public void accept(String s) {
            list.add(s);
        }
    }
}
