package io.certfn.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.certfn.error.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DomainNamesTest {

    @ParameterizedTest
    @CsvSource({
            "Example.COM,example.com",
            "example.com.,example.com",
            "*.Example.com.,*.example.com",
            "bücher.example,xn--bcher-kva.example",
            "*.bücher.example,*.xn--bcher-kva.example",
            " www.example.com ,www.example.com",
            "a-b.c0.example,a-b.c0.example"})
    void canonicalises(String raw, String canonical) {
        assertEquals(canonical, DomainNames.canonicalize(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example", "*.example..com", "ex ample.com", "a_b.example.com", "*", "*.", "w*.example.com",
            "www.*.example.com", "192.168.0.1", "2001:db8::1", ".example.com", "-x.example.com", "x-.example.com"})
    void rejects(String raw) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> DomainNames.canonicalize(raw));
        assertEquals("invalid_domain", e.code());
    }

    @Test
    void labelAndNameLengthLimitsAreInclusive() {
        String label63 = "a".repeat(63);
        assertEquals(label63 + ".example.com", DomainNames.canonicalize(label63 + ".example.com"));
        assertThrows(InvalidRequestException.class, () -> DomainNames.canonicalize("a" + label63 + ".example.com"));
        // 253 characters: 3 labels of 63 plus one of 61, with dots.
        String name253 = label63 + "." + label63 + "." + label63 + "." + "b".repeat(61);
        assertEquals(253, name253.length());
        assertEquals(name253, DomainNames.canonicalize(name253));
        assertThrows(InvalidRequestException.class, () -> DomainNames.canonicalize(name253 + "b"));
    }

    @Test
    void duplicatesCollapseInOrder() {
        assertEquals(List.of("b.example.com", "a.example.com"),
                DomainNames.canonicalize(List.of("b.example.com", "A.example.com.", "B.EXAMPLE.com")));
    }

    @Test
    void atMostAHundredNames() {
        List<String> hundred = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "n" + i + ".example.com").toList();
        assertEquals(100, DomainNames.canonicalize(hundred).size());
        List<String> more = new java.util.ArrayList<>(hundred);
        more.add("n100.example.com");
        assertThrows(InvalidRequestException.class, () -> DomainNames.canonicalize(more));
    }
}
