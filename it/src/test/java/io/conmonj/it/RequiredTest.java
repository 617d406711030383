package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The skip policy itself: under the CI switch a missing part is a failure that names the part. */
class RequiredTest {
    @Test
    void aMissingPartFailsWhenEveryPartIsRequired() {
        String old = System.getProperty("conmonj.require");
        System.setProperty("conmonj.require", "true");
        try {
            assertTrue(Required.all());
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Required.orSkip(false, "no frobnicator"));
            assertTrue(e.getMessage().contains("no frobnicator"), e.getMessage());
            assertDoesNotThrow(() -> Required.orSkip(true, "present"));
        } finally {
            if (old == null) System.clearProperty("conmonj.require");
            else System.setProperty("conmonj.require", old);
        }
    }

    @Test
    void ciExportsTheSwitch() throws Exception {
        String run = java.nio.file.Files.readString(java.nio.file.Path.of("../.ci/run"));
        assertTrue(run.contains("export CONMONJ_REQUIRE_ALL=1"), ".ci/run sets the switch before the test command");
        int export = run.indexOf("export CONMONJ_REQUIRE_ALL=1"), verify = run.indexOf("mvn -B verify");
        assertTrue(export >= 0 && verify > export, "the switch is exported before the README's test command");
    }
}
