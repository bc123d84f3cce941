package dev.hodei.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.ObjectHelper;
import org.junit.jupiter.api.Test;

/** The names the routes compare enum headers with convert in one lookup, and compare as before. */
class RouteEnumsTest {

    @Test
    void namesConvertToTheirConstantsThroughOneRegisteredConverter() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            new RouteEnums().beforeApplicationStart(camel);
            camel.start();
            for (Class<? extends Enum<?>> type : RouteEnums.COMPARED_BY_NAME) {
                assertThat(camel.getTypeConverterRegistry().lookup(type, String.class)).as(type.getName()).isNotNull();
                for (Enum<?> constant : type.getEnumConstants()) {
                    assertThat(camel.getTypeConverter().convertTo(type, constant.name())).isSameAs(constant);
                }
            }
            var converter = camel.getTypeConverter();
            assertThat(ObjectHelper.typeCoerceEquals(converter, WorkerReuse.AfterResult.REUSE, "REUSE")).isTrue();
            assertThat(ObjectHelper.typeCoerceEquals(converter, WorkerReuse.AfterResult.REUSE, "END")).isFalse();
            assertThat(ObjectHelper.typeCoerceEquals(converter, JobDispatch.Dispatch.SENT, "STREAM_CLOSED")).isFalse();
            assertThat(ObjectHelper.typeCoerceEquals(converter, JobDispatch.Dispatch.SENT, "NO_SUCH_NAME")).isFalse();
        }
    }
}
