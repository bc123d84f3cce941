package dev.hodei.schedules;

import dev.hodei.templates.TemplateApi;
import hodei.v1.TemplateServiceGrpc;
import io.grpc.BindableService;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import org.springframework.stereotype.Component;

/**
 * The one {@code hodei.v1.TemplateService} the gRPC server offers: the schedule RPCs from
 * {@link ScheduleApi}, the others from {@link TemplateApi}. Bound here because schedules sit
 * above templates (they fire them), so templates needs nothing of schedules.
 */
@Component
public class TemplateServiceBinding implements BindableService {

    private final TemplateApi templates;
    private final ScheduleApi schedules;

    public TemplateServiceBinding(TemplateApi templates, ScheduleApi schedules) {
        this.templates = templates;
        this.schedules = schedules;
    }

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition templateHalf = TemplateServiceGrpc.bindService(templates);
        ServerServiceDefinition scheduleHalf = TemplateServiceGrpc.bindService(schedules);
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(TemplateServiceGrpc.getServiceDescriptor());
        for (ServerMethodDefinition<?, ?> method : templateHalf.getMethods()) {
            String name = method.getMethodDescriptor().getFullMethodName();
            ServerMethodDefinition<?, ?> answering = ScheduleApi.RPCS.contains(name) ? scheduleHalf.getMethod(name) : method;
            service.addMethod(answering);
        }
        return service.build();
    }
}
