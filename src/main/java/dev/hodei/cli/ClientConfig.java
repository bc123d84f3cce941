package dev.hodei.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hodei.files.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's own file ({@code ~/.hodei/config.yaml}, or {@code HODEI_CONFIG}): named contexts of
 * server address, token and CA, like kubectl's, and the one in use. Written 0600: it holds tokens.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
final class ClientConfig {

    /** Made on first use: Jackson's start costs a call that has no file to read tens of milliseconds. */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }

    @JsonProperty("current-context") String currentContext;
    public List<Context> contexts = new ArrayList<>();

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    static final class Context {
        public String name;
        public String server;
        public String token;
        @JsonProperty("token-file") String tokenFile;
        @JsonProperty("ca-file") String caFile;
        @JsonProperty("client-cert") String clientCert;
        @JsonProperty("client-key") String clientKey;
        public String namespace;
    }

    static Path path() {
        String env = System.getenv("HODEI_CONFIG");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".hodei", "config.yaml");
    }

    static ClientConfig load() {
        Path file = path();
        if (!Files.isRegularFile(file)) return new ClientConfig();
        try {
            ClientConfig c = Yaml.MAPPER.readValue(file.toFile(), ClientConfig.class);
            return c == null ? new ClientConfig() : c;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The context named, else the current one; empty when there is none. */
    Optional<Context> context(String name) {
        String wanted = name != null && !name.isBlank() ? name : currentContext;
        if (wanted == null) return Optional.empty();
        Optional<Context> found = contexts.stream().filter(c -> wanted.equals(c.name)).findFirst();
        if (found.isEmpty() && name != null && !name.isBlank()) {
            throw new IllegalArgumentException("no context " + name + " in " + path());
        }
        return found;
    }

    void put(Context context) {
        contexts.removeIf(c -> c.name.equals(context.name));
        contexts.add(context);
    }

    void save() throws IOException {
        AtomicFile.writePrivate(path(), Yaml.MAPPER.writeValueAsString(this));
    }
}
