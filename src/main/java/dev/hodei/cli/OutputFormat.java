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

    /** Prints {@code message} when json or yaml was asked for, and says so; a table is the caller's to print. */
    boolean printed(MessageOrBuilder message) {
        if (format != Format.json && format != Format.yaml) return false;
        String json;
        try {
            json = JsonFormat.printer().print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        if (format == Format.json) {
            System.out.println(json);
        } else {
            try {
                System.out.print(new YAMLMapper().writeValueAsString(new ObjectMapper().readTree(json)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return true;
    }
}
