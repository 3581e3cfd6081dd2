package io.certfn.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.certfn.deploy.DeployTemplatesTest;
import io.certfn.testing.TestConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs agree with the code: the configuration reference lists exactly the keys the config
 * mapping has (DeployTemplatesTest checks the other direction: no documented key is unknown), the
 * API reference names every path and problem code of the served OpenAPI document, README stays a
 * front door, every relative link and anchor resolves, and the code cites docs/design.md's sections.
 */
class DocsTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^(#+) (.+)$", Pattern.MULTILINE);

    /** The keys of every config mapping, walked as SmallRye maps them (kebab-case unless {@code @WithName}). */
    static Set<String> mappedKeys() {
        Set<String> keys = new TreeSet<>();
        for (Class<?> mapping : TestConfig.mappings()) {
            walk(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), keys);
        }
        return keys;
    }

    private static void walk(Class<?> group, String prefix, Set<String> keys) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() > 0 || method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName named = method.getAnnotation(WithName.class);
            String key = prefix + "." + (named != null ? named.value() : kebab(method.getName()));
            Type type = method.getGenericReturnType();
            if (type instanceof ParameterizedType p && p.getRawType() == java.util.Optional.class) {
                type = p.getActualTypeArguments()[0];
            }
            if (type instanceof Class<?> c && c.isInterface() && c.getName().startsWith("io.certfn.")) {
                walk(c, key, keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Test
    void theConfigurationReferenceListsEveryKeyTheMappingHas() throws Exception {
        Set<String> documented = DeployTemplatesTest.referenceKeys();
        List<String> missing = mappedKeys().stream().filter(k -> !documented.contains(k)).toList();
        assertTrue(mappedKeys().size() > 60, "the mapping was walked: " + mappedKeys());
        assertEquals(List.of(), missing, "keys certfn has that docs/configuration.md does not list");
    }

    @Test
    void theApiReferenceNamesEveryPathAndProblemCodeOfTheOpenApiDocument() throws Exception {
        JsonNode openapi = new ObjectMapper(new YAMLFactory()).readTree(Path.of("src/main/resources/META-INF/openapi.yaml").toFile());
        String api = Files.readString(Path.of("docs/api.md"));
        List<String> missing = new ArrayList<>();
        openapi.path("paths").fieldNames().forEachRemaining(path -> {
            if (!api.contains("`" + path + "`") && !api.contains(" " + path + "`")) {
                missing.add(path);
            }
        });
        JsonNode codes = openapi.at("/components/schemas/Problem/properties/code/enum");
        assertTrue(codes.size() > 15, "the codes were read: " + codes);
        for (JsonNode code : codes) {
            if (!api.contains("`" + code.asText() + "`")) {
                missing.add(code.asText());
            }
        }
        assertEquals(List.of(), missing, "in the served OpenAPI document but not in docs/api.md");
    }

    @Test
    void readmeIsAFrontDoorAndEveryLinkResolves() throws Exception {
        assertTrue(Files.readAllLines(Path.of("README.md")).size() <= 300, "README.md stays a front door (≤ 300 lines)");
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("client/README.md"), Path.of("bench/README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            String text = Files.readString(page);
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.startsWith("http") || target.startsWith("mailto:")) {
                    continue;
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (anchor != null && Files.isRegularFile(resolved) && !anchors(Files.readString(resolved)).contains(anchor)) {
                    broken.add(page + ": " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    /** GitHub's anchors of a page's headings (outside code blocks). */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        StringBuilder prose = new StringBuilder();
        boolean code = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code) {
                prose.append(line).append('\n');
            }
        }
        Matcher heading = HEADING.matcher(prose);
        while (heading.find()) {
            anchors.add(heading.group(2).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\w\\- ]", "").replace(' ', '-'));
        }
        return anchors;
    }

    @Test
    void theCodeCitesTheDesignDocumentInTheRepository() throws Exception {
        Set<String> sections = new TreeSet<>();
        Matcher heading = Pattern.compile("^## §(\\d)", Pattern.MULTILINE).matcher(Files.readString(Path.of("docs/design.md")));
        while (heading.find()) {
            sections.add(heading.group(1));
        }
        assertEquals(Set.of("1", "2", "3", "4", "5", "6"), sections);
        List<String> stale = new ArrayList<>();
        Pattern cited = Pattern.compile("docs/design\\.md §(\\d)");
        for (String root : List.of("src/main/java", "src/aws/java", "src/azure/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    if (text.contains("DESIGN §")) {
                        stale.add(file + " cites DESIGN §, a document not in the repository");
                    }
                    Matcher m = cited.matcher(text);
                    while (m.find()) {
                        if (!sections.contains(m.group(1))) {
                            stale.add(file + " cites docs/design.md §" + m.group(1));
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), stale);
    }
}
