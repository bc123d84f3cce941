package dev.hodei.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Every {@code hodei.*} setting of the control plane; defaults are the embedded, single-machine setup. */
@ConfigurationProperties("hodei")
public record HodeiProperties(
        @DefaultValue("${user.home}/.hodei") Path home,
        @DefaultValue Grpc grpc,
        @DefaultValue Jobs jobs,
        @DefaultValue Workers workers,
        @DefaultValue Providers providers,
        @DefaultValue Secrets secrets,
        @DefaultValue Schedules schedules,
        @DefaultValue Hawtio hawtio,
        @DefaultValue Http http,
        @DefaultValue Capacity capacity,
        @DefaultValue Replicas replicas,
        Map<String, Pool> pools) {

    public Map<String, Pool> pools() {
        return pools == null ? Map.of() : pools;
    }

    /**
     * A warm pool ({@code hodei.pools.<name>}): workers of {@code provider} (default: the pool's
     * name) started before any job, each still used for one job and destroyed after it. At least
     * {@code minIdle} wait at all times; after jobs took some, up to {@code maxIdle} (default
     * {@code minIdle}) are kept, and those beyond {@code minIdle} idle for {@code idleTimeout} are
     * retired. {@code image} ({@code ""}: the provider's default), {@code cpu} and {@code memoryMb}
     * (0: the default request) are what each worker starts with; a job takes one only if it names
     * the same image and asks for no more. {@code namespace}: only that namespace's jobs take the
     * pool's workers ({@code ""}: any). {@code reuseJobs} above 1 makes the pool's workers reusable
     * (trusted work only; needs {@code namespace}): each runs up to that many jobs in turn, each in
     * a fresh workspace and environment, and is destroyed after its last or once it is older than
     * {@code reuseFor}.
     */
    public record Pool(String provider,
                       @DefaultValue("") String image,
                       @DefaultValue("0") int minIdle,
                       @DefaultValue("0") int maxIdle,
                       @DefaultValue("5m") Duration idleTimeout,
                       @DefaultValue("0") double cpu,
                       @DefaultValue("0") long memoryMb,
                       @DefaultValue("") String namespace,
                       @DefaultValue("1") int reuseJobs,
                       @DefaultValue("10m") Duration reuseFor) {}

    /**
     * Admission: a job is claimed only when what it asks for ({@code cpu}, {@code memory_mb}, or
     * {@code defaultCpu} / {@code defaultMemoryMb} when it names none) fits its provider's free
     * capacity. {@code providers}: per provider name, limits that narrow what the provider reports
     * (process: this machine; docker: the engine's host; others: unlimited); 0 keeps its figure.
     */
    public record Capacity(@DefaultValue("1") double defaultCpu,
                           @DefaultValue("256") long defaultMemoryMb,
                           Map<String, Limit> providers,
                           // by concurrency key: the limit of jobs naming it, whatever they ask
                           Map<String, Integer> concurrencyLimits) {
        public Map<String, Limit> providers() {
            return providers == null ? Map.of() : providers;
        }

        public Map<String, Integer> concurrencyLimits() {
            return concurrencyLimits == null ? Map.of() : concurrencyLimits;
        }
    }

    /** A provider's capacity narrowed; 0 keeps the provider's figure. {@code starting}: workers starting at once. */
    public record Limit(@DefaultValue("0") double cpu, @DefaultValue("0") long memoryMb, @DefaultValue("0") int workers,
                        @DefaultValue("0") int starting) {}

    /**
     * The operator console. {@code authentication}: login in front of Hawtio and Jolokia (only the
     * {@code dev} profile turns it off). {@code jolokiaPolicy}: a Jolokia access policy file; empty =
     * the built-in read-only one. {@code failedLoginLimit} failed logins from one address within
     * {@code failedLoginWindow}, and that address is refused (429) until the window has passed.
     */
    public record Hawtio(@DefaultValue("true") boolean authentication,
                         @DefaultValue("") String jolokiaPolicy,
                         @DefaultValue("5") int failedLoginLimit,
                         @DefaultValue("1m") Duration failedLoginWindow) {}

    /** {@code anonymousPrometheus}: let {@code /actuator/prometheus} answer without a login. */
    public record Http(@DefaultValue("false") boolean anonymousPrometheus) {}

    /** {@code key}: base64 of a 256-bit AES key; empty = {@code <home>/secrets.key}, created on first use. */
    public record Secrets(@DefaultValue("") String key) {}

    /**
     * {@code syncIntervalMs}: how often each control plane brings its cron routes in line with the
     * {@code schedules} table (changes made through this instance apply at once).
     */
    public record Schedules(@DefaultValue("5000") long syncIntervalMs) {}

    /**
     * {@code address}: where gRPC listens; loopback unless set, and any other address requires
     * {@code tls}. {@code maxInboundMessageBytes}: largest request a client or agent may send.
     */
    public record Grpc(@DefaultValue("127.0.0.1") String address,
                       @DefaultValue("50051") int port,
                       @DefaultValue("4194304") int maxInboundMessageBytes,
                       @DefaultValue Tls tls) {}

    /**
     * PEM files. {@code certFile}/{@code keyFile}: the server's certificate chain and key (both or
     * neither). {@code caFile}: what agents and clients trust to verify it (empty = the certificate
     * itself). {@code clientCaFile}: when set, clients must present a certificate it signed (mTLS).
     */
    public record Tls(@DefaultValue("") String certFile,
                      @DefaultValue("") String keyFile,
                      @DefaultValue("") String caFile,
                      @DefaultValue("") String clientCaFile) {

        public boolean enabled() {
            return !certFile.isBlank();
        }

        /** The PEM file agents are handed to verify the server; empty when TLS is off. */
        public String trustFile() {
            return !enabled() ? "" : caFile.isBlank() ? certFile : caFile;
        }
    }

    public record Jobs(
            @DefaultValue("process") String defaultProvider,
            @DefaultValue("1h") Duration defaultRunTimeout,
            @DefaultValue("7d") Duration maxRunTimeout,
            @DefaultValue("3") int defaultMaxAttempts,
            @DefaultValue("10") int maxAttemptsLimit,
            @DefaultValue("256") int maxEnvEntries,
            @DefaultValue("65536") int maxEnvBytes,
            @DefaultValue("1048576") int maxCommandBytes,
            @DefaultValue("500") long pollIntervalMs,
            @DefaultValue("16") int claimBatchSize,
            // Output kept per job; beyond it a truncation marker is stored and the rest dropped.
            @DefaultValue("268435456") long maxLogBytes,
            @DefaultValue("2s") Duration retryBackoff,
            @DefaultValue("60s") Duration retryBackoffCap,
            // Largest queue_timeout_seconds a job may ask for.
            @DefaultValue("30d") Duration maxQueueTimeout,
            // Largest retry_backoff_ms / retry_backoff_max_ms a job may ask for.
            @DefaultValue("1h") Duration maxRetryBackoff,
            // Most requests in one SubmitJobs call.
            @DefaultValue("1000") int maxBatchSize,
            // Streams following a job (WatchJob, StreamLogs) open at once, each holding a thread:
            // on this server, and for one caller.
            @DefaultValue("1024") int maxFollowStreams,
            @DefaultValue("64") int maxFollowStreamsPerCaller) {}

    public record Workers(
            @DefaultValue("2s") Duration heartbeatInterval,
            @DefaultValue("20s") Duration lostAfter,
            @DefaultValue("60s") Duration startDeadline,
            @DefaultValue("5m") Duration otpTtl,
            @DefaultValue("60000") long gcIntervalMs,
            // How long an agent keeps trying to reach a control plane that went away.
            @DefaultValue("5m") Duration agentReconnectWindow,
            // An agent stream that has not registered by then is closed.
            @DefaultValue("10s") Duration registerTimeout,
            // Failed registrations a peer address may make per window; beyond, it is refused at once.
            @DefaultValue("10") int maxFailedRegistrations,
            @DefaultValue("1m") Duration failedRegistrationsWindow,
            // How often warm pools are topped up and shrunk (a job taking a warm worker also tops up at once).
            @DefaultValue("1000") long poolIntervalMs) {}

    /**
     * Several control planes on one database: each registers as a replica and heartbeats every
     * {@code heartbeatInterval}; one silent for {@code deadAfter} is dead, and its agents are given
     * {@code hodei.workers.lost-after} from then to reconnect to another. {@code name}: shown to
     * operators ({@code ""}: host name and process id).
     */
    public record Replicas(@DefaultValue("") String name,
                           @DefaultValue("2s") Duration heartbeatInterval,
                           @DefaultValue("10s") Duration deadAfter) {}

    public record Providers(@DefaultValue Process process, @DefaultValue Docker docker,
                            @DefaultValue Kubernetes kubernetes) {}

    public record Kubernetes(
            @DefaultValue("false") boolean enabled,
            // API server URL; empty = kubeconfig / in-cluster discovery (fabric8 auto-configuration).
            @DefaultValue("") String masterUrl,
            // A kubeconfig file; empty = $KUBECONFIG or ~/.kube/config, or the in-cluster service account.
            @DefaultValue("") String kubeconfig,
            @DefaultValue("hodei-workers") String namespace,
            @DefaultValue("hodei-agent:latest") String image,
            // Address agents in pods dial (a Service of the control plane); required when enabled.
            @DefaultValue("") String serverAddress,
            @DefaultValue("") String serviceAccount,
            @DefaultValue("") String imagePullSecret,
            @DefaultValue("IfNotPresent") String imagePullPolicy,
            Map<String, String> nodeSelector,
            List<Toleration> tolerations,
            // The non-root uid (and gid) worker containers run as.
            @DefaultValue("65534") long runAsUser,
            // Requests and limits of jobs that name no cpu / memory_mb (Kubernetes quantities).
            @DefaultValue("1") String defaultCpu,
            @DefaultValue("1Gi") String defaultMemory) {

        public Map<String, String> nodeSelector() {
            return nodeSelector == null ? Map.of() : nodeSelector;
        }

        public List<Toleration> tolerations() {
            return tolerations == null ? List.of() : tolerations;
        }
    }

    public record Toleration(String key, @DefaultValue("Equal") String operator, String value, String effect) {}

    public record Docker(
            @DefaultValue("true") boolean enabled,
            // Docker Engine endpoint; empty = DOCKER_HOST, else unix:///var/run/docker.sock.
            @DefaultValue("") String host,
            // Image of jobs that name none; it must contain the agent (built from agent/Dockerfile).
            @DefaultValue("hodei-agent:latest") String image,
            // Address the agents in containers dial; empty = 127.0.0.1:<gRPC port> (host networking).
            @DefaultValue("") String serverAddress,
            @DefaultValue("host") String networkMode,
            // uid:gid worker containers run as; empty = the image's own USER.
            @DefaultValue("65534:65534") String user,
            @DefaultValue("1024") long pidsLimit,
            // Memory limit of jobs that name no memory_mb.
            @DefaultValue("2048") long defaultMemoryMb,
            // Read-only root file system, with a tmpfs on /tmp and the working directory.
            @DefaultValue("false") boolean readOnlyRootfs) {}

    public record Process(
            // The agent jar; empty = hodei-agent.jar next to the server jar, or target/hodei-agent.jar.
            @DefaultValue("") String agentJar,
            // Address the agent dials; empty = 127.0.0.1:<gRPC port>.
            @DefaultValue("") String serverAddress,
            @DefaultValue("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xshare:auto -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0") String jvmOptions,
            // Unset = offered while gRPC listens on loopback only; true/false decides either way.
            Boolean enabled,
            // The user local jobs run as (the server must be root); empty = the server's own user.
            @DefaultValue("") String runAsUser) {}
}
