package dev.hodei.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.capacity.Admission.Request;
import dev.hodei.capacity.Admission.Use;
import dev.hodei.providers.Capacity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Admission on values: which waiting jobs fit, in which order, and who waits. */
class AdmissionTest {

    static final Capacity TWO_CORES = new Capacity(2, 4096, Integer.MAX_VALUE);

    @Test
    void jobsAreAdmittedInQueueOrderWhileTheyFit() {
        List<Request> queue = requests("process", 0.5, 0.5, 0.5, 0.5, 0.5);

        assertThat(Admission.admit(queue, Map.of(), Map.of(), Map.of(), p -> TWO_CORES, List.of())).containsExactlyElementsOf(ids(queue).subList(0, 4));
    }

    @Test
    void whatIsAlreadyAdmittedCounts() {
        List<Request> queue = requests("process", 0.5, 0.5);

        assertThat(Admission.admit(queue, Map.of("process", new Use(1.5, 512, 3)), Map.of(), Map.of(), p -> TWO_CORES, List.of()))
                .containsExactly(queue.get(0).jobId());
        assertThat(Admission.admit(queue, Map.of("process", new Use(2, 512, 4)), Map.of(), Map.of(), p -> TWO_CORES, List.of())).isEmpty();
    }

    @Test
    void aBigJobThatWaitsForRoomIsNotOvertakenBySmallerOnes() {
        List<Request> queue = new ArrayList<>(requests("process", 1.5));
        queue.addAll(requests("process", 0.25, 0.25));

        assertThat(Admission.admit(queue, Map.of("process", new Use(1, 0, 1)), Map.of(), Map.of(), p -> TWO_CORES, List.of())).isEmpty();
    }

    @Test
    void aFullProviderDoesNotHoldBackAnother() {
        List<Request> queue = new ArrayList<>(requests("process", 1));
        queue.addAll(requests("docker", 1));

        assertThat(Admission.admit(queue, Map.of("process", new Use(2, 0, 2)), Map.of(), Map.of(), p -> TWO_CORES, List.of()))
                .containsExactly(queue.get(1).jobId());
    }

    @Test
    void memoryAndWorkerLimitsCountToo() {
        Capacity twoWorkers = new Capacity(64, 1024, 2);
        List<Request> queue = List.of(new Request(UUID.randomUUID(), "p", 0.1, 600, null, 1, "", "default"),
                new Request(UUID.randomUUID(), "p", 0.1, 600, null, 1, "", "default"));

        assertThat(Admission.admit(queue, Map.of(), Map.of(), Map.of(), p -> twoWorkers, List.of())).containsExactly(queue.get(0).jobId());
        assertThat(Admission.admit(requests("p", 0.1, 0.1, 0.1), Map.of(), Map.of(), Map.of(), p -> twoWorkers, List.of())).hasSize(2);
    }

    @Test
    void fractionalCoresThatAddUpExactlyFit() {
        assertThat(Admission.admit(requests("p", 0.1, 0.2, 0.7), Map.of(), Map.of(), Map.of(), p -> new Capacity(1, 4096, 9), List.of())).hasSize(3);
    }

    @Test
    void aFullConcurrencyKeyHoldsBackItsOwnJobsOnlyAndInOrder() {
        Request deploy1 = keyed("deploy-prod", 1);
        Request other = new Request(UUID.randomUUID(), "process", 0.5, 256, null, 1, "", "default");
        Request deploy2 = keyed("deploy-prod", 1);
        List<Request> queue = List.of(deploy1, other, deploy2);

        assertThat(Admission.admit(queue, Map.of(), Map.of(), Map.of(), p -> TWO_CORES, List.of()))
                .containsExactly(deploy1.jobId(), other.jobId());
        assertThat(Admission.admit(queue, Map.of(), Map.of(), Map.of("deploy-prod", 1), p -> TWO_CORES, List.of()))
                .containsExactly(other.jobId());
    }

    @Test
    void aKeysLimitCountsWhatIsAdmittedAcrossProviders() {
        Request a = new Request(UUID.randomUUID(), "process", 0.5, 256, "team:data", 2, "", "default");
        Request b = new Request(UUID.randomUUID(), "docker", 0.5, 256, "team:data", 2, "", "default");
        Request c = new Request(UUID.randomUUID(), "process", 0.5, 256, "team:data", 2, "", "default");

        assertThat(Admission.admit(List.of(a, b, c), Map.of(), Map.of(), Map.of(), p -> TWO_CORES, List.of()))
                .containsExactly(a.jobId(), b.jobId());
    }

    @Test
    void aJobWaitingForItsKeyDoesNotHoldBackItsProvider() {
        Request blocked = keyed("deploy-prod", 1);
        Request small = new Request(UUID.randomUUID(), "process", 0.5, 256, null, 1, "", "default");

        assertThat(Admission.admit(List.of(blocked, small), Map.of(), Map.of(), Map.of("deploy-prod", 1), p -> TWO_CORES, List.of()))
                .containsExactly(small.jobId());
    }

    private static Request keyed(String key, int limit) {
        return new Request(UUID.randomUUID(), "process", 0.5, 256, key, limit, "", "default");
    }

    @Test
    void aJobBiggerThanItsProviderIsToldWhy() {
        assertThat(Admission.neverFits(4, 100, "process", TWO_CORES))
                .isEqualTo("spec.cpu: 4 cores is more than provider process has (2 cpu, 4096 MiB)");
        assertThat(Admission.neverFits(1, 8192, "process", TWO_CORES))
                .isEqualTo("spec.memory_mb: 8192 MiB is more than provider process has (2 cpu, 4096 MiB)");
        assertThat(Admission.neverFits(2, 4096, "process", TWO_CORES)).isNull();
        assertThat(Admission.neverFits(1024, Long.MAX_VALUE - 1, "k", Capacity.UNLIMITED)).isNull();
    }

    @Test
    void jobsThatFitIdleWarmWorkersAreCountedAgainstWhatJobsHoldOnly() {
        // two idle warm workers hold the whole of both cores
        Map<String, Use> warmUse = Map.of("process", new Use(2, 1024, 2));
        List<Admission.WarmSlot> warm = List.of(new Admission.WarmSlot("process", "", 1, 512, null),
                new Admission.WarmSlot("process", "", 1, 512, null));
        List<Request> queue = requests("process", 0.5, 1, 0.5, 0.5);

        assertThat(Admission.admit(queue, Map.of(), warmUse, Map.of(), p -> TWO_CORES, warm))
                .containsExactlyElementsOf(ids(queue).subList(0, 3));
        assertThat(Admission.admit(queue, Map.of(), warmUse, Map.of(), p -> TWO_CORES, List.of()))
                .as("no warm worker they fit: the pool's share counts").isEmpty();
    }

    @Test
    void aJobTooBigForTheWarmWorkersOrNamingAnotherImageNeedsRoomBesideThem() {
        Map<String, Use> warmUse = Map.of("docker", new Use(0.5, 256, 1));
        List<Admission.WarmSlot> warm = List.of(new Admission.WarmSlot("docker", "alpine:3", 0.5, 256, null));
        Request big = new Request(UUID.randomUUID(), "docker", 1, 256, null, 1, "alpine:3", "default");
        Request otherImage = new Request(UUID.randomUUID(), "docker", 0.5, 256, null, 1, "debian:12", "default");
        Request fits = new Request(UUID.randomUUID(), "docker", 0.5, 256, null, 1, "alpine:3", "default");
        Map<String, Use> jobs = Map.of("docker", new Use(1, 256, 2));

        assertThat(Admission.admit(List.of(big), jobs, warmUse, Map.of(), p -> TWO_CORES, warm)).isEmpty();
        assertThat(Admission.admit(List.of(otherImage, fits), jobs, warmUse, Map.of(), p -> TWO_CORES, warm))
                .containsExactly(otherImage.jobId(), fits.jobId()); // 1 + 0.5 + the pool's 0.5; then 1.5 + 0.5 for the one that fits
        assertThat(Admission.admit(List.of(fits, otherImage), jobs, warmUse, Map.of(), p -> TWO_CORES, warm))
                .containsExactly(fits.jobId()); // 1.5, then 1.5 + 0.5 + the pool's 0.5 is too much
    }

    @Test
    void aWarmWorkerOfANamespacesPoolServesOnlyThatNamespace() {
        Map<String, Use> warmUse = Map.of("process", new Use(0.5, 256, 1));
        List<Admission.WarmSlot> warm = List.of(new Admission.WarmSlot("process", "", 0.5, 256, "team-a"));
        Request other = new Request(UUID.randomUUID(), "process", 0.5, 256, null, 1, "", "team-b");
        Request own = new Request(UUID.randomUUID(), "process", 0.5, 256, null, 1, "", "team-a");
        Map<String, Use> jobs = Map.of("process", new Use(1.5, 256, 3));

        assertThat(Admission.admit(List.of(other), jobs, warmUse, Map.of(), p -> TWO_CORES, warm)).isEmpty();
        assertThat(Admission.admit(List.of(own), jobs, warmUse, Map.of(), p -> TWO_CORES, warm))
                .containsExactly(own.jobId());
    }

    @Test
    void aProviderStartingAllTheWorkersItMayAtOnceAdmitsOnlyJobsThatTakeAWarmOne() {
        Capacity oneStart = new Capacity(8, 8192, Integer.MAX_VALUE, 1);
        List<Request> queue = requests("docker", 0.5, 0.5, 0.5);

        assertThat(Admission.admit(queue, Map.of(), Map.of(), Map.of(), p -> oneStart, List.of()))
                .as("room for all three, but one start at a time").containsExactly(queue.get(0).jobId());
        assertThat(Admission.admit(queue, Map.of("docker", new Use(0.5, 256, 1, 1)), Map.of(), Map.of(),
                p -> oneStart, List.of())).as("a job still starting its worker").isEmpty();
        assertThat(Admission.admit(queue, Map.of("docker", new Use(0.5, 256, 1, 0)), Map.of(), Map.of(),
                p -> oneStart, List.of())).as("a running job starts nothing").containsExactly(queue.get(0).jobId());
        assertThat(Admission.admit(queue, Map.of(), Map.of("docker", new Use(0.5, 256, 1, 1)), Map.of(),
                p -> oneStart, List.of())).as("a warm worker a pool is starting counts too").isEmpty();

        List<Admission.WarmSlot> warm = List.of(new Admission.WarmSlot("docker", "", 0.5, 256, null));
        assertThat(Admission.admit(queue, Map.of("docker", new Use(0.5, 256, 1, 1)), Map.of("docker", new Use(0.5, 256, 1)),
                Map.of(), p -> oneStart, warm)).as("the first takes the ready warm worker; the second would start one")
                .containsExactly(queue.get(0).jobId());
    }

    @Test
    void startsAtOnceAreShownOnlyWhenLimited() {
        assertThat(new Capacity(2, 4096, Integer.MAX_VALUE, 1)).hasToString("2 cpu, 4096 MiB, 1 starting at once");
        assertThat(TWO_CORES.limitedTo(0, 0, 0, 3).starting()).isEqualTo(3);
        assertThat(new Capacity(2, 4096, Integer.MAX_VALUE, 1).limitedTo(0, 0, 0, 0).starting()).isEqualTo(1);
    }

    private static List<Request> requests(String provider, double... cpus) {
        List<Request> out = new ArrayList<>();
        for (double cpu : cpus) out.add(new Request(UUID.randomUUID(), provider, cpu, 256, null, 1, "", "default"));
        return out;
    }

    private static List<UUID> ids(List<Request> queue) {
        return queue.stream().map(Request::jobId).toList();
    }
}
