package dev.hodei.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.DeleteScheduleRequest;
import hodei.v1.DeleteTemplateRequest;
import hodei.v1.GetScheduleRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListRunsRequest;
import hodei.v1.ListSchedulesRequest;
import hodei.v1.NextFireTimesRequest;
import hodei.v1.Parameter;
import hodei.v1.RunScheduleNowRequest;
import hodei.v1.Schedule;
import hodei.v1.SetScheduleEnabledRequest;
import hodei.v1.SetTemplateStatusRequest;
import hodei.v1.TemplateDefinition;
import hodei.v1.TemplateStatus;
import hodei.v1.Trigger;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Cron schedules on one control plane: firing on time, pausing, following the template, previews, run now, bad input. */
class SchedulesIT extends ControlPlaneIT {

    @Autowired CamelContext camel;

    private String template(String shell) {
        String name = "sched-" + UUID.randomUUID().toString().substring(0, 8);
        client.templates().createTemplate(CreateTemplateRequest.newBuilder().setDefinition(TemplateDefinition.newBuilder()
                .setName(name)
                .addParameters(Parameter.newBuilder().setName("WHAT").setType("string").setDefaultValue("tick"))
                .setJob(JobSpec.newBuilder().setShell(shell).setMaxAttempts(1))).build());
        return name;
    }

    private Schedule schedule(CreateScheduleRequest.Builder request) {
        return client.templates().createSchedule(request.build());
    }

    private List<Job> runs(String template) {
        return client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(template).setPageSize(500).build())
                .getRunsList();
    }

    static Instant fireTime(Job j) {
        return Instant.ofEpochSecond(j.getRun().getScheduledFireTime().getSeconds());
    }

    @Test
    void aScheduleFiringEverySecondCreatesOneRunPerSecond() {
        String template = template("echo \"$WHAT\"");
        Schedule s = schedule(CreateScheduleRequest.newBuilder().setName(template + "-every-second")
                .setTemplate(template).setCron("* * * * * ?").putParameters("WHAT", "tock"));
        await("five runs").atMost(Duration.ofSeconds(30)).until(() -> runs(template).size() >= 5);
        client.templates().setScheduleEnabled(SetScheduleEnabledRequest.newBuilder().setSchedule(s.getId())
                .setEnabled(false).build());

        List<Job> runs = runs(template);
        List<Instant> fires = runs.stream().map(SchedulesIT::fireTime).sorted().toList();
        for (int i = 1; i < fires.size(); i++) {
            assertThat(Duration.between(fires.get(i - 1), fires.get(i))).as("fire %d follows %d by a second", i, i - 1)
                    .isEqualTo(Duration.ofSeconds(1));
        }
        for (Job j : runs) {
            assertThat(j.getRun().getTrigger()).isEqualTo(Trigger.TRIGGER_SCHEDULE);
            assertThat(j.getRun().getScheduleId()).isEqualTo(s.getId());
            assertThat(j.getRun().getParametersMap()).containsEntry("WHAT", "tock");
            Instant created = Instant.ofEpochSecond(j.getCreatedAt().getSeconds(), j.getCreatedAt().getNanos());
            assertThat(created).as("a run is never created before its fire time").isAfterOrEqualTo(fireTime(j));
            System.out.printf("schedule lateness: fire %s, run created %s (+%d ms)%n", fireTime(j), created,
                    Duration.between(fireTime(j), created).toMillis());
        }
        runs.forEach(j -> assertThat(client.awaitEnd(j.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED));
    }

    @Test
    void aScheduleWhoseRunsKeepFailingPausesItself() {
        String template = template("exit 3");
        Schedule s = schedule(CreateScheduleRequest.newBuilder().setName(template + "-failing").setTemplate(template)
                .setCron("* * * * * ?").setPauseAfterFailures(3));
        await("paused").atMost(Duration.ofSeconds(60)).until(() -> !client.templates()
                .getSchedule(GetScheduleRequest.newBuilder().setSchedule(s.getId()).build()).getEnabled());
        Schedule paused = client.templates().getSchedule(GetScheduleRequest.newBuilder().setSchedule(s.getId()).build());
        assertThat(paused.getStatusReason()).isEqualTo("paused after 3 consecutive failed runs");
        assertThat(paused.getConsecutiveFailures()).isEqualTo(3);
        assertThat(paused.hasNextFireTime()).isFalse();

        int afterPause = runs(template).size();
        assertThat(afterPause).isGreaterThanOrEqualTo(3);
        // Three passes of the schedule sync (which would give a live schedule its route back) take at least
        // two seconds on Quartz's clock, in which a schedule firing every second would have fired.
        NotifyBuilder syncs = new NotifyBuilder(camel).fromRoute("sync-schedules").whenDone(3).create();
        try {
            assertThat(syncs.matches(30, TimeUnit.SECONDS)).as("three schedule syncs").isTrue();
        } finally {
            syncs.destroy();
        }
        assertThat(runs(template)).as("no fire once paused").hasSize(afterPause);
        runs(template).forEach(j -> assertThat(client.awaitEnd(j.getId()).getState()).isEqualTo(JobState.JOB_STATE_FAILED));

        Schedule resumed = client.templates().setScheduleEnabled(SetScheduleEnabledRequest.newBuilder()
                .setSchedule(s.getName()).setEnabled(true).build());
        assertThat(resumed.getEnabled()).isTrue();
        assertThat(resumed.getConsecutiveFailures()).isZero();
        client.templates().deleteSchedule(DeleteScheduleRequest.newBuilder().setSchedule(s.getId()).build());
    }

    @Test
    void aScheduleFollowsItsTemplatesStatusAndDeletion() {
        String template = template("true");
        Schedule s = schedule(CreateScheduleRequest.newBuilder().setName(template + "-yearly").setTemplate(template)
                .setCron("0 0 3 1 1 ?").setMisfirePolicy("skip"));
        String route = ScheduleRoutes.routeId(UUID.fromString(s.getId()));
        assertThat(camel.getRoute(route)).as("a live schedule's route").isNotNull();

        setStatus(template, TemplateStatus.TEMPLATE_STATUS_DISABLED);
        await("route removed").atMost(Duration.ofSeconds(10)).until(() -> camel.getRoute(route) == null);

        Instant reactivated = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        setStatus(template, TemplateStatus.TEMPLATE_STATUS_ACTIVE);
        Schedule restarted = client.templates().getSchedule(GetScheduleRequest.newBuilder().setSchedule(s.getId()).build());
        assertThat(Instant.ofEpochSecond(restarted.getLastFireTime().getSeconds(), restarted.getLastFireTime().getNanos()))
                .as("re-activated: fires from now on, none for the time it was off").isAfterOrEqualTo(reactivated);
        await("route back").atMost(Duration.ofSeconds(10)).until(() -> camel.getRoute(route) != null);

        client.templates().deleteTemplate(DeleteTemplateRequest.newBuilder().setTemplate(template).build());
        await("route removed with the template").atMost(Duration.ofSeconds(10)).until(() -> camel.getRoute(route) == null);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM schedules WHERE id = ?::uuid", Long.class, s.getId())).isZero();
    }

    private void setStatus(String template, TemplateStatus status) {
        client.templates().setTemplateStatus(SetTemplateStatusRequest.newBuilder().setTemplate(template).setStatus(status)
                .build());
    }

    @Test
    void nextFireTimesFollowTheTimeZone() {
        String template = template("true");
        Schedule s = schedule(CreateScheduleRequest.newBuilder().setName(template + "-madrid").setTemplate(template)
                .setCron("30 2 * * *").setTimeZone("Europe/Madrid").setMisfirePolicy("skip"));
        assertThat(s.getCron()).as("the Unix form, in Quartz terms").isEqualTo("0 30 2 * * ?");
        List<Instant> next = client.templates().nextFireTimes(NextFireTimesRequest.newBuilder()
                .setSchedule(s.getName()).setCount(3).build()).getTimesList().stream()
                .map(t -> Instant.ofEpochSecond(t.getSeconds())).toList();
        assertThat(next).hasSize(3).isSorted();
        next.forEach(t -> assertThat(t.atZone(ZoneId.of("Europe/Madrid")).toLocalTime()).isEqualTo(LocalTime.of(2, 30)));
        assertThat(next.get(0)).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofHours(25)));

        Job now = client.templates().runScheduleNow(RunScheduleNowRequest.newBuilder().setSchedule(s.getName()).build());
        assertThat(now.getRun().getTrigger()).isEqualTo(Trigger.TRIGGER_SCHEDULE);
        assertThat(now.getRun().getTriggeredBy()).contains("run now");
        assertThat(client.awaitEnd(now.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void badSchedulesAreRefusedNamingTheField() {
        String template = template("true");
        record Case(CreateScheduleRequest.Builder request, Status.Code code, String expected) {}
        List<Case> cases = List.of(
                new Case(CreateScheduleRequest.newBuilder().setName("x").setTemplate(template).setCron("61 * * * * ?"),
                        Status.Code.INVALID_ARGUMENT, "cron: '61 * * * * ?' is not a cron expression"),
                new Case(CreateScheduleRequest.newBuilder().setName("x").setTemplate(template).setCron("* * * *"),
                        Status.Code.INVALID_ARGUMENT, "cron: '* * * *' has 4 fields"),
                new Case(CreateScheduleRequest.newBuilder().setName("x").setTemplate(template).setCron("0 9 * * 1-5"),
                        Status.Code.INVALID_ARGUMENT, "cron: in the 5-field form give weekdays as names"),
                new Case(CreateScheduleRequest.newBuilder().setName("x").setTemplate(template).setCron("* * * * * ?")
                        .setTimeZone("Mars/Olympus"), Status.Code.INVALID_ARGUMENT, "time_zone: 'Mars/Olympus'"),
                new Case(CreateScheduleRequest.newBuilder().setName("x").setTemplate(template).setCron("* * * * * ?")
                        .setMisfirePolicy("all"), Status.Code.INVALID_ARGUMENT, "misfire_policy: 'all'"),
                new Case(CreateScheduleRequest.newBuilder().setName("x").setTemplate(template).setCron("* * * * * ?")
                        .putParameters("NOPE", "1"), Status.Code.INVALID_ARGUMENT, "parameters.NOPE"),
                new Case(CreateScheduleRequest.newBuilder().setName("bad name").setTemplate(template).setCron("* * * * * ?"),
                        Status.Code.INVALID_ARGUMENT, "name:"),
                new Case(CreateScheduleRequest.newBuilder().setName("x").setTemplate("no-such-template").setCron("* * * * * ?"),
                        Status.Code.NOT_FOUND, "template: no template no-such-template"),
                new Case(CreateScheduleRequest.newBuilder().setName("x").setTemplate("t".repeat(1024 * 1024))
                        .setCron("* * * * * ?"), Status.Code.INVALID_ARGUMENT, "template: longer than 100 characters"));
        for (Case c : cases) {
            assertThatThrownBy(() -> schedule(c.request())).as(c.expected())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(c.code());
                        assertThat(e.getStatus().getDescription()).contains(c.expected());
                    });
        }
        assertThat(client.templates().listSchedules(ListSchedulesRequest.newBuilder().setTemplate(template).build())
                .getSchedulesList()).as("schedules stored").isEmpty();
        // a reference longer than any id or name is refused before any lookup, naming the field and the limit
        String huge = "s".repeat(1024 * 1024);
        List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(
                () -> client.templates().getSchedule(GetScheduleRequest.newBuilder().setSchedule(huge).build()),
                () -> client.templates().runScheduleNow(RunScheduleNowRequest.newBuilder().setSchedule(huge).build()),
                () -> client.templates().listSchedules(ListSchedulesRequest.newBuilder().setTemplate(huge).build()));
        List<String> fields = List.of("schedule", "schedule", "template");
        for (int i = 0; i < calls.size(); i++) {
            String field = fields.get(i);
            assertThatThrownBy(calls.get(i)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).isEqualTo(field + ": longer than 100 characters (an id or a name)");
            });
        }
    }
}
