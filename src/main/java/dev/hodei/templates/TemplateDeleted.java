package dev.hodei.templates;

import java.util.UUID;

/** A template was deleted, with its versions and (by cascade) its schedules. */
public record TemplateDeleted(UUID templateId) {}
