package io.conmonj.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The monitor a case runs against: the reference C conmon or conmon-j (its binary and what it is checked for). */
record MonitorUnderTest(String name, Path binary) {
    static final Path REFERENCE = Path.of("/usr/bin/conmon");

    static MonitorUnderTest reference() { return new MonitorUnderTest("reference", REFERENCE); }

    static MonitorUnderTest conmonJ() {
        String p = System.getProperty("conmonj.binary", "../host/target/conmon/bin/conmon");
        return new MonitorUnderTest("conmon-j", Path.of(p).toAbsolutePath().normalize());
    }

    /** Both binaries; used by every case as {@code @MethodSource("io.conmonj.it.MonitorUnderTest#monitors")}. */
    static Stream<MonitorUnderTest> monitors() { return Stream.of(reference(), conmonJ()); }

    boolean isConmonJ() { return name.equals("conmon-j"); }

    /**
     * Skips (visibly, with the reason) when the binary does not exist yet. Under {@link Required#all()} a
     * missing binary (conmon-j or the reference) fails instead ({@link Required}).
     */
    void requirePresent() {
        Required.orSkip(Files.isExecutable(binary), name + " binary missing (not built yet?): " + binary);
    }

    /** Marks a case or assertion as conmon-j only (a 2.2.x feature 2.1.6 lacks, or a deliberate improvement). */
    void onlyConmonJ(String why) {
        assumeTrue(isConmonJ(), "conmon-j only, not checked against the reference 2.1.6: " + why);
    }

    /**
     * Skips conmon-j (visibly) for a feature a later issue implements; conmon-j refuses these options with
     * "... is not supported yet by conmon-j" until then. Remove the call when the issue lands.
     */
    void pendingInConmonJ(String issue) {
        assumeTrue(!isConmonJ(), "not implemented in conmon-j yet (" + issue + ")");
    }

    @Override public String toString() { return name; }
}
