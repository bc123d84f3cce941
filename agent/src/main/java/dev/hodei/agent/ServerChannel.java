package dev.hodei.agent;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.okhttp.OkHttpChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Channels to the control plane: TLS, verifying the server's certificate (and that it names the
 * address dialled) against the CA the provider handed over; plaintext only to a loopback address,
 * so the one-time token never crosses a network in clear. The transport is OkHttp's, not Netty's:
 * an agent is a short-lived process, and OkHttp's far fewer classes are most of what its start costs
 * (docs/decisions.md).
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
            return () -> channel(target.get(), InsecureChannelCredentials.create());
        }
        ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(trustOnly(config.serverCa())).build();
        return () -> channel(target.get(), tls);
    }

    static ManagedChannel channel(String target, ChannelCredentials credentials) {
        // OkHttp verifies that the certificate names the host dialled (its OkHostnameVerifier)
        return OkHttpChannelBuilder.forTarget(target, credentials).keepAliveTime(30, TimeUnit.SECONDS).build();
    }

    /** Trust managers that trust the given PEM certificates and nothing else (not the JDK's CAs). */
    private static TrustManager[] trustOnly(String pem) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certificates.isEmpty()) throw new CertificateException("no certificate in it");
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) store.setCertificateEntry("ca-" + i++, c);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the server CA is not a PEM certificate (" + e.getMessage() + ")");
        }
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
