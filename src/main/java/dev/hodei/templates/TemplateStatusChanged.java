package dev.hodei.templates;

import java.util.UUID;

/** A template's status changed ({@code ACTIVE}, {@code DISABLED}, {@code ARCHIVED}); published inside the change's transaction. */
public record TemplateStatusChanged(UUID templateId, String from, String to) {

    /** It is active again after being disabled or archived. */
    public boolean reactivated() {
        return to.equals("ACTIVE") && !from.equals("ACTIVE");
    }
}
