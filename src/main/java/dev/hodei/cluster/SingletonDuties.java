package dev.hodei.cluster;

import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The duties one replica at a time performs (GC passes, warm-pool upkeep): their routes carry
 * {@code routePolicy: singletonDuty} and run only on the replica that leads namespace
 * {@value #NAMESPACE}; another takes over within a second or two of the leader's death.
 */
@Configuration(proxyBeanMethods = false)
public class SingletonDuties {

    public static final String NAMESPACE = "singleton-duties";

    @Bean
    AdvisoryLockClusterService leadership(DedicatedConnections connections, Replicas replicas) {
        return new AdvisoryLockClusterService(connections, replicas.name(), Duration.ofSeconds(1));
    }

    @Bean
    ClusteredRoutePolicy singletonDuty(AdvisoryLockClusterService leadership, CamelContext camel) throws Exception {
        if (!camel.hasService(leadership)) camel.addService(leadership, true, true);
        ClusteredRoutePolicy policy = ClusteredRoutePolicy.forNamespace(leadership, NAMESPACE);
        policy.setCamelContext(camel);
        return policy;
    }
}
