package dev.hodei.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages (roff, section 1) of every command, written by the build from the same command model
 * as {@code --help}, so the two never disagree: {@code MANPATH=target/man man hodei-job-list}.
 */
public final class ManPages {

    private ManPages() {}

    /** {@code args[0]}: the folder to write {@code man1/*.1} into. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: ManPages OUTPUT_DIR");
        List<Path> pages = write(HodeiMain.commandLine(), Path.of(args[0]).resolve("man1"));
        System.out.println(pages.size() + " man pages in " + Path.of(args[0]).resolve("man1"));
    }

    static List<Path> write(CommandLine root, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (CommandLine cmd : commands(root)) {
            Path page = dir.resolve(cmd.getCommandSpec().qualifiedName("-") + ".1");
            Files.writeString(page, page(cmd.getCommandSpec()));
            written.add(page);
        }
        return written;
    }

    /** Every command of the model, the root first; picocli's own {@code help} is not one. */
    static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        if (root.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) return all;
        all.add(root);
        for (CommandLine sub : root.getSubcommands().values()) all.addAll(commands(sub));
        return all;
    }

    static String page(CommandSpec spec) {
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        String name = spec.qualifiedName("-");
        String[] description = spec.usageMessage().description();
        StringBuilder roff = new StringBuilder();
        roff.append(".TH ").append(name.toUpperCase(Locale.ROOT)).append(" 1 \"\" \"")
                .append(version(spec)).append("\" \"Hodei Jobs manual\"\n");
        roff.append(".SH NAME\n").append(name).append(" \\- ")
                .append(escape(description.length == 0 ? "" : format(description[0]))).append('\n');
        roff.append(".SH SYNOPSIS\n.nf\n").append(lines(help.synopsis(0).stripTrailing())).append(".fi\n");
        if (description.length > 0) {
            roff.append(".SH DESCRIPTION\n");
            for (String line : description) {
                roff.append(line.isBlank() ? ".PP\n" : escapeLine(format(line)) + "\n");
            }
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!positionals.isEmpty() || !options.isEmpty()) {
            roff.append(".SH OPTIONS\n");
            for (PositionalParamSpec p : positionals) {
                roff.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n")
                        .append(escapeLine(describe(p.description(), null))).append('\n');
            }
            for (OptionSpec o : options) {
                List<String> names = new ArrayList<>();
                for (String n : o.names()) names.add("\\fB" + escape(n).replace("-", "\\-") + "\\fR");
                String label = o.arity().max() == 0 ? "" : "=\\fI" + escape(o.paramLabel()) + "\\fR";
                roff.append(".TP\n").append(String.join(", ", names)).append(label).append('\n')
                        .append(escapeLine(describe(o.description(), o.defaultValue()))).append('\n');
            }
        }
        List<CommandLine> subs = spec.subcommands().values().stream()
                .filter(c -> !(c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand)).toList();
        if (!subs.isEmpty()) {
            roff.append(".SH COMMANDS\n");
            for (CommandLine sub : subs) {
                String[] d = sub.getCommandSpec().usageMessage().description();
                roff.append(".TP\n\\fB").append(sub.getCommandSpec().qualifiedName("-")).append("\\fR(1)\n")
                        .append(escapeLine(d.length == 0 ? "" : format(d[0]))).append('\n');
            }
        }
        String examples = help.footer().strip();
        if (!examples.isEmpty()) roff.append(".SH EXAMPLES\n.nf\n").append(lines(examples.indent(2).stripTrailing())).append(".fi\n");
        List<String> seeAlso = new ArrayList<>();
        for (CommandSpec up = spec.parent(); up != null; up = up.parent()) seeAlso.add("\\fB" + up.qualifiedName("-") + "\\fR(1)");
        if (!seeAlso.isEmpty()) roff.append(".SH SEE ALSO\n").append(String.join(", ", seeAlso)).append('\n');
        return roff.toString();
    }

    private static String version(CommandSpec spec) {
        CommandSpec root = spec.root();
        return root.version().length == 0 ? root.name() : escape(root.version()[0]);
    }

    private static String describe(String[] description, String defaultValue) {
        StringBuilder text = new StringBuilder();
        for (String line : description) text.append(text.length() == 0 ? "" : " ").append(format(line));
        boolean saysDefault = text.toString().toLowerCase(Locale.ROOT).contains("default");
        if (defaultValue != null && !defaultValue.isEmpty() && !saysDefault) {
            text.append(text.length() == 0 ? "" : " ").append("Default: ").append(defaultValue).append('.');
        }
        return text.toString();
    }

    // picocli reads descriptions as format strings (%n, %%); one that is not stays as written
    private static String format(String text) {
        try {
            return String.format(text).replace(System.lineSeparator(), " ");
        } catch (IllegalFormatException notAFormat) {
            return text;
        }
    }

    /** Text kept line by line (synopsis, examples): each line escaped, none read as a request. */
    private static String lines(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\\R")) out.append(escapeLine(line)).append('\n');
        return out.toString();
    }

    private static String escapeLine(String line) {
        String escaped = escape(line);
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == '\\') out.append("\\e");
            else if (c > 127) out.append(String.format("\\[u%04X]", c)); // roff reads ASCII: … as \[u2026]
            else out.appendCodePoint(c);
        });
        return out.toString();
    }
}
