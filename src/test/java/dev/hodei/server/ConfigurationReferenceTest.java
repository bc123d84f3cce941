package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every setting the code reads, so the reference cannot drift. */
class ConfigurationReferenceTest {

    static final String DOC = read(Path.of("docs", "configuration.md"));

    @Test
    void everyHodeiPropertyIsDocumented() {
        List<String> names = new ArrayList<>();
        properties("hodei", HodeiProperties.class, names);
        assertThat(names).hasSizeGreaterThan(30);
        assertThat(names).allSatisfy(name -> assertThat(DOC).as("docs/configuration.md").contains("`" + name + "`"));
    }

    @Test
    void everyPropertyAndVariableInTheConfigurationFilesIsDocumented() {
        String yml = read(Path.of("src", "main", "resources", "application.yml"));
        Set<String> envs = matches(yml, "\\$\\{(HODEI_[A-Z_]+)");
        assertThat(envs).isNotEmpty().allSatisfy(env -> assertThat(DOC).contains("`" + env + "`"));
        // properties read with @Value or from the YAML routes, outside HodeiProperties
        Set<String> placeholders = new TreeSet<>();
        placeholders.addAll(matches(sources(Path.of("src", "main", "java")), "@Value\\(\"\\$\\{(hodei\\.[a-z.-]+)"));
        placeholders.addAll(matches(sources(Path.of("src", "main", "resources", "camel")), "\\{\\{(hodei\\.[a-z.-]+)"));
        assertThat(placeholders).isNotEmpty().allSatisfy(p -> assertThat(DOC).contains("`" + p + "`"));
    }

    @Test
    void everyVariableTheAgentAndCliReadIsDocumented() {
        Set<String> envs = matches(sources(Path.of("agent", "src", "main", "java")), "\"(HODEI_[A-Z_]+)\"");
        envs.addAll(matches(sources(Path.of("src", "main", "java", "dev", "hodei", "cli")), "env:(HODEI_[A-Z_]+)"));
        envs.addAll(matches(sources(Path.of("src", "main", "java", "dev", "hodei", "cli")), "getenv\\(\"(HODEI_[A-Z_]+)\"\\)"));
        envs.addAll(matches(read(Path.of("hodei")), "\\$\\{(HODEI_[A-Z_]+)"));
        assertThat(envs).contains("HODEI_OTP_FILE", "HODEI_SERVER_CA_FILE", "HODEI_SERVER")
                .allSatisfy(env -> assertThat(DOC).contains("`" + env + "`"));
    }

    /** Kebab-case property names of a @ConfigurationProperties record tree. */
    static void properties(String prefix, Class<?> type, List<String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String name = prefix + "." + c.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            if (c.getType().isRecord()) {
                properties(name, c.getType(), out);
            } else {
                out.add(name);
            }
        }
    }

    static Set<String> matches(String text, String regex) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) found.add(m.group(1));
        return found;
    }

    static String sources(Path dir) {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) all.append(read(f)).append('\n');
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return all.toString();
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
