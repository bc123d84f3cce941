package dev.hodei.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hodei.v1.Parameter;
import hodei.v1.TemplateDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateFileTest {

    @Test
    void readsTheExampleAsAPersonWroteIt() {
        TemplateDefinition def = TemplateFile.read(Path.of("examples/templates/report.yaml"));
        assertThat(def.getName()).isEqualTo("report");
        assertThat(def.getLabelsMap()).containsEntry("team", "data");
        assertThat(def.getParametersList()).extracting(Parameter::getName)
                .containsExactly("REGION", "DAYS", "DRY_RUN", "OWNER", "TOKEN");
        Parameter days = def.getParameters(1);
        assertThat(days.getType()).isEqualTo("number");
        assertThat(days.getDefaultValue()).as("an unquoted YAML number").isEqualTo("7");
        assertThat(days.getMin()).isEqualTo(1);
        assertThat(days.getMax()).isEqualTo(90);
        assertThat(def.getParameters(2).getDefaultValue()).as("an unquoted YAML boolean").isEqualTo("false");
        assertThat(def.getParameters(0).getChoicesList()).containsExactly("eu", "us", "ap");
        assertThat(def.getParameters(0).getRequired()).isTrue();
        assertThat(def.getParameters(4).hasDefaultValue()).isFalse();
        assertThat(def.getJob().getShell()).contains("${REGION}");
        assertThat(def.getJob().getRunTimeoutSeconds()).isEqualTo(300);
        assertThat(def.getJob().getLabelsMap()).containsEntry("region", "${REGION}");

        TemplateDefinition argv = TemplateFile.read(Path.of("examples/templates/nightly-cleanup.yaml"));
        assertThat(argv.getJob().getArgv().getArgsList()).endsWith("${KEEP}");
        assertThat(argv.getJob().getMaxAttempts()).isEqualTo(2);
    }

    @Test
    void aMistakeInTheFileIsReportedWithTheFileAndTheField(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "name: t\njob:\n  shel: echo hi\n");
        assertThatThrownBy(() -> TemplateFile.read(typo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("typo.yaml").hasMessageContaining("shel");
        Path notYaml = dir.resolve("broken.yaml");
        Files.writeString(notYaml, "name: [unclosed\n");
        assertThatThrownBy(() -> TemplateFile.read(notYaml)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken.yaml: not readable YAML");
    }
}
