import hodei.v1.Ack;
import hodei.v1.AgentMessage;
import hodei.v1.JobSpec;
import hodei.v1.Registered;
import hodei.v1.RunJob;
import hodei.v1.ServerMessage;
import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.okhttp.OkHttpServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The ceiling of Hodei's reusable agents on this machine: real agent processes (the agent jar, as
 * the process provider starts a pooled one) fed `true` jobs back to back by a stand-in control
 * plane that costs next to nothing (in memory: no database, no routes; a RunJob as soon as a result
 * is acknowledged). Round 1 warms the agents' JIT, round 2 is the figure: jobs/s, and CPU per 1,000
 * jobs of the agents (with their jobs' processes) and of this stand-in. No control plane can make
 * the agents go faster than this. docs/benchmarks.md:
 *
 * <pre>java -cp target/hodei-agent.jar scripts/AgentFloor.java 2000 4</pre>
 */
public class AgentFloor {

    private static final double TICKS = 100.0; // USER_HZ on Linux
    private static final String JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k"; // the process provider's

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int agents = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String jar = args.length > 2 ? args[2] : "target/hodei-agent.jar";
        StandIn standIn = new StandIn(2 * perRound, perRound);
        Server server = OkHttpServerBuilder.forPort(0, InsecureServerCredentials.create()).addService(standIn).build().start();
        Path root = Files.createTempDirectory("agent-floor");
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < agents; i++) {
                Path home = Files.createDirectory(root.resolve("agent-" + i));
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
                cmd.addAll(List.of(JVM_OPTIONS.split(" ")));
                cmd.addAll(List.of("-jar", Path.of(jar).toAbsolutePath().toString()));
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                        .redirectOutput(root.resolve("agent-" + i + ".log").toFile());
                pb.environment().put("HODEI_SERVER_ADDRESS", "127.0.0.1:" + server.getPort());
                pb.environment().put("HODEI_WORKER_ID", UUID.randomUUID().toString());
                pb.environment().put("HODEI_WORKER_MODE", "pooled");
                pb.environment().put("HODEI_OTP_SOURCE", "stdin");
                Process p = pb.start();
                p.getOutputStream().write("stand-in-token\n".getBytes(StandardCharsets.US_ASCII));
                p.getOutputStream().close();
                started.add(p);
            }
            standIn.registered.await();
            standIn.roundOne.await();
            double agentCpu0 = cpuSeconds(started);
            double selfCpu0 = selfCpuSeconds();
            long t0 = System.nanoTime();
            standIn.roundTwo.await();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double agentCpu = cpuSeconds(started) - agentCpu0;
            double selfCpu = selfCpuSeconds() - selfCpu0;
            System.out.printf("%d agents, %d `true` jobs back to back after %d to warm up: %.2f s, %.0f jobs/s; "
                            + "CPU per 1,000 jobs: agents and their jobs %.2f s, stand-in control plane %.2f s; %d cores%n",
                    agents, perRound, perRound, seconds, perRound / seconds, agentCpu * 1000 / perRound,
                    selfCpu * 1000 / perRound, Runtime.getRuntime().availableProcessors());
        } finally {
            for (Process p : started) p.destroy();
            for (Process p : started) p.waitFor();
            server.shutdownNow();
            try (Stream<Path> left = Files.walk(root)) {
                left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Registers every agent and gives each a job whenever it has none, until {@code total} were given. */
    private static final class StandIn extends WorkerAgentServiceGrpc.WorkerAgentServiceImplBase {
        private final int total;
        private final int firstRound;
        private final AtomicInteger given = new AtomicInteger();
        private final AtomicInteger ended = new AtomicInteger();
        final CountDownLatch registered;
        final CountDownLatch roundOne = new CountDownLatch(1);
        final CountDownLatch roundTwo = new CountDownLatch(1);

        StandIn(int total, int firstRound) {
            this.total = total;
            this.firstRound = firstRound;
            this.registered = new CountDownLatch(1);
        }

        @Override
        public StreamObserver<AgentMessage> connect(StreamObserver<ServerMessage> agent) {
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentMessage m) {
                    if (m.hasRegister()) {
                        agent.onNext(ServerMessage.newBuilder().setRegistered(Registered.newBuilder()
                                .setWorkerId(m.getRegister().getWorkerId()).setSessionToken(UUID.randomUUID().toString())
                                .setHeartbeatIntervalMs(2000)).build());
                        registered.countDown();
                        next(agent);
                    } else if (m.hasResult()) {
                        agent.onNext(ServerMessage.newBuilder().setResultAck(Ack.newBuilder()
                                .setJobId(m.getResult().getJobId()).setAttempt(m.getResult().getAttempt())).build());
                        int n = ended.incrementAndGet();
                        if (n == firstRound) roundOne.countDown();
                        if (n == total) roundTwo.countDown();
                        next(agent);
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    agent.onCompleted();
                }
            };
        }

        private void next(StreamObserver<ServerMessage> agent) {
            if (given.incrementAndGet() > total) return;
            agent.onNext(ServerMessage.newBuilder().setRunJob(RunJob.newBuilder().setJobId(UUID.randomUUID().toString())
                    .setAttempt(1).setRunTimeoutSeconds(60).setSpec(JobSpec.newBuilder().setShell("true"))).build());
        }
    }

    /** utime + stime of the processes and of their reaped children (the jobs), from /proc. */
    private static double cpuSeconds(List<Process> processes) throws Exception {
        double sum = 0;
        for (Process p : processes) sum += cpu(Path.of("/proc", Long.toString(p.pid()), "stat"));
        return sum;
    }

    private static double selfCpuSeconds() throws Exception {
        return cpu(Path.of("/proc/self/stat"));
    }

    private static double cpu(Path stat) throws Exception {
        String line = Files.readString(stat, StandardCharsets.US_ASCII);
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        // fields 14-17 of the line; f[0] is field 3
        return (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS;
    }
}
