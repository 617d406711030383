package io.conmonj.it;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(PodmanEnvironment.class)}: a test class that runs containers gets {@link PodmanTest}'s private
 * Podman store and image before its tests ({@link PodmanTest#setUp()}) and loses them after ({@link PodmanTest#tearDown()}).
 */
final class PodmanEnvironment implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        PodmanTest.setUp();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PodmanTest.tearDown();
    }
}
