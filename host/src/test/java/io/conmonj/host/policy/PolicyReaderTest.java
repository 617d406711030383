package io.conmonj.host.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PolicyReaderTest {
    static Policy read(String text) throws PolicyException {
        return PolicyReader.read("p.conf", text.getBytes(StandardCharsets.UTF_8));
    }

    static String error(String text) {
        return assertThrows(PolicyException.class, () -> read(text)).getMessage();
    }

    @Test
    void aPodmanHostPolicy() throws PolicyException {
        Policy p = read("""
                # conmon-j policy
                [annotations]
                drivers = ["k8s-file", "json-file", "journald", "syslog"]   # and syslog
                regex = false
                destinations = ["10.0.0.0/8", 'unix:/run/collectors']
                max-size = "10m"
                max-file = 3

                [plugin.audit]
                path = "/usr/lib/conmon-j/plugins/audit.so"
                annotations = false

                [driver-jar.jsonl]
                path = "/usr/lib/conmon-j/drivers/jsonl.jar"

                [profile.central]
                driver = "syslog"
                address = "udp://10.1.2.3:514"
                format = "rfc5424"
                allow = ["tag", "labels", "max-size<=10m", "max-file <= 5"]

                [profile.audit]
                driver = "c-plugin"
                plugin = "audit"
                always = true
                retries = 3
                """);
        assertEquals("p.conf", p.source());
        assertEquals(Set.of("k8s-file", "json-file", "journald", "syslog"), p.annotations().drivers());
        assertEquals(10L << 20, p.annotations().maxSize());
        assertEquals(3, p.annotations().maxFile());
        assertEquals(List.of(Path.of("/run/collectors")), p.annotations().unixDirs());
        assertEquals("10.0.0.0/8", p.annotations().destinations().get(0).text());
        assertFalse(p.plugins().get("audit").annotations());
        assertEquals(Path.of("/usr/lib/conmon-j/drivers/jsonl.jar"), p.driverJars().get("jsonl").path());
        Policy.Profile central = p.profiles().get("central");
        assertEquals("syslog", central.driver());
        assertEquals(Map.of("address", "udp://10.1.2.3:514", "format", "rfc5424"), central.options());
        assertEquals(10L << 20, central.allow().get("max-size").cap());
        assertEquals(5, central.allow().get("max-file").cap());
        assertEquals(Policy.Allowed.NO_CAP, central.allow().get("tag").cap());
        assertTrue(p.profiles().get("audit").always());
        assertEquals("3", p.profiles().get("audit").options().get("retries"));
    }

    @Test
    void everyErrorNamesFileLineAndRule() {
        assertEquals("p.conf:1: policy-syntax: key x outside a table (start with a table such as [annotations])",
                error("x = 1"));
        assertEquals("p.conf:2: policy-table: unknown table [annotation] (known: [annotations], [plugin.NAME], "
                + "[driver-jar.NAME], [profile.NAME])", error("\n[annotation]"));
        assertEquals("p.conf:2: policy-key: unknown key driver in [annotations] (known: drivers, regex, destinations, "
                + "max-size, max-file, max-buffer-size, unrestricted, rootless-unrestricted)",
                error("[annotations]\ndriver = []"));
        assertEquals("p.conf:2: policy-path: path = \"x.so\" must be an absolute, normalized path (no '..', '.', '//' "
                + "or trailing '/') ending in .so", error("[plugin.a]\npath = \"x.so\""));
        assertTrue(error("[plugin.a]\npath = \"/usr/lib/../x.so\"").startsWith("p.conf:2: policy-path: "));
        assertEquals("p.conf:1: policy-plugin: [profile.x] uses driver c-plugin: plugin = \"NAME\" must name a "
                + "[plugin.NAME] of this file (not nope)", error("[profile.x]\ndriver = \"c-plugin\"\nplugin = \"nope\""));
        assertEquals("p.conf:3: policy-duplicate: table [plugin.b] defined twice (first at line 1)",
                error("[plugin.b]\npath = \"/a/b.so\"\n[plugin.b]"));
        assertEquals("p.conf:3: policy-duplicate: key regex given twice in [annotations] (first at line 2)",
                error("[annotations]\nregex = true\nregex = false"));
        assertEquals("p.conf:2: policy-type: regex must be true or false, not string",
                error("[annotations]\nregex = \"yes\""));
        assertEquals("p.conf:2: policy-destination: 'example.com' is not an IPv4 or IPv6 address range "
                + "(ADDRESS/PREFIX) (or unix:/DIRECTORY)", error("[annotations]\ndestinations = [\"example.com\"]"));
        assertEquals("p.conf:3: policy-allow: allow entry 'max-size<=lots': 'lots' is not a size (e.g. 10m)",
                error("[profile.x]\ndriver = \"syslog\"\nallow = [\"max-size<=lots\"]"));
        assertEquals("p.conf:2: policy-syntax: unterminated string", error("[plugin.x]\npath = \"/a.so"));
        assertEquals("p.conf:1: policy-syntax: expected ']' after the table name a", error("[a"));
        assertEquals("p.conf:1: policy-syntax: table names have at most two parts (KIND.NAME)", error("[a.b.c]"));
        assertEquals("p.conf:2: policy-syntax: unexpected text after the value: 'x'", error("[annotations]\nregex = true x"));
        assertEquals("p.conf:1: policy-syntax: the file is not UTF-8", assertThrows(PolicyException.class,
                () -> PolicyReader.read("p.conf", new byte[]{(byte) 0xff})).getMessage());
        assertEquals("p.conf:1: policy-size: the file has 65537 bytes (at most 65536)", assertThrows(
                PolicyException.class, () -> PolicyReader.read("p.conf", new byte[65537])).getMessage());
        assertEquals("p.conf:1: policy-size: line longer than 4096 characters", error("#" + "x".repeat(4096)));
    }

    @Test
    void stringsAndComments() throws PolicyException {
        Policy p = read("[profile.q] # comment\r\ndriver = \"a\\\"b\\u0041\\\\\" # c\nx = 'c:\\\\raw'\ny = -5\nz = true\n");
        assertEquals("a\"bA\\", p.profiles().get("q").driver());
        assertEquals(Map.of("x", "c:\\\\raw", "y", "-5", "z", "true"), p.profiles().get("q").options());
    }

    @Test
    void cidr() {
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertTrue(c.contains(addr("10.1.200.3")));
        assertFalse(c.contains(addr("10.2.0.1")));
        assertFalse(c.contains(addr("::1")));
        assertTrue(Cidr.parse("fd00::/8").contains(addr("fd12::1")));
        assertTrue(Cidr.parse("127.0.0.1").contains(addr("127.0.0.1")));
        assertFalse(Cidr.parse("127.0.0.1").contains(addr("127.0.0.2")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(addr("8.8.8.8")));
        for (String bad : List.of("10.0.0.0/33", "10.0.0/8", "host", "10.0.0.0/", "1.2.3.4/0x1")) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    static java.net.InetAddress addr(String s) {
        try {
            return java.net.InetAddress.getByAddress(Cidr.literal(s));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
