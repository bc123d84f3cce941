package dev.hodei.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition the system reaches asynchronously; fails with {@code what} if it never does. */
public final class Eventually {

    private Eventually() {}

    public static void within(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + limit + ": " + what);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
