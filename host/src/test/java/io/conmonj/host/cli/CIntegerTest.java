package io.conmonj.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** strtol / g_ascii_strtoll semantics; every row was also run through /usr/bin/conmon. */
class CIntegerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0|0", "12|12", "+12|12", "-12|-12", "0x10|16", "0X1f|31", "-0x10|-16", "010|8", "00010|8",
            "0x7fffffff|2147483647", "-2147483648|-2147483648", "2147483647|2147483647",
    })
    void int32Accepted(String text, int expected) throws Exception {
        assertEquals(expected, CInteger.parseInt(text, "--timeout"));
    }

    @ParameterizedTest
    @ValueSource(strings = {" 12", "\t12", "\n12", "\u000b12", "\f12", "\r12", "  +12"})
    void leadingAsciiWhitespaceIsSkipped(String text) throws Exception {
        assertEquals(12, CInteger.parseInt(text, "--timeout"));
        assertEquals(12L, CInteger.parseInt64(text, "--log-size-max"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "12 ", "+ 12", "09", "0x", "-0x", "0x-1", "1e3", "1.5", "--",
            "\uff10\uff11", "0x1g", "12abc", "\u00a012"})
    void notParseable(String text) {
        OptionParsingException e = assertThrows(OptionParsingException.class, () -> CInteger.parseInt(text, "-T"));
        assertEquals("Cannot parse integer value \u201c" + text + "\u201d for -T", e.getMessage());
        e = assertThrows(OptionParsingException.class, () -> CInteger.parseInt64(text, "--log-size-max"));
        assertEquals("Cannot parse integer value \u201c" + text + "\u201d for --log-size-max", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "-2147483649", "0xFFFFFFFF", " -2147483649", "99999999999999999999"})
    void int32OutOfRange(String text) {
        OptionParsingException e = assertThrows(OptionParsingException.class,
                () -> CInteger.parseInt(text, "--timeout"));
        assertEquals("Integer value \u201c" + text + "\u201d for --timeout out of range", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "9223372036854775807|9223372036854775807",
            "-9223372036854775808|-9223372036854775808",
            "0x7fffffffffffffff|9223372036854775807",
            "-0x8000000000000000|-9223372036854775808",
            "0xFFFFFFFF|4294967295",
            "-1|-1",
    })
    void int64Accepted(String text, long expected) throws Exception {
        assertEquals(expected, CInteger.parseInt64(text, "--log-size-max"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "0x8000000000000000",
            "99999999999999999999"})
    void int64OutOfRange(String text) {
        OptionParsingException e = assertThrows(OptionParsingException.class,
                () -> CInteger.parseInt64(text, "--log-size-max"));
        assertEquals("Integer value \u201c" + text + "\u201d for --log-size-max out of range", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999x", "0x8000000000000000z"})
    void garbageIsReportedBeforeOverflow(String text) {
        OptionParsingException e = assertThrows(OptionParsingException.class,
                () -> CInteger.parseInt64(text, "--log-size-max"));
        assertEquals("Cannot parse integer value \u201c" + text + "\u201d for --log-size-max", e.getMessage());
    }
}
