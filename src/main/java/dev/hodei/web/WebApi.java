package dev.hodei.web;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.hodei.auth.ApiAuthentication;
import dev.hodei.server.GrpcServer;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The dashboard's way into the API: the same gRPC services, behind the same interceptors (token
 * check, {@code RpcPermissions}, namespace checks, audit), on an in-process server only this JVM
 * can reach. The browser's JSON is the request message's proto JSON; the answer is the response's.
 * So the dashboard can do exactly what its token could do with the CLI, and nothing more.
 */
@Component
public class WebApi implements SmartLifecycle {

    /** The RPCs the dashboard may call; tokens, audit and template editing stay with the CLI. */
    static final Set<String> METHODS = Set.of(
            "hodei.v1.JobService/GetJob", "hodei.v1.JobService/ListJobs", "hodei.v1.JobService/SubmitJob",
            "hodei.v1.JobService/CancelJob", "hodei.v1.JobService/GetQueue", "hodei.v1.JobService/StreamLogs",
            "hodei.v1.JobService/WatchJob",
            "hodei.v1.TemplateService/GetTemplate", "hodei.v1.TemplateService/ListTemplates",
            "hodei.v1.TemplateService/RunTemplate", "hodei.v1.TemplateService/RetryRun",
            "hodei.v1.TemplateService/ListRuns", "hodei.v1.TemplateService/ListSchedules",
            "hodei.v1.TemplateService/GetSchedule", "hodei.v1.TemplateService/SetScheduleEnabled",
            "hodei.v1.TemplateService/RunScheduleNow", "hodei.v1.TemplateService/NextFireTimes",
            "hodei.v1.TokenService/WhoAmI");

    private static final long UNARY_DEADLINE_SECONDS = 30;

    private final ObjectProvider<BindableService> services;
    private final ObjectProvider<ServerInterceptor> interceptors;
    private final Map<String, MethodDescriptor<Message, Message>> methods = new HashMap<>();
    private final JsonFormat.Parser parser = JsonFormat.parser();
    private final JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    private volatile Server server;
    private volatile ManagedChannel channel;

    public WebApi(ObjectProvider<BindableService> services, ObjectProvider<ServerInterceptor> interceptors) {
        this.services = services;
        this.interceptors = interceptors;
    }

    /** The JSON of an RPC's answer, or a {@link io.grpc.StatusRuntimeException} as the API gave it. */
    public String unary(String method, String json, WebCaller caller, String peer) {
        MethodDescriptor<Message, Message> md = method(method, MethodDescriptor.MethodType.UNARY);
        Message answer = ClientCalls.blockingUnaryCall(channel(caller, peer), md,
                CallOptions.DEFAULT.withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS), request(md, json));
        return print(answer);
    }

    /** Starts a server-streaming RPC; each message reaches {@code out} as JSON. Cancel the returned call to stop. */
    public ClientCall<Message, Message> stream(String method, String json, WebCaller caller, String peer,
                                               StreamObserver<String> out) {
        MethodDescriptor<Message, Message> md = method(method, MethodDescriptor.MethodType.SERVER_STREAMING);
        Message request = request(md, json);
        ClientCall<Message, Message> call = channel(caller, peer).newCall(md, CallOptions.DEFAULT);
        ClientCalls.asyncServerStreamingCall(call, request, new StreamObserver<>() {
            @Override
            public void onNext(Message m) {
                out.onNext(print(m));
            }

            @Override
            public void onError(Throwable t) {
                out.onError(t);
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        });
        return call;
    }

    private MethodDescriptor<Message, Message> method(String name, MethodDescriptor.MethodType type) {
        MethodDescriptor<Message, Message> md = METHODS.contains(name) ? methods.get(name) : null;
        if (md == null || md.getType() != type) {
            throw Status.NOT_FOUND.withDescription("method: the dashboard offers no " + (type == MethodDescriptor.MethodType.UNARY
                    ? "call" : "stream") + " named " + name).asRuntimeException();
        }
        return md;
    }

    private Message request(MethodDescriptor<Message, Message> md, String json) {
        Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) md.getRequestMarshaller()).getMessagePrototype();
        Message.Builder b = prototype.newBuilderForType();
        try {
            if (json != null && !json.isBlank()) parser.merge(json, b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw Status.INVALID_ARGUMENT.withDescription("request: not a " + prototype.getDescriptorForType().getName()
                    + " in proto JSON (" + e.getMessage() + ")").asRuntimeException();
        }
        return b.build();
    }

    private String print(Message m) {
        try {
            return printer.print(m);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private Channel channel(WebCaller caller, String peer) {
        ManagedChannel c = channel;
        if (c == null) throw Status.UNAVAILABLE.withDescription("the server is stopping").asRuntimeException();
        Metadata headers = new Metadata();
        headers.put(ApiAuthentication.AUTHORIZATION, "Bearer " + caller.secret());
        headers.put(ApiAuthentication.WEB_PEER, peer);
        return ClientInterceptors.intercept(c, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void start() {
        String name = "hodei-web-" + UUID.randomUUID();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        Set<String> offered = new java.util.HashSet<>();
        METHODS.forEach(m -> offered.add(m.substring(0, m.indexOf('/'))));
        services.orderedStream().map(BindableService::bindService)
                .filter(s -> offered.contains(s.getServiceDescriptor().getName()))
                .forEach(s -> {
                    builder.addService(s);
                    s.getMethods().forEach(m -> methods.put(m.getMethodDescriptor().getFullMethodName(),
                            (MethodDescriptor<Message, Message>) m.getMethodDescriptor()));
                });
        GrpcServer.interceptInOrder(builder, interceptors);
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @Override
    public void stop() {
        ManagedChannel c = channel;
        Server s = server;
        channel = null;
        server = null;
        if (c != null) c.shutdownNow();
        if (s != null) s.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}
