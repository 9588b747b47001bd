package io.leakguard.cleanup;

import javax.management.Notification;
import javax.management.NotificationFilter;

/** A notification filter of an application, which {@link DyingLoader}s define anew in engine tests. */
public final class ApplicationFilter implements NotificationFilter {

    @Override
    public boolean isNotificationEnabled(Notification notification) {
        return true;
    }
}
