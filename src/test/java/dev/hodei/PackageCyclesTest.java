package dev.hodei;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The control plane's packages use each other without cycles, so each can be read, tested and
 * changed from the packages below it. One node per first-level package ({@code dev.hodei.providers.docker}
 * is {@code providers}); an edge is an import or a qualified {@code dev.hodei.x.Y} name in the code
 * of src/main/java, comments and string literals left out.
 */
class PackageCyclesTest {

    /** The agent is a program of its own (agent/), not a room of the control plane. */
    static final Set<String> NOT_CONTROL_PLANE = Set.of("agent");

    static final String ROOT = "(dev.hodei)";
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.hodei\\.([A-Za-z_$][\\w$]*)");

    @Test
    void thePackagesHaveNoCycles() {
        SortedMap<String, SortedMap<String, SortedSet<String>>> graph = graph(Path.of("src", "main", "java"));
        assertThat(graph).as("packages read").containsKeys("jobs", "schedules", "server", "templates");
        assertThat(graph.get("schedules")).as("a door read: schedules fire templates").containsKey("templates");

        Map<String, Set<String>> edges = new TreeMap<>();
        graph.forEach((from, to) -> edges.put(from, to.keySet()));
        List<String> cycles = cycles(edges);
        if (cycles.isEmpty()) return;

        StringBuilder report = new StringBuilder("Package cycles (each edge with the classes that make it):\n");
        cycles.forEach(c -> describe(c, graph, report));
        fail(report.toString());
    }

    /** The client jar holds only cli and files (src/assembly/client.xml): any other edge would fail at run time. */
    @Test
    void theClientUsesNoServerPackage() {
        SortedMap<String, SortedSet<String>> uses = graph(Path.of("src", "main", "java")).get("cli");
        assertThat(uses).as("what dev.hodei.cli uses, with the classes that use it").isNotNull();
        assertThat(uses.keySet()).as("dev.hodei.cli uses " + uses).isSubsetOf(Set.of("files"));
    }

    @Test
    void importsAndQualifiedNamesCountCommentsAndStringsDoNot() {
        String source = """
                package dev.hodei.a;

                import dev.hodei.b.B;
                import static dev.hodei.c.C.of;

                /** Not {@link dev.hodei.x.X}. */
                class A { // nor dev.hodei.x.X
                    Object d = dev.hodei.d.D.make("dev.hodei.x.X", '"', "\\" dev.hodei.x.X");
                    String e = \"""
                            dev.hodei.x.X \\\""" dev.hodei.x.X
                            \""";
                    Object root = dev.hodei.HodeiServer.class; /* dev.hodei.x.X */
                }
                """;
        // "a" is its own package declaration, which graph() does not count as an edge
        assertThat(references(code(source))).containsExactlyInAnyOrder("a", "b", "c", "d", ROOT);
    }

    @Test
    void everyElementaryCycleIsNamedOnceFromItsFirstPackage() {
        Map<String, Set<String>> graph = Map.of("b", Set.of("a", "c"), "a", Set.of("b"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(graph)).containsExactly("a -> b -> a", "a -> b -> c -> a");
    }

    /** Package -> package it uses -> the classes (file names) that use it. */
    static SortedMap<String, SortedMap<String, SortedSet<String>>> graph(Path sources) {
        SortedMap<String, SortedMap<String, SortedSet<String>>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String code = code(Files.readString(file));
                Matcher declared = PACKAGE.matcher(code);
                if (!declared.find()) continue;
                String from = node(declared.group(1));
                if (from == null || NOT_CONTROL_PLANE.contains(from)) continue;
                graph.computeIfAbsent(from, k -> new TreeMap<>());
                for (String to : references(code)) {
                    if (to.equals(from) || NOT_CONTROL_PLANE.contains(to)) continue;
                    graph.get(from).computeIfAbsent(to, k -> new TreeSet<>())
                            .add(file.getFileName().toString().replace(".java", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** The first-level package under dev.hodei, or null for code outside it. */
    private static String node(String javaPackage) {
        if (javaPackage.equals("dev.hodei")) return ROOT;
        if (!javaPackage.startsWith("dev.hodei.")) return null;
        String rest = javaPackage.substring("dev.hodei.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** The packages named in code: {@code dev.hodei.x...} is x, {@code dev.hodei.Y} (a class) the root. */
    static Set<String> references(String code) {
        Set<String> found = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) found.add(Character.isUpperCase(m.group(1).charAt(0)) ? ROOT : m.group(1));
        return found;
    }

    /** The source without comments, and with every string, character and text-block literal emptied. */
    static String code(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            if (source.startsWith("//", i)) {
                int eol = source.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (source.startsWith("\"\"\"", i)) {
                i = literalEnd(source, i + 3, "\"\"\"");
                out.append("\"\"");
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                i = literalEnd(source, i + 1, String.valueOf(source.charAt(i)));
                out.append("\"\"");
            } else {
                out.append(source.charAt(i++));
            }
        }
        return out.toString();
    }

    /** Just past the closing {@code quote}, escapes skipped. */
    private static int literalEnd(String source, int from, String quote) {
        int i = from;
        while (i < source.length()) {
            if (source.charAt(i) == '\\') {
                i += 2;
            } else if (source.startsWith(quote, i)) {
                return i + quote.length();
            } else {
                i++;
            }
        }
        return i;
    }

    /**
     * Every elementary cycle once, as "a -> b -> a", starting from its alphabetically first package:
     * a walk from each package visits only packages after it.
     */
    static List<String> cycles(Map<String, Set<String>> edges) {
        List<String> found = new ArrayList<>();
        for (String start : new TreeSet<>(edges.keySet())) walk(edges, start, new ArrayList<>(List.of(start)), found);
        return found;
    }

    private static void walk(Map<String, Set<String>> edges, String start, List<String> path, List<String> found) {
        for (String next : new TreeSet<>(edges.getOrDefault(path.get(path.size() - 1), Set.of()))) {
            if (next.equals(start)) {
                found.add(String.join(" -> ", path) + " -> " + start);
            } else if (next.compareTo(start) > 0 && !path.contains(next)) {
                path.add(next);
                walk(edges, start, path, found);
                path.remove(path.size() - 1);
            }
        }
    }

    private static void describe(String cycle, SortedMap<String, SortedMap<String, SortedSet<String>>> graph,
                                 StringBuilder report) {
        report.append("  ").append(cycle).append('\n');
        String[] packages = cycle.split(" -> ");
        for (int i = 0; i + 1 < packages.length; i++) {
            report.append("      ").append(packages[i]).append(" -> ").append(packages[i + 1]).append(": ")
                    .append(String.join(", ", graph.get(packages[i]).get(packages[i + 1]))).append('\n');
        }
    }
}
