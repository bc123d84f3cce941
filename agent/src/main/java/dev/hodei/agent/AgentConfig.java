package dev.hodei.agent;

import java.util.Map;

/** The agent's environment contract (design.md §5). */
record AgentConfig(String serverAddress, String workerId, String jobId, String otpToken, boolean ephemeral) {

    static AgentConfig fromEnvironment(Map<String, String> env) {
        return new AgentConfig(
                required(env, "HODEI_SERVER_ADDRESS"),
                required(env, "HODEI_WORKER_ID"),
                env.getOrDefault("HODEI_JOB_ID", ""),
                required(env, "HODEI_OTP_TOKEN"),
                !"pooled".equals(env.getOrDefault("HODEI_WORKER_MODE", "ephemeral")));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) throw new IllegalArgumentException(name + " is not set");
        return value;
    }

    @Override
    public String toString() {
        return "AgentConfig[server=" + serverAddress + ", worker=" + workerId + ", job=" + jobId
                + ", mode=" + (ephemeral ? "ephemeral" : "pooled") + "]"; // never the token
    }
}
