package dev.hodei.agent;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Channels to the control plane: TLS, verifying the server's certificate (and that it names the
 * address dialled) against the CA the provider handed over; plaintext only to a loopback address,
 * so the one-time token never crosses a network in clear.
 */
final class ServerChannel {

    private ServerChannel() {}

    /**
     * Channels to the control plane's addresses in turn ({@code HODEI_SERVER_ADDRESS} may list
     * several, comma-separated: the replicas, or one load-balanced name): each call gives a
     * channel to the next, so an agent whose replica went away resumes its session on another.
     */
    static Supplier<ManagedChannel> factory(AgentConfig config) {
        List<String> targets = config.serverAddresses();
        if (targets.isEmpty()) throw new IllegalArgumentException("HODEI_SERVER_ADDRESS names no address");
        AtomicInteger next = new AtomicInteger();
        Supplier<String> target = () -> targets.get(Math.floorMod(next.getAndIncrement(), targets.size()));
        if (config.serverCa() == null) {
            for (String t : targets) {
                if (!isLoopback(t)) {
                    throw new IllegalArgumentException("HODEI_SERVER_ADDRESS " + t + " is beyond loopback but no CA "
                            + "is given to verify it (HODEI_SERVER_CA_FILE or HODEI_SERVER_CA); refusing plaintext");
                }
            }
            return () -> NettyChannelBuilder.forTarget(target.get()).usePlaintext().keepAliveTime(30, TimeUnit.SECONDS).build();
        }
        SslContext ssl;
        try {
            ssl = GrpcSslContexts.forClient()
                    .trustManager(new ByteArrayInputStream(config.serverCa().getBytes(StandardCharsets.US_ASCII)))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the server CA is not a PEM certificate (" + e.getMessage() + ")");
        }
        return () -> NettyChannelBuilder.forTarget(target.get()).sslContext(ssl).keepAliveTime(30, TimeUnit.SECONDS).build();
    }

    /** The TLS failure behind a failed call, if that is what it was: a wrong CA is not fixed by retrying. */
    static String tlsProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException || c instanceof CertificateException) {
                String m = c.getMessage();
                for (Throwable d = c.getCause(); d != null; d = d.getCause()) {
                    if (d.getMessage() != null) m = d.getMessage(); // the innermost says which check failed
                }
                return m == null ? c.getClass().getSimpleName() : m;
            }
        }
        return null;
    }

    /** {@code host:port} naming loopback: {@code localhost} or a loopback literal (names are not resolved here). */
    static boolean isLoopback(String target) {
        int colon = target.lastIndexOf(':');
        String host = (colon < 0 ? target : target.substring(0, colon)).replace("[", "").replace("]", "");
        if (host.equals("localhost")) return true;
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) return false;
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
