package io.certfn.api;

import static io.certfn.api.CertificateApiTest.obtain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.certfn.testing.AcmeStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rendered-answer cache is bounded by bytes: one caller asking for the same certificate in
 * every order of its names makes a new entry each time (each answer lists the names as asked), and
 * a count bound let that grow to hundreds of MB with 100-name RSA-4096 certificates.
 */
@QuarkusTest
@QuarkusTestResource(AcmeStackResource.class)
class RenderedAnswersTest {

    @Inject
    RenderedAnswers rendered;

    @Test
    void permutationsOfTheNamesCannotGrowTheCacheBeyondItsBytes() {
        List<String> orders = List.of("[\"p1.certfn.test\",\"p2.certfn.test\",\"p3.certfn.test\"]",
                "[\"p2.certfn.test\",\"p1.certfn.test\",\"p3.certfn.test\"]", "[\"p3.certfn.test\",\"p2.certfn.test\",\"p1.certfn.test\"]",
                "[\"p1.certfn.test\",\"p3.certfn.test\",\"p2.certfn.test\"]");
        Response first = obtain("{\"domains\":" + orders.get(0) + "}");
        assertEquals(200, first.statusCode(), first.asString());
        int one = first.asByteArray().length;
        long bound = 2L * one + 500;
        long configured = rendered.maximum();
        rendered.setMaximum(bound);
        try {
            for (int round = 0; round < 3; round++) {
                for (String names : orders) {
                    Response r = obtain("{\"domains\":" + names + "}");
                    assertEquals(200, r.statusCode(), r.asString());
                    assertEquals(first.<String>path("serial"), r.path("serial"));
                    assertTrue(rendered.weight() <= bound, "held " + rendered.weight() + " bytes with a bound of " + bound);
                }
            }
        } finally {
            rendered.setMaximum(configured);
        }
    }
}
