package io.certfn.testing;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The typed config mappings for a set of {@code certfn.*} properties, without starting Quarkus. Every
 * {@code @ConfigMapping} of the main code is registered, found in its source (so a new mapping cannot
 * be left out), as Quarkus registers them all: an unknown key fails as it would at start-up.
 */
public final class TestConfig {

    private static final Path MAIN = Path.of("src/main/java");
    private static final List<Class<?>> MAPPINGS = findMappings();

    private TestConfig() {
    }

    /** {@code mapping} read from {@code properties} plus a dummy ACME directory, as Quarkus would map it. */
    public static <T> T of(Class<T> mapping, Map<String, String> properties) {
        return build(properties).getConfigMapping(mapping);
    }

    /** Maps {@code properties} with every mapping; throws what start-up would throw for them. */
    public static void validate(Map<String, String> properties) {
        build(properties);
    }

    /** Every {@code @ConfigMapping} interface of the main code. */
    public static List<Class<?>> mappings() {
        return MAPPINGS;
    }

    private static SmallRyeConfig build(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent("certfn.acme.directory", "https://ca.invalid/dir");
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500));
        MAPPINGS.forEach(builder::withMapping);
        return builder.build();
    }

    private static List<Class<?>> findMappings() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<Class<?>> found = files.filter(p -> p.toString().endsWith("Config.java"))
                    .filter(TestConfig::declaresMapping)
                    .map(TestConfig::load)
                    .filter(c -> c.isAnnotationPresent(ConfigMapping.class))
                    .toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no @ConfigMapping found under " + MAIN.toAbsolutePath());
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean declaresMapping(Path source) {
        try {
            return Files.readString(source).contains("@ConfigMapping(");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(Path source) {
        String name = MAIN.relativize(source).toString().replace('/', '.').replaceAll("\\.java$", "");
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(source + " declares a mapping but is not on the test class path", e);
        }
    }
}
