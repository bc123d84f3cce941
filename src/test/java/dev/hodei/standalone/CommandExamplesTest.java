package dev.hodei.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Every command's {@code --help} ends with examples, and every example is a command line the
 * model accepts, aimed at that command: an example that no longer parses fails the build.
 */
class CommandExamplesTest {

    @Test
    void everyCommandHasExamplesThatParseAsThatCommand() {
        List<CommandLine> commands = ManPages.commands(HodeiMain.commandLine());
        assertThat(commands).hasSizeGreaterThan(40);
        for (CommandLine cmd : commands) {
            String name = cmd.getCommandSpec().qualifiedName();
            assertThat(cmd.getHelp().footerHeading()).as(name + " --help").contains("Examples:");
            List<List<String>> examples = new ArrayList<>();
            for (String line : cmd.getCommandSpec().usageMessage().footer()) {
                assertThat(line.length()).as(name + ": an example help would wrap: " + line)
                        .isLessThan(cmd.getCommandSpec().usageMessage().width());
                examples.addAll(hodeiCalls(String.format(line).strip()));
            }
            assertThat(examples).as(name + "'s examples").isNotEmpty();
            boolean aimed = false;
            for (List<String> example : examples) {
                ParseResult parsed = parse(example);
                String called = deepest(parsed).commandSpec().qualifiedName();
                aimed |= called.equals(name) || called.startsWith(name + " ");
            }
            assertThat(aimed).as(name + ": an example of this command (or one of its subcommands)").isTrue();
        }
    }

    @Test
    void everyCommandTakesHelpAndAServerGivenHelpOnlyPrintsIt() {
        for (CommandLine cmd : ManPages.commands(HodeiMain.commandLine())) {
            List<String> call = new ArrayList<>(List.of(cmd.getCommandSpec().qualifiedName().split(" ")));
            call.add("--help");
            assertThat(deepest(parse(call)).isUsageHelpRequested()).as(String.join(" ", call)).isTrue();
        }
    }

    @Test
    void theTokenizerReadsShellQuotingAndStopsAtOperators() {
        assertThat(hodeiCalls("API_TOKEN=x hodei run -- 'echo a | b' \"c d\" > out"))
                .containsExactly(List.of("hodei", "run", "--", "echo a | b", "c d"));
        assertThat(hodeiCalls("hodei job logs -f $(hodei job submit -- 'sleep 1')"))
                .containsExactly(List.of("hodei", "job", "logs", "-f", "$(hodei job submit -- 'sleep 1')"),
                        List.of("hodei", "job", "submit", "--", "sleep 1"));
        assertThat(hodeiCalls("# a comment")).isEmpty();
        assertThat(hodeiCalls("source <(hodei completion bash)")).containsExactly(List.of("hodei", "completion", "bash"));
    }

    private static ParseResult parse(List<String> example) {
        String[] args = example.subList(1, example.size()).toArray(String[]::new);
        ParseResult[] parsed = new ParseResult[1];
        assertThatCode(() -> parsed[0] = HodeiMain.commandLine().parseArgs(args))
                .as(String.join(" ", example)).doesNotThrowAnyException();
        return parsed[0];
    }

    private static ParseResult deepest(ParseResult parsed) {
        return parsed.hasSubcommand() ? deepest(parsed.subcommand()) : parsed;
    }

    /** The {@code hodei} calls of one shell line: the line's own, and those in {@code $(...)} and {@code <(...)}. */
    static List<List<String>> hodeiCalls(String line) {
        List<List<String>> calls = new ArrayList<>();
        if (line.startsWith("#")) return calls;
        List<String> words = words(line, calls);
        int first = 0;
        while (first < words.size() && words.get(first).matches("[A-Z_][A-Z0-9_]*=.*")) first++;
        if (first < words.size() && words.get(first).equals("hodei")) calls.add(0, words.subList(first, words.size()));
        return calls;
    }

    private static List<String> words(String line, List<List<String>> nested) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c == '$' || c == '<') && i + 1 < line.length() && line.charAt(i + 1) == '(') {
                int depth = 0;
                int end = i + 1;
                for (; end < line.length(); end++) {
                    if (line.charAt(end) == '(') depth++;
                    if (line.charAt(end) == ')' && --depth == 0) break;
                }
                String inner = line.substring(i + 2, end);
                nested.addAll(hodeiCalls(inner));
                if (c == '<') {
                    i = end;
                    continue;
                }
                if (word == null) word = new StringBuilder();
                word.append(line, i, end + 1);
                i = end;
            } else if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (word == null) word = new StringBuilder();
                word.append(line, i + 1, end);
                i = end;
            } else if (Character.isWhitespace(c)) {
                if (word != null) words.add(word.toString());
                word = null;
            } else if ("|;&><".indexOf(c) >= 0) {
                break;
            } else {
                if (word == null) word = new StringBuilder();
                word.append(c);
            }
        }
        if (word != null) words.add(word.toString());
        return words;
    }
}
