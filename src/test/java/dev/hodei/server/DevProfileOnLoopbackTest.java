package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class DevProfileOnLoopbackTest {

    @Test
    void onlyLoopbackAddressesPass() {
        assertThat(DevProfileOnLoopback.isLoopback("127.0.0.1")).isTrue();
        assertThat(DevProfileOnLoopback.isLoopback("::1")).isTrue();
        assertThat(DevProfileOnLoopback.isLoopback("localhost")).isTrue();
        assertThat(DevProfileOnLoopback.isLoopback("0.0.0.0")).isFalse();
        assertThat(DevProfileOnLoopback.isLoopback("::")).isFalse();
        assertThat(DevProfileOnLoopback.isLoopback("")).as("every interface").isFalse();
        assertThat(DevProfileOnLoopback.isLoopback("192.0.2.10")).isFalse();
        assertThatThrownBy(() -> DevProfileOnLoopback.check("hodei.grpc.address", "0.0.0.0"))
                .hasMessageContaining("dev profile").hasMessageContaining("hodei.grpc.address").hasMessageContaining("0.0.0.0");
    }

    final ApplicationContextRunner context = new ApplicationContextRunner()
            // what application-dev.yml sets; any profile may set it too
            .withPropertyValues("hodei.hawtio.authentication=false", "server.address=127.0.0.1")
            .withUserConfiguration(DevProfileOnLoopback.class);

    @Test
    void theDevProfileRefusesToStartBeyondLoopback() {
        context.run(ctx -> assertThat(ctx).hasNotFailed());
        context.withPropertyValues("server.address=0.0.0.0").run(ctx -> assertThat(ctx).getFailure()
                .hasMessageContaining("server.address is '0.0.0.0'"));
        context.withPropertyValues("hodei.grpc.address=0.0.0.0").run(ctx -> assertThat(ctx).getFailure()
                .hasMessageContaining("hodei.grpc.address is '0.0.0.0'"));
        context.withPropertyValues("hodei.hawtio.authentication=true", "server.address=0.0.0.0")
                .run(ctx -> assertThat(ctx).as("with the login on").hasNotFailed());
    }
}
