package io.leakguard.cleanup;

import javax.management.Notification;
import javax.management.NotificationListener;

/**
 * A notification listener of an application, which {@link DyingLoader}s define anew in engine tests; it may hold
 * anything, as one that forwards to a callback holds the callback.
 */
public final class ApplicationListener implements NotificationListener {

    public Object held;

    @Override
    public void handleNotification(Notification notification, Object handback) {
    }
}
