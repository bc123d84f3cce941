package dev.hodei.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ServerProcess;
import dev.hodei.testing.SharedDatabase;
import dev.hodei.testing.TestClient;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListRunsRequest;
import hodei.v1.Parameter;
import hodei.v1.SetScheduleEnabledRequest;
import hodei.v1.TemplateDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Schedules across control-plane restarts and instances: the misfire policy applied to the fires
 * missed while the server was stopped, and two servers on one database creating one run per fire,
 * also after one of them is killed.
 */
class ScheduleFailoverIT {

    static final String ECHO_TEMPLATE = "ticker";
    static final java.util.Set<JobState> TERMINAL = java.util.EnumSet.of(JobState.JOB_STATE_SUCCEEDED,
            JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED, JobState.JOB_STATE_TIMED_OUT);

    static void createTemplate(TestClient client) {
        client.templates().createTemplate(CreateTemplateRequest.newBuilder().setDefinition(TemplateDefinition.newBuilder()
                .setName(ECHO_TEMPLATE)
                .addParameters(Parameter.newBuilder().setName("TOKEN").setType("secret"))
                .setJob(JobSpec.newBuilder().setShell("echo \"tick ${TOKEN}\"").setMaxAttempts(1))).build());
    }

    static List<Job> runs(TestClient client) {
        List<Job> all = new ArrayList<>();
        String token = "";
        do {
            var page = client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(ECHO_TEMPLATE)
                    .setPageSize(500).setPageToken(token).build());
            all.addAll(page.getRunsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    static List<Job> runsOf(TestClient client, String scheduleId) {
        return runs(client).stream().filter(j -> j.getRun().getScheduleId().equals(scheduleId))
                .sorted((a, b) -> fire(a).compareTo(fire(b))).toList();
    }

    static Instant fire(Job j) {
        return Instant.ofEpochSecond(j.getRun().getScheduledFireTime().getSeconds());
    }

    static String everySecond(TestClient client, String name, String misfirePolicy) {
        return client.templates().createSchedule(CreateScheduleRequest.newBuilder().setName(name)
                .setTemplate(ECHO_TEMPLATE).setCron("* * * * * ?").setMisfirePolicy(misfirePolicy)
                .putParameters("TOKEN", "t0k3n-of-" + name).build()).getId();
    }

    @Test
    void firesMissedWhileTheServerWasStoppedFollowTheMisfirePolicy() throws Exception {
        try (ServerProcess server = new ServerProcess(List.of("--hodei.schedules.sync-interval-ms=1000")).start()) {
            String once;
            String skip;
            try (TestClient client = new TestClient(server.grpcPort())) {
                createTemplate(client);
                once = everySecond(client, "fire-once-missed", "fire-once");
                skip = everySecond(client, "skip-missed", "skip");
                await("both firing").atMost(Duration.ofSeconds(30)).until(() ->
                        runsOf(client, once).size() >= 2 && runsOf(client, skip).size() >= 2);
            }
            server.stop();
            Instant stopped = Instant.now();
            // Nothing runs while the server is stopped, so there is no event to wait for: only the
            // schedules' own clock. Six fire times after the stop, one more than the five missed fires
            // asserted below, as the catch-up counts only up to a second before the route starts.
            CronSchedule everySecond = CronSchedule.parse("* * * * * ?", "UTC");
            await("six fire times since the stop").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> everySecond.missed(stopped, Instant.now()).count() >= 6);
            server.start();
            Instant restarted = Instant.now();

            try (TestClient client = new TestClient(server.grpcPort())) {
                await("both firing again").atMost(Duration.ofSeconds(30)).until(() ->
                        runsOf(client, once).stream().anyMatch(j -> fire(j).isAfter(restarted.plusSeconds(2)))
                                && runsOf(client, skip).stream().anyMatch(j -> fire(j).isAfter(restarted.plusSeconds(2))));

                // fire-once: the whole gap became one catch-up run, for the latest fire missed
                List<Job> onceRuns = runsOf(client, once);
                Instant lastBefore = lastFireBefore(onceRuns, stopped);
                List<Job> catchUps = onceRuns.stream().filter(j -> j.getRun().getTriggeredBy().contains("catch-up")).toList();
                assertThat(catchUps).as("catch-up runs").hasSize(1);
                Job catchUp = catchUps.get(0);
                assertThat(catchUp.getRun().getTriggeredBy()).matches(".*catch-up for \\d+ fire\\(s\\) missed between .*");
                assertThat(missedCount(catchUp)).as("fires missed while stopped (5 s + start-up)").isGreaterThanOrEqualTo(5);
                assertThat(onceRuns).filteredOn(j -> fire(j).isAfter(lastBefore) && fire(j).isBefore(fire(catchUp)))
                        .as("nothing between the last fire before the stop and the catch-up").isEmpty();
                assertThat(catchUp.getRun().getTriggeredBy()).contains("missed between " + lastBefore.plusSeconds(1));

                // skip: a gap in the fire times, no catch-up, the skip logged
                List<Job> skipRuns = runsOf(client, skip);
                assertThat(skipRuns).noneMatch(j -> j.getRun().getTriggeredBy().contains("catch-up"));
                Instant skipLastBefore = lastFireBefore(skipRuns, stopped);
                Instant firstAfter = skipRuns.stream().map(ScheduleFailoverIT::fire).filter(t -> t.isAfter(skipLastBefore))
                        .findFirst().orElseThrow();
                assertThat(Duration.between(skipLastBefore, firstAfter)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
                assertThat(server.logs()).containsPattern("Schedule skip-missed: \\d+ fire\\(s\\) missed between "
                        + Pattern.quote(skipLastBefore.plusSeconds(1).toString()) + " and .* skipped \\(misfire policy skip\\)");

                for (List<Job> runs : List.of(onceRuns, skipRuns)) {
                    assertThat(runs.stream().map(ScheduleFailoverIT::fire).distinct().count()).as("one run per fire time")
                            .isEqualTo(runs.size());
                }
                pauseAll(client, once, skip);
                // every run ended before the stop: an agent still starting would outlive the server by
                // its start deadline, waiting to register (by design, to survive a restart)
                await("every run ended").atMost(Duration.ofSeconds(60)).until(() -> runs(client).stream()
                        .allMatch(j -> TERMINAL.contains(j.getState())));
            }
        }
    }

    @Test
    void twoControlPlanesOnOneDatabaseCreateOneRunPerFire() throws Exception {
        try (SharedDatabase db = new SharedDatabase()) {
            // replicas: each one's agents may resume on the other
            List<ServerProcess> replicas = ServerProcess.replicas(2, db.serverArgs(
                    "--hodei.schedules.sync-interval-ms=1000",
                    "--logging.level.dev.hodei.schedules=DEBUG",
                    "--hodei.workers.gc-interval-ms=2000",
                    "--hodei.workers.start-deadline=15s"));
            try (ServerProcess a = replicas.get(0).start();
                 ServerProcess b = replicas.get(1).start()) {
                twoServers(a, b);
            }
        }
    }

    private void twoServers(ServerProcess a, ServerProcess b) throws Exception {
        try (TestClient clientA = new TestClient(a.grpcPort());
             TestClient clientB = new TestClient(b.grpcPort())) {
            createTemplate(clientA);
            String id = everySecond(clientA, "on-two-servers", "fire-once");
            // B learns of the schedule through its sync, not through the call
            await("the schedule active on both servers").atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    return a.logs().contains("Schedule on-two-servers (") && b.logs().contains("Schedule on-two-servers (");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Instant bothActive = Instant.now().plusSeconds(1);
            // The window ends once both logs show every fire before it (at least five), two seconds back so
            // fires can settle: a loaded server fires late, and a fire it had not reached when the schedule
            // paused is not one that "both had the route" for.
            AtomicReference<Instant> windowEnd = new AtomicReference<>();
            await("five fires, each handled by both servers").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        Instant settled = Instant.now().minusSeconds(2);
                        List<List<String>> fires = outcomes(a, b).entrySet().stream()
                                .filter(e -> e.getKey().isAfter(bothActive) && e.getKey().isBefore(settled))
                                .map(Map.Entry::getValue).toList();
                        if (fires.size() < 5 || fires.stream().anyMatch(o -> o.size() < 2)) return false;
                        windowEnd.set(settled);
                        return true;
                    });
            // A dies: B alone keeps firing, still one run per fire time
            a.kill();
            Instant killed = Instant.now();
            await("three fires after A's loss, created by B").atMost(Duration.ofSeconds(30)).until(() ->
                    runsOf(clientB, id).stream().filter(j -> fire(j).isAfter(killed.plusSeconds(1))).count() >= 3);
            clientB.templates().setScheduleEnabled(SetScheduleEnabledRequest.newBuilder().setSchedule(id)
                    .setEnabled(false).build());

            List<Job> runs = runsOf(clientB, id);
            Map<Instant, Long> perFire = runs.stream().collect(Collectors.groupingBy(ScheduleFailoverIT::fire,
                    TreeMap::new, Collectors.counting()));
            assertThat(perFire.values()).as("runs per fire time").allMatch(n -> n == 1);

            // in the window where both had the route, both fired every second: one created the run,
            // the other found it
            Map<Instant, List<String>> outcomes = outcomes(a, b);
            String logA = a.logs();
            List<Instant> window = perFire.keySet().stream()
                    .filter(t -> t.isAfter(bothActive) && t.isBefore(windowEnd.get())).toList();
            assertThat(window).hasSizeGreaterThanOrEqualTo(5);
            for (Instant t : window) {
                assertThat(outcomes.get(t)).as("fire %s", t).hasSize(2)
                        .containsOnlyOnce("created").anyMatch(o -> o.equals("found"));
            }
            long byA = window.stream().filter(t -> outcomes.get(t).contains("created") && createdBy(logA, t)).count();
            System.out.printf("two servers: %d fires in the window, A created %d runs, B %d; every fire one run%n",
                    window.size(), byA, window.size() - byA);
            for (Job j : runs) {
                // a run A was starting a worker for when it died may fail its only attempt (START_TIMEOUT)
                JobState end = awaitEnd(clientB, j, a, b);
                if (fire(j).isAfter(killed.plusSeconds(1))) assertThat(end).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
                else assertThat(end).isIn(TERMINAL);
            }
        }
    }

    /** The run's end; if it never comes, the failure shows the run as stored and what each replica logged of it. */
    private static JobState awaitEnd(TestClient client, Job run, ServerProcess a, ServerProcess b) throws Exception {
        try {
            return client.awaitEnd(run.getId()).getState();
        } catch (io.grpc.StatusRuntimeException e) {
            Job now = client.get(run.getId());
            throw new AssertionError("run " + run.getId() + " of " + fire(run) + " did not end: " + now.getState() + " "
                    + now.getWaitingReason() + ", worker " + now.getWorkerId() + "\nreplica A logged:\n"
                    + a.linesNaming(run.getId(), now.getWorkerId()) + "\nreplica B logged:\n"
                    + b.linesNaming(run.getId(), now.getWorkerId()), e);
        }
    }

    private static final Pattern FIRED = Pattern.compile(
            "Schedule on-two-servers fired for (\\S+): run \\d+ (already created)?");

    private static void collect(String log, String server, Map<Instant, List<String>> outcomes) {
        Matcher m = FIRED.matcher(log);
        while (m.find()) {
            outcomes.computeIfAbsent(Instant.parse(m.group(1)), t -> new ArrayList<>())
                    .add(m.group(2) == null ? "created" : "found");
        }
    }

    /** Per fire time, what each server's log says it did: "created" the run or "found" it. */
    private static Map<Instant, List<String>> outcomes(ServerProcess a, ServerProcess b) throws java.io.IOException {
        Map<Instant, List<String>> outcomes = new TreeMap<>();
        collect(a.logs(), "A", outcomes);
        collect(b.logs(), "B", outcomes);
        return outcomes;
    }

    private static boolean createdBy(String log, Instant t) {
        return Pattern.compile("Schedule on-two-servers fired for " + Pattern.quote(t.toString()) + ": run \\d+ \\(job")
                .matcher(log).find();
    }

    private static Instant lastFireBefore(List<Job> runs, Instant stopped) {
        return runs.stream().map(ScheduleFailoverIT::fire).filter(t -> t.isBefore(stopped)).max(Instant::compareTo)
                .orElseThrow();
    }

    private static long missedCount(Job catchUp) {
        Matcher m = Pattern.compile("catch-up for (\\d+) fire").matcher(catchUp.getRun().getTriggeredBy());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void pauseAll(TestClient client, String... ids) {
        for (String id : ids) {
            client.templates().setScheduleEnabled(SetScheduleEnabledRequest.newBuilder().setSchedule(id).setEnabled(false).build());
        }
    }
}
