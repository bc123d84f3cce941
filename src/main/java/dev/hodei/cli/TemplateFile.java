package dev.hodei.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import hodei.v1.TemplateDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * A template file: YAML with the fields of {@code hodei.v1.TemplateDefinition} (snake_case or
 * camelCase). Scalars a person writes unquoted ({@code default: 7}, {@code choices: [1, 2]}, env
 * values) are read as the strings the definition holds.
 */
final class TemplateFile {

    private TemplateFile() {}

    static TemplateDefinition read(Path file) {
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not readable YAML: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) throw new IllegalArgumentException(file + ": expected a YAML mapping");
        stringify((ObjectNode) tree);
        TemplateDefinition.Builder def = TemplateDefinition.newBuilder();
        try {
            JsonFormat.parser().merge(tree.toString(), def);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return def.build();
    }

    private static void stringify(ObjectNode root) {
        if (root.get("parameters") instanceof ArrayNode params) {
            for (JsonNode p : params) {
                if (!(p instanceof ObjectNode param)) continue;
                JsonNode d = param.get("default");
                if (d != null && d.isValueNode() && !d.isNull()) param.set("default", TextNode.valueOf(d.asText()));
                if (param.get("choices") instanceof ArrayNode choices) {
                    for (int i = 0; i < choices.size(); i++) choices.set(i, TextNode.valueOf(choices.get(i).asText()));
                }
            }
        }
        textValues(root.get("labels"));
        if (root.get("job") instanceof ObjectNode job) {
            textValues(job.get("env"));
            textValues(job.get("labels"));
        }
    }

    private static void textValues(JsonNode map) {
        if (!(map instanceof ObjectNode m)) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isValueNode() && !e.getValue().isNull()) e.setValue(TextNode.valueOf(e.getValue().asText()));
        }
    }
}
