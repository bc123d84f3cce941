package dev.hodei.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Template parameters on the command line: {@code -p NAME=VALUE} and {@code --param-from-env}. */
class ParameterOptions {

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--param-from-env", paramLabel = "NAME=ENV_VAR",
            description = "Take a parameter's value from an environment variable (for secrets: "
                    + "not in your shell history or the process list)")
    Map<String, String> fromEnv = new LinkedHashMap<>();

    /** Every value given, those from the environment included. */
    Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>(params);
        for (var e : fromEnv.entrySet()) {
            String v = System.getenv(e.getValue());
            if (v == null) throw new IllegalArgumentException("--param-from-env " + e.getKey() + ": $" + e.getValue() + " is not set");
            values.put(e.getKey(), v);
        }
        return values;
    }
}
