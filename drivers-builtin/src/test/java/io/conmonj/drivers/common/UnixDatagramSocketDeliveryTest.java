package io.conmonj.drivers.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.sys.Layouts;
import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datagrams reach a real receiver: a unix datagram socket bound through the native layer (the JDK cannot bind
 * one), read back with recv and recvmsg, as journald and a syslog daemon read them.
 */
class UnixDatagramSocketDeliveryTest {
    private static final int SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000, MSG_DONTWAIT = 0x40;
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, F_GET_SEALS = 1034;

    @TempDir
    Path dir;
    private Path path;
    private int receiver = -1;

    @BeforeEach
    void bindReceiver() {
        path = dir.resolve("receiver.sock");
        receiver = LibC.socket(UnixDatagramSocket.AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        assertTrue(receiver >= 0);
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        byte[] addr = new byte[(int) Layouts.SOCKADDR_UN.size()];
        addr[0] = UnixDatagramSocket.AF_UNIX;
        System.arraycopy(p, 0, addr, (int) Layouts.SOCKADDR_UN.offset("sun_path"), p.length);
        assertEquals(0, LibC.bind(receiver, addr, addr.length));
    }

    @AfterEach
    void closeReceiver() {
        LibC.close(receiver);
    }

    @Test
    void aDatagramArrivesWhole() throws IOException {
        byte[] data = "xxMESSAGE=hello\nyy".getBytes(StandardCharsets.UTF_8);
        try (UnixDatagramSocket s = new UnixDatagramSocket(path.toString())) {
            s.send(data, 2, data.length - 4);
            s.send(data, 0, data.length);
        }
        byte[] buf = new byte[64];
        long n = LibC.recv(receiver, buf, buf.length, MSG_DONTWAIT);
        assertEquals("MESSAGE=hello\n", new String(buf, 0, (int) n, StandardCharsets.UTF_8));
        n = LibC.recv(receiver, buf, buf.length, MSG_DONTWAIT);
        assertArrayEquals(data, Arrays.copyOf(buf, (int) n));
    }

    @Test
    void aDatagramTooLargeIsEmsgsizeNamingSendto() throws IOException {
        try (UnixDatagramSocket s = new UnixDatagramSocket(path.toString())) {
            byte[] huge = new byte[8 << 20];
            UnixDatagramSocket.Failure f = assertThrows(UnixDatagramSocket.Failure.class, () -> s.send(huge, 0, huge.length));
            assertEquals(UnixDatagramSocket.Errno.EMSGSIZE, f.errno());
            assertEquals("sendto", f.call());
            assertEquals("Message too long", f.getMessage());
        }
    }

    @Test
    void aLargeEntryArrivesInASealedMemfd() throws IOException {
        byte[] entry = new byte[300_000];
        Arrays.fill(entry, (byte) 'e');
        entry[0] = 'M';
        try (UnixDatagramSocket s = new UnixDatagramSocket(path.toString())) {
            s.sendInSealedMemfd(entry, entry.length - 1);
        }
        NativeMemory data = new NativeMemory(16);
        NativeMemory iov = new NativeMemory(Layouts.IOVEC.size());
        iov.setPointer(Layouts.IOVEC.offset("iov_base"), data);
        iov.setLong(Layouts.IOVEC.offset("iov_len"), 16);
        long controlLength = Layouts.cmsgSpace(Integer.BYTES);
        NativeMemory control = new NativeMemory(controlLength);
        control.clear();
        NativeMemory msg = new NativeMemory(Layouts.MSGHDR.size());
        msg.clear();
        msg.setPointer(Layouts.MSGHDR.offset("msg_iov"), iov);
        msg.setLong(Layouts.MSGHDR.offset("msg_iovlen"), 1);
        msg.setPointer(Layouts.MSGHDR.offset("msg_control"), control);
        msg.setLong(Layouts.MSGHDR.offset("msg_controllen"), controlLength);
        assertEquals(0, LibC.recvmsg(receiver, msg, MSG_DONTWAIT), "an otherwise empty datagram");
        assertEquals(SOL_SOCKET, control.getInt(Layouts.CMSGHDR.offset("cmsg_level")));
        assertEquals(SCM_RIGHTS, control.getInt(Layouts.CMSGHDR.offset("cmsg_type")));
        int memfd = control.getInt(Layouts.CMSG_DATA);
        try {
            assertEquals(1 | 2 | 4 | 8, LibC.fcntl(memfd, F_GET_SEALS, 0), "sealed against any change");
            byte[] received = Files.readAllBytes(Path.of("/proc/self/fd/" + memfd));
            assertArrayEquals(Arrays.copyOf(entry, entry.length - 1), received);
        } finally {
            LibC.close(memfd);
        }
    }
}
