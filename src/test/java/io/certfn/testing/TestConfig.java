package io.certfn.testing;

import io.certfn.config.CertfnConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The typed {@link CertfnConfig} for a set of {@code certfn.*} properties, without starting Quarkus. */
public final class TestConfig {

    private TestConfig() {
    }

    /** {@code properties} plus a dummy ACME directory, through SmallRye Config as Quarkus would map them. */
    public static CertfnConfig of(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent("certfn.acme.directory", "https://ca.invalid/dir");
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(CertfnConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 200,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500))
                .build();
        return config.getConfigMapping(CertfnConfig.class);
    }
}
