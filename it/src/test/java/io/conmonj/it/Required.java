package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The skip policy for missing parts (a tool, a daemon, the conmon-j binary). A developer's machine may lack one and
 * sees a visible skip with the reason; CI must not: {@code .ci/run} exports {@code CONMONJ_REQUIRE_ALL=1} (or pass
 * {@code -Dconmonj.require=true}), and then a missing part is a failure, so a forgotten install step cannot hide
 * behind a green run. Cases skipped because the reference conmon lacks a feature ({@link MonitorUnderTest#onlyConmonJ}) are
 * not missing parts and stay skips.
 */
final class Required {
    private Required() {}

    /** Whether every part must be present: {@code -Dconmonj.require=true} or env {@code CONMONJ_REQUIRE_ALL=1}. */
    static boolean all() {
        return Boolean.getBoolean("conmonj.require") || "1".equals(System.getenv("CONMONJ_REQUIRE_ALL"));
    }

    /** Returns if {@code present}; otherwise fails under {@link #all()}, skips with {@code why} without it. */
    static void orSkip(boolean present, String why) {
        if (present) return;
        if (all()) fail("required part missing (CONMONJ_REQUIRE_ALL / -Dconmonj.require): " + why);
        assumeTrue(false, why);
    }
}
