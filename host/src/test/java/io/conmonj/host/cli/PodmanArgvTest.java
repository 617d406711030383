package io.conmonj.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Podman 4.3.1's observed create argv (conmon-behaviour.md §11) must parse and validate as intended. */
class PodmanArgvTest {
    static final String ID = "5f0e3c1c2a6b4e2f9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddcc";
    static final String USERDATA = "/var/lib/containers/storage/overlay-containers/" + ID + "/userdata";
    static final String RUN_USERDATA = "/run/containers/storage/overlay-containers/" + ID + "/userdata";

    static String[] podmanCreateArgv(String runtime) {
        return new String[] {
            "--api-version", "1", "-c", ID, "-u", ID, "-r", runtime, "-b", USERDATA,
            "-p", RUN_USERDATA + "/pidfile", "-n", "web", "--exit-dir", "/run/libpod/exits",
            "--full-attach", "-l", "k8s-file:" + USERDATA + "/ctr.log",
            "--log-level", "warning", "--runtime-arg", "--log-format=json", "--runtime-arg", "--log",
            "--runtime-arg=" + RUN_USERDATA + "/oci-log",
            "--conmon-pidfile", RUN_USERDATA + "/conmon.pid",
            "--exit-command", "/usr/bin/podman",
            "--exit-command-arg", "--root", "--exit-command-arg", "/var/lib/containers/storage",
            "--exit-command-arg", "--runroot", "--exit-command-arg", "/run/containers/storage",
            "--exit-command-arg", "--log-level", "--exit-command-arg", "warning",
            "--exit-command-arg", "--cgroup-manager", "--exit-command-arg", "systemd",
            "--exit-command-arg", "--tmpdir", "--exit-command-arg", "/run/libpod",
            "--exit-command-arg", "--network-config-dir", "--exit-command-arg", "",
            "--exit-command-arg", "--runtime", "--exit-command-arg", "runc",
            "--exit-command-arg", "--storage-driver", "--exit-command-arg", "overlay",
            "--exit-command-arg", "--events-backend", "--exit-command-arg", "journald",
            "--exit-command-arg", "container", "--exit-command-arg", "cleanup",
            "--exit-command-arg", "--rm", "--exit-command-arg", ID,
        };
    }

    @Test
    void podman431CreateArgvParses(@TempDir Path dir) throws Exception {
        Path runc = dir.resolve("runc");
        Files.writeString(runc, "#!/bin/sh\n");
        Files.setPosixFilePermissions(runc, PosixFilePermissions.fromString("rwxr-xr-x"));

        Options o = Options.parse(podmanCreateArgv(runc.toString()), "/", k -> null);
        ValidatedConfig cfg = Validator.validate(o);

        assertEquals(1, o.apiVersion(), "--api-version is a flag; the following '1' is a stray positional");
        assertEquals(ID, o.cid());
        assertEquals(ID, o.cuuid());
        assertEquals(runc.toString(), o.runtime());
        assertEquals(USERDATA, o.bundle());
        assertEquals(RUN_USERDATA + "/pidfile", o.containerPidfile());
        assertEquals("web", o.name());
        assertEquals("/run/libpod/exits", o.exitDir());
        assertTrue(o.fullAttach());
        assertEquals(List.of("--log-format=json", "--log", RUN_USERDATA + "/oci-log"), o.runtimeArgs());
        assertEquals(RUN_USERDATA + "/conmon.pid", o.conmonPidfile());
        assertEquals("/usr/bin/podman", o.exitCommand());
        assertEquals(List.of("--root", "/var/lib/containers/storage", "--runroot", "/run/containers/storage",
                "--log-level", "warning", "--cgroup-manager", "systemd", "--tmpdir", "/run/libpod",
                "--network-config-dir", "", "--runtime", "runc", "--storage-driver", "overlay",
                "--events-backend", "journald", "container", "cleanup", "--rm", ID), o.exitCommandArgs());
        assertEquals(List.of(), o.runtimeOpts());
        assertFalse(o.exec() || o.terminal() || o.stdin() || o.sync() || o.version() || o.helpRequested());
        assertNull(o.restore());
        assertEquals("/var/run/crio", o.socketDirPath());

        assertEquals(LogLevel.WARN, cfg.logLevel());
        List<LogTarget> expected = List.of(new LogTarget(LogTarget.Driver.K8S_FILE, USERDATA + "/ctr.log"));
        assertEquals(expected, cfg.logTargets());
        assertEquals(USERDATA + "/ctr.log", cfg.logs().k8sFile().path());
        assertNull(cfg.refusalAfterLogOpen());
        assertEquals(List.of(), cfg.warnings());
    }

    @Test
    void podmanMainExtrasParse() throws Exception {
        Options o = Options.parse(new String[] {
            "--api-version", "1", "-c", ID, "--persist-dir", "/tmp/persist/" + ID, "--syslog", "-s", "-t",
            "--timeout=30", "--no-new-keyring", "--no-pivot", "--log-size-max", "1048576",
            "--sdnotify-socket=/run/systemd/notify", "--runtime-opt", "--preserve-fds", "--runtime-opt", "2",
            "--runtime-arg", "--cgroup-manager", "--runtime-arg", "disabled",
            "--restore", "/ckpt", "--runtime-opt", "--tcp-established",
        }, "/", k -> null);
        assertEquals("/tmp/persist/" + ID, o.persistDir());
        assertTrue(o.syslog() && o.systemdCgroup() && o.terminal() && o.noNewKeyring() && o.noPivot());
        assertEquals(30, o.timeout());
        assertEquals(1048576L, o.logSizeMax());
        assertEquals("/run/systemd/notify", o.sdnotifySocket());
        assertEquals(List.of("--preserve-fds", "2", "--tcp-established"), o.runtimeOpts());
        assertEquals(List.of("--cgroup-manager", "disabled"), o.runtimeArgs());
        assertEquals("/ckpt", o.restore());
    }
}
