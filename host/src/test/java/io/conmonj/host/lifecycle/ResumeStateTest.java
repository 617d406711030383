package io.conmonj.host.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What a hibernating monitor leaves with the guardian and gets back at the guardian's numbers: the FDS list the
 * guardian parses (guardian.c) and the state text only the next JVM reads.
 */
class ResumeStateTest {
    private static ResumeState sample() {
        ResumeState state = new ResumeState(4242);
        state.add(ResumeState.STDOUT, 12, true);
        state.add(ResumeState.STDERR, -1, true); // a stream that ended is not handed over
        state.add(ResumeState.ATTACH, 15, true);
        state.add(ResumeState.CTL_WRITE, 17, false);
        state.put(ResumeState.OOM, "v2 0 3 /sys/fs/cgroup/machine.slice/libpod-x.scope/memory.events");
        return state;
    }

    @Test
    void theGuardiansListHasNumbersAndModesInOrder() {
        assertEquals("12w,15w,17k", sample().fdList());
    }

    @Test
    void aResumedMonitorFindsEachRoleAtTheGuardiansNumber() throws Exception {
        ResumeState out = sample();
        // the guardian sends the same entries back at its own numbers, in the same order
        ResumeState back = ResumeState.parse("5w,6w,7k;" + out.stateText());
        assertEquals(4242, back.containerPid());
        assertEquals(5, back.fd(ResumeState.STDOUT));
        assertEquals(-1, back.fd(ResumeState.STDERR));
        assertEquals(6, back.fd(ResumeState.ATTACH));
        assertEquals(7, back.fd(ResumeState.CTL_WRITE));
        assertEquals("v2 0 3 /sys/fs/cgroup/machine.slice/libpod-x.scope/memory.events", back.get(ResumeState.OOM));
        assertNull(back.get("other"));
    }

    @Test
    void anotherVersionsStateIsRefusedWithTheReason() {
        String text = sample().stateText().replace(ResumeState.VERSION_LINE, "conmon-j-resume=2");
        ResumeState.ResumeException e = assertThrows(ResumeState.ResumeException.class,
                () -> ResumeState.parse("5w,6w,7k;" + text));
        assertTrue(e.getMessage().contains("not of this version"), e.getMessage());
    }

    @Test
    void malformedStatesAreRefused() {
        String text = sample().stateText();
        for (String bad : new String[] {
                "no separator",
                "5w,6w;" + text,                // fewer fds than roles
                "5w,6w,7x;" + text,             // unknown mode
                "5w,-6w,7k;" + text,            // negative fd
                "5w,6w,7k;" + text.replace("pid=4242", "pid=0"),
                "5w,6w,7k;" + text.replace("pid=4242", "pid=abc"),
                "5w,6w,7k;" + text.replace("roles=", "rolez="),
                "5w,6w,7k;" + "x".repeat(ResumeState.MAX_STATE + 300)}) {
            assertThrows(ResumeState.ResumeException.class, () -> ResumeState.parse(bad), bad);
        }
    }

    @Test
    void boundsAreTheGuardians() {
        ResumeState state = new ResumeState(1);
        for (int i = 0; i < ResumeState.MAX_FDS; i++) {
            state.add("r" + i, i + 3, false);
        }
        assertThrows(IllegalStateException.class, () -> state.add("one-more", 99, false));
        ResumeState big = new ResumeState(1);
        big.put("k", "v".repeat(ResumeState.MAX_STATE));
        assertThrows(IllegalStateException.class, big::stateText);
        assertThrows(IllegalArgumentException.class, () -> big.put("k", "two\nlines"));
    }
}
