package io.certfn.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a Dockerfile's instructions as Docker does: continuation lines joined, exec-form arrays split. */
public final class Dockerfiles {

    private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private Dockerfiles() {
    }

    /** The file with each {@code \}-newline continuation joined into one line. */
    public static String joined(Path dockerfile) throws IOException {
        return Files.readString(dockerfile).replace("\\\n", " ");
    }

    /** The exec-form {@code ENTRYPOINT [...]}'s arguments, in order. */
    public static List<String> entrypoint(Path dockerfile) throws IOException {
        Matcher entry = ENTRYPOINT.matcher(joined(dockerfile));
        if (!entry.find()) {
            throw new IllegalStateException(dockerfile + " has no exec-form ENTRYPOINT [...]");
        }
        List<String> args = new ArrayList<>();
        Matcher arg = QUOTED.matcher(entry.group(1));
        while (arg.find()) {
            args.add(arg.group(1));
        }
        return args;
    }
}
