package io.certfn.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /q/openapi}: META-INF/openapi.yaml as written, or as JSON ({@code ?format=json} or
 * {@code Accept: application/json}), read at the first call. Hand-written instead of
 * quarkus-smallrye-openapi, which parses the document, its model and Jandex at every start (about
 * 400 classes and a third of a second before the first request: bench/README.md); the document is
 * written by hand anyway (the resources read raw bodies, which a scan would describe wrongly).
 */
@Path("/q/openapi")
public class OpenApiDocument {

    private static final String FILE = "META-INF/openapi.yaml";

    private volatile byte[] yaml;
    private volatile byte[] json;

    @GET
    public Response document(@QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        boolean asJson = format != null ? format.equalsIgnoreCase("json") : accept != null && accept.contains("application/json");
        return asJson
                ? Response.ok(json(), "application/json;charset=UTF-8").build()
                : Response.ok(yaml(), "application/yaml;charset=UTF-8").build();
    }

    private byte[] yaml() {
        byte[] text = yaml;
        if (text == null) {
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(FILE)) {
                if (in == null) {
                    throw new IllegalStateException(FILE + " is not in the build");
                }
                text = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            yaml = text;
        }
        return text;
    }

    private byte[] json() {
        byte[] text = json;
        if (text == null) {
            try {
                text = new ObjectMapper().writeValueAsBytes(new ObjectMapper(new YAMLFactory()).readTree(new String(yaml(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            json = text;
        }
        return text;
    }
}
