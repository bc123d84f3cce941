package dev.hodei.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The agent's environment contract (docs/configuration.md, "Agent"). {@code serverCa} is the PEM
 * the server's certificate must verify against, or null for plaintext to a loopback server.
 */
record AgentConfig(String serverAddress, String workerId, String jobId, String otpToken, boolean ephemeral,
                   String serverCa) {

    /** The addresses to dial, in order: {@code HODEI_SERVER_ADDRESS} split at commas. */
    List<String> serverAddresses() {
        return Arrays.stream(serverAddress.split(",")).map(String::strip).filter(a -> !a.isEmpty()).toList();
    }

    static AgentConfig fromEnvironment(Map<String, String> env, InputStream stdin) {
        return new AgentConfig(
                required(env, "HODEI_SERVER_ADDRESS"),
                required(env, "HODEI_WORKER_ID"),
                env.getOrDefault("HODEI_JOB_ID", ""),
                OtpSource.read(env, stdin),
                !"pooled".equals(env.getOrDefault("HODEI_WORKER_MODE", "ephemeral")),
                serverCa(env));
    }

    private static String serverCa(Map<String, String> env) {
        String file = env.get("HODEI_SERVER_CA_FILE");
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("HODEI_SERVER_CA_FILE " + file + " cannot be read (" + e + ")");
            }
        }
        String pem = env.get("HODEI_SERVER_CA");
        return pem == null || pem.isBlank() ? null : pem;
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) throw new IllegalArgumentException(name + " is not set");
        return value;
    }

    @Override
    public String toString() {
        return "AgentConfig[server=" + serverAddress + ", worker=" + workerId + ", job=" + jobId
                + ", mode=" + (ephemeral ? "ephemeral" : "pooled") + ", tls=" + (serverCa != null) + "]"; // never the token
    }
}
