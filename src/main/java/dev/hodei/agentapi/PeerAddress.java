package dev.hodei.agentapi;

import hodei.v1.WorkerAgentServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.springframework.stereotype.Component;

/** Makes an agent call's peer address (without port) current, for the registration throttle. */
@Component
class PeerAddress implements ServerInterceptor {

    static final Context.Key<String> KEY = Context.key("hodei-agent-peer");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        if (!WorkerAgentServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String peer = of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        return Contexts.interceptCall(Context.current().withValue(KEY, peer), call, headers, next);
    }

    static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    /** The current call's peer; "unknown" outside one (all such calls then share one budget). */
    static String current() {
        String peer = KEY.get();
        return peer == null ? "unknown" : peer;
    }
}
