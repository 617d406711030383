package io.conmonj.it;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(PodmanEnvironment.class)}: a test class that runs containers gets {@link PrivatePodman}'s private
 * Podman store and image before its tests ({@link PrivatePodman#setUp()}) and loses them after ({@link PrivatePodman#tearDown()}).
 */
final class PodmanEnvironment implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        PrivatePodman.setUp();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PrivatePodman.tearDown();
    }
}
