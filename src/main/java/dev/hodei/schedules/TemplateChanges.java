package dev.hodei.schedules;

import dev.hodei.routes.LifecycleRoutes;
import dev.hodei.templates.TemplateDeleted;
import dev.hodei.templates.TemplateStatusChanged;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/** What schedules do when their template changes: templates publish, schedules follow. */
@Component
public class TemplateChanges {

    private final ScheduleStore store;
    private final LifecycleRoutes routes;

    public TemplateChanges(ScheduleStore store, LifecycleRoutes routes) {
        this.store = store;
        this.routes = routes;
    }

    /** In the status change's own transaction: a re-activated template's schedules fire from now on, not for the time it was off. */
    @EventListener
    public void restartOnReactivation(TemplateStatusChanged change) {
        if (change.reactivated()) store.restartTemplateSchedules(change.templateId());
    }

    /** Once the change is committed, this instance's schedule routes follow it (the others at their next sync). */
    @TransactionalEventListener(classes = {TemplateStatusChanged.class, TemplateDeleted.class}, fallbackExecution = true)
    public void resyncRoutes() {
        routes.syncSchedules();
    }
}
