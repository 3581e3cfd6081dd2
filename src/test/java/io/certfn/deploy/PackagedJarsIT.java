package io.certfn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged application carries no signed jar that certfn loads: the JDK checks a jar's
 * signature when the first class of it loads, which cost the first request ~90 ms for BouncyCastle
 * (bench/README.md). application.properties strips the signature files by name, so a version bump
 * that renames them would bring the cost back silently without this check.
 */
class PackagedJarsIT {

    private static final Pattern SIGNATURE = Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)|META-INF/SIG-[^/]+");
    /** A JCA provider that Google's libraries may register: its signature is left as shipped. */
    private static final Set<String> KEPT_SIGNED = Set.of("org.conscrypt.conscrypt-openjdk-uber");

    @Test
    void noPackagedJarIsSigned() throws IOException {
        Path lib = Path.of(System.getProperty("certfn.app.jar", "target/quarkus-app/quarkus-run.jar"))
                .resolveSibling("lib").resolve("main");
        List<String> jars = new ArrayList<>();
        List<String> signed = new ArrayList<>();
        try (Stream<Path> files = Files.list(lib)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.getFileName().toString());
                if (KEPT_SIGNED.stream().noneMatch(jar.getFileName().toString()::startsWith)) {
                    signatureFiles(jar).forEach(entry -> signed.add(jar.getFileName() + " (" + entry + ")"));
                }
            }
        }
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("org.bouncycastle.bcprov")), "the package holds BouncyCastle: " + jars);
        assertEquals(List.of(), signed, "signed jars in " + lib + ": add their signature files to "
                + "quarkus.class-loading.removed-resources in application.properties");
    }

    @Test
    void strippedJarsStillLoad() throws IOException {
        Path lib = Path.of(System.getProperty("certfn.app.jar", "target/quarkus-app/quarkus-run.jar"))
                .resolveSibling("lib").resolve("main");
        try (Stream<Path> files = Files.list(lib)) {
            Path bcprov = files.filter(p -> p.getFileName().toString().startsWith("org.bouncycastle.bcprov")).findFirst().orElseThrow();
            // Opened as the class loader opens it, verifying: a half-stripped jar (digests without a
            // signature file, or the reverse) would throw here.
            try (JarFile jar = new JarFile(bcprov.toFile(), true)) {
                var entry = jar.getJarEntry("org/bouncycastle/asn1/ASN1Object.class");
                jar.getInputStream(entry).readAllBytes();
                assertNull(entry.getCodeSigners(), "no code signers remain on " + bcprov.getFileName());
            }
        }
    }

    private static List<String> signatureFiles(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.stream().map(e -> e.getName()).filter(n -> SIGNATURE.matcher(n).matches()).toList();
        }
    }
}
