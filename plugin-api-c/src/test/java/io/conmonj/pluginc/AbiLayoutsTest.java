package io.conmonj.pluginc;

import io.conmonj.sys.CommandRun;
import io.conmonj.sys.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every field of {@link AbiLayouts} against the C compiler's sizeof and offsetof, reading conmon_log_plugin.h of the
 * SDK, and {@link PluginCalls#WRITE_CALL} against plugin-call.h.
 */
class AbiLayoutsTest {

    private static final Map<String, Struct> STRUCTS = Map.of(
            "struct conmon_log_plugin", AbiLayouts.DESCRIPTOR,
            "struct conmon_log_record", AbiLayouts.RECORD,
            "struct conmon_log_container", AbiLayouts.CONTAINER,
            "struct conmonj_write_call", PluginCalls.WRITE_CALL);
    private static final Map<String, List<String>> FIELDS = Map.of(
            "struct conmon_log_plugin", List.of("size", "abi_version", "name", "init", "write", "flush", "reopen",
                    "close", "container_exited"),
            "struct conmon_log_record", List.of("size", "stream", "flags", "timestamp_ns", "data", "length"),
            "struct conmon_log_container", List.of("size", "id", "name", "tag", "image", "labels", "env"),
            "struct conmonj_write_call", List.of("write", "handle", "errbuf", "errlen", "record"));

    @Test
    void offsetsSizesAndEndsAreTheCompilers(@TempDir Path dir) throws Exception {
        StringBuilder c = new StringBuilder("""
                #include <stddef.h>
                #include <stdio.h>
                #include <conmon_log_plugin.h>
                #include <plugin-call.h>
                #define END(type, field) (offsetof(type, field) + sizeof(((type *) 0)->field))
                int main(void) {
                """);
        List<Long> expected = new ArrayList<>();
        for (String type : List.of("struct conmon_log_plugin", "struct conmon_log_record", "struct conmon_log_container",
                "struct conmonj_write_call")) {
            Struct struct = STRUCTS.get(type);
            c.append("printf(\"%zu\\n\", sizeof(").append(type).append("));\n");
            expected.add(struct.size());
            for (String field : FIELDS.get(type)) {
                c.append("printf(\"%zu\\n\", offsetof(").append(type).append(", ").append(field).append("));\n");
                expected.add(struct.offset(field));
                c.append("printf(\"%zu\\n\", END(").append(type).append(", ").append(field).append("));\n");
                expected.add(struct.end(field));
            }
        }
        c.append("return 0; }\n");
        Path source = dir.resolve("abi.c");
        Files.writeString(source, c);
        Path binary = dir.resolve("abi");
        String include = Path.of(System.getProperty("conmonj.sdk"), "include").toString();
        String callInclude = System.getProperty("conmonj.plugin.call.include");
        CommandRun.run(List.of("cc", "-std=c11", "-I", include, "-I", callInclude, "-o", binary.toString(), source.toString()));
        List<Long> actual = CommandRun.run(List.of(binary.toString())).lines().map(Long::parseLong).toList();
        assertEquals(expected, actual, c.toString());
    }

    @Test
    void theFirstPublishedDescriptorEndsAtClose() {
        assertEquals(AbiLayouts.D_CLOSE + 8, AbiLayouts.DESCRIPTOR_SIZE_V1);
    }
}
