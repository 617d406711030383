package io.conmonj.host.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** An annotation's address, checked after resolution, and handed on as the checked address. */
class DestinationsTest {
    static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1"));
    static final List<Path> DIRS = List.of(Path.of("/run/collectors"));

    static String check(String address) throws Destinations.Refused {
        return Destinations.check(address, LOOPBACK, DIRS);
    }

    static String refused(String address) {
        return assertThrows(Destinations.Refused.class, () -> check(address)).getMessage();
    }

    @Test
    void namesAreReplacedByTheCheckedAddress() throws Exception {
        assertEquals("tcp://127.0.0.1:514", check("tcp://localhost:514"));
        assertEquals("udp://127.0.0.5:12201", check("udp://127.0.0.5:12201"));
        assertEquals("tcp://[0:0:0:0:0:0:0:1]:24224", check("tcp://[::1]:24224"));
        assertEquals("127.0.0.1:24224", check("127.0.0.1:24224"));
        assertEquals("tcp+tls://localhost:6514", check("tcp+tls://localhost:6514"), "TLS keeps the name it verifies");
        assertEquals("unix:///run/collectors/a.sock", check("unix:///run/collectors/a.sock"));
        assertEquals("unixgram:///run/collectors/sub/b.sock", check("unixgram:///run/collectors/sub/b.sock"));
    }

    @Test
    void everythingElseIsRefusedWithTheReason() {
        assertTrue(refused("tcp://10.0.0.1:1").contains("10.0.0.1 is outside the ranges the policy allows"));
        assertTrue(refused("tcp://[::ffff:10.0.0.1]:1").contains("outside"));
        assertTrue(refused("unix:///run/collectors").contains("is not under a directory the policy allows"));
        assertTrue(refused("unix:///run/collectors/../docker.sock").contains("normalized"));
        assertTrue(refused("unix:///var/run/docker.sock").contains("not under"));
        assertTrue(refused("tcp://no-such-host.invalid:1").contains("cannot resolve"));
        assertTrue(refused("tcp://:1").contains("no host"));
        assertTrue(refused("tcp://user@127.0.0.1:1").contains("no host"));
        assertTrue(refused("tcp://[::1:1").contains("unclosed"));
        assertTrue(refused("").contains("1 to 512"));
        assertTrue(assertThrows(Destinations.Refused.class, () -> Destinations.check("tcp://127.0.0.1:1", List.of(),
                DIRS)).getMessage().contains("allows no network destinations"));
    }
}
