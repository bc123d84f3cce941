package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class FollowStreamsTest {

    @Test
    void aCallerHasAtMostItsShareAndTheServerAtMostItsWhole() {
        FollowStreams streams = new FollowStreams(3, 2);
        FollowStreams.Lease a1 = streams.open("alice");
        streams.open("alice");
        assertThatThrownBy(() -> streams.open("alice")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).startsWith("streams following jobs: at most 2 open for one caller");
        });
        streams.open("bob");
        assertThatThrownBy(() -> streams.open("carol")).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getDescription()).startsWith("streams following jobs: at most 3 open on this server"));

        a1.close();
        a1.close(); // a second close gives nothing back twice
        streams.open("carol");
        assertThatThrownBy(() -> streams.open("alice")).as("the server is full again")
                .hasMessageContaining("at most 3 open on this server");
    }

    @Test
    void aRefusalTakesNoPlace() {
        FollowStreams streams = new FollowStreams(1, 1);
        FollowStreams.Lease only = streams.open("alice");
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> streams.open("alice")).isInstanceOf(StatusRuntimeException.class);
            assertThatThrownBy(() -> streams.open("bob")).isInstanceOf(StatusRuntimeException.class);
        }
        only.close();
        streams.open("bob").close();
        streams.open("alice");
    }
}
