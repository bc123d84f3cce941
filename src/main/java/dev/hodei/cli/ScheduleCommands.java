package dev.hodei.cli;

import hodei.v1.CreateScheduleRequest;
import hodei.v1.DeleteScheduleRequest;
import hodei.v1.GetScheduleRequest;
import hodei.v1.ListSchedulesRequest;
import hodei.v1.NextFireTimesRequest;
import hodei.v1.RunScheduleNowRequest;
import hodei.v1.Schedule;
import hodei.v1.SetScheduleEnabledRequest;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(footerHeading = "%nExamples:%n", footer = {"  # Every night at 02:30, Central European Time", "  hodei schedule create nightly -t report --cron '0 30 2 * * ?' --tz CET", "  # Every hour, with a parameter of the template", "  hodei schedule create hourly -t report --cron '0 0 * * * ?' -p REGION=eu"},
        name = "schedule", description = "Cron schedules that run templates.")
class ScheduleCommands {

    /** Its commands: built by {@link HodeiCli#commandLine} only when a call names them. */
    static final List<Class<?>> COMMANDS = List.of(
            ScheduleCommands.Create.class, ScheduleCommands.ListSchedules.class, ScheduleCommands.Get.class,
            ScheduleCommands.Pause.class, ScheduleCommands.Resume.class, ScheduleCommands.Next.class,
            ScheduleCommands.RunNow.class, ScheduleCommands.Delete.class);

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Every night at 02:30, Central European Time", "  hodei schedule create nightly -t report --cron '0 30 2 * * ?' --tz CET", "  # Every hour, with a parameter of the template", "  hodei schedule create hourly -t report --cron '0 0 * * * ?' -p REGION=eu", "  # Every 5 minutes (Unix cron); paused after 3 failed runs in a row", "  hodei schedule create sweep -t cleanup --cron '*/5 * * * *' --pause-after 3"},
        name = "create", description = {
            "Schedule a template."})
    static class Create implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = {"-t", "--template"}, required = true) String template;
        @Option(names = "--cron", required = true,
                description = "Quartz cron, seconds first ('0 */5 * * * ?'), or 5-field Unix cron ('*/5 * * * *')")
        String cron;
        @Option(names = "--tz", defaultValue = "UTC", description = "Time zone the cron is read in (default ${DEFAULT-VALUE})")
        String timeZone;
        @Mixin ParameterOptions params;
        @Option(names = "--misfire", defaultValue = "fire-once",
                description = "Fires missed while no control plane ran: fire-once (one catch-up run) or skip")
        String misfire;
        @Option(names = "--pause-after", defaultValue = "0", paramLabel = "N",
                description = "Pause after N consecutive failed runs (0 = never)")
        int pauseAfter;

        @Override
        public Integer call() {
            Map<String, String> values = params.values();
            Schedule s = TemplateCommands.withTemplates(server, api -> api.createSchedule(CreateScheduleRequest.newBuilder()
                    .setName(name).setTemplate(template).setCron(cron).setTimeZone(timeZone).putAllParameters(values)
                    .setMisfirePolicy(misfire).setPauseAfterFailures(pauseAfter).build()));
            describe(s);
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # One template's schedules", "  hodei schedule list -t report"},
        name = "list", description = "List schedules.")
    static class ListSchedules implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Option(names = {"-t", "--template"}) String template = "";
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            var r = TemplateCommands.withTemplates(server, api -> api.listSchedules(ListSchedulesRequest.newBuilder()
                    .setTemplate(template).build()));
            if (output.printed(r)) return 0;
            System.out.printf("%-24s  %-20s  %-22s  %-14s  %-7s  %-20s  %s%n", "NAME", "TEMPLATE", "CRON", "ZONE",
                    "STATE", "NEXT", "STATUS");
            for (Schedule s : r.getSchedulesList()) {
                System.out.printf("%-24s  %-20s  %-22s  %-14s  %-7s  %-20s  %s%n", s.getName(), s.getTemplateName(),
                        s.getCron(), s.getTimeZone(), s.getEnabled() ? "active" : "paused",
                        s.hasNextFireTime() ? JobOutput.instant(s.getNextFireTime()).atZone(ZoneId.of(s.getTimeZone()))
                                .toLocalDateTime().withNano(0) : "-", s.getStatusReason());
            }
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei schedule get report-nightly"},
        name = "get", description = "Show a schedule.")
    static class Get implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "SCHEDULE") String name;
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            Schedule s = TemplateCommands.withTemplates(server, api -> api.getSchedule(GetScheduleRequest.newBuilder()
                    .setSchedule(name).build()));
            if (!output.printed(s)) describe(s);
            return 0;
        }
    }

    abstract static class EnabledChange implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "SCHEDULE") String name;

        abstract boolean enabled();

        @Override
        public Integer call() {
            describe(TemplateCommands.withTemplates(server, api -> api.setScheduleEnabled(SetScheduleEnabledRequest
                    .newBuilder().setSchedule(name).setEnabled(enabled()).build())));
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei schedule pause report-nightly"},
        name = "pause", description = "Stop firing (until resume).")
    static class Pause extends EnabledChange {
        boolean enabled() {
            return false;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei schedule resume report-nightly"},
        name = "resume", description = "Fire again from the next cron time (what was missed paused is not caught up).")
    static class Resume extends EnabledChange {
        boolean enabled() {
            return true;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # The next ten fire times", "  hodei schedule next report-nightly -n 10"},
        name = "next", description = "The next fire times, in the schedule's time zone.")
    static class Next implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "SCHEDULE") String name;
        @Option(names = {"-n", "--count"}, defaultValue = "5") int count;

        @Override
        public Integer call() {
            Schedule s = TemplateCommands.withTemplates(server, api -> api.getSchedule(GetScheduleRequest.newBuilder()
                    .setSchedule(name).build()));
            var r = TemplateCommands.withTemplates(server, api -> api.nextFireTimes(NextFireTimesRequest.newBuilder()
                    .setSchedule(name).setCount(count).build()));
            r.getTimesList().forEach(t -> System.out.println(JobOutput.instant(t).atZone(ZoneId.of(s.getTimeZone()))));
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Fire once now and stream the run's output", "  hodei schedule run-now report-nightly"},
        name = "run-now", description = "Create a run with the schedule's parameters now, outside the cron.")
    static class RunNow implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "SCHEDULE") String name;
        @Option(names = {"-d", "--detach"}) boolean detach;

        @Override
        public Integer call() {
            return server.call(channel -> TemplateCommands.follow(channel, hodei.v1.TemplateServiceGrpc
                    .newBlockingStub(channel).runScheduleNow(RunScheduleNowRequest.newBuilder().setSchedule(name).build()),
                    detach, false));
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei schedule delete report-nightly"},
        name = "delete", description = "Delete a schedule (its runs' history stays).")
    static class Delete implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "SCHEDULE") String name;

        @Override
        public Integer call() {
            TemplateCommands.withTemplates(server, api -> api.deleteSchedule(DeleteScheduleRequest.newBuilder()
                    .setSchedule(name).build()));
            System.out.println("schedule " + name + " deleted");
            return 0;
        }
    }

    static void describe(Schedule s) {
        ZoneId zone = ZoneId.of(s.getTimeZone());
        System.out.printf("name:       %s%n", s.getName());
        System.out.printf("id:         %s%n", s.getId());
        System.out.printf("template:   %s%n", s.getTemplateName());
        System.out.printf("cron:       %s (%s)%n", s.getCron(), s.getTimeZone());
        System.out.printf("state:      %s%n", s.getEnabled() ? "active" : "paused");
        if (!s.getStatusReason().isEmpty()) System.out.printf("status:     %s%n", s.getStatusReason());
        if (!s.getParametersMap().isEmpty()) System.out.printf("parameters: %s%n", new TreeMap<>(s.getParametersMap()));
        System.out.printf("misfire:    %s%n", s.getMisfirePolicy());
        System.out.printf("failures:   %d in a row%s%n", s.getConsecutiveFailures(),
                s.getPauseAfterFailures() > 0 ? " (pauses at " + s.getPauseAfterFailures() + ")" : "");
        System.out.printf("last fire:  %s%n", JobOutput.instant(s.getLastFireTime()).atZone(zone));
        if (s.hasNextFireTime()) System.out.printf("next fire:  %s%n", JobOutput.instant(s.getNextFireTime()).atZone(zone));
    }
}
