package io.certfn.app;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The packaged application's entry point (fast-jar, the Cloud Run image, the Azure custom handler;
 * Lambda's handler starts Quarkus without it): Quarkus as usual, with {@link StartPrimer} warming
 * what certfn's start-up check and first request need on the other core meanwhile.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        StartPrimer.startBeside();
        Quarkus.run(args);
    }
}
