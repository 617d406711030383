package io.conmonj.host.sys;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpawnTest {
    @Test
    void childSeesDupedStdoutInheritedFdAndEnvironmentButNoOtherFd() throws Exception {
        int[] out = Sys.pipe();
        int[] extra = Sys.pipe();   // close-on-exec by default: passed only because inherited
        int[] hidden = Sys.pipe();  // never named: must not reach the child
        Sys.setCloseOnExec(extra[1], false);
        Sys.setCloseOnExec(hidden[1], false); // even without CLOEXEC, Spawn must close it
        String script = "echo \"$GREETING\"; ls /proc/self/fd | sort -n | tr '\\n' ' '";
        int pid = new Spawn("/bin/sh", List.of("sh", "-c", script))
                .dup(out[1], 1)
                .inherit(Set.of(extra[1]))
                .environment(Map.of("GREETING", "hi there", "PATH", "/usr/bin:/bin"))
                .start();
        Sys.close(out[1]);
        String output = readAll(out[0]);
        WaitResult result = waitFor(pid);
        assertTrue(result.exited());
        assertEquals(0, result.exitStatus());
        String[] lines = output.split("\n");
        assertEquals("hi there", lines[0]);
        List<String> fds = List.of(lines[1].trim().split(" "));
        assertTrue(fds.contains(Integer.toString(extra[1])), "inherited fd missing: " + fds);
        assertFalse(fds.contains(Integer.toString(hidden[1])), "unnamed fd leaked: " + fds);
        assertFalse(fds.contains(Integer.toString(out[0])), "pipe read end leaked: " + fds);
        for (int fd : new int[] {out[0], extra[0], extra[1], hidden[0], hidden[1]}) {
            Sys.closeQuietly(fd);
        }
    }

    @Test
    void exitStatusAndSignalsAreDecodedLikeConmon() throws Exception {
        int exited = new Spawn("/bin/sh", List.of("sh", "-c", "exit 3")).start();
        assertEquals(3, waitFor(exited).exitStatus());
        int killed = new Spawn("/bin/sh", List.of("sh", "-c", "kill -9 $$")).start();
        WaitResult result = waitFor(killed);
        assertTrue(result.signaled());
        assertEquals(137, result.exitStatus());
    }

    @Test
    void missingProgramIsAnErrorNamingTheCall() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> new Spawn("/nonexistent/program", List.of("x")).start());
        assertEquals("posix_spawn /nonexistent/program: No such file or directory", e.getMessage());
        assertEquals(2, e.errno());
    }

    private static WaitResult waitFor(int pid) throws NativeCallException {
        while (true) {
            WaitResult result = Sys.waitAny();
            if (result.pid() == pid) {
                return result;
            }
            if (result == WaitResult.NO_CHILDREN) {
                throw new AssertionError("child " + pid + " vanished");
            }
        }
    }

    private static String readAll(int fd) throws NativeCallException {
        StringBuilder text = new StringBuilder();
        byte[] buf = new byte[4096];
        for (int n = Sys.read(fd, buf, buf.length); n > 0; n = Sys.read(fd, buf, buf.length)) {
            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        Sys.close(fd);
        return text.toString();
    }
}
