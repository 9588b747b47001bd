package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import org.junit.jupiter.api.Test;

/**
 * A listener of the server's own classes counts too when the application's object is its filter or handback: the
 * registration then holds the application all the same. The fixture {@code jvm-registrations} shows a listener of the
 * application's own class leak and go on Tomcat ({@code JvmRegistrationsTest}).
 */
class NotificationListenersTest {

    /** A listener of a library on the server's class path, as a metrics library in {@code lib} would add. */
    static final class ServerListener implements NotificationListener {
        @Override
        public void handleNotification(Notification notification, Object handback) {
        }
    }

    @Test
    void aServerListenerRegisteredWithTheApplicationsFilterIsRemoved() throws Exception {
        DyingLoader dying = new DyingLoader();
        NotificationEmitter memory = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
        ServerListener listener = new ServerListener();
        memory.addNotificationListener(listener, (NotificationFilter) dying.newInstance(ApplicationFilter.class), null);
        try {
            List<Finding> findings = CleanupEngine.standard().clean(dying, "/dying", Policy.defaults()).findings()
                    .stream().filter(finding -> finding.kind().equals("NotificationListener")).toList();
            assertEquals(1, findings.size(), findings::toString);
            Finding finding = findings.get(0);
            assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
            assertTrue(finding.message().contains("notification listener " + ServerListener.class.getName()
                    + "@"), finding.message());
            assertTrue(finding.message().contains(" on MXBean(s) [java.lang:type=Memory]; held through "),
                    finding.message());
            assertTrue(finding.message().contains(".filter " + ApplicationFilter.class.getName() + "@"),
                    finding.message());
            // Still registered, this removes it, and the test fails.
            assertThrows(ListenerNotFoundException.class, () -> memory.removeNotificationListener(listener));
        } finally {
            try {
                memory.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // Removed, as it should have been.
            }
        }
    }
}
