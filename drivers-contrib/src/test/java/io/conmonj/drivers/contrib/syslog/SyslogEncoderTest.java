package io.conmonj.drivers.contrib.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conmonj.plugin.LogStream;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Golden bytes of each format (RFC 3164 section 4.1, RFC 5424 section 6, Docker's srslog formatters). */
class SyslogEncoderTest {
    /** 2024-03-05T07:08:09.123456789Z */
    static final long T = 1709622489_123456789L;

    static String encode(SyslogFormat f, int facility, ZoneId zone, byte[] sd, LogStream s, long t, String msg) {
        SyslogEncoder e = new SyslogEncoder(f, facility, "host-1", "web", 4242, sd, zone);
        byte[] m = msg.getBytes(StandardCharsets.UTF_8);
        int n = e.encode(s, t, m, 0, m.length);
        return new String(e.buffer(), SyslogEncoder.HEADROOM, n, StandardCharsets.UTF_8);
    }

    static String encode(SyslogFormat f, LogStream s, String msg) {
        return encode(f, Facility.DAEMON, ZoneOffset.UTC, "-".getBytes(StandardCharsets.US_ASCII), s, T, msg);
    }

    @Test
    void dockerDefaultIsTheUnixFormWithoutHostname() {
        assertEquals("<30>Mar  5 07:08:09 web[4242]: hello", encode(SyslogFormat.UNIX, LogStream.STDOUT, "hello"));
        assertEquals("<27>Mar  5 07:08:09 web[4242]: oops", encode(SyslogFormat.UNIX, LogStream.STDERR, "oops"));
    }

    @Test
    void rfc3164HasTheHostname() {
        assertEquals("<30>Mar  5 07:08:09 host-1 web[4242]: hello", encode(SyslogFormat.RFC3164, LogStream.STDOUT, "hello"));
        // two-digit days are not padded; local time of the zone
        long dec31 = 1704067199_000000000L; // 2023-12-31T23:59:59Z
        assertEquals("<27>Jan  1 01:59:59 host-1 web[4242]: x", encode(SyslogFormat.RFC3164, Facility.DAEMON,
                ZoneOffset.ofHours(2), "-".getBytes(), LogStream.STDERR, dec31, "x"));
        assertEquals("<27>Dec 31 23:59:59 host-1 web[4242]: x", encode(SyslogFormat.RFC3164, Facility.DAEMON,
                ZoneOffset.UTC, "-".getBytes(), LogStream.STDERR, dec31, "x"));
    }

    @Test
    void rfc5424SecondsAndMicroseconds() {
        assertEquals("<30>1 2024-03-05T07:08:09Z host-1 web 4242 - - hello",
                encode(SyslogFormat.RFC5424, LogStream.STDOUT, "hello"));
        assertEquals("<27>1 2024-03-05T07:08:09.123456Z host-1 web 4242 - - oops",
                encode(SyslogFormat.RFC5424_MICRO, LogStream.STDERR, "oops"));
        assertEquals("<158>1 2024-03-05T09:38:09.123456+02:30 host-1 web 4242 - - x",
                encode(SyslogFormat.RFC5424_MICRO, 19, ZoneOffset.ofHoursMinutes(2, 30), "-".getBytes(),
                        LogStream.STDOUT, T, "x"));
        assertEquals("<158>1 2024-03-04T23:08:09-08:00 host-1 web 4242 - - x",
                encode(SyslogFormat.RFC5424, 19, ZoneOffset.ofHours(-8), "-".getBytes(), LogStream.STDOUT, T, "x"));
    }

    @Test
    void rfc5424EmptyMessageHasNoTrailingSpace() {
        // SYSLOG-MSG = HEADER SP STRUCTURED-DATA [SP MSG]
        assertEquals("<30>1 2024-03-05T07:08:09Z host-1 web 4242 - -", encode(SyslogFormat.RFC5424, LogStream.STDOUT, ""));
        assertEquals("<30>Mar  5 07:08:09 web[4242]: ", encode(SyslogFormat.UNIX, LogStream.STDOUT, ""));
    }

    @Test
    void microsecondsAreTruncatedNotRounded() {
        assertEquals("<30>1 2024-03-05T07:08:09.999999Z host-1 web 4242 - - x", encode(SyslogFormat.RFC5424_MICRO,
                Facility.DAEMON, ZoneOffset.UTC, "-".getBytes(), LogStream.STDOUT, 1709622489_999999999L, "x"));
        assertEquals("<30>1 2024-03-05T07:08:10.000001Z host-1 web 4242 - - x", encode(SyslogFormat.RFC5424_MICRO,
                Facility.DAEMON, ZoneOffset.UTC, "-".getBytes(), LogStream.STDOUT, 1709622490_000001000L, "x"));
    }

    @Test
    void structuredDataFromLabelsAndEnvEscaped() {
        List<String> warnings = new ArrayList<>();
        byte[] sd = StructuredData.of(Map.of("app", "a\"b\\c]d", "tier", "web é"), Map.of("LANG", "C"), warnings::add);
        assertEquals("[labels@32473 app=\"a\\\"b\\\\c\\]d\" tier=\"web é\"][env@32473 LANG=\"C\"]",
                new String(sd, StandardCharsets.UTF_8));
        assertEquals("<30>1 2024-03-05T07:08:09Z host-1 web 4242 - [labels@32473 app=\"a\\\"b\\\\c\\]d\" tier=\"web é\"]"
                        + "[env@32473 LANG=\"C\"] m",
                encode(SyslogFormat.RFC5424, Facility.DAEMON, ZoneOffset.UTC, sd, LogStream.STDOUT, T, "m"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void structuredDataNamesAreSdNames() {
        List<String> warnings = new ArrayList<>();
        String longName = "x".repeat(33);
        byte[] sd = StructuredData.of(Map.of("a b=c]d\"é", "1", longName, "2", "x".repeat(32), "3"), Map.of(),
                warnings::add);
        assertEquals("[labels@32473 a_b_c_d__=\"1\" " + "x".repeat(32) + "=\"3\"]", new String(sd, StandardCharsets.UTF_8));
        assertEquals(List.of("label " + longName + " is left out of the structured data: an SD-PARAM name has 1 to 32 "
                + "characters (RFC 5424 section 6.3.3)"), warnings);
        assertEquals("-", new String(StructuredData.of(Map.of(), Map.of(), warnings::add), StandardCharsets.UTF_8));
        assertEquals("[env@32473 A=\"\"]", new String(StructuredData.of(Map.of(), Map.of("A", ""), warnings::add),
                StandardCharsets.UTF_8));
    }

    @Test
    void rfc5424HeaderFieldsArePrintUsAscii() {
        SyslogEncoder e = new SyslogEncoder(SyslogFormat.RFC5424, 1, "h ö", "my app {{x}}" + "y".repeat(60), 7,
                "-".getBytes(), ZoneOffset.UTC);
        byte[] m = {(byte) 0xff, 0, '\t'};
        int n = e.encode(LogStream.STDOUT, T, m, 0, m.length);
        String app = ("my_app_{{x}}" + "y".repeat(60)).substring(0, 48);
        assertEquals("<14>1 2024-03-05T07:08:09Z h__ " + app + " 7 - - \u00ff\u0000\t",
                new String(e.buffer(), SyslogEncoder.HEADROOM, n, StandardCharsets.ISO_8859_1));
        assertEquals("-", HeaderFields.printUsAscii("", 48));
    }

    /** A tag with CR/LF/NUL, spaces or a forged header cannot end a message or shift a field (HeaderFields). */
    @Test
    void tagsAndHostNamesCannotForgeMessagesOrFields() {
        String evil = "web\n<13>Mar  5 07:08:09 forged[1]: FORGED\r\0 \u2028x\u0085";
        SyslogEncoder unix = new SyslogEncoder(SyslogFormat.UNIX, 0, "h", evil, 1, new byte[0], ZoneOffset.UTC);
        byte[] m = "msg".getBytes(StandardCharsets.US_ASCII);
        int n = unix.encode(LogStream.STDOUT, T, m, 0, m.length);
        assertEquals("<6>Mar  5 07:08:09 web_<13>Mar__5_07:08:09_forged[1]:_FORGED____x_[1]: msg",
                new String(unix.buffer(), SyslogEncoder.HEADROOM, n, StandardCharsets.UTF_8));
        SyslogEncoder rfc3164 = new SyslogEncoder(SyslogFormat.RFC3164, 0, "bad\nhost", "caf\u00e9", 1, new byte[0],
                ZoneOffset.UTC);
        n = rfc3164.encode(LogStream.STDOUT, T, m, 0, m.length);
        assertEquals("<6>Mar  5 07:08:09 bad_host caf\u00e9[1]: msg",
                new String(rfc3164.buffer(), SyslogEncoder.HEADROOM, n, StandardCharsets.UTF_8), "UTF-8 stays, as Docker");
        assertEquals(255, HeaderFields.rfc3164("t".repeat(10_000)).length());
        List<String> warnings = new ArrayList<>();
        assertEquals("web_x", HeaderFields.tag(SyslogFormat.UNIX, "web\nx", warnings::add));
        assertEquals("web-1", HeaderFields.tag(SyslogFormat.RFC5424, "web-1", warnings::add));
        assertEquals(List.of("tag 'web\\x0ax' is sent as 'web_x': a syslog TAG has no control characters, spaces or"
                + " line breaks and at most 255 characters"), warnings);
        StringBuilder sd = new StringBuilder();
        StructuredData.escapeValue("a\nb\r\0\"]", sd);
        assertEquals("a_b__\\\"\\]", sd.toString(), "label values: no line break on the wire");
    }

    /** Labels and env repeat in every message: at most 4096 characters of them, the rest left out with a warning. */
    @Test
    void structuredDataIsCapped() {
        List<String> warnings = new ArrayList<>();
        byte[] sd = StructuredData.of(Map.of("a", "1", "big", "x".repeat(5000)), Map.of("E", "2"), warnings::add);
        assertEquals("[labels@32473 a=\"1\"][env@32473 E=\"2\"]", new String(sd, StandardCharsets.UTF_8));
        assertEquals(List.of("1 label or env variable left out of the structured data (first big): the selected ones"
                + " may have 4096 characters of names and values in all"), warnings);
    }

    @Test
    void messageBytesAreCopiedAsTheyAre() {
        SyslogEncoder e = new SyslogEncoder(SyslogFormat.UNIX, 0, "h", "t", 1, new byte[0], ZoneOffset.UTC);
        byte[] big = new byte[20000];
        java.util.Arrays.fill(big, (byte) 'z');
        big[0] = (byte) 0x80;
        int n = e.encode(LogStream.STDOUT, T, big, 0, big.length);
        String prefix = "<6>Mar  5 07:08:09 t[1]: ";
        assertEquals(prefix.length() + big.length, n);
        assertEquals(prefix, new String(e.buffer(), SyslogEncoder.HEADROOM, prefix.length(), StandardCharsets.US_ASCII));
        assertEquals((byte) 0x80, e.buffer()[SyslogEncoder.HEADROOM + prefix.length()]);
    }

    @Test
    void facilityNamesAndNumbersAsDocker() throws Exception {
        String[] names = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
                "ftp"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(i, Facility.parse(names[i]), names[i]);
        }
        for (int i = 0; i <= 7; i++) {
            assertEquals(16 + i, Facility.parse("local" + i));
        }
        assertEquals(0, Facility.parse("0"));
        assertEquals(23, Facility.parse("23"));
        // PRI = facility * 8 + severity: local7 / err = 187, kern / info = 6
        assertEquals("<187>", encode(SyslogFormat.UNIX, 23, ZoneOffset.UTC, new byte[0], LogStream.STDERR, T, "")
                .substring(0, 5));
        assertEquals("<6>", encode(SyslogFormat.UNIX, 0, ZoneOffset.UTC, new byte[0], LogStream.STDOUT, T, "")
                .substring(0, 3));
    }
}
