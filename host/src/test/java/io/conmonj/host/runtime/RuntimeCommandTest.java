package io.conmonj.host.runtime;

import io.conmonj.host.cli.Options;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The runtime's argv in conmon's exact order (conmon-behaviour.md §4.1). */
class RuntimeCommandTest {
    private static List<String> argv(String... conmonArgs) throws Exception {
        return RuntimeCommand.build(Options.parse(conmonArgs, "/cwd", name -> null), null);
    }

    @Test
    void createWithEveryOptionInOrder() throws Exception {
        assertEquals(List.of("/usr/bin/runc", "--systemd-cgroup", "--log-format=json", "--log", "/x/oci-log",
                        "create", "--bundle", "/b", "--pid-file", "/b/pidfile", "--no-pivot", "--no-new-keyring",
                        "--preserve-fds", "2", "CID"),
                argv("-c", "CID", "-u", "CID", "-r", "/usr/bin/runc", "-b", "/b", "-p", "/b/pidfile", "-s",
                        "--runtime-arg", "--log-format=json", "--runtime-arg", "--log", "--runtime-arg", "/x/oci-log",
                        "--no-pivot", "--no-new-keyring", "--runtime-opt", "--preserve-fds", "--runtime-opt", "2",
                        "-l", "none"));
    }

    @Test
    void execDropsCreateOnlyFlags() throws Exception {
        assertEquals(List.of("/usr/bin/runc", "--root", "/r", "exec", "--pid-file", "/e/exec_pid",
                        "--process", "/e/spec", "--detach", "CTR"),
                argv("-c", "CTR", "-u", "S", "-r", "/usr/bin/runc", "-b", "/e", "-p", "/e/exec_pid", "-s",
                        "--no-pivot", "--runtime-arg", "--root", "--runtime-arg", "/r", "-e",
                        "--exec-process-spec", "/e/spec", "-l", "none"));
    }

    @Test
    void restoreAddsImageAndWorkPath() throws Exception {
        assertEquals(List.of("runc", "restore", "--bundle", "/b", "--pid-file", "/p", "--detach",
                        "--image-path", "/ckpt", "--work-path", "/b", "--tcp-established", "CID"),
                argv("-c", "CID", "-u", "CID", "-r", "runc", "-b", "/b", "-p", "/p", "--restore", "/ckpt",
                        "--restore-arg", "--tcp-established", "-l", "none"));
    }

    @Test
    void defaultPidfileIsInTheCwd() throws Exception {
        assertEquals(List.of("runc", "create", "--bundle", "/cwd", "--pid-file", "/cwd/pidfile-CID", "CID"),
                argv("-c", "CID", "-u", "CID", "-r", "runc", "-l", "none"));
    }
}
