package io.conmonj.it;

import java.time.Duration;

/** The steps Podman takes with one conmon invocation, played by the harness cases: run, create, start. */
final class HarnessSteps {
    private HarnessSteps() {}

    /** How long the create step waits for the sync PID message. */
    static final Duration SYNC_WAIT = Duration.ofSeconds(30);

    /** One conmon invocation with Podman's arguments for the bundle {@code b}. */
    static ConmonRun run(MonitorUnderTest m, Fixtures.Bundle b) {
        return new ConmonRun(m, b).podmanArgs();
    }

    /** spawn + start byte + launcher exit 0 + sync PID, but no runc start yet (attach clients connect now). */
    static long create(ConmonRun r) {
        r.spawn().sendStart();
        int st = r.waitLauncher(Duration.ofSeconds(20));
        if (st != 0) throw new AssertionError(r.monitor + ": launcher exit " + st + "; stderr: " + r.stderr());
        Json.SyncMessage msg = r.readSync(SYNC_WAIT);
        if (msg.value() <= 0) throw new AssertionError(r.monitor + ": create failed: " + msg.raw());
        return msg.value();
    }

    /** {@code runc start}: the container's process runs. */
    static void start(ConmonRun r) {
        Fixtures.Proc p = Fixtures.runc("start", r.cid);
        if (p.status() != 0) throw new AssertionError("runc start failed: " + p.err());
    }
}
