package io.conmonj.host.lifecycle;

import io.conmonj.host.cli.ConfigError;
import io.conmonj.host.cli.Options;
import io.conmonj.host.cli.ValidatedConfig;

/**
 * Options conmon-j parses but does not implement yet: each is refused with a
 * clear error while the caller still waits, never silently ignored.
 */
final class NotYetSupported {
    private NotYetSupported() {}

    static void check(ValidatedConfig config) throws ConfigError {
        Options options = config.options();
        refuse(options.seccompNotifySocket() != null, "--seccomp-notify-socket");
    }

    private static void refuse(boolean used, String what) throws ConfigError {
        if (used) {
            throw ConfigError.error(what + " is not supported yet by conmon-j");
        }
    }
}
