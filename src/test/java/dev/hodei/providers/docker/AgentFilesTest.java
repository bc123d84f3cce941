package dev.hodei.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class AgentFilesTest {

    @Test
    void theContainersUserOwnsTheFilesByIdOrLeftToTheEngineByName() {
        assertThat(AgentFiles.owner("")).containsExactly(0, 0);
        assertThat(AgentFiles.owner("65534:65534")).containsExactly(65534, 65534);
        assertThat(AgentFiles.owner("1000")).containsExactly(1000, 1000);
        assertThat(AgentFiles.owner("nobody")).isNull();
        assertThat(AgentFiles.owner("1000:staff")).isNull();
    }

    @Test
    void theTokenIsReadableByItsOwnerOnlyInADirectoryOnlyItsOwnerEnters() throws Exception {
        AgentFiles files = new AgentFiles("tok", "-----BEGIN CERTIFICATE-----\n");
        List<TarArchiveEntry> entries = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(files.tar(new int[] {65534, 65534}))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) entries.add(e);
        }

        assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly("run/hodei/", "run/hodei/otp",
                "run/hodei/ca.pem");
        assertThat(entries).extracting(e -> e.getMode() & 07777).containsExactly(0700, 0400, 0444);
        assertThat(entries).allSatisfy(e -> assertThat(e.getLongUserId()).isEqualTo(65534));
        assertThat(files.environment()).containsEntry("HODEI_OTP_FILE", "/run/hodei/otp")
                .containsEntry("HODEI_SERVER_CA_FILE", "/run/hodei/ca.pem").doesNotContainKey("HODEI_OTP_TOKEN");
    }
}
