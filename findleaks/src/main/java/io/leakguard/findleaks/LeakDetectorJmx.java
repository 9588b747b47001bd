package io.leakguard.findleaks;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Publishes a {@link LeakDetector} as {@code io.leakguard:type=LeakDetector}; the server listener registers it. */
public final class LeakDetectorJmx implements LeakDetectorMXBean {

    public static final String NAME = "io.leakguard:type=LeakDetector";

    private final LeakDetector detector;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    public LeakDetectorJmx(LeakDetector detector) {
        this.detector = detector;
        try {
            this.name = new ObjectName(NAME);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws IllegalStateException when another detector is registered already (two listeners in one JVM) */
    public void register() {
        try {
            server.registerMBean(this, name);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + NAME + ": " + e.getMessage(), e);
        }
    }

    public void unregister() {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister " + NAME + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String[] findLeaks() {
        return detector.findLeaks().stream()
                .map(leak -> leak.webapp() + " stopped " + leak.stopped() + ", " + leak.loadedClasses()
                        + " classes, held by " + leak.heldBy())
                .toArray(String[]::new);
    }

    @Override
    public String explain(String webapp) {
        try {
            return detector.explain(webapp).map(LeakPath::text)
                    .orElse(webapp + " is not held in memory: collected, never stopped, or about to go");
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Override
    public long getStoppedCount() {
        return detector.stoppedCount();
    }

    @Override
    public long getCollectedCount() {
        return detector.collectedCount();
    }

    @Override
    public int getLeakedCount() {
        return detector.leakedCount();
    }

    @Override
    public long getCheckCount() {
        return detector.checkCount();
    }
}
