package dev.hodei.testing;

import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What finished jobs' times and events say about how they ran together. */
public final class Timelines {

    private Timelines() {}

    /** The most jobs that were RUNNING at the same moment. */
    public static int mostAtOnce(List<Job> jobs) {
        TreeMap<Instant, Integer> changes = new TreeMap<>();
        for (Job j : jobs) {
            changes.merge(instant(j.getStartedAt()), 1, Integer::sum);
            changes.merge(instant(j.getFinishedAt()), -1, Integer::sum);
        }
        return peak(changes);
    }

    /**
     * The most jobs that were starting at the same moment: claimed (ASSIGNED) and not yet taken by
     * their agent (RUNNING), or ended first. {@code events}: each job's events, in order.
     */
    public static int mostStartingAtOnce(List<List<JobEvent>> events) {
        TreeMap<Instant, Integer> changes = new TreeMap<>();
        for (List<JobEvent> job : events) {
            Instant claimed = null;
            for (JobEvent e : job) {
                if (e.getToState() == JobState.JOB_STATE_ASSIGNED) {
                    claimed = instant(e.getTime());
                } else if (claimed != null && e.getToState() != JobState.JOB_STATE_PROVISIONING) {
                    changes.merge(claimed, 1, Integer::sum);
                    changes.merge(instant(e.getTime()), -1, Integer::sum);
                    claimed = null;
                }
            }
            if (claimed != null) throw new AssertionError("a job still starting: " + job);
        }
        return peak(changes);
    }

    /** The highest running sum of {@code changes}, in time order. */
    private static int peak(TreeMap<Instant, Integer> changes) {
        int now = 0;
        int most = 0;
        for (Map.Entry<Instant, Integer> c : changes.entrySet()) {
            now += c.getValue();
            most = Math.max(most, now);
        }
        return most;
    }

    /** True when each job started only after the one before it in the list had finished. */
    public static boolean oneAfterAnother(List<Job> jobs) {
        for (int i = 1; i < jobs.size(); i++) {
            if (instant(jobs.get(i).getStartedAt()).isBefore(instant(jobs.get(i - 1).getFinishedAt()))) return false;
        }
        return true;
    }

    public static Instant instant(com.google.protobuf.Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
