package dev.hodei.jobs;

import java.util.UUID;

/** One attempt of a job ended without a result that counts; {@code reason} is what the user reads. */
public record AttemptFailure(UUID jobId, int attempt, String reason) {}
