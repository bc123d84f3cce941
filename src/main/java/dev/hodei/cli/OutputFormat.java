package dev.hodei.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine.Option;

/**
 * {@code -o table|wide|json|yaml} of every read command, kubectl style: json and yaml are the API's
 * own message in the proto JSON mapping (parse it back with any protobuf library), so scripts
 * never parse a table.
 */
final class OutputFormat {

    enum Format { table, wide, json, yaml }

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "table (default), wide (more columns), json or yaml (the API's message, proto JSON mapping)")
    Format format = Format.table;

    boolean wide() {
        return format == Format.wide;
    }

    boolean structured() {
        return format == Format.json || format == Format.yaml;
    }

    /**
     * A stream of messages ({@code --watch}): with json one object per line (JSON Lines), with yaml
     * one document each; false, printing nothing, for a table.
     */
    boolean printedEach(java.util.List<? extends MessageOrBuilder> messages) {
        if (!structured()) return false;
        for (MessageOrBuilder m : messages) {
            String json = json(m, JsonFormat.printer().omittingInsignificantWhitespace());
            System.out.print(format == Format.json ? json + System.lineSeparator() : "---" + System.lineSeparator() + yaml(json));
        }
        return true;
    }

    /** Prints {@code message} when json or yaml was asked for, and says so; a table is the caller's to print. */
    boolean printed(MessageOrBuilder message) {
        if (!structured()) return false;
        String json = json(message, JsonFormat.printer());
        if (format == Format.json) System.out.println(json);
        else System.out.print(yaml(json));
        return true;
    }

    private static String json(MessageOrBuilder message, JsonFormat.Printer printer) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String yaml(String json) {
        try {
            // without the document marker: one message, one document, as kubectl -o yaml prints it
            return new YAMLMapper().disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .writeValueAsString(new ObjectMapper().readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
