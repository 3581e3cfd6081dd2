package io.certfn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WaitPreferenceTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "wait=10|10", "respond-async, wait=30|30", "WAIT=5|5", "wait=\"7\"|7", "wait=0|0",
            "wait=-1|null", "wait=abc|null", "respond-async|null", "null|null"})
    void parses(String header, Long seconds) {
        assertEquals(Optional.ofNullable(seconds).map(Duration::ofSeconds), WaitPreference.parse(header));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {"null|90", "wait=10|10", "wait=200|200", "wait=201|200", "wait=9999|200"})
    void budgetIsCappedAtTheMaximum(String header, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), WaitPreference.budget(header, Duration.ofSeconds(90), Duration.ofSeconds(200)));
    }
}
