package io.certfn.testing.stores;

import io.certfn.testing.Await;
import io.certfn.testing.CertfnProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A server process started for a test on a free 127.0.0.1 port, stopped by PID. */
final class LocalServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private LocalServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Runs {@code command} with {@code {port}} replaced by a free port and waits until it accepts
     * TCP connections.
     */
    static LocalServer start(String name, List<String> command) throws IOException, InterruptedException {
        int port = CertfnProcess.freePort();
        List<String> args = new ArrayList<>();
        for (String arg : command) {
            args.add(arg.replace("{port}", Integer.toString(port)));
        }
        Path log = Files.createTempFile(name, ".log");
        Process process;
        try {
            process = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException(name + " cannot be started (" + args.get(0) + "): run `make test`, which installs it", e);
        }
        LocalServer server = new LocalServer(process, port, log);
        server.awaitListening(name);
        return server;
    }

    int port() {
        return port;
    }

    private void awaitListening(String name) throws InterruptedException {
        try {
            Await.atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(50)).until(name + " listening on " + port, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited: " + output());
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                }
            }, this::output);
        } catch (AssertionError | RuntimeException e) {
            close();
            throw e;
        }
    }

    private String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
