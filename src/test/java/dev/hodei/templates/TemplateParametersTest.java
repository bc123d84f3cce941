package dev.hodei.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import hodei.v1.JobSpec;
import hodei.v1.Parameter;
import hodei.v1.TemplateDefinition;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parameter patterns on RE2/J, bounded definitions, and refusals that never quote a secret. No Spring. */
class TemplateParametersTest {

    private static TemplateDefinition def(Parameter.Builder... params) {
        TemplateDefinition.Builder d = TemplateDefinition.newBuilder().setName("t").setJob(JobSpec.newBuilder().setShell("true"));
        for (Parameter.Builder p : params) d.addParameters(p);
        return d.build();
    }

    private static Parameter.Builder param(String name, String type) {
        return Parameter.newBuilder().setName(name).setType(type);
    }

    @Test
    void patternsAreCompiledWithRe2jAndThePathologicalCaseIsEvaluated() {
        assertThat(ParameterPattern.compile("(a|a){1,100}b")).isInstanceOf(com.google.re2j.Pattern.class);
        // java.util.regex backtracked 2^26 ways here; RE2/J answers from one linear pass
        assertThat(ParameterPattern.matches("(a|a){1,100}b", "a".repeat(26))).isFalse();
        assertThat(ParameterPattern.matches("(a|a){1,100}b", "aaab")).isTrue();
        Parameter p = param("X", "string").setPattern("(a|a){1,100}b").build();
        assertThat(TemplateParameters.valueProblem(p, "a".repeat(4096), true)).contains("does not match the pattern");
    }

    @Test
    void patternsRe2CannotRunAreRefusedNamingTheParameter() {
        assertThat(TemplateParameters.definitionViolations(def(param("REF", "string").setPattern("(a)\\1"))))
                .singleElement().satisfies(v -> assertThat(v).startsWith("parameters[0] (REF).pattern: not a regular"
                        + " expression RE2 accepts (no backreferences or lookaround)"));
        assertThat(TemplateParameters.definitionViolations(def(param("LOOK", "string").setPattern("(?=a)a"))))
                .singleElement().satisfies(v -> assertThat(v).startsWith("parameters[0] (LOOK).pattern:"));
        // RE2/J would expand this to 10^9 instructions and exhaust the heap while compiling
        assertThat(TemplateParameters.definitionViolations(def(param("NEST", "string")
                .setPattern("((a{1000}){1000}){1000}")))).singleElement()
                .satisfies(v -> assertThat(v).startsWith("parameters[0] (NEST).pattern: its counted repetitions expand"));
        assertThat(TemplateParameters.definitionViolations(def(param("LONG", "string").setPattern("a".repeat(1025)))))
                .containsExactly("parameters[0] (LONG).pattern: longer than 1024 characters");
        // everyday patterns pass
        for (String ok : List.of("[a-z]{2}-[0-9]{1,4}", "(\\d{1,3}\\.){3}\\d{1,3}", "[A-Za-z0-9._-]{1,64}", "\\Q{1000}\\E",
                "[{}]{1,10}", "eu|us|ap")) {
            assertThat(TemplateParameters.definitionViolations(def(param("OK", "string").setPattern(ok)))).as(ok).isEmpty();
        }
    }

    @Test
    void expandedSizeCountsNestedRepetitions() {
        assertThat(ParameterPattern.expandedSize("abc")).isEqualTo(3);
        assertThat(ParameterPattern.expandedSize("a{10}")).isEqualTo(10);
        assertThat(ParameterPattern.expandedSize("(ab){10}c")).isEqualTo(21);
        assertThat(ParameterPattern.expandedSize("((a{10}){10}){10}")).isEqualTo(1000);
        assertThat(ParameterPattern.expandedSize("[)(]{5}")).isEqualTo(5);
    }

    @Test
    void definitionsAreBounded() {
        Parameter.Builder[] many = new Parameter.Builder[65];
        for (int i = 0; i < many.length; i++) many[i] = param("P" + i, "string");
        assertThat(TemplateParameters.definitionViolations(def(many)))
                .containsExactly("parameters: 65 parameters, at most 64 allowed");
        assertThat(TemplateParameters.definitionViolations(def(param("N".repeat(129), "string"))))
                .singleElement().satisfies(v -> assertThat(v).startsWith("parameters[0].name:").contains("at most 128"));
        assertThat(TemplateParameters.definitionViolations(def(param("D", "string").setDescription("d".repeat(1025)))))
                .containsExactly("parameters[0] (D).description: longer than 1024 characters");
        assertThat(TemplateParameters.definitionViolations(def(param("C", "choice")
                .addAllChoices(Collections.nCopies(257, "x"))))).containsExactly(
                "parameters[0] (C).choices: 257 choices, at most 256 allowed");
        assertThat(TemplateParameters.definitionViolations(def(param("C", "choice").addChoices("c".repeat(257)))))
                .containsExactly("parameters[0] (C).choices: a choice is longer than 256 characters");
        assertThat(TemplateParameters.definitionViolations(def(param("S", "string").setDefaultValue("v".repeat(4097)))))
                .containsExactly("parameters[0] (S).default: longer than 4096 characters");
        assertThat(TemplateParameters.definitionViolations(def(param("T", "x".repeat(10_000)))))
                .singleElement().satisfies(v -> assertThat(v).hasSizeLessThan(200));
    }

    @Test
    void runValuesAreBounded() {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < 65; i++) given.put("P" + i, "v");
        TemplateParameters.Invalid e = catchThrowableOfType(TemplateParameters.Invalid.class,
                () -> TemplateParameters.resolve(def(), given));
        assertThat(e.violations()).containsExactly("parameters: 65 given, at most 64 allowed");
        e = catchThrowableOfType(TemplateParameters.Invalid.class,
                () -> TemplateParameters.resolve(def(), Map.of("n".repeat(100_000), "v")));
        assertThat(e.getMessage()).hasSizeLessThan(300);
        e = catchThrowableOfType(TemplateParameters.Invalid.class,
                () -> TemplateParameters.resolve(def(param("S", "string")), Map.of("S", "v".repeat(4097))));
        assertThat(e.violations()).containsExactly("parameters.S: longer than 4096 characters");
    }

    @Test
    void aValueThatWasSecretIsNeverQuotedAndNeverStoredInClear() throws Exception {
        String secret = "hunter2-secret";
        // the run's version had TOKEN secret; the current one made it a number, a choice, a string
        for (Parameter.Builder now : List.of(param("TOKEN", "number"), param("TOKEN", "choice").addChoices("a"),
                param("TOKEN", "boolean"), param("TOKEN", "string").setPattern("[0-9]+"), param("TOKEN", "string"))) {
            TemplateParameters.Invalid e = catchThrowableOfType(TemplateParameters.Invalid.class,
                    () -> TemplateParameters.resolve(def(now), Map.of("TOKEN", secret), Set.of("TOKEN")));
            assertThat(e).as(now.getType()).isNotNull();
            assertThat(e.getMessage()).startsWith("parameters.TOKEN: its value was a secret").doesNotContain(secret);
        }
        // an optional secret that was left out (empty) reveals nothing: it may become a plain parameter
        assertThat(TemplateParameters.resolve(def(param("TOKEN", "string")), Map.of("TOKEN", ""), Set.of("TOKEN"))
                .shown()).containsEntry("TOKEN", "");
        // still a secret: accepted, and only in the secret env
        TemplateParameters.Resolved r = TemplateParameters.resolve(def(param("TOKEN", "secret")), Map.of("TOKEN", secret),
                Set.of("TOKEN"));
        assertThat(r.shown()).containsEntry("TOKEN", "***");
        assertThat(r.secretEnv()).containsEntry("TOKEN", secret);
        assertThat(r.spec().toString()).doesNotContain(secret);
        // a secret value the pattern refuses is not quoted either
        TemplateParameters.Invalid e = catchThrowableOfType(TemplateParameters.Invalid.class, () -> TemplateParameters
                .resolve(def(param("TOKEN", "secret").setPattern("[0-9]+")), Map.of("TOKEN", secret)));
        assertThat(e.getMessage()).contains("parameters.TOKEN: does not match the pattern").doesNotContain(secret);
        // an ordinary value is quoted, which helps the person who typed it
        e = catchThrowableOfType(TemplateParameters.Invalid.class,
                () -> TemplateParameters.resolve(def(param("N", "number")), Map.of("N", "abc")));
        assertThat(e.getMessage()).isEqualTo("parameters.N: 'abc' is not a number");
    }

    private static List<String> refusals(TemplateDefinition def, Map<String, String> given) {
        TemplateParameters.Invalid e = catchThrowableOfType(TemplateParameters.Invalid.class,
                () -> TemplateParameters.resolve(def, given));
        assertThat(e).as("refused: " + given).isNotNull();
        return e.violations();
    }

    @Test
    void typesAreCheckedCaseInsensitivelyAndAnUnknownTypeIsNamed() {
        assertThat(TemplateParameters.definitionViolations(def(param("N", "NUMBER"), param("B", "Boolean")))).isEmpty();
        assertThat(TemplateParameters.definitionViolations(def(param("F", "float")))).containsExactly(
                "parameters[0] (F).type: 'float' is not one of string, number, boolean, choice, secret");
    }

    @Test
    void aNumberIsADecimalWithinItsBounds() throws Exception {
        TemplateDefinition d = def(param("N", "number").setMin(1).setMax(10));
        assertThat(TemplateParameters.resolve(d, Map.of("N", "2.5")).spec().getEnvMap()).containsEntry("N", "2.5");
        assertThat(TemplateParameters.resolve(d, Map.of("N", "1")).shown()).containsEntry("N", "1");
        assertThat(TemplateParameters.resolve(d, Map.of("N", "10")).shown()).containsEntry("N", "10");
        assertThat(refusals(d, Map.of("N", "0.99"))).containsExactly("parameters.N: 0.99 is less than the minimum 1");
        assertThat(refusals(d, Map.of("N", "11"))).containsExactly("parameters.N: 11 is more than the maximum 10");
        assertThat(refusals(d, Map.of("N", "ten"))).containsExactly("parameters.N: 'ten' is not a number");
        // bounds on anything but a number, and reversed bounds, are refused when the template is stored
        assertThat(TemplateParameters.definitionViolations(def(param("S", "string").setMin(1))))
                .containsExactly("parameters[0] (S).min/max: only for number");
        assertThat(TemplateParameters.definitionViolations(def(param("N", "number").setMin(5).setMax(1))))
                .containsExactly("parameters[0] (N).min: greater than max");
        assertThat(TemplateParameters.definitionViolations(def(param("N", "number").setMin(1).setDefaultValue("0"))))
                .containsExactly("parameters[0] (N).default: 0 is less than the minimum 1");
    }

    @Test
    void aBooleanIsTrueOrFalseInAnyCaseAndReachesTheJobLowerCased() throws Exception {
        TemplateDefinition d = def(param("B", "boolean"));
        assertThat(TemplateParameters.resolve(d, Map.of("B", "TRUE")).spec().getEnvMap()).containsEntry("B", "true");
        assertThat(refusals(d, Map.of("B", "yes"))).containsExactly("parameters.B: 'yes' is not a boolean (true or false)");
    }

    @Test
    void aChoiceIsOneOfItsChoicesExactly() throws Exception {
        TemplateDefinition d = def(param("C", "choice").addChoices("red").addChoices("blue"));
        assertThat(TemplateParameters.resolve(d, Map.of("C", "blue")).shown()).containsEntry("C", "blue");
        assertThat(refusals(d, Map.of("C", "Blue"))).containsExactly("parameters.C: 'Blue' is not one of red, blue");
        assertThat(TemplateParameters.definitionViolations(def(param("C", "choice"))))
                .containsExactly("parameters[0] (C).choices: a choice needs choices");
        assertThat(TemplateParameters.definitionViolations(def(param("S", "string").addChoices("a"))))
                .containsExactly("parameters[0] (S).choices: only for choice");
        assertThat(TemplateParameters.definitionViolations(def(param("N", "number").setPattern("[0-9]+"))))
                .containsExactly("parameters[0] (N).pattern: only for string and secret");
    }

    @Test
    void requiredParametersSayWhatTheyWantAndOptionalOnesDefault() throws Exception {
        TemplateDefinition d = def(param("C", "choice").addChoices("a").addChoices("b").setRequired(true),
                param("N", "number").setMin(1).setMax(9).setRequired(true),
                param("S", "string").setDefaultValue("dflt"), param("O", "string"));
        assertThat(refusals(d, Map.of("C", ""))).containsExactly("parameters.C: required (one of a, b)",
                "parameters.N: required (a number ≥ 1 ≤ 9)");
        TemplateParameters.Resolved r = TemplateParameters.resolve(d, Map.of("C", "a", "N", "3"));
        assertThat(r.shown()).containsExactly(Map.entry("C", "a"), Map.entry("N", "3"), Map.entry("O", ""),
                Map.entry("S", "dflt"));
    }

    @Test
    void anUnknownRunParameterIsNamedWithTheOnesTheTemplateHas() {
        assertThat(refusals(def(param("A", "string"), param("B", "string")), Map.of("NOPE", "1")))
                .containsExactly("parameters.NOPE: not a parameter of template t (it has A, B)");
        assertThat(refusals(def(), Map.of("NOPE", "1"))).containsExactly("parameters.NOPE: not a parameter of template t (it has none)");
    }

    @Test
    void namesAreEnvironmentVariablesOfTheirOwn() {
        TemplateDefinition d = TemplateDefinition.newBuilder().setName("t")
                .setJob(JobSpec.newBuilder().setShell("true").putEnv("E", "1"))
                .addParameters(param("HODEI_X", "string")).addParameters(param("D", "string"))
                .addParameters(param("D", "string")).addParameters(param("E", "string")).build();
        assertThat(TemplateParameters.definitionViolations(d)).containsExactly(
                "parameters[0] (HODEI_X).name: HODEI_* is reserved",
                "parameters[2] (D).name: declared twice",
                "parameters[3] (E).name: clashes with job.env.E (parameters are environment variables)");
    }

    @Test
    void placeholdersAreReplacedOutsideTheShellCommandWhichTheShellExpands() throws Exception {
        TemplateDefinition d = TemplateDefinition.newBuilder().setName("t").addParameters(param("WHO", "string"))
                .setJob(JobSpec.newBuilder().setShell("echo \"hello ${WHO}\"").putEnv("GREETING", "hi ${WHO}")
                        .putLabels("who", "${WHO}").setWorkingDir("/home/${WHO}")).build();
        JobSpec spec = TemplateParameters.resolve(d, Map.of("WHO", "ana; rm -rf /")).spec();
        assertThat(spec.getShell()).as("left for the shell, never parsed as shell syntax").isEqualTo("echo \"hello ${WHO}\"");
        assertThat(spec.getEnvMap()).containsEntry("WHO", "ana; rm -rf /").containsEntry("GREETING", "hi ana; rm -rf /");
        assertThat(spec.getLabelsMap()).containsEntry("who", "ana; rm -rf /");
        assertThat(spec.getWorkingDir()).isEqualTo("/home/ana; rm -rf /");
        assertThat(spec.getName()).as("the template's name when the job has none").isEqualTo("t");
        assertThat(TemplateParameters.definitionViolations(TemplateDefinition.newBuilder().setName("t")
                .setJob(JobSpec.newBuilder().setShell("true").putEnv("X", "${NOPE}")).build()))
                .containsExactly("job.env.X: ${NOPE} is not a declared parameter");
    }

    @Test
    void aSecretHasNoDefaultStaysOutOfTheSpecAndOutOfPlacesThatAreShown() throws Exception {
        assertThat(TemplateParameters.definitionViolations(def(param("T", "secret").setDefaultValue("x")))).containsExactly(
                "parameters[0] (T).default: a secret has no default (it would be stored in clear); give it per run or schedule");
        TemplateDefinition argv = TemplateDefinition.newBuilder().setName("t").addParameters(param("T", "secret"))
                .setJob(JobSpec.newBuilder().setArgv(hodei.v1.ArgvCommand.newBuilder().addArgs("curl").addArgs("${T}"))
                        .putLabels("t", "${T}")).build();
        assertThat(TemplateParameters.definitionViolations(argv)).containsExactly(
                "job.argv.args[1]: the secret ${T} may only be used in a shell command or an env value",
                "job.labels.t: the secret ${T} may only be used in a shell command or an env value");

        TemplateDefinition d = TemplateDefinition.newBuilder().setName("t").addParameters(param("T", "secret"))
                .setJob(JobSpec.newBuilder().setShell("curl -H \"$AUTH\"").putEnv("AUTH", "Bearer ${T}")).build();
        TemplateParameters.Resolved r = TemplateParameters.resolve(d, Map.of("T", "s3cr3t"));
        assertThat(r.secretEnv()).containsExactly(Map.entry("AUTH", "Bearer s3cr3t"), Map.entry("T", "s3cr3t"));
        assertThat(r.spec().getEnvMap()).doesNotContainKeys("AUTH", "T");
        assertThat(r.shown()).containsExactly(Map.entry("T", TemplateParameters.REDACTED));
    }

    @Test
    void theSampleSpecHasAValueOfEveryType() {
        TemplateDefinition d = def(param("S", "string"), param("N", "number").setMin(3), param("Z", "number"),
                param("B", "boolean"), param("C", "choice").addChoices("x").addChoices("y"),
                param("D", "string").setDefaultValue("given"), param("T", "secret"));
        assertThat(TemplateParameters.sample(d).getEnvMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "S", "/sample", "N", "3", "Z", "0", "B", "false", "C", "x", "D", "given"));
    }
}
