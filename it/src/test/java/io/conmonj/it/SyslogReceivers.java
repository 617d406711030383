package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Real syslog daemons for the syslog driver's tests, each started in the foreground with a private configuration in
 * a temporary directory and stopped (SIGTERM, then SIGKILL, by its pid file and its process) even when a test fails.
 * Both store every message as one line of {@link Stored} fields, separated by {@value #SEP}, in {@code out.log}.
 */
final class SyslogReceivers {
    static final String SEP = "|#|";

    private SyslogReceivers() {
    }

    /** One stored message: what the receiver parsed, normalized between the two daemons, and the raw bytes it got. */
    record Stored(int facility, int severity, String host, String app, String procid, String msgid, String sd,
                  String time, String raw, String msg) {
    }

    /** A free loopback port (bound by the OS, then released for the daemon). */
    static int freePort() {
        return freePorts(1)[0];
    }

    /** {@code n} different free loopback ports: all held bound until all are chosen, so none is given twice. */
    static int[] freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // released anyway when the JVM exits
                }
            }
        }
    }

    /** The two daemons: how each is started with a configuration written to {@code dir}. */
    enum Program {
        RSYSLOG("rsyslogd", "rsyslog.conf"),
        SYSLOG_NG("syslog-ng", "syslog-ng.conf");

        final String label;
        final String confName;

        Program(String label, String confName) {
            this.label = label;
            this.confName = confName;
        }

        /** In the foreground with {@code conf}; its pid file and (syslog-ng) control and persist files in {@code dir}. */
        List<String> command(Path conf, Path dir, Path pidFile) {
            return switch (this) {
                case RSYSLOG -> List.of(Rsyslog.binary().toString(), "-n", "-f", conf.toString(), "-i", pidFile.toString());
                case SYSLOG_NG -> {
                    Path r = SyslogNg.root();
                    yield List.of(r.resolve("usr/sbin/syslog-ng").toString(), "-F", "-f", conf.toString(),
                            "--module-path=" + r.resolve("usr/lib/syslog-ng/3.38"), "-p", pidFile.toString(),
                            "-c", dir.resolve("syslog-ng.ctl").toString(), "-R", dir.resolve("syslog-ng.persist").toString());
                }
            };
        }

        ProcessBuilder environment(ProcessBuilder pb) {
            if (this == SYSLOG_NG) {
                pb.environment().put("LD_LIBRARY_PATH", SyslogNg.root().resolve("usr/lib/syslog-ng").toString());
            }
            return pb;
        }
    }

    /** A running daemon. */
    abstract static class Daemon implements AutoCloseable {
        final Program program;
        final Path dir;
        final Path out;
        final Path pidFile;
        final List<Integer> tcpPorts = new ArrayList<>();
        final List<Path> sockets = new ArrayList<>();
        Process process;

        Daemon(Program program, Path dir) {
            this.program = program;
            this.dir = dir;
            this.out = dir.resolve("out.log");
            this.pidFile = dir.resolve("daemon.pid");
        }

        String name() {
            return program.label;
        }

        /** The daemon's configuration file. */
        abstract String config();

        /** Writes {@link #config()} to {@code dir}; the command line that starts the daemon with it. */
        List<String> command() throws IOException {
            Path conf = dir.resolve(program.confName);
            Files.writeString(conf, config());
            return program.command(conf, dir, pidFile);
        }

        /** Starts the daemon and waits (10 s at most) until its TCP ports accept and its unix sockets exist. */
        Daemon start() throws IOException {
            Path log = dir.resolve(name() + ".stderr");
            ProcessBuilder pb = program.environment(new ProcessBuilder(command())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            process = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ready()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String why = process.isAlive() ? "not ready after 10 s" : "exited with " + process.exitValue();
                    close();
                    fail(name() + " " + why + ": " + Files.readString(log, StandardCharsets.ISO_8859_1));
                }
                sleep(50);
            }
            return this;
        }

        private boolean ready() {
            for (Path s : sockets) {
                if (!Files.exists(s)) return false;
            }
            for (int port : tcpPorts) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                } catch (IOException e) {
                    return false;
                }
            }
            return Files.exists(pidFile);
        }

        /** What {@code read} reads from {@code out.log}, once it is {@code count} or more (10 s at most). */
        <T> List<T> awaitAtLeast(int count, Reader<T> read) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                List<T> got = read.read();
                if (got.size() >= count || System.nanoTime() > deadline) return got;
                sleep(50);
            }
        }

        interface Reader<T> {
            List<T> read() throws IOException;
        }

        /**
         * The records in {@code out.log} so far: the text before each {@code end}, split at {@value #SEP} into
         * {@code fields} fields (fails otherwise); empty records are skipped, text after the last {@code end} is one
         * not yet written whole.
         */
        List<String[]> records(String end, int fields) throws IOException {
            List<String[]> all = new ArrayList<>();
            if (!Files.exists(out)) return all;
            String text = Files.readString(out, StandardCharsets.UTF_8);
            String[] recs = text.split(java.util.regex.Pattern.quote(end), -1);
            for (int i = 0; i < recs.length - 1; i++) {
                if (recs[i].isEmpty()) continue;
                String[] f = recs[i].split(java.util.regex.Pattern.quote(SEP), -1);
                if (f.length != fields) fail(name() + " stored a record of " + f.length + " fields: " + recs[i]);
                all.add(f);
            }
            return all;
        }

        /** SIGTERM by the pid file and the process, SIGKILL after 10 s; waits for the exit. */
        @Override
        public void close() {
            try {
                if (Files.exists(pidFile)) {
                    long pid = Long.parseLong(Files.readString(pidFile).trim());
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                }
            } catch (IOException | NumberFormatException ignored) {
                // the process handle below still stops it
            }
            if (process != null) {
                process.destroy();
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }
    }

    /** A daemon that receives syslog messages and stores each as one line of {@link Stored} fields. */
    abstract static class Receiver extends Daemon {
        Receiver(Program program, Path dir) {
            super(program, dir);
        }

        /** A stored line's fields, normalized. */
        abstract Stored parse(String[] f);

        /** The stored messages whose MSG contains {@code marker}, once there are {@code count} (10 s at most). */
        List<Stored> await(String marker, int count) throws IOException {
            return awaitAtLeast(count, () -> stored(s -> s.msg().contains(marker)));
        }

        List<Stored> stored(Predicate<Stored> which) throws IOException {
            List<Stored> all = new ArrayList<>();
            for (String[] f : records("\n", 10)) {
                Stored s = parse(f);
                if (which.test(s)) all.add(s);
            }
            return all;
        }
    }

    /**
     * rsyslogd (package rsyslog) with: imuxsock on a private datagram socket (SysSock.Use off, the message's own
     * timestamp and hostname kept, no rate limit), imudp and imtcp on loopback ports (imtcp detects octet counting,
     * RFC 6587 section 3.4.1, and LF framing per message), imptcp on a private unix stream socket; the parser chain
     * detects RFC 5424 and RFC 3164; control characters are stored as received.
     */
    static final class Rsyslog extends Receiver {
        final int udpPort;
        final int tcpPort;
        final Path dgram;
        final Path stream;

        Rsyslog(Path dir, int udpPort, int tcpPort) {
            super(Program.RSYSLOG, dir);
            this.udpPort = udpPort;
            this.tcpPort = tcpPort;
            this.dgram = dir.resolve("rs-dgram.sock");
            this.stream = dir.resolve("rs-stream.sock");
            tcpPorts.add(tcpPort);
            sockets.add(dgram);
            sockets.add(stream);
        }

        static Path binary() {
            return Path.of(System.getProperty("conmonj.rsyslogd", "/usr/sbin/rsyslogd"));
        }

        static void requireInstalled() {
            requireOrSkip(Files.isExecutable(binary()), "rsyslogd not installed at " + binary()
                    + " (scripts/install-syslog-receivers.sh)");
        }

        @Override
        String config() {
            String fields = String.join(SEP, "%syslogfacility%", "%syslogseverity%", "%hostname%", "%app-name%",
                    "%procid%", "%msgid%", "%structured-data%", "%timereported:::date-rfc3339%", "%rawmsg%", "%msg%");
            return """
                    global(workDirectory="DIR" parser.escapeControlCharactersOnReceive="off" maxMessageSize="64k")
                    module(load="imuxsock" SysSock.Use="off")
                    module(load="imudp")
                    module(load="imtcp")
                    module(load="imptcp")
                    input(type="imuxsock" Socket="DGRAM" UseSpecialParser="off" ParseHostname="on" IgnoreTimestamp="off" RateLimit.Interval="0")
                    input(type="imudp" address="127.0.0.1" port="UDP")
                    input(type="imtcp" address="127.0.0.1" port="TCP")
                    input(type="imptcp" path="STREAM" unlink="on")
                    template(name="fields" type="string" string="FIELDS\\n")
                    *.* action(type="omfile" file="OUT" template="fields")
                    """.replace("DIR", dir.toString()).replace("DGRAM", dgram.toString())
                    .replace("UDP", String.valueOf(udpPort)).replace("TCP", String.valueOf(tcpPort))
                    .replace("STREAM", stream.toString()).replace("OUT", out.toString()).replace("FIELDS", fields);
        }

        @Override
        Stored parse(String[] f) {
            // %msg% of an RFC 3164 message keeps the SP after "TAG:"
            String msg = f[9];
            if (!f[8].matches("<\\d{1,3}>1 .*") && msg.startsWith(" ")) msg = msg.substring(1);
            return new Stored(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], f[3], f[4], f[5], f[6], f[7], f[8], msg);
        }
    }

    /**
     * syslog-ng, unpacked by scripts/install-syslog-receivers.sh (its package conflicts with rsyslog's). RFC 3164
     * inputs ({@code network()} udp and LF-framed tcp, {@code unix-dgram()}, {@code unix-stream()}, the last two also
     * with {@code flags(expect-hostname)} for RFC 3164 messages that have a HOSTNAME) and RFC 5424
     * inputs ({@code syslog()} udp and octet-counted tcp, {@code network(flags(syslog-protocol))} LF-framed tcp, unix
     * datagram and stream sockets with {@code flags(syslog-protocol)}); raw messages kept, no escaping.
     */
    static final class SyslogNg extends Receiver {
        private final int[] ports = freePorts(5);
        final int bsdUdp = ports[0];
        final int bsdTcp = ports[1];
        final int ietfUdp = ports[2];
        final int ietfTcpOctet = ports[3];
        final int ietfTcpNewline = ports[4];
        final Path bsdDgram;
        final Path bsdStream;
        /** RFC 3164 with a HOSTNAME on a local socket: syslog-ng expects none there unless told. */
        final Path bsdHostDgram;
        final Path bsdHostStream;
        final Path ietfDgram;
        final Path ietfStream;

        SyslogNg(Path dir) {
            super(Program.SYSLOG_NG, dir);
            // the names differ in their first character: syslog-ng 3.38 aborts at start-up (a stats-registry
            // assertion) when two unix sources' paths are alike up to the length it keys its counters by
            bsdDgram = dir.resolve("1-bsd-dgram.sock");
            bsdStream = dir.resolve("2-bsd-stream.sock");
            bsdHostDgram = dir.resolve("3-bsdh-dgram.sock");
            bsdHostStream = dir.resolve("4-bsdh-stream.sock");
            ietfDgram = dir.resolve("5-ietf-dgram.sock");
            ietfStream = dir.resolve("6-ietf-stream.sock");
            tcpPorts.addAll(List.of(bsdTcp, ietfTcpOctet, ietfTcpNewline));
            sockets.addAll(List.of(bsdDgram, bsdStream, bsdHostDgram, bsdHostStream, ietfDgram, ietfStream));
        }

        static Path root() {
            String r = System.getProperty("conmonj.syslogNgRoot", System.getenv("SYSLOG_NG_ROOT"));
            return Path.of(r == null || r.isEmpty() ? "/opt/syslog-ng" : r);
        }

        static void requireInstalled() {
            requireOrSkip(Files.isExecutable(root().resolve("usr/sbin/syslog-ng")), "syslog-ng not unpacked at "
                    + root() + " (scripts/install-syslog-receivers.sh)");
        }

        @Override
        String config() {
            String fields = String.join(SEP, "${FACILITY_NUM}", "${LEVEL_NUM}", "${HOST}", "${PROGRAM}", "${PID}",
                    "${MSGID}", "${SDATA}", "${ISODATE}", "${RAWMSG}", "${MSG}");
            String raw = "flags(store-raw-message)";
            String ietf = "flags(syslog-protocol, store-raw-message)";
            String withHost = "flags(expect-hostname, store-raw-message)";
            return "@version: 3.38\n"
                    + "options { keep-hostname(yes); chain-hostnames(no); use-dns(no); dns-cache(no); keep-timestamp(yes);"
                    + " log-msg-size(65536); stats-freq(0); frac-digits(6); };\n"
                    + "source s_bsd {\n"
                    + "  network(transport(\"udp\") ip(\"127.0.0.1\") port(" + bsdUdp + ") " + raw + ");\n"
                    + "  network(transport(\"tcp\") ip(\"127.0.0.1\") port(" + bsdTcp + ") " + raw + ");\n"
                    + "  unix-dgram(\"" + bsdDgram + "\" " + raw + ");\n"
                    + "  unix-stream(\"" + bsdStream + "\" " + raw + ");\n"
                    + "  unix-dgram(\"" + bsdHostDgram + "\" " + withHost + ");\n"
                    + "  unix-stream(\"" + bsdHostStream + "\" " + withHost + ");\n"
                    + "};\n"
                    + "source s_ietf {\n"
                    + "  syslog(transport(\"udp\") ip(\"127.0.0.1\") port(" + ietfUdp + ") " + raw + ");\n"
                    + "  syslog(transport(\"tcp\") ip(\"127.0.0.1\") port(" + ietfTcpOctet + ") " + raw + ");\n"
                    + "  network(transport(\"tcp\") ip(\"127.0.0.1\") port(" + ietfTcpNewline + ") " + ietf + ");\n"
                    + "  unix-dgram(\"" + ietfDgram + "\" " + ietf + ");\n"
                    + "  unix-stream(\"" + ietfStream + "\" " + ietf + ");\n"
                    + "};\n"
                    + "destination d_out { file(\"" + out + "\" template(\"" + fields + "\\n\") template-escape(no)); };\n"
                    + "log { source(s_bsd); source(s_ietf); destination(d_out); };\n";
        }

        @Override
        Stored parse(String[] f) {
            // unix sources add syslog-ng's own [meta sequenceId="N"] (RFC 5424 section 7.3.1); not ours
            String sd = f[6].replaceAll("\\[meta sequenceId=\"\\d+\"\\]", "");
            return new Stored(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], f[3], f[4],
                    f[5].isEmpty() ? "-" : f[5], sd.isEmpty() ? "-" : sd, f[7], f[8], f[9]);
        }
    }

    // ---------------------------------------------------------------- json-file shippers

    /** One json-file line as a shipper decoded it: {@code log}, {@code stream}, {@code time} and {@code attrs.tag}. */
    record Shipped(String log, String stream, String time, String tag) {
    }

    /** Ends each {@link Shipped} in {@code out.log}: decoded values are stored raw and may hold newlines. */
    static final String END = "|#END#|";

    /**
     * A daemon tailing a json-file log from its first line (the file exists before the daemon starts), parsing each
     * line as JSON and storing the decoded {@code log}, {@code stream}, {@code time}, {@code attrs.tag} without any
     * escaping, separated by {@value #SEP} and ended by {@value #END} and a newline, in {@code out.log}; lines its
     * JSON parser rejects go to {@code rejected.log}.
     */
    abstract static class JsonFileTail extends Daemon {
        final Path input;
        final Path rejected;

        JsonFileTail(Program program, Path dir, Path input) {
            super(program, dir);
            this.input = input;
            this.rejected = dir.resolve("rejected.log");
        }

        List<Shipped> shipped() throws IOException {
            return records(END + "\n", 4).stream().map(f -> new Shipped(f[0], f[1], f[2], f[3])).toList();
        }

        /** The stored records once there are {@code count} (10 s at most). */
        List<Shipped> awaitShipped(int count) throws IOException {
            return awaitAtLeast(count, this::shipped);
        }
    }

    /**
     * rsyslogd tailing a json-file log: {@code imfile} (inotify) reads it, {@code mmjsonparse} with {@code cookie=""}
     * parses each plain JSON line into {@code $!}, a list template writes {@code $!log}, {@code $!stream},
     * {@code $!time}, {@code $!attrs!tag} as they are; control characters are not escaped on receive.
     */
    static final class RsyslogJsonFile extends JsonFileTail {
        RsyslogJsonFile(Path dir, Path input) {
            super(Program.RSYSLOG, dir, input);
        }

        @Override
        String config() {
            return """
                    global(workDirectory="@DIR@" parser.escapeControlCharactersOnReceive="off" maxMessageSize="1m")
                    module(load="imfile" mode="inotify")
                    module(load="mmjsonparse")
                    input(type="imfile" file="@IN@" tag="json-file" ruleset="json")
                    template(name="shipped" type="list") {
                      property(name="$!log") constant(value="@SEP@") property(name="$!stream") constant(value="@SEP@")
                      property(name="$!time") constant(value="@SEP@") property(name="$!attrs!tag") constant(value="@END@\\n")
                    }
                    ruleset(name="json") {
                      action(type="mmjsonparse" cookie="")
                      if $parsesuccess == "OK" then action(type="omfile" file="@OUT@" template="shipped")
                      else action(type="omfile" file="@REJECTED@")
                    }
                    """.replace("@DIR@", dir.toString()).replace("@IN@", input.toString()).replace("@OUT@", out.toString())
                    .replace("@REJECTED@", rejected.toString()).replace("@SEP@", SEP).replace("@END@", END);
        }
    }

    /**
     * syslog-ng tailing a json-file log: a {@code file()} source with {@code flags(no-parse)} (each line is the
     * message), {@code json-parser()} into {@code .json.*}, a {@code file()} destination with
     * {@code template-escape(no)}; a junction sends lines the parser rejects to {@code rejected.log}.
     */
    static final class SyslogNgJsonFile extends JsonFileTail {
        SyslogNgJsonFile(Path dir, Path input) {
            super(Program.SYSLOG_NG, dir, input);
        }

        @Override
        String config() {
            String fields = String.join(SEP, "${.json.log}", "${.json.stream}", "${.json.time}", "${.json.attrs.tag}");
            return "@version: 3.38\n"
                    + "options { stats-freq(0); log-msg-size(1048576); };\n"
                    + "source s_in { file(\"" + input + "\" flags(no-parse) follow-freq(0.1) log-msg-size(1048576)); };\n"
                    + "parser p_json { json-parser(prefix(\".json.\")); };\n"
                    + "destination d_out { file(\"" + out + "\" template(\"" + fields + END + "\\n\") template-escape(no)); };\n"
                    + "destination d_rejected { file(\"" + rejected + "\"); };\n"
                    + "log { source(s_in); junction {\n"
                    + "  channel { parser(p_json); destination(d_out); flags(final); };\n"
                    + "  channel { destination(d_rejected); flags(final); };\n"
                    + "}; };\n";
        }
    }

    /** Skips with the reason, or fails when CI requires every part ({@link Required}). */
    static void requireOrSkip(boolean present, String why) {
        Required.orSkip(present, why);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
