package dev.hodei.templates;

import dev.hodei.server.ClientText;
import hodei.v1.JobSpec;
import hodei.v1.Parameter;
import hodei.v1.TemplateDefinition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed template parameters: checks a definition's parameters, checks the values a run gives and
 * turns the template's job spec into the run's. Every parameter reaches the job as an environment
 * variable of its name; {@code ${NAME}} in argv arguments, env values, working_dir, image, name and
 * label values is replaced by the value, while a shell command keeps it for the shell to expand, so
 * a value is never parsed as shell syntax. Secret values only ever land in {@link Resolved#secretEnv},
 * and no message ever quotes the value of a parameter that is, or was where the value came from, secret.
 */
public final class TemplateParameters {

    public static final String REDACTED = "***";
    static final Set<String> TYPES = Set.of("string", "number", "boolean", "choice", "secret");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    static final int MAX_VALUE_CHARS = 4096;
    static final int MAX_PARAMETERS = 64;
    static final int MAX_NAME_CHARS = 128;
    static final int MAX_DESCRIPTION_CHARS = 1024;
    static final int MAX_CHOICES = 256;
    static final int MAX_CHOICE_CHARS = 256;

    private TemplateParameters() {}

    /** A run's spec and parameters: {@code shown} has secrets as {@value #REDACTED}. */
    public record Resolved(JobSpec spec, Map<String, String> shown, Map<String, String> secretEnv) {}

    /** Raised with every violation found, each naming the parameter or field. */
    public static final class Invalid extends Exception {
        private final List<String> violations;

        Invalid(List<String> violations) {
            super(ClientText.violations(violations));
            this.violations = List.copyOf(violations);
        }

        public List<String> violations() {
            return violations;
        }
    }

    /** What is wrong with a definition's parameters and placeholders; empty when nothing. */
    public static List<String> definitionViolations(TemplateDefinition def) {
        List<String> v = new ArrayList<>();
        if (def.getParametersCount() > MAX_PARAMETERS) {
            v.add("parameters: " + def.getParametersCount() + " parameters, at most " + MAX_PARAMETERS + " allowed");
            return v;
        }
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (int i = 0; i < def.getParametersCount(); i++) {
            Parameter p = def.getParameters(i);
            boolean named = NAME.matcher(p.getName()).matches() && p.getName().length() <= MAX_NAME_CHARS;
            String at = "parameters[" + i + "]" + (named ? " (" + p.getName() + ")" : "");
            if (!named) {
                v.add(at + ".name: must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*) of at most "
                        + MAX_NAME_CHARS + " characters");
                continue;
            }
            if (p.getName().startsWith("HODEI_")) v.add(at + ".name: HODEI_* is reserved");
            if (byName.put(p.getName(), p) != null) v.add(at + ".name: declared twice");
            if (def.getJob().getEnvMap().containsKey(p.getName())) {
                v.add(at + ".name: clashes with job.env." + p.getName() + " (parameters are environment variables)");
            }
            String type = p.getType().toLowerCase(Locale.ROOT);
            if (!TYPES.contains(type)) {
                v.add(at + ".type: " + ClientText.quote(p.getType()) + " is not one of string, number, boolean, choice, secret");
                continue;
            }
            if (p.getDescription().length() > MAX_DESCRIPTION_CHARS) {
                v.add(at + ".description: longer than " + MAX_DESCRIPTION_CHARS + " characters");
            }
            if (!p.getPattern().isEmpty()) {
                if (!type.equals("string") && !type.equals("secret")) v.add(at + ".pattern: only for string and secret");
                String problem = ParameterPattern.problem(p.getPattern());
                if (problem != null) v.add(at + ".pattern: " + problem);
            }
            if (p.getChoicesCount() > MAX_CHOICES) {
                v.add(at + ".choices: " + p.getChoicesCount() + " choices, at most " + MAX_CHOICES + " allowed");
            } else if (p.getChoicesList().stream().anyMatch(c -> c.length() > MAX_CHOICE_CHARS)) {
                v.add(at + ".choices: a choice is longer than " + MAX_CHOICE_CHARS + " characters");
            }
            if ((p.hasMin() || p.hasMax()) && !type.equals("number")) v.add(at + ".min/max: only for number");
            if (p.hasMin() && p.hasMax() && p.getMin() > p.getMax()) v.add(at + ".min: greater than max");
            if (type.equals("choice") && p.getChoicesCount() == 0) v.add(at + ".choices: a choice needs choices");
            if (!type.equals("choice") && p.getChoicesCount() > 0) v.add(at + ".choices: only for choice");
            if (p.hasDefaultValue()) {
                if (type.equals("secret")) {
                    v.add(at + ".default: a secret has no default (it would be stored in clear); give it per run or schedule");
                } else {
                    String problem = valueProblem(p, p.getDefaultValue(), true);
                    if (problem != null) v.add(at + ".default: " + problem);
                }
            }
        }
        JobSpec job = def.getJob();
        Function<String, String> check = text -> undeclared(text, byName, false);
        Function<String, String> checkNoSecret = text -> undeclared(text, byName, true);
        if (job.hasArgv()) {
            for (int i = 0; i < job.getArgv().getArgsCount(); i++) {
                addIfProblem(v, "job.argv.args[" + i + "]", checkNoSecret.apply(job.getArgv().getArgs(i)));
            }
        }
        job.getEnvMap().forEach((k, val) -> addIfProblem(v, "job.env." + k, check.apply(val)));
        job.getLabelsMap().forEach((k, val) -> addIfProblem(v, "job.labels." + k, checkNoSecret.apply(val)));
        addIfProblem(v, "job.working_dir", checkNoSecret.apply(job.getWorkingDir()));
        addIfProblem(v, "job.image", checkNoSecret.apply(job.getImage()));
        addIfProblem(v, "job.name", checkNoSecret.apply(job.getName()));
        return v;
    }

    /**
     * The run's spec for the given values.
     *
     * @throws Invalid naming each parameter at fault: unknown, missing, or not of its type
     */
    public static Resolved resolve(TemplateDefinition def, Map<String, String> given) throws Invalid {
        return resolve(def, given, Set.of());
    }

    /**
     * As {@link #resolve(TemplateDefinition, Map)}, for values that were secret where they come from
     * ({@code wereSecret}: an earlier version's secrets for a retry, a schedule's encrypted
     * parameters): each must still be a secret parameter, else it would be stored and shown in
     * clear, and none is ever quoted.
     */
    public static Resolved resolve(TemplateDefinition def, Map<String, String> given, Set<String> wereSecret)
            throws Invalid {
        List<String> v = new ArrayList<>();
        if (given.size() > MAX_PARAMETERS) {
            throw new Invalid(List.of("parameters: " + given.size() + " given, at most " + MAX_PARAMETERS + " allowed"));
        }
        Map<String, Parameter> declared = new LinkedHashMap<>();
        def.getParametersList().forEach(p -> declared.put(p.getName(), p));
        for (String name : new TreeMap<>(given).keySet()) {
            if (!declared.containsKey(name)) {
                v.add("parameters." + (name.length() <= MAX_NAME_CHARS ? name : ClientText.quote(name))
                        + ": not a parameter of template " + def.getName()
                        + (declared.isEmpty() ? " (it has none)" : " (it has " + String.join(", ", declared.keySet()) + ")"));
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> shown = new TreeMap<>();
        Map<String, String> secretEnv = new TreeMap<>();
        Set<String> secrets = new HashSet<>();
        for (Parameter p : declared.values()) {
            String value = given.get(p.getName());
            boolean secret = type(p).equals("secret") || wereSecret.contains(p.getName());
            // an empty value reveals nothing: an optional secret left out may become a plain parameter
            if (value != null && !value.isEmpty() && wereSecret.contains(p.getName()) && !type(p).equals("secret")) {
                v.add("parameters." + p.getName() + ": its value was a secret, but this version of template " + def.getName()
                        + " declares it " + type(p) + " (it would be stored and shown in clear); give the value again");
                continue;
            }
            if (value == null && p.hasDefaultValue()) value = p.getDefaultValue();
            if (value == null || (value.isEmpty() && p.getRequired())) {
                if (p.getRequired()) {
                    v.add("parameters." + p.getName() + ": required (" + describe(p) + ")");
                    continue;
                }
                value = "";
            } else {
                String problem = valueProblem(p, value, !secret);
                if (problem != null) {
                    v.add("parameters." + p.getName() + ": " + problem);
                    continue;
                }
            }
            if (type(p).equals("boolean") && !value.isEmpty()) value = value.toLowerCase(Locale.ROOT);
            values.put(p.getName(), value);
            if (type(p).equals("secret")) {
                secrets.add(p.getName());
                shown.put(p.getName(), REDACTED);
            } else {
                shown.put(p.getName(), value);
            }
        }
        if (!v.isEmpty()) throw new Invalid(v);

        return new Resolved(build(def, values, secrets, secretEnv), shown, secretEnv);
    }

    /**
     * The spec with sample values (defaults, else a value of the right type), to check a definition's
     * job spec as a run would see it.
     */
    public static JobSpec sample(TemplateDefinition def) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> secrets = new HashSet<>();
        for (Parameter p : def.getParametersList()) {
            String t = type(p);
            if (t.equals("secret")) secrets.add(p.getName());
            values.put(p.getName(), p.hasDefaultValue() ? p.getDefaultValue() : switch (t) {
                case "number" -> p.hasMin() ? plain(p.getMin()) : "0";
                case "boolean" -> "false";
                case "choice" -> p.getChoices(0);
                default -> "/sample"; // a path in case it names the working directory
            });
        }
        return build(def, values, secrets, new TreeMap<>());
    }

    private static JobSpec build(TemplateDefinition def, Map<String, String> values, Set<String> secrets,
                                 Map<String, String> secretEnv) {
        JobSpec job = def.getJob();
        JobSpec.Builder spec = job.toBuilder().clearEnv().clearLabels();
        if (job.hasArgv()) {
            spec.getArgvBuilder().clearArgs();
            job.getArgv().getArgsList().forEach(a -> spec.getArgvBuilder().addArgs(substitute(a, values)));
        }
        job.getEnvMap().forEach((k, val) -> {
            if (references(val, secrets)) secretEnv.put(k, substitute(val, values));
            else spec.putEnv(k, substitute(val, values));
        });
        values.forEach((k, val) -> {
            if (!secrets.contains(k)) spec.putEnv(k, val);
            else secretEnv.put(k, val);
        });
        job.getLabelsMap().forEach((k, val) -> spec.putLabels(k, substitute(val, values)));
        spec.setWorkingDir(substitute(job.getWorkingDir(), values))
                .setImage(substitute(job.getImage(), values))
                .setName(job.getName().isEmpty() ? def.getName() : substitute(job.getName(), values));
        return spec.build();
    }

    /**
     * Null when {@code value} is acceptable for {@code p}, else what is wrong; the value is quoted
     * only when {@code quote} (never for a secret).
     */
    static String valueProblem(Parameter p, String value, boolean quote) {
        if (value.length() > MAX_VALUE_CHARS) return "longer than " + MAX_VALUE_CHARS + " characters";
        String type = type(p);
        boolean quoted = quote && !type.equals("secret");
        String shown = quoted ? ClientText.quote(value) + " " : "the value ";
        String number = quoted ? ClientText.cut(value) + " " : "the value ";
        switch (type) {
            case "number" -> {
                BigDecimal n;
                try {
                    n = new BigDecimal(value.trim());
                } catch (NumberFormatException e) {
                    return shown + "is not a number";
                }
                if (p.hasMin() && n.compareTo(BigDecimal.valueOf(p.getMin())) < 0) {
                    return number + "is less than the minimum " + plain(p.getMin());
                }
                if (p.hasMax() && n.compareTo(BigDecimal.valueOf(p.getMax())) > 0) {
                    return number + "is more than the maximum " + plain(p.getMax());
                }
            }
            case "boolean" -> {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    return shown + "is not a boolean (true or false)";
                }
            }
            case "choice" -> {
                if (!p.getChoicesList().contains(value)) {
                    return shown + "is not one of " + String.join(", ", p.getChoicesList());
                }
            }
            case "string", "secret" -> {
                if (!p.getPattern().isEmpty() && !ParameterPattern.matches(p.getPattern(), value)) {
                    return (quoted ? ClientText.quote(value) + " " : "") + "does not match the pattern " + p.getPattern();
                }
            }
            default -> {
                return "unknown type " + ClientText.quote(p.getType());
            }
        }
        return null;
    }

    /** The type, lower-cased as the checks compare it. */
    public static String type(Parameter p) {
        return p.getType().toLowerCase(Locale.ROOT);
    }

    private static String describe(Parameter p) {
        String t = type(p);
        return switch (t) {
            case "choice" -> "one of " + String.join(", ", p.getChoicesList());
            case "number" -> "a number" + (p.hasMin() ? " ≥ " + plain(p.getMin()) : "") + (p.hasMax() ? " ≤ " + plain(p.getMax()) : "");
            default -> t;
        };
    }

    private static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static String substitute(String text, Map<String, String> values) {
        if (text.isEmpty()) return text;
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
        m.appendTail(out);
        return out.toString();
    }

    private static boolean references(String text, Set<String> names) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) if (names.contains(m.group(1))) return true;
        return false;
    }

    private static String undeclared(String text, Map<String, Parameter> declared, boolean secretsRefused) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            Parameter p = declared.get(m.group(1));
            if (p == null) return "${" + m.group(1) + "} is not a declared parameter";
            if (secretsRefused && type(p).equals("secret")) {
                return "the secret ${" + m.group(1) + "} may only be used in a shell command or an env value";
            }
        }
        return null;
    }

    private static void addIfProblem(List<String> v, String field, String problem) {
        if (problem != null) v.add(field + ": " + problem);
    }
}
