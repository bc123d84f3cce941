package dev.hodei.providers;

import java.util.UUID;

/** A resource found in a provider by its {@code hodei.*} labels. */
public record ManagedResource(String resourceId, UUID workerId) {}
