package dev.hodei.server;

import io.grpc.Status;

/** The {@code page_size} of every list RPC: 1..500, 0 = 50. */
public final class PageSize {

    public static final int DEFAULT = 50;
    public static final int MAX = 500;

    private PageSize() {}

    /** @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT outside 0..500 */
    public static int of(int requested) {
        if (requested < 0 || requested > MAX) {
            throw Status.INVALID_ARGUMENT.withDescription("page_size: must be between 1 and " + MAX).asRuntimeException();
        }
        return requested == 0 ? DEFAULT : requested;
    }
}
