package dev.hodei.lifecycle;

import dev.hodei.jobs.RetryPolicy;
import dev.hodei.workers.AgentCommands;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.TypeConverterSupport;
import org.springframework.stereotype.Component;

/**
 * The enums that the lifecycle routes compare by name ({@code ${header.dispatch} == 'SENT'}) convert
 * from a String in one lookup. A comparison that does not match makes Camel convert the name to
 * the header's enum, and its enum converter is a fallback found by walking every registered
 * converter, again on each comparison: ~8% of the control plane's CPU per job in the
 * reusable-worker burst (docs/benchmarks.md). A header of another enum is only slower.
 */
@Component
public class RouteEnums implements CamelContextConfiguration {

    static final List<Class<? extends Enum<?>>> COMPARED_BY_NAME = List.of(JobDispatch.Dispatch.class,
            WorkerReuse.AfterResult.class, RetryPolicy.Verdict.class, AgentCommands.Delivery.class);

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        for (Class<? extends Enum<?>> type : COMPARED_BY_NAME) {
            camel.getTypeConverterRegistry().addTypeConverter(type, String.class, new FromName(type));
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // nothing
    }

    /** A constant's exact name, as the routes write it; any other string converts to nothing. */
    private static final class FromName extends TypeConverterSupport {
        private final Class<? extends Enum<?>> type;

        FromName(Class<? extends Enum<?>> type) {
            this.type = type;
        }

        @Override
        public <T> T convertTo(Class<T> to, Exchange exchange, Object value) throws TypeConversionException {
            if (!(value instanceof String name)) return null;
            for (Enum<?> constant : type.getEnumConstants()) {
                if (constant.name().equals(name)) return to.cast(constant);
            }
            return null;
        }
    }
}
