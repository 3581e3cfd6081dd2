package io.certfn.bench;

import io.certfn.testing.CertfnProcess;
import io.certfn.testing.Dockerfiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Cloud Run image's start-up accelerator, made as the image makes it: the aot-jar build bench/run.sh
 * leaves in {@code target/bench-aot-app}, trained by {@code src/main/docker/aot-train.sh} on a JDK 25, launched
 * with the JVM flags of {@code Dockerfile.jvm}'s ENTRYPOINT (read from it, so the bench cannot drift from the image).
 */
record AotCache(Path appDir, String java, List<String> imageFlags) {

    static final String APP_DIR = "target/bench-aot-app";

    /** Empty, with the reason printed, when this machine cannot make the cache (no JDK 25, no aot-jar build). */
    static Optional<AotCache> trained(Rig rig) throws Exception {
        Path app = rig.root.resolve(APP_DIR);
        if (!Files.exists(app.resolve("quarkus-run.jar"))) {
            System.out.println("cold start: no " + APP_DIR + " (bench/run.sh builds it); the AOT cache is not measured");
            return Optional.empty();
        }
        Optional<String> java = java25();
        if (java.isEmpty()) {
            System.out.println("cold start: no JDK 25 or newer (-Dbench.java25=<path to bin/java>); the AOT cache is not measured");
            return Optional.empty();
        }
        List<String> flags = imageFlags(rig.root.resolve("src/main/docker/Dockerfile.jvm"));
        List<String> train = new ArrayList<>(List.of("bash", rig.root.resolve("src/main/docker/aot-train.sh").toString(), app.toString(), java.get()));
        train.addAll(flags);
        Rig.exec(train, Map.of("AOT_TRAIN_PORT", String.valueOf(CertfnProcess.freePort())));
        return Optional.of(new AotCache(app, java.get(), flags));
    }

    /** The ENTRYPOINT's JVM flags but the cache itself ({@code -XX:AOTCache=}), which only certfn's launch adds. */
    static List<String> imageFlags(Path dockerfile) throws IOException {
        return Dockerfiles.entrypoint(dockerfile).stream().filter(a -> a.startsWith("-X") && !a.startsWith("-XX:AOTCache=")).toList();
    }

    /** {@code -Dbench.java25}, else the newest JDK of at least 25 under /usr/lib/jvm (its {@code release} file). */
    static Optional<String> java25() throws IOException {
        String given = System.getProperty("bench.java25");
        if (given != null) {
            return Optional.of(given);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> all = Files.list(jvms)) {
            return all.filter(home -> major(home) >= 25 && Files.isExecutable(home.resolve("bin/java")))
                    .max(Comparator.comparingInt(AotCache::major)).map(home -> home.resolve("bin/java").toString());
        }
    }

    private static int major(Path home) {
        try {
            Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** certfn with the cache and the image's flags, from its own folder as the image runs it. */
    Process launch(Rig rig, Path store, int port) throws IOException {
        List<String> flags = new ArrayList<>(List.of("-XX:AOTCache=app.aot"));
        flags.addAll(imageFlags);
        return rig.launchCertfnInAppDir(appDir, java, store, flags, port);
    }
}
