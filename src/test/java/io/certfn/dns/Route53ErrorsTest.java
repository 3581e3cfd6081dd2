package io.certfn.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.certfn.testing.Backends;
import io.certfn.testing.SystemProperties;
import io.certfn.testing.TestConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Route 53's refusals, which moto cannot produce: a server answering the way the Route 53 API
 * reference documents errors ({@code ErrorResponse/Error/Code} XML: 403 AccessDenied, 400
 * Throttling), checking that every request is SigV4-signed for the global region.
 */
class Route53ErrorsTest {

    private HttpServer server;
    private SystemProperties credentials;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status;
    private volatile String code;

    @BeforeEach
    void start() throws Exception {
        credentials = SystemProperties.set("aws.accessKeyId", "AKIDEXAMPLE", "aws.secretAccessKey", "secret-never-shown");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = ("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                    + "<Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + code + " for this request</Message></Error>"
                    + "<RequestId>r-1</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        credentials.close();
        server.stop(0);
    }

    private DnsProvider route53() {
        return DnsProducer.forConfig(TestConfig.of(DnsConfig.class, Map.of("certfn.dns.provider", "route53",
                "certfn.dns.route53.endpoint", "http://127.0.0.1:" + server.getAddress().getPort())), Backends.DNS);
    }

    @Test
    void accessDeniedNamesThePermissionTheRoleLacks() {
        status = 403;
        code = "AccessDenied";
        DnsException e = assertThrows(DnsException.class,
                () -> route53().publish(new ChallengeRecord("_acme-challenge.www.example.com", "v")));
        assertTrue(e.getMessage().contains("AccessDenied") && e.getMessage().contains("route53:ListHostedZones"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret-never-shown"));
        assertTrue(authorizations.get(0).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), authorizations.get(0));
        assertTrue(authorizations.get(0).contains("/us-east-1/route53/aws4_request"), authorizations.get(0));
    }

    @Test
    void throttlingIsRetriedThenReported() {
        status = 400;
        code = "Throttling";
        DnsException e = assertThrows(DnsException.class,
                () -> route53().publish(new ChallengeRecord("_acme-challenge.www.example.com", "v")));
        assertTrue(e.getMessage().contains("Throttling") && e.getMessage().contains("kept throttling"), e.getMessage());
        assertEquals(4, requests.get(), "4 attempts, as README says of every DNS provider");
    }
}
