package dev.hodei.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.stereotype.Component;

/**
 * This control plane's gRPC endpoint as its settings and the bound port describe it: what
 * providers hand the agents they start, without depending on the server that binds it.
 * {@link GrpcServer} records the port once bound, which differs from {@code hodei.grpc.port}
 * when that is 0 (ephemeral, as in tests).
 */
@Component
public class GrpcEndpoint {

    private final HodeiProperties.Grpc grpc;
    private volatile int boundPort;

    public GrpcEndpoint(HodeiProperties props) {
        this.grpc = props.grpc();
    }

    /** {@code 127.0.0.1:<port bound>}: where agents on this machine dial. */
    public String loopbackAddress() {
        int port = boundPort;
        if (port == 0) throw new IllegalStateException("gRPC server is not running");
        return "127.0.0.1:" + port;
    }

    /** Whether the port is reachable from other machines (then TLS is on and local workers are restricted). */
    public boolean beyondLoopback() {
        return !listenAddress().isLoopbackAddress();
    }

    /** The PEM file agents verify this server with; empty when it speaks plaintext. */
    public String trustFile() {
        return grpc.tls().trustFile();
    }

    /** Loopback unless configured; anything else only with a certificate. */
    InetAddress listenAddress() {
        InetAddress address;
        try {
            address = InetAddress.getByName(grpc.address());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("hodei.grpc.address: cannot resolve '" + grpc.address() + "'", e);
        }
        if (!address.isLoopbackAddress() && !grpc.tls().enabled()) {
            throw new IllegalStateException("hodei.grpc.address is " + grpc.address() + ", beyond loopback, but TLS is "
                    + "not configured: set hodei.grpc.tls.cert-file and hodei.grpc.tls.key-file (PEM). For a first "
                    + "deployment, 'hodei tls init --host <name>' makes a CA and a server certificate.");
        }
        return address;
    }

    void bound(int port) {
        boundPort = port;
    }
}
