package io.conmonj.host.attach;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are what glibc's sscanf(s, "%d %d %d\n", ...) returned for the same inputs. */
class CtlScannerTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "1 0010 0020            | 3 | 1 | 10 | 20",
            "1 2 2 3                | 3 | 1 | 2  | 2",
            "1                      | 1 | 1 | -7 | -7",
            "1 2                    | 2 | 1 | 2  | -7",
            "foo                    | 0 | -7| -7 | -7",
            "1 10.5 20.3            | 2 | 1 | 10 | -7",
            "1 0x10 0x20            | 2 | 1 | 0  | -7",
            "3 1 1                  | 3 | 3 | 1  | 1",
            "1 1001 5               | 3 | 1 | 1001 | 5",
            "2 0 0                  | 3 | 2 | 0  | 0",
            "1 4294967306 5         | 3 | 1 | 10 | 5",
            "1 99999999999999999999 5 | 3 | 1 | -1 | 5",
            "1 -4294967295 5        | 3 | 1 | 1  | 5",
            "1 +5 -0                | 3 | 1 | 5  | 0",
            "1 - 5 6                | 1 | 1 | -7 | -7",
            "''                     | -1 | -7 | -7 | -7",
    })
    void behavesLikeGlibcSscanf(String input, int ret, int a, int b, int c) {
        byte[] s = input.getBytes(StandardCharsets.US_ASCII);
        int[] v = {-7, -7, -7};
        assertEquals(ret, CtlScanner.scanInts(s, 0, s.length, v));
        assertEquals(a, v[0]);
        assertEquals(b, v[1]);
        assertEquals(c, v[2]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"'1\n2 3\n' | 3", "' \t\n ' | -1", "'\u000b1\f2\r3' | 3"})
    void whiteSpaceIncludesNewlines(String input, int ret) {
        byte[] s = input.getBytes(StandardCharsets.US_ASCII);
        assertEquals(ret, CtlScanner.scanInts(s, 0, s.length, new int[3]));
    }
}
