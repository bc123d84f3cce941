package dev.hodei.auth;

import dev.hodei.server.PageSize;
import dev.hodei.server.UnaryResponse;
import hodei.v1.AuditEntry;
import hodei.v1.AuditServiceGrpc;
import hodei.v1.ListAuditRequest;
import hodei.v1.ListAuditResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.springframework.stereotype.Component;

/** {@code hodei.v1.AuditService}, for admins. */
@Component
public class AuditApi extends AuditServiceGrpc.AuditServiceImplBase {

    private final AuditLog audit;

    public AuditApi(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void listAudit(ListAuditRequest request, StreamObserver<ListAuditResponse> response) {
        UnaryResponse.send(response, () -> {
            int size = PageSize.of(request.getPageSize());
            if (request.getBeforeId() < 0) {
                throw Status.INVALID_ARGUMENT.withDescription("before_id: must not be negative").asRuntimeException();
            }
            List<AuditEntry> page = audit.list(size + 1, request.getBeforeId());
            ListAuditResponse.Builder out = ListAuditResponse.newBuilder();
            page.stream().limit(size).forEach(out::addEntries);
            if (page.size() > size) out.setNextBeforeId(page.get(size - 1).getId());
            return out.build();
        });
    }
}
