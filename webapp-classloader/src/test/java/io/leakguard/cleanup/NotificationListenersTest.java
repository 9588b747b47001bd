package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.junit.jupiter.api.Test;

/**
 * A listener of the server's own classes counts too when the application's object is its filter or handback: the
 * registration then holds the application all the same. Another application's listener is never taken off: not when
 * it holds this application's object, and not because the MBean server, which its registration leads to, lists this
 * application's MBeans. The fixture {@code jvm-registrations} shows a listener of the application's own class leak
 * and go on Tomcat ({@code JvmRegistrationsTest}).
 */
class NotificationListenersTest {

    /**
     * A listener of a library on the server's class path, as a metrics library in {@code lib} would add; it keeps the
     * memory MXBean, as one that reads the usage when told does.
     */
    static final class ServerListener implements NotificationListener {
        final Object memory = ManagementFactory.getMemoryMXBean();

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
            List<Finding> findings = Passes.findings(dying, "NotificationListener");
            assertEquals(1, findings.size(), findings::toString);
            Finding finding = findings.get(0);
            assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
            assertTrue(finding.message().contains("notification listener " + ServerListener.class.getName()
                    + "@"), finding.message());
            assertTrue(finding.message().contains(" on MXBean(s) [java.lang:type=Memory]; held through "),
                    finding.message());
            assertTrue(finding.message().contains("; held through filter " + ApplicationFilter.class.getName() + "@"),
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

    @Test
    void anotherApplicationsListenerThatHoldsThisOnesObjectIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        NotificationEmitter memory = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
        NotificationListener others = (NotificationListener) new DyingLoader().newInstance(ApplicationListener.class);
        others.getClass().getField("held").set(others, dying.newMarker());
        memory.addNotificationListener(others, null, null);
        try {
            List<Finding> findings = Passes.findings(dying, "NotificationListener");
            assertEquals(1, findings.size(), findings::toString);
            assertEquals(Outcome.WARNED, findings.get(0).outcome(), findings.get(0).message());
            assertEquals("another application's listener, filter or handback leads to this application, and that"
                    + " application would hear no more notifications; left in place", findings.get(0).action());
        } finally {
            // Throws if the listener was taken off, and the test fails.
            memory.removeNotificationListener(others);
        }
    }

    /**
     * One listener of the server's, registered twice: with the stopping application's filter, and with another
     * application's handback, which holds the stopping application's object. Only the first registration is this
     * application's to take off; the other application would hear no more notifications without the second.
     */
    @Test
    void aRegistrationWithAnotherApplicationsHandbackIsLeftWhileTheApplicationsGoes() throws Exception {
        DyingLoader dying = new DyingLoader();
        NotificationEmitter memory = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
        ServerListener listener = new ServerListener();
        NotificationFilter own = (NotificationFilter) dying.newInstance(ApplicationFilter.class);
        memory.addNotificationListener(listener, own, null);
        Object others = new DyingLoader().newInstance(ApplicationListener.class);
        others.getClass().getField("held").set(others, dying.newMarker());
        memory.addNotificationListener(listener, null, others);
        try {
            Finding finding = Passes.single(dying, "NotificationListener");
            assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
            assertEquals("removed with removeNotificationListener; 1 registration(s) of it left in place: another"
                    + " application's listener, filter or handback leads to this application, and that application"
                    + " would hear no more notifications", finding.action());
            assertThrows(ListenerNotFoundException.class, () -> memory.removeNotificationListener(listener, own, null));
        } finally {
            // Throws if the other application's registration was taken off, and the test fails.
            memory.removeNotificationListener(listener, null, others);
        }
    }

    /** What Tomcat registers for each application (its loader, its context) is in the MBean server until it is gone. */
    public interface HeldView {
        Object getHeld();
    }

    /** An MBean of the application's own class, which {@link DyingLoader}s define anew. */
    public static final class View implements HeldView {
        @Override
        public Object getHeld() {
            return null;
        }
    }

    @Test
    void anotherApplicationsListenerAddedThroughTheServerIsNotThisOnes() throws Exception {
        DyingLoader dying = new DyingLoader();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName held = new ObjectName("io.leakguard.test:type=Held");
        server.registerMBean(new StandardMBean((HeldView) dying.newInstance(View.class), HeldView.class), held);
        ObjectName collector = ManagementFactory.getGarbageCollectorMXBeans().get(0).getObjectName();
        // As a metrics library's listener keeps the server it reads from.
        NotificationListener others = (NotificationListener) new DyingLoader().newInstance(ApplicationListener.class);
        others.getClass().getField("held").set(others, server);
        server.addNotificationListener(collector, others, null, null);
        NotificationListener own = (NotificationListener) dying.newInstance(ApplicationListener.class);
        server.addNotificationListener(collector, own, null, null);
        try {
            // However far the walk may go: the server it leads to lists every registered MBean.
            List<Finding> findings = Passes.findings(dying, "NotificationListener",
                    Policy.defaults().with("walkMaxDepth", "30").with("walkMaxNodes", "1000000"));
            assertEquals(1, findings.size(), findings::toString);
            assertTrue(findings.get(0).message().contains("notification listener " + Describe.object(own) + " on"
                    + " MXBean(s) [" + collector.getCanonicalName() + "]; fixed: "), findings.get(0).message());
            assertThrows(ListenerNotFoundException.class, () -> server.removeNotificationListener(collector, own));
        } finally {
            server.unregisterMBean(held);
            // Throws if the listener was taken off, and the test fails.
            server.removeNotificationListener(collector, others);
        }
    }

    /** The bean's other listeners are no concern of this one's: the server's stays, the application's goes. */
    @Test
    void aServerListenerThatKeepsTheBeanIsNotTakenForTheApplicationsListenerOnIt() throws Exception {
        DyingLoader dying = new DyingLoader();
        NotificationEmitter memory = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
        ServerListener watch = new ServerListener();
        memory.addNotificationListener(watch, null, null);
        NotificationListener own = (NotificationListener) dying.newInstance(ApplicationListener.class);
        memory.addNotificationListener(own, null, null);
        try {
            List<Finding> findings = Passes.findings(dying, "NotificationListener");
            assertEquals(1, findings.size(), findings::toString);
            assertTrue(findings.get(0).message().contains("notification listener " + Describe.object(own)),
                    findings.get(0).message());
            assertThrows(ListenerNotFoundException.class, () -> memory.removeNotificationListener(own));
        } finally {
            // Throws if the server's listener was taken off, and the test fails.
            memory.removeNotificationListener(watch);
        }
    }
}
