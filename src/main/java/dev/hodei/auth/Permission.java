package dev.hodei.auth;

/** What a call needs; each {@link Role} grants a set of these. */
public enum Permission {
    /** Jobs, logs, events, templates, runs, schedules. */
    READ,
    /** Submit and cancel jobs, run and retry templates. */
    SUBMIT,
    /** Create, change and delete templates and schedules; run a schedule now. */
    MANAGE,
    /** Tokens and the audit log. */
    ADMIN
}
