package dev.hodei.standalone;

import dev.hodei.cli.JobOutput;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobServiceGrpc;
import hodei.v1.JobSpec;
import hodei.v1.SubmitJobRequest;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(footerHeading = "%nExamples:%n", footer = {"  hodei demo", "  # The sample jobs in Docker containers", "  hodei demo -p docker"},
        name = "demo", description = "Start a control plane on the embedded defaults, run sample jobs, "
        + "stream their output, print a summary, shut down.")
class DemoCommand implements Callable<Integer> {

    static final int BIG_LINES = 20_000;
    static final int SHOWN_LINES = 5;

    @Option(names = "--home", description = "Data folder (default ~/.hodei/demo)")
    Path home = Path.of(System.getProperty("user.home"), ".hodei", "demo");

    @Option(names = {"-p", "--provider"}, defaultValue = "process", description = "Provider for the sample jobs")
    String provider;

    record Sample(String name, String shell, String expectedState, int expectedExit, long expectedLines) {}

    static List<Sample> samples() {
        return List.of(
                new Sample("hello", "echo \"Hello from Hodei Jobs, $(uname -sm)\"; echo 'a line on stderr' >&2",
                        "SUCCEEDED", 0, 2),
                new Sample("pipes-and-quotes", "printf 'alpha beta\\ngamma \"delta\"\\n' | wc -w | sed 's/^/words: /'",
                        "SUCCEEDED", 0, 1),
                new Sample("fails-with-3", "echo 'about to fail' >&2; exit 3", "FAILED", 3, 1),
                new Sample("lots-of-output", "i=1; while [ $i -le " + BIG_LINES + " ]; do echo \"line $i of "
                        + BIG_LINES + "\"; i=$((i+1)); done", "SUCCEEDED", 0, BIG_LINES));
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        System.out.println("Starting the control plane (embedded PostgreSQL in " + home + ") ...");
        try (LocalControlPlane server = new LocalControlPlane(home, List.of())) {
            System.out.printf("Control plane up on %s in %.1fs; submitting %d jobs on provider '%s'%n%n",
                    server.address(), (System.nanoTime() - t0) / 1e9, samples().size(), provider);
            ManagedChannel channel = server.channel();
            try {
                JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(channel);
                // One after the other, each on a fresh worker: on a small machine four agents
                // starting at once would each take four times as long as one.
                boolean allAsExpected = true;
                List<String[]> table = new ArrayList<>();
                for (Sample s : samples()) {
                    Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder()
                            .setName(s.name()).setShell(s.shell()).setProvider(provider)
                            .putLabels("demo", "true")).build()).getJob();
                    String[] row = follow(jobs, job.getId(), s);
                    table.add(row);
                    allAsExpected &= row[6].equals("yes");
                }
                System.out.printf("%n%-18s %-10s %4s %8s %9s  %-36s %s%n",
                        "JOB", "STATE", "EXIT", "LINES", "TOOK", "ID", "AS EXPECTED");
                for (String[] r : table) {
                    System.out.printf("%-18s %-10s %4s %8s %9s  %-36s %s%n", (Object[]) r);
                }
                System.out.printf("%nDemo finished in %.1fs; shutting down.%n", (System.nanoTime() - t0) / 1e9);
                return allAsExpected ? 0 : 1;
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static String[] follow(JobServiceGrpc.JobServiceBlockingStub jobs, String id, Sample sample) {
        LinePrinter out = new LinePrinter(sample.name(), false);
        LinePrinter err = new LinePrinter(sample.name(), true);
        JobOutput.stream(jobs, id, 1, true, out, err);
        out.finish();
        err.finish();
        Job job = jobs.getJob(GetJobRequest.newBuilder().setId(id).build());
        long lines = out.lines + err.lines;
        String state = JobOutput.state(job.getState());
        boolean expected = state.equals(sample.expectedState())
                && job.hasExitCode() && job.getExitCode() == sample.expectedExit()
                && lines == sample.expectedLines() && out.inOrder;
        return new String[] {sample.name(), state, job.hasExitCode() ? "" + job.getExitCode() : "-",
                "" + lines, JobOutput.duration(job), id, expected ? "yes" : "NO"};
    }

    /** Prints a job's output line by line with its name; long outputs are counted, and checked for order. */
    private static final class LinePrinter extends OutputStream {
        private final String name;
        private final boolean stderr;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        long lines;
        boolean inOrder = true;

        LinePrinter(String name, boolean stderr) {
            this.name = name;
            this.stderr = stderr;
        }

        @Override
        public void write(int b) {
            if (b != '\n') {
                partial.write(b);
                return;
            }
            String line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            lines++;
            // "line N of M" outputs must arrive complete and in order
            if (line.startsWith("line ") && !line.startsWith("line " + lines + " ")) inOrder = false;
            if (lines <= SHOWN_LINES) {
                System.out.printf("[%s%s] %s%n", name, stderr ? " stderr" : "", line);
            } else if (lines == SHOWN_LINES + 1) {
                System.out.printf("[%s] ... (further lines counted, not shown)%n", name);
            }
        }

        void finish() {
            if (partial.size() > 0) write('\n');
        }
    }
}
