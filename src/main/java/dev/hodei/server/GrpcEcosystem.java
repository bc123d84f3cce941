package dev.hodei.server;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What standard gRPC tools (grpcurl, buf curl, Postman, Kubernetes probes) look for: the health
 * service, open to anyone, and server reflection in both versions tools ask for, for any valid
 * token (docs/decisions.md).
 */
@Configuration(proxyBeanMethods = false)
class GrpcEcosystem {

    @Bean
    BindableService grpcHealthService(GrpcHealth health) {
        return health.service();
    }

    @Bean
    BindableService grpcReflection() {
        return ProtoReflectionServiceV1.newInstance();
    }

    @SuppressWarnings("deprecation") // v1alpha: what grpcurl and older tools still ask for first
    @Bean
    BindableService grpcReflectionV1Alpha() {
        return ProtoReflectionService.newInstance();
    }
}
