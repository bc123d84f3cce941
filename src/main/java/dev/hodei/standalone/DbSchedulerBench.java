package dev.hodei.standalone;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The reference beside our job cycle ({@code hodei bench --burst N --db-scheduler}): N no-op
 * one-time tasks of db-scheduler, in this JVM, on the same embedded PostgreSQL, scheduled first and
 * then executed by one scheduler (lock-and-fetch polling); reports tasks/s and CPU per 1,000.
 */
final class DbSchedulerBench {

    record Result(double seconds, ProcessCpu cpu) {}

    private DbSchedulerBench() {}

    static Result run(DataSource dataSource, int count, String dataDir) throws InterruptedException {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("DROP TABLE IF EXISTS scheduled_tasks");
        // db-scheduler's PostgreSQL table (its postgresql_tables.sql)
        jdbc.execute("""
                CREATE TABLE scheduled_tasks (
                  task_name text NOT NULL, task_instance text NOT NULL, task_data bytea,
                  execution_time timestamp with time zone NOT NULL, picked boolean NOT NULL, picked_by text,
                  last_success timestamp with time zone, last_failure timestamp with time zone,
                  consecutive_failures int, last_heartbeat timestamp with time zone, version bigint NOT NULL,
                  priority smallint, PRIMARY KEY (task_name, task_instance))""");
        jdbc.execute("CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)");
        jdbc.execute("CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
        jdbc.execute("CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)");
        CountDownLatch done = new CountDownLatch(count);
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> done.countDown());
        List<TaskInstance<?>> instances = new ArrayList<>();
        for (int i = 0; i < count; i++) instances.add(noop.instance("n" + i));
        SchedulerClient.Builder.create(dataSource, noop).build().scheduleBatch(instances, Instant.now());
        Scheduler scheduler = Scheduler.create(dataSource, noop).threads(10).pollingInterval(Duration.ofMillis(100))
                .pollUsingLockAndFetch(0.5, 1.0).build();
        ProcessCpu before = ProcessCpu.now(dataDir);
        long t0 = System.nanoTime();
        scheduler.start();
        try {
            if (!done.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("db-scheduler did not finish in 10 min");
            return new Result((System.nanoTime() - t0) / 1e9, ProcessCpu.now(dataDir).minus(before));
        } finally {
            scheduler.stop();
            jdbc.execute("DROP TABLE IF EXISTS scheduled_tasks");
        }
    }
}
