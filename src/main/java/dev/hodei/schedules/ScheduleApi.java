package dev.hodei.schedules;

import dev.hodei.server.ProtoTime;
import dev.hodei.server.UnaryResponse;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.DeleteScheduleRequest;
import hodei.v1.DeleteScheduleResponse;
import hodei.v1.GetScheduleRequest;
import hodei.v1.Job;
import hodei.v1.ListSchedulesRequest;
import hodei.v1.ListSchedulesResponse;
import hodei.v1.NextFireTimesRequest;
import hodei.v1.NextFireTimesResponse;
import hodei.v1.RunScheduleNowRequest;
import hodei.v1.Schedule;
import hodei.v1.SetScheduleEnabledRequest;
import hodei.v1.TemplateServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/** The schedule RPCs of {@code hodei.v1.TemplateService}; {@link TemplateServiceBinding} offers them. */
@Component
public class ScheduleApi implements TemplateServiceGrpc.AsyncService {

    /** Full names of the RPCs this half answers; the template half answers the rest. */
    static final Set<String> RPCS = Stream.<MethodDescriptor<?, ?>>of(
                    TemplateServiceGrpc.getCreateScheduleMethod(), TemplateServiceGrpc.getGetScheduleMethod(),
                    TemplateServiceGrpc.getListSchedulesMethod(), TemplateServiceGrpc.getSetScheduleEnabledMethod(),
                    TemplateServiceGrpc.getDeleteScheduleMethod(), TemplateServiceGrpc.getRunScheduleNowMethod(),
                    TemplateServiceGrpc.getNextFireTimesMethod())
            .map(MethodDescriptor::getFullMethodName).collect(Collectors.toUnmodifiableSet());

    private final Schedules schedules;

    public ScheduleApi(Schedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public void createSchedule(CreateScheduleRequest request, StreamObserver<Schedule> response) {
        UnaryResponse.send(response, () -> schedules.create(request));
    }

    @Override
    public void getSchedule(GetScheduleRequest request, StreamObserver<Schedule> response) {
        UnaryResponse.send(response, () -> schedules.get(request.getSchedule()));
    }

    @Override
    public void listSchedules(ListSchedulesRequest request, StreamObserver<ListSchedulesResponse> response) {
        UnaryResponse.send(response, () -> ListSchedulesResponse.newBuilder()
                .addAllSchedules(schedules.list(request.getTemplate(), request.getNamespace())).build());
    }

    @Override
    public void setScheduleEnabled(SetScheduleEnabledRequest request, StreamObserver<Schedule> response) {
        UnaryResponse.send(response, () -> schedules.setEnabled(request.getSchedule(), request.getEnabled()));
    }

    @Override
    public void deleteSchedule(DeleteScheduleRequest request, StreamObserver<DeleteScheduleResponse> response) {
        UnaryResponse.send(response, () -> {
            schedules.delete(request.getSchedule());
            return DeleteScheduleResponse.getDefaultInstance();
        });
    }

    @Override
    public void runScheduleNow(RunScheduleNowRequest request, StreamObserver<Job> response) {
        UnaryResponse.send(response, () -> schedules.runNow(request.getSchedule()).toProto());
    }

    @Override
    public void nextFireTimes(NextFireTimesRequest request, StreamObserver<NextFireTimesResponse> response) {
        UnaryResponse.send(response, () -> NextFireTimesResponse.newBuilder().addAllTimes(
                schedules.next(request.getSchedule(), request.getCount()).stream().map(ProtoTime::of).toList())
                .build());
    }
}
