package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import java.util.Map;

/** The built-in Jolokia policy reads everything and changes nothing. */
class JolokiaPolicyTest {

    final Restrictor policy = JolokiaPolicy.builtIn();

    @Test
    void readsButNeverWritesOrRuns() throws Exception {
        ObjectName camel = new ObjectName("org.apache.camel:context=hodei,type=context,name=\"hodei\"");
        ObjectName route = new ObjectName("org.apache.camel:context=hodei,type=routes,name=\"job-completed\"");
        ObjectName diagnostic = new ObjectName("com.sun.management:type=DiagnosticCommand");
        ObjectName hotspot = new ObjectName("com.sun.management:type=HotSpotDiagnostic");

        for (RequestType allowed : new RequestType[] {RequestType.READ, RequestType.LIST, RequestType.SEARCH, RequestType.VERSION}) {
            assertThat(policy.isTypeAllowed(allowed)).as(allowed.getName()).isTrue();
        }
        assertThat(policy.isTypeAllowed(RequestType.WRITE)).isFalse();
        assertThat(policy.isTypeAllowed(RequestType.EXEC)).isFalse();
        assertThat(policy.isAttributeReadAllowed(new ObjectName("java.lang:type=Runtime"), "Uptime")).isTrue();
        assertThat(policy.isAttributeWriteAllowed(new ObjectName("java.lang:type=Memory"), "Verbose")).isFalse();

        assertThat(policy.isOperationAllowed(camel, "sendBody")).isFalse();
        assertThat(policy.isOperationAllowed(camel, "stop")).isFalse();
        assertThat(policy.isOperationAllowed(route, "stop")).isFalse();
        assertThat(policy.isOperationAllowed(diagnostic, "vmSystemProperties")).isFalse();
        assertThat(policy.isOperationAllowed(hotspot, "dumpHeap")).isFalse();
        // what Hawtio's route and thread views run: text out, nothing changed
        assertThat(policy.isOperationAllowed(camel, "dumpRoutesAsXml")).isTrue();
        assertThat(policy.isOperationAllowed(route, "dumpRouteStatsAsXml")).isTrue();
        assertThat(policy.isOperationAllowed(new ObjectName("java.lang:type=Threading"), "dumpAllThreads")).isTrue();
    }

    @Test
    void postOnlyAndNoCrossOriginAnswers() {
        assertThat(policy.isHttpMethodAllowed(HttpMethod.POST)).isTrue();
        assertThat(policy.isHttpMethodAllowed(HttpMethod.GET)).isFalse();
        assertThat(policy.isOriginAllowed("http://evil.example", false)).isFalse();
        assertThat(policy.isOriginAllowed("null", false)).isFalse();
        // requests with no Origin (curl, scripts) are not refused for it
        assertThat(policy.isOriginAllowed(null, true)).isTrue();
    }

    @Test
    void anOperatorFileReplacesItAndAMissingOneStopsTheStart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("full.xml");
        Files.writeString(file, "<restrict><commands><command>exec</command></commands></restrict>");
        Restrictor full = new JolokiaPolicy().jolokiaRestrictor(props("hodei.hawtio.jolokia-policy", file.toString()));
        assertThat(full.isTypeAllowed(RequestType.EXEC)).isTrue();

        assertThatThrownBy(() -> new JolokiaPolicy().jolokiaRestrictor(props("hodei.hawtio.jolokia-policy", dir.resolve("none.xml").toString())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hodei.hawtio.jolokia-policy");
        Files.writeString(file, "<restrict><commands>");
        assertThatThrownBy(() -> new JolokiaPolicy().jolokiaRestrictor(props("hodei.hawtio.jolokia-policy", file.toString())))
                .isInstanceOf(IllegalStateException.class);
    }

    static HodeiProperties props(String name, String value) {
        return new Binder(new MapConfigurationPropertySource(Map.of(name, value))).bindOrCreate("hodei", HodeiProperties.class);
    }
}
