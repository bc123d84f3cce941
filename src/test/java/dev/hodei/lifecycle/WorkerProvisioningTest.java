package dev.hodei.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.providers.ProvisioningException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/** What a job's users may read when its worker could not be started. */
class WorkerProvisioningTest {

    private static final String SQL = "PreparedStatementCallback; SQL [UPDATE workers SET resource_id = ? WHERE id = ?]";

    @Test
    void aProvidersRefusalIsReadAsTheProviderSaidIt() {
        assertThat(WorkerProvisioning.readable(new ProvisioningException("image 'x' is not on the Docker host"), "start"))
                .isEqualTo("image 'x' is not on the Docker host");
    }

    @Test
    void theDatabaseFailingUnderTheProvidersCallbackShowsOnlyAReference() {
        // the provider wraps whatever its callback threw in its own words, the SQL among them
        Exception wrapped = new ProvisioningException("docker create failed: " + SQL,
                new DataAccessResourceFailureException(SQL, new SQLException("I/O error")));
        String readable = WorkerProvisioning.readable(wrapped, "start");
        assertThat(readable).doesNotContain("SQL", "UPDATE", "workers").matches(
                "internal error; the server log has the details \\(ref [0-9a-f]{8}\\)");
    }

    @Test
    void anythingElseUnexpectedShowsOnlyAReference() {
        assertThat(WorkerProvisioning.readable(new DataAccessResourceFailureException(SQL), "start"))
                .startsWith("internal error").doesNotContain("SQL");
        assertThat(WorkerProvisioning.readable(new IllegalStateException("row 42 of workers: " + SQL), "start"))
                .startsWith("internal error").doesNotContain("SQL", "row 42");
    }

    @Test
    void theServersOwnRefusalIsReadAsItSaidIt() {
        assertThat(WorkerProvisioning.readable(new IllegalArgumentException("unknown provider 'gone' (available: process)"),
                "start")).isEqualTo("unknown provider 'gone' (available: process)");
    }
}
